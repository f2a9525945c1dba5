/**
 * One set of page sizes (src/sources/kalshi/paging.ts) for everything that pages Kalshi's lists:
 * the service's market poll asks a documented-protocol exchange for pages of
 * MARKET_LISTING.pageSize, and the simulator that plays the exchange takes exactly Kalshi's range.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KALSHI_DEFAULT_PAGE_SIZE, KALSHI_MAX_PAGE_SIZE, MARKET_LISTING } from '../../../src/sources/kalshi/paging.js';
import { startKalshiRestSimulator, type KalshiRestSimulator } from '../../../src/simulators/kalshi/rest-server.js';
import { onOneMarketExchange } from '../../support/one-market-service.js';
import { until } from '../../support/until.js';

describe('the market poll against an exchange that speaks the documented protocol', () => {
  const world = onOneMarketExchange('KXPAGE-26DEC-T1', 100);

  it('lists markets in pages of MARKET_LISTING.pageSize', async () => {
    const listing = await until(
      'a market listing',
      5000,
      () => world.fake.requests.find((r) => r.route === 'markets' && r.query.tickers === undefined) ?? null,
    );
    expect(Number(listing.query.limit)).toBe(MARKET_LISTING.pageSize);
    expect(MARKET_LISTING.pageSize).toBeLessThanOrEqual(KALSHI_MAX_PAGE_SIZE);
  });
});

describe("the simulator's list endpoints", () => {
  let sim: KalshiRestSimulator;
  beforeAll(async () => {
    sim = await startKalshiRestSimulator({ rateLimit: false });
  });
  afterAll(async () => {
    await sim?.close();
  });

  it("take Kalshi's limit range: default KALSHI_DEFAULT_PAGE_SIZE, up to KALSHI_MAX_PAGE_SIZE, no more", async () => {
    const page = async (query: string) => fetch(`${sim.baseUrl}/markets${query}`);
    expect((await page(`?limit=${KALSHI_MAX_PAGE_SIZE}`)).status).toBe(200);
    expect((await page(`?limit=${KALSHI_MAX_PAGE_SIZE + 1}`)).status).toBe(400);
    const all = (await (await page(`?limit=${KALSHI_MAX_PAGE_SIZE}`)).json()) as { markets: unknown[] };
    const byDefault = (await (await page('')).json()) as { markets: unknown[] };
    expect(byDefault.markets.length).toBe(Math.min(KALSHI_DEFAULT_PAGE_SIZE, all.markets.length));
  });
});
