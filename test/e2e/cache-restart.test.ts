/**
 * The cache's promise across a restart: a first run fills the tiers; a second run with every
 * upstream failing still answers, from the freshest durable copy (L3, the database, on a tie with
 * L4, the fallback files: both were written at the graceful stop), and every value says which tier
 * and how old it is.
 */
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BusinessMetricsOfDocument, CacheHealthDocument, CurrentAggregateDocument, MarketByTickerDocument } from '../generated/graphql.js';
import { graphqlRequest, startService } from '../support/service.js';

describe('restart with every upstream down', () => {
  const dirs: string[] = [];
  afterAll(async () => {
    await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })));
  });

  it('serves the last values from L4 and L3 with honest quality', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'northstar-restart-'));
    dirs.push(dir);
    const shared = { DATABASE_URL: `file:${join(dir, 'northstar.db')}`, CACHE_DIR: join(dir, 'cache') };

    // First run: live on the simulators; its graceful stop writes the L4 snapshot and drains L3 writes.
    const first = await startService(shared);
    const { body: live } = await graphqlRequest(first.url, CurrentAggregateDocument);
    const ticker = live.data!.aggregate.markets[0]!.ticker;
    const liveMarkets = live.data!.aggregate.markets.length;
    expect(live.data!.aggregate.businessMetrics.length).toBeGreaterThan(0);
    await first.app.stop();
    // The feeds run until the shutdown's "stop producers" step, and its flush writes what they last
    // patched: every stored value originated before stop() resolved.
    const stoppedAt = Date.now();
    expect((await readdir(join(dir, 'cache', 'fallback'))).filter((f) => f.endsWith('.json')).length).toBeGreaterThan(0);

    // Second run: every upstream refuses connections.
    const second = await startService({
      ...shared,
      KALSHI_BASE_URL: 'http://127.0.0.1:9/trade-api/v2',
      ANTHROPIC_BASE_URL: 'http://127.0.0.1:9',
      JOHN_BASE_URL: 'http://127.0.0.1:9',
    });
    try {
      // Every value originated before stoppedAt and is aged when the server answers, which is after
      // askedAt: so its age is at least askedAt - stoppedAt, however slow the answer is to arrive.
      const askedAt = Date.now();
      const { body } = await graphqlRequest(second.url, CurrentAggregateDocument);
      const aggregate = body.data!.aggregate;
      expect(aggregate.availabilityScore).toBe(0);
      expect(aggregate.components.every((c) => c.availability !== 'LIVE')).toBe(true);
      expect(aggregate.markets.length).toBeGreaterThanOrEqual(liveMarkets);
      for (const market of aggregate.markets) {
        expect(market.quality).toMatchObject({ cacheTier: 'L3', isFromCache: true });
        expect(market.quality.freshnessMs).toBeGreaterThanOrEqual(askedAt - stoppedAt);
        expect(market.quality.sourceReliability).toBeLessThanOrEqual(0.95 * 0.85);
      }
      expect(aggregate.businessMetrics.length).toBeGreaterThan(0);
      expect(aggregate.businessMetrics.every((m) => m.quality.cacheTier === 'L3')).toBe(true);

      // By key, the read goes through the tiers: the warmed copy while it is within its TTL, else
      // the database's row (L3) — never LIVE, never the same as a fresh fetch.
      const market = await graphqlRequest(second.url, MarketByTickerDocument, { ticker });
      expect(market.body.data!.market).toMatchObject({ ticker, quality: { isFromCache: true } });
      expect(['L3', 'L4']).toContain(market.body.data!.market!.quality.cacheTier);
      const metrics = await graphqlRequest(second.url, BusinessMetricsOfDocument, { agentId: 'agent:john:main' });
      expect(metrics.body.errors).toBeUndefined();
      expect(metrics.body.data!.businessMetrics.length).toBe(6);
      expect(metrics.body.data!.businessMetrics.every((m) => m.quality.cacheTier !== 'LIVE')).toBe(true);

      const health = await graphqlRequest(second.url, CacheHealthDocument);
      const tiers = Object.fromEntries(health.body.data!.health.cache.map((t) => [t.tier, t]));
      expect(tiers.L1!.healthy).toBe(true);
      expect(tiers.L2!.healthy).toBe(false); // REDIS_URL unset: the tier is off and says so
      expect(tiers.L3!.healthy).toBe(true);
      expect(tiers.L4!.healthy).toBe(true);
      expect(tiers.L1!.hits + tiers.L3!.hits + tiers.L4!.hits).toBeGreaterThan(0);
    } finally {
      await second.stop();
    }
  });
});
