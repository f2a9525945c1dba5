/**
 * `quality.simulated` is stamped where a value is made and stored with it: a value cached while its
 * source ran on the simulator, served after a restart against the real upstream (down here, so
 * the cache tiers answer), still says it was invented. Deriving the flag from the current
 * configuration would call it real.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startService, type RunningService } from '../support/service.js';
import { until } from '../support/until.js';

interface Quality {
  simulated: boolean;
  cacheTier: string;
}
interface Served {
  markets: Array<{ ticker: string; quality: Quality }>;
  businessMetrics: Array<{ quality: Quality }>;
  latestInsight: { quality: Quality } | null;
}

const QUERY =
  '{ markets(limit: 100) { ticker quality { simulated cacheTier } } businessMetrics(limit: 100) { quality { simulated cacheTier } } latestInsight { quality { simulated cacheTier } } }';

async function served(url: string): Promise<Served> {
  const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: QUERY }) });
  const body = (await response.json()) as { data: Served; errors?: unknown[] };
  expect(body.errors).toBeUndefined();
  return body.data;
}

describe('a value cached on the simulator and served after a restart on the real upstream', () => {
  let first: RunningService;
  let second: RunningService;

  beforeAll(async () => {
    first = await startService();
    await until('markets, metrics and an insight on the simulators', 15_000, async () => {
      const data = await served(first.url);
      return data.markets.length > 0 && data.businessMetrics.length > 0 && data.latestInsight ? data : null;
    });
    // A graceful stop flushes every pending cache write (L3) and the fallback files (L4).
    await first.app.stop();
    // Port 9 on loopback: nothing listens, every upstream call is refused at once.
    second = await startService({
      DATABASE_URL: `file:${join(first.dir, 'northstar.db')}`,
      CACHE_DIR: join(first.dir, 'cache'),
      KALSHI_BASE_URL: 'http://127.0.0.1:9/trade-api/v2',
      ANTHROPIC_BASE_URL: 'http://127.0.0.1:9',
      JOHN_BASE_URL: 'http://127.0.0.1:9',
    });
  });
  afterAll(async () => {
    await second?.stop();
    await first?.stop();
  });

  it('runs no simulator now (/ready lists none)', async () => {
    const ready = (await (await fetch(second.url.replace('/graphql', '/ready'))).json()) as { simulated: string[] };
    expect(ready.simulated).toEqual([]);
  });

  it('still says simulated: true for the stored markets, metrics and insight', async () => {
    const data = await served(second.url);
    expect(data.markets.length).toBeGreaterThan(0);
    expect(data.businessMetrics.length).toBeGreaterThan(0);
    expect(data.latestInsight).not.toBeNull();
    const qualities = [...data.markets, ...data.businessMetrics, data.latestInsight!].map((v) => v.quality);
    expect(new Set(qualities.map((q) => q.cacheTier)).has('LIVE')).toBe(false);
    expect(new Set(qualities.map((q) => q.simulated))).toEqual(new Set([true]));
  });

  it('says simulated: true for the markets of the snapshots the first run stored', async () => {
    const query = `{ snapshots(from: "2000-01-01T00:00:00Z", to: "2100-01-01T00:00:00Z", first: 5) { edges { node { aggregate { markets { quality { simulated cacheTier } } } } } } }`;
    const response = await fetch(second.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query }) });
    const body = (await response.json()) as {
      data: { snapshots: { edges: Array<{ node: { aggregate: { markets: Array<{ quality: Quality }> } } }> } };
      errors?: unknown[];
    };
    expect(body.errors).toBeUndefined();
    const stored = body.data.snapshots.edges.flatMap((edge) => edge.node.aggregate.markets.map((m) => m.quality));
    expect(stored.length).toBeGreaterThan(0);
    expect(new Set(stored.map((q) => q.simulated))).toEqual(new Set([true]));
  });
});
