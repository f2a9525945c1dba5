/**
 * The poller against the real simulator: good polls hand over normalized markets; a malformed
 * answer or a failing upstream is logged, counted and reported, and the markets already held stay
 * served (the LiveMarkets store keeps them, with their original provenance).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { LiveMarkets } from '../../../src/aggregate/live-markets.js';
import { systemClock } from '../../../src/core/clock.js';
import { silentLogger } from '../../../src/core/logger.js';
import { createMetrics } from '../../../src/core/metrics.js';
import { createNorthstarPubSub } from '../../../src/core/pubsub.js';
import { KalshiRestClient } from '../../../src/sources/kalshi/client.js';
import { KalshiMarketPoller } from '../../../src/sources/kalshi/market-poller.js';
import { startKalshiRestSimulator, type KalshiRestSimulator } from '../../../src/simulators/kalshi/rest-server.js';
import type { RetryPolicy } from '../../../src/sources/resilience/retry.js';

/** One attempt: these tests count calls. */
const NO_RETRY: RetryPolicy = { attempts: 1, baseDelayMs: 0, maxDelayMs: 0 };
import { SourceGuard } from '../../../src/sources/resilience/source-guard.js';
import { SourceStatusBoard } from '../../../src/sources/source-status.js';

describe('KalshiMarketPoller', () => {
  let simulator: KalshiRestSimulator | null = null;
  let client: KalshiRestClient | null = null;
  const guards: SourceGuard[] = [];
  afterEach(async () => {
    await Promise.all(guards.splice(0).map((guard) => guard.shutdown()));
    await client?.close();
    await simulator?.close();
  });

  async function setup(options: { maxPages?: number } = {}) {
    simulator = await startKalshiRestSimulator({ seed: 7 });
    client = new KalshiRestClient({ baseUrl: simulator.baseUrl, timeoutMs: 2000 });
    const pubsub = createNorthstarPubSub();
    const metrics = createMetrics({ collectProcessMetrics: false });
    const statuses = new SourceStatusBoard(systemClock, pubsub, [{ source: 'kalshi', simulated: true, enabled: true }], metrics);
    const markets = new LiveMarkets(pubsub);
    const guard = new SourceGuard({
      source: 'kalshi',
      clock: systemClock,
      logger: silentLogger,
      statuses,
      metrics,
      // No retries and a high volume threshold: each poll below is exactly one upstream request.
      retry: NO_RETRY,
      breaker: { timeoutMs: 2000, errorThresholdPercentage: 50, resetTimeoutMs: 30_000, volumeThreshold: 100 },
    });
    guards.push(guard);
    const listings: boolean[] = [];
    const poller = new KalshiMarketPoller({
      client,
      clock: systemClock,
      guard,
      logger: silentLogger,
      metrics,
      intervalMs: 60_000,
      pageLimit: 7,
      ...options,
      onMarkets: (records, listing) => {
        markets.upsert(records);
        listings.push(listing.complete);
      },
    });
    return { simulator, statuses, markets, poller, metrics, listings };
  }

  it('hands over every market of every page, normalized, and marks the source live', async () => {
    const { simulator, statuses, markets, poller } = await setup();
    await poller.pollOnce();
    expect(markets.size).toBe(simulator.model.listMarkets().length);
    expect(markets.size).toBeGreaterThanOrEqual(20);
    expect(statuses.get('kalshi')).toMatchObject({ availability: 'LIVE', consecutiveFailures: 0, lastError: null });
  });

  it('says whether a listing was complete: a page cap that cut it short means absent is not delisted', async () => {
    const whole = await setup();
    await whole.poller.pollOnce();
    expect(whole.listings).toEqual([true]);
    await client?.close();
    await simulator?.close();

    // 7 per page and at most 2 pages: 14 of the 20-odd markets, and a cursor left over.
    const cut = await setup({ maxPages: 2 });
    await cut.poller.pollOnce();
    expect(cut.markets.size).toBe(14);
    expect(cut.listings).toEqual([false]);
  });

  it('keeps the previous good markets when the upstream sends garbage, and counts it', async () => {
    const { simulator, statuses, markets, poller, metrics } = await setup();
    await poller.pollOnce();
    const before = markets.list();
    simulator.injectFault({ kind: 'malformed' });
    await poller.pollOnce();
    expect(markets.list()).toEqual(before);
    const status = statuses.get('kalshi');
    expect(status.availability).toBe('CACHED');
    expect(status.consecutiveFailures).toBe(1);
    expect(status.lastError).toMatch(/not JSON/);
    const failures = await metrics.upstreamCallDuration.get();
    expect(failures.values.some((v) => v.labels.outcome === 'error' && v.metricName?.endsWith('_count') && v.value === 1)).toBe(true);

    simulator.clearFault();
    await poller.pollOnce();
    expect(statuses.get('kalshi')).toMatchObject({ availability: 'LIVE', consecutiveFailures: 0, lastError: null });
  });

  it('reports a 503 as a failure and serves what it has', async () => {
    const { simulator, statuses, markets, poller } = await setup();
    await poller.pollOnce();
    const held = markets.size;
    simulator.injectFault({ kind: 'status', status: 503 });
    await poller.pollOnce();
    await poller.pollOnce();
    expect(markets.size).toBe(held);
    expect(statuses.get('kalshi')).toMatchObject({ availability: 'CACHED', consecutiveFailures: 2 });
    expect(statuses.get('kalshi').lastError).toMatch(/HTTP 503/);
  });
});
