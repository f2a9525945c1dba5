/**
 * The walking skeleton end to end: the real server on an ephemeral port, a query over HTTP, live
 * updates over graphql-ws and over SSE with the real clients, the same aggregates read back from
 * the history, and a graceful shutdown that completes subscriptions and leaves no open handles.
 */
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { print } from 'graphql';
import { createClient as createSseClient } from 'graphql-sse';
import { createClient as createWsClient } from 'graphql-ws';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import WebSocket from 'ws';
import {
  AggregateTicksDocument,
  CurrentAggregateDocument,
  HealthAndSourcesDocument,
  NodeByIdDocument,
  SnapshotsDocument,
  type AggregateTicksSubscription,
} from '../generated/graphql.js';
import { collect, graphqlRequest, startService, type RunningService } from '../support/service.js';

type Tick = AggregateTicksSubscription['aggregateUpdated'];

/** Handles that mean "something is still open" (timers are excluded: vitest keeps its own). */
function openHandles(): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const name of process.getActiveResourcesInfo()) {
    if (['TCPServerWrap', 'TCPSocketWrap', 'TCPWRAP', 'PipeWrap'].includes(name)) counts[name] = (counts[name] ?? 0) + 1;
  }
  return counts;
}

describe('Northstar end to end', () => {
  let service: RunningService;
  let baseline: Record<string, number>;
  const seenTakenAt = new Set<string>();

  beforeAll(async () => {
    baseline = openHandles();
    service = await startService();
  });

  afterAll(async () => {
    await service?.stop();
  });

  it('answers `aggregate` over HTTP with markets that carry their quality, and echoes the request id', async () => {
    const { status, headers, body } = await graphqlRequest(service.url, CurrentAggregateDocument, {}, { 'x-request-id': 'e2e-req-1' });
    expect(status).toBe(200);
    expect(headers.get('x-request-id')).toBe('e2e-req-1');
    expect(body.errors).toBeUndefined();
    const aggregate = body.data!.aggregate;
    expect(aggregate.markets.length).toBeGreaterThanOrEqual(20);
    for (const market of aggregate.markets) {
      expect(market.id).toBe(`kalshi:${market.ticker}`);
      if (market.prices.bid != null && market.prices.ask != null) expect(market.prices.bid).toBeLessThan(market.prices.ask);
      expect(market.quality.cacheTier).toBe('LIVE');
      expect(market.quality.isFromCache).toBe(false);
      expect(market.quality.freshnessMs).toBeGreaterThanOrEqual(0);
      expect(market.quality.sourceReliability).toBeGreaterThan(0);
      expect(market.quality.sourceReliability).toBeLessThanOrEqual(1);
    }
    const bySource = Object.fromEntries(aggregate.components.map((c) => [c.source, c]));
    expect(bySource.KALSHI).toMatchObject({ availability: 'LIVE', simulated: true, breaker: 'CLOSED' });
    expect(bySource.JOHN).toMatchObject({ availability: 'LIVE', simulated: true, breaker: 'CLOSED' });
    expect(bySource.ANTHROPIC).toMatchObject({ simulated: true, breaker: 'CLOSED' });
    // John's metrics for every simulated agent, each attributed and stamped.
    const agents = new Set(aggregate.businessMetrics.map((m) => m.agentId));
    expect([...agents].sort()).toEqual(['agent:john:enterprise', 'agent:john:main', 'agent:john:smb']);
    expect(aggregate.pnl.length).toBeGreaterThan(0); // the simulated portfolio and John's revenue, per agent
  });

  it('publishes a streamed, structured insight from the analysis schedule', async () => {
    await vi.waitFor(
      async () => {
        const { body } = await graphqlRequest(service.url, CurrentAggregateDocument);
        expect(body.data!.aggregate.insight).not.toBeNull();
      },
      { timeout: 10_000, interval: 100 },
    );
    const { body } = await graphqlRequest(service.url, CurrentAggregateDocument);
    expect(body.data!.aggregate.insight!.id).toMatch(/^insight:/);
    expect(body.data!.aggregate.components.find((c) => c.source === 'ANTHROPIC')!.availability).toBe('LIVE');
    expect(body.data!.aggregate.availabilityScore).toBe(1);
  });

  it('reports sources and health honestly', async () => {
    const { body } = await graphqlRequest(service.url, HealthAndSourcesDocument);
    expect(body.data!.health.status).toBe('ok'); // all three simulated sources answer live
    expect(body.data!.sources.map((s) => s.source).sort()).toEqual(['ANTHROPIC', 'JOHN', 'KALSHI']);
    const ready = await fetch(service.url.replace('/graphql', '/ready'));
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ ready: true, database: true, usableSources: ['kalshi', 'anthropic', 'john'] });
    const metrics = await (await fetch(service.url.replace('/graphql', '/metrics'))).text();
    expect(metrics).toMatch(/northstar_http_request_duration_seconds_count\{method="POST",route="\/graphql",status_code="200"\} [1-9]/);
    expect(metrics).toMatch(/northstar_graphql_operation_duration_seconds_count\{operation_type="query",operation_name="HealthAndSources",outcome="ok"\} 1/);
  });

  it('pushes ≥ 2 aggregate updates over graphql-ws', async () => {
    const client = createWsClient({ url: service.url.replace(/^http/, 'ws'), webSocketImpl: WebSocket, retryAttempts: 0 });
    const ticks = collect<Tick>(2);
    const unsubscribe = client.subscribe<{ aggregateUpdated: Tick }>(
      { query: print(AggregateTicksDocument) },
      { next: (result) => result.data && ticks.push(result.data.aggregateUpdated), error: () => undefined, complete: () => undefined },
    );
    const [first, second] = await ticks.done;
    unsubscribe();
    await client.dispose();
    expect(first!.markets.length).toBeGreaterThanOrEqual(20);
    expect(Date.parse(second!.takenAt)).toBeGreaterThan(Date.parse(first!.takenAt));
    for (const tick of ticks.values) seenTakenAt.add(tick.takenAt);
  });

  it('pushes ≥ 2 aggregate updates over SSE', async () => {
    const client = createSseClient({ url: service.url, retryAttempts: 0 });
    const ticks = collect<Tick>(2);
    const unsubscribe = client.subscribe<{ aggregateUpdated: Tick }>(
      { query: print(AggregateTicksDocument) },
      { next: (result) => result.data && ticks.push(result.data.aggregateUpdated), error: () => undefined, complete: () => undefined },
    );
    const [first, second] = await ticks.done;
    unsubscribe();
    client.dispose();
    expect(Date.parse(second!.takenAt)).toBeGreaterThan(Date.parse(first!.takenAt));
    for (const tick of ticks.values) seenTakenAt.add(tick.takenAt);
  });

  it('reads the published aggregates back from `snapshots`, newest first', async () => {
    const from = new Date(Date.now() - 60_000).toISOString();
    const to = new Date(Date.now() + 60_000).toISOString();
    // Snapshots are written every 150 ms from the latest published aggregate: wait until the history
    // holds aggregates that subscribers also received.
    await vi.waitFor(
      async () => {
        const { body } = await graphqlRequest(service.url, SnapshotsDocument, { from, to, first: 500 });
        const stored = body.data!.snapshots.edges.map((edge) => edge.node.aggregate.takenAt);
        expect(stored.filter((takenAt) => seenTakenAt.has(takenAt)).length).toBeGreaterThanOrEqual(1);
        expect(body.data!.snapshots.totalCount).toBeGreaterThanOrEqual(2);
      },
      { timeout: 5000, interval: 100 },
    );
    const { body } = await graphqlRequest(service.url, SnapshotsDocument, { from, to, first: 1 });
    const page = body.data!.snapshots;
    expect(page.edges).toHaveLength(1);
    expect(page.pageInfo.hasNextPage).toBe(true);
    const newest = page.edges[0]!.node;
    expect(newest.id).toMatch(/^snapshot:\d+$/);
    expect(newest.aggregate.markets.length).toBeGreaterThanOrEqual(20);
    // Served from the history database, and says so.
    expect(newest.aggregate.markets[0]!.quality.cacheTier).toBe('L3');

    const next = await graphqlRequest(service.url, SnapshotsDocument, { from, to, first: 1, after: page.pageInfo.endCursor });
    const older = next.body.data!.snapshots.edges[0]!.node;
    expect(Date.parse(older.takenAt)).toBeLessThanOrEqual(Date.parse(newest.takenAt));
    expect(older.id).not.toBe(newest.id);

    const node = await graphqlRequest(service.url, NodeByIdDocument, { id: newest.id });
    expect(node.body.data!.node).toMatchObject({ __typename: 'Snapshot', id: newest.id, takenAt: newest.takenAt });
  });

  it('shuts down gracefully: completes subscriptions, closes sockets with 1001, leaves no open handles', async () => {
    const wsClient = createWsClient({
      url: service.url.replace(/^http/, 'ws'),
      webSocketImpl: WebSocket,
      retryAttempts: 0,
      lazy: false,
      onNonLazyError: () => undefined,
    });
    const closed = new Promise<number>((resolve) => wsClient.on('closed', (event) => resolve((event as { code: number }).code)));
    const wsCompleted = new Promise<void>((resolve) => {
      wsClient.subscribe({ query: print(AggregateTicksDocument) }, { next: () => undefined, error: () => undefined, complete: resolve });
    });
    const sseClient = createSseClient({ url: service.url, retryAttempts: 0 });
    const sseCompleted = new Promise<void>((resolve) => {
      sseClient.subscribe({ query: print(AggregateTicksDocument) }, { next: () => undefined, error: () => undefined, complete: resolve });
    });
    // Both subscriptions are live once each has received an update.
    const live = collect<true>(1);
    wsClient.subscribe({ query: print(AggregateTicksDocument) }, { next: () => live.push(true), error: () => undefined, complete: () => undefined });
    await live.done;
    await vi.waitFor(() => expect(service.app.pubsub.openStreams).toBeGreaterThanOrEqual(3));

    await service.app.stop(); // the files stay until afterAll, so the history can be read

    await expect(wsCompleted).resolves.toBeUndefined();
    await expect(sseCompleted).resolves.toBeUndefined();
    expect(await closed).toBe(1001);
    // The last aggregate is in the history: the pending snapshot was written on the way out (or
    // had already been, if nothing changed since the last interval).
    const lastTakenAt = service.app.services.aggregator.current().takenAt;
    const db = new Database(join(service.dir, 'northstar.db'), { readonly: true });
    const newest = db.prepare('SELECT MAX(snapshot_time) AS at FROM pnl_snapshots').get() as { at: number | string };
    db.close();
    expect(new Date(newest.at).toISOString()).toBe(lastTakenAt);
    expect(service.app.pubsub.openStreams).toBe(0);
    await wsClient.dispose();
    sseClient.dispose();
    await vi.waitFor(() => expect(openHandles()).toEqual(baseline), { timeout: 2000, interval: 20 });
  });
});
