/**
 * Kalshi fails while the service runs: the breaker opens, the aggregate keeps answering from what
 * the process holds and says so (CACHED, L1, age growing, reliability lowered), the transition is
 * audited and published, and after the outage the breaker closes through a trial call.
 */
import Database from 'better-sqlite3';
import { createClient as createWsClient } from 'graphql-ws';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import WebSocket from 'ws';
import { CurrentAggregateDocument } from '../generated/graphql.js';
import { graphqlRequest, startService, type RunningService } from '../support/service.js';

describe('Kalshi outage', () => {
  let service: RunningService;

  beforeAll(async () => {
    service = await startService({ CB_RESET_TIMEOUT_MS: '400', CB_VOLUME_THRESHOLD: '2', KALSHI_POLL_INTERVAL_MS: '50', CB_TIMEOUT_MS: '3000' });
  });
  afterAll(async () => {
    await service?.stop();
  });

  it('opens the breaker, serves cached markets honestly, and recovers through a trial', { timeout: 40_000 }, async () => {
    const before = await graphqlRequest(service.url, CurrentAggregateDocument);
    const liveMarkets = before.body.data!.aggregate.markets;
    expect(liveMarkets.length).toBeGreaterThanOrEqual(20);

    const ws = createWsClient({ url: service.url.replace(/^http/, 'ws'), webSocketImpl: WebSocket, retryAttempts: 0 });
    const changes: Array<{ breaker: string; availability: string }> = [];
    const streamsBefore = service.app.pubsub.openStreams;
    const unsubscribe = ws.subscribe<{ sourceStatusChanged: { source: string; breaker: string; availability: string } }>(
      { query: 'subscription { sourceStatusChanged { source breaker availability } }' },
      {
        next: (r) => r.data && r.data.sourceStatusChanged.source === 'KALSHI' && changes.push(r.data.sourceStatusChanged),
        error: () => undefined,
        complete: () => undefined,
      },
    );

    await vi.waitFor(() => expect(service.app.pubsub.openStreams).toBeGreaterThan(streamsBefore), { timeout: 5000 });
    service.app.simulators.kalshi!.injectFault({ kind: 'status', status: 503 });
    await vi.waitFor(
      async () => {
        const { body } = await graphqlRequest(service.url, CurrentAggregateDocument);
        const kalshi = body.data!.aggregate.components.find((c) => c.source === 'KALSHI')!;
        expect(kalshi.breaker).toBe('OPEN');
      },
      { timeout: 10_000, interval: 50 },
    );

    const { body } = await graphqlRequest(service.url, CurrentAggregateDocument);
    const aggregate = body.data!.aggregate;
    const kalshi = aggregate.components.find((c) => c.source === 'KALSHI')!;
    expect(kalshi.availability).toBe('CACHED');
    expect(kalshi.lastError).toMatch(/HTTP 503/);
    expect(kalshi.consecutiveFailures).toBeGreaterThanOrEqual(2);
    // The score counts live sources only: Kalshi is not among them now.
    const liveSources = aggregate.components.filter((c) => c.availability === 'LIVE').length;
    expect(aggregate.availabilityScore).toBeCloseTo(liveSources / 3, 3);
    expect(liveSources).toBeLessThan(3);
    expect(aggregate.markets.map((m) => m.ticker).sort()).toEqual(liveMarkets.map((m) => m.ticker).sort());
    for (const market of aggregate.markets) {
      expect(market.quality.cacheTier).toBe('L1');
      expect(market.quality.isFromCache).toBe(true);
      expect(market.quality.sourceReliability).toBeLessThan(0.95);
    }

    // The transition was written to the audit log and to data_freshness.
    const db = new Database(`${service.dir}/northstar.db`, { readonly: true });
    await vi.waitFor(() => {
      const audit = db.prepare("SELECT event_type, source, error_message FROM audit_log WHERE event_type = 'CIRCUIT_BREAKER_OPEN'").all() as Array<{
        source: string;
        error_message: string;
      }>;
      expect(audit[0]).toMatchObject({ source: 'kalshi' });
      expect(audit[0]!.error_message).toMatch(/503/);
      const freshness = db
        .prepare("SELECT circuit_breaker_state AS state, consecutive_failures AS failures FROM data_freshness WHERE source = 'kalshi'")
        .get() as { state: string; failures: number };
      expect(freshness.state).not.toBe('CLOSED');
      expect(freshness.failures).toBeGreaterThanOrEqual(2);
    });

    service.app.simulators.kalshi!.clearFault();
    await vi.waitFor(
      async () => {
        const { body } = await graphqlRequest(service.url, CurrentAggregateDocument);
        const k = body.data!.aggregate.components.find((c) => c.source === 'KALSHI')!;
        expect(k).toMatchObject({ breaker: 'CLOSED', availability: 'LIVE', lastError: null });
        expect(body.data!.aggregate.markets[0]!.quality.cacheTier).toBe('LIVE');
      },
      { timeout: 10_000, interval: 50 },
    );
    db.close();
    expect(changes.map((c) => c.breaker)).toEqual(expect.arrayContaining(['OPEN', 'HALF_OPEN', 'CLOSED']));
    unsubscribe();
    await ws.dispose();
  });
});
