/**
 * Batching is proven, not assumed: a query touching every market's order book and latest insight
 * makes one batched read per kind at each cache tier, not one per field, and asks the upstream
 * only for what no tier held.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MarketsWithBooksAndInsightsDocument } from '../generated/graphql.js';
import { graphqlRequest, startService, type RunningService } from '../support/service.js';

async function tierGets(service: RunningService): Promise<Record<string, number>> {
  const metric = await service.app.metrics.registry.getSingleMetric('northstar_cache_operation_duration_seconds')!.get();
  const counts: Record<string, number> = {};
  for (const value of metric.values) {
    const name = (value as { metricName?: string }).metricName;
    if (name?.endsWith('_count') && value.labels.operation === 'get') counts[String(value.labels.tier)] = value.value;
  }
  return counts;
}

describe('DataLoaders over the cache tiers', () => {
  let service: RunningService;
  beforeAll(async () => {
    // Only two books are followed live; the rest come through the tiers (and, cold, from REST).
    // Three events per series: 69 markets listed, so the query below gets its full 50.
    service = await startService({ KALSHI_TRACK_TOP_N: '2', KALSHI_SIM_EVENTS_PER_SERIES: '3' });
  });
  afterAll(async () => {
    await service?.stop();
  });

  it('reads every market`s book and insight with one batched tier call per kind', async () => {
    const kalshi = service.app.simulators.kalshi!;
    const before = await tierGets(service);
    const restBefore = kalshi.requestCount();
    const { body } = await graphqlRequest(service.url, MarketsWithBooksAndInsightsDocument, { limit: 50 });
    expect(body.errors).toBeUndefined();
    const markets = body.data!.markets;
    expect(markets).toHaveLength(50);
    expect(markets.every((m) => m.orderBook !== null)).toBe(true);

    const after = await tierGets(service);
    // Two kinds (order books, insights) → at most two batched reads per tier, for 100 fields.
    for (const tier of ['L1', 'L3', 'L4']) expect((after[tier] ?? 0) - (before[tier] ?? 0)).toBeLessThanOrEqual(2);
    // The books not followed live were loaded from REST once each (no tier held them yet) — and
    // the poller's own reads may interleave, so bound it rather than pin it.
    const restCalls = kalshi.requestCount() - restBefore;
    expect(restCalls).toBeLessThanOrEqual(markets.length + 3);

    // A second identical query within the TTL is answered by the tiers, or by the WebSocket the
    // first query's books joined (demand-driven tracking): no book read reaches REST.
    const restBeforeSecond = kalshi.requestCount();
    const second = await graphqlRequest(service.url, MarketsWithBooksAndInsightsDocument, { limit: 50 });
    const tiers = second.body.data!.markets.map((m) => m.orderBook!.quality.cacheTier);
    expect(tiers.filter((tier) => tier === 'L1' || tier === 'LIVE').length).toBeGreaterThanOrEqual(markets.length - 2);
    expect(kalshi.requestCount() - restBeforeSecond).toBeLessThanOrEqual(3); // only the poller's own listing
  });
});
