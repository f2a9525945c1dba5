/**
 * Issue 9 follow-up to item 3: the cached copy of a market never goes back in time either. What a
 * listing writes to the cache tiers is the market as LiveMarkets merged it (per price field the
 * newest observation), not the listing as it arrived — else a restart warmed from L3/L4, or a
 * source that is not LIVE, would serve a bid older than the book's bid already served.
 *
 * Against the fake exchange: a listing request held at the exchange (its answer carries the old bid
 * and a marker volume) is answered after a book delta moved the best bid. The L3 copy written for
 * that listing, read from the SQLite file, holds the delta's bid.
 */
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it, vi } from 'vitest';
import { onOneMarketExchange } from '../support/one-market-service.js';

const TICKER = 'FAKE-26-CACHED';
const KEY = `data:kalshi:markets:${TICKER}:v1`;

interface CachedMarket {
  prices: { bid: number | null; ask: number | null };
  volume: { volume24h: number };
}

async function servedBid(url: string): Promise<number | null> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query: `query ($t: String!) { market(ticker: $t) { prices { bid } } }`, variables: { t: TICKER } }),
  });
  const body = (await response.json()) as { data?: { market: { prices: { bid: number | null } } | null } };
  return body.data?.market?.prices.bid ?? null;
}

describe('the cached copy of a market keeps the newest observation per price (whole service, fake Kalshi)', () => {
  // Polls 3 s apart: the held listing's L3 write is read before the next poll's replaces it.
  const world = onOneMarketExchange(TICKER, 3000);

  it("the L3 copy written for a stale listing holds the delta's bid, not the listing's", { timeout: 30_000 }, async () => {
    await vi.waitFor(async () => expect(await servedBid(world.service.url)).toBe(0.41));

    // The next listing is held at the exchange with what it held on arrival: bid 0.41, volume 777.
    world.fake.setMarket({ ticker: TICKER, volume_24h_fp: '777.00' });
    let release!: () => void;
    const before = world.fake.requests.length;
    world.fake.override('markets', { hold: new Promise<void>((resolve) => (release = resolve)), times: 1 });
    await world.fake.waitForRequest((r) => r.route === 'markets' && world.fake.requests.indexOf(r) >= before, 10_000);

    // The book moves to 0.43 while that answer is held; the exchange's listing follows it (and the
    // next poll's answer says so: volume 888). The service serves the delta's bid.
    expect(world.fake.pushDelta(TICKER, 'yes', '0.4300', '4.00').sent).toBe(1);
    world.fake.setMarket({ ticker: TICKER, yes_bid_dollars: '0.4300', volume_24h_fp: '888.00' });
    await vi.waitFor(async () => expect(await servedBid(world.service.url)).toBe(0.43), { interval: 20 });

    // The stale answer arrives. Its write reaches L3 (marker volume 777) with the delta's bid.
    release();
    const db = new Database(join(world.service.dir, 'northstar.db'), { readonly: true });
    try {
      const read = db.prepare('SELECT value_json FROM cache_entries WHERE cache_key = ?');
      const cached = await vi.waitFor(
        () => {
          const row = read.get(KEY) as { value_json: string } | undefined;
          const value = row ? (JSON.parse(row.value_json) as CachedMarket) : null;
          expect(value?.volume.volume24h).toBe(777);
          return value!;
        },
        { timeout: 2500, interval: 20 },
      );
      expect(cached.prices).toMatchObject({ bid: 0.43, ask: 0.45 });
    } finally {
      db.close();
    }
  });
});

describe('a book move between listings reaches the cached copy (whole service, fake Kalshi)', () => {
  const world = onOneMarketExchange(TICKER, 1000);

  it("with no listing answered after a delta, the L3 copy still gets the delta's bid (a crash then restarts with it)", { timeout: 30_000 }, async () => {
    const db = new Database(join(world.service.dir, 'northstar.db'), { readonly: true });
    try {
      const read = db.prepare('SELECT value_json FROM cache_entries WHERE cache_key = ?');
      const cachedBid = (): number | null => {
        const row = read.get(KEY) as { value_json: string } | undefined;
        return row ? (JSON.parse(row.value_json) as CachedMarket).prices.bid : null;
      };
      await vi.waitFor(() => expect(cachedBid()).toBe(0.41), { timeout: 5000, interval: 20 });

      // From now on every listing hangs at the exchange. Polls are sequential, so once one has
      // arrived and hangs, no listing is in flight that could carry the delta's bid to the cache.
      const before = world.fake.requests.length;
      world.fake.override('markets', { hang: true });
      await world.fake.waitForRequest((r) => r.route === 'markets' && world.fake.requests.indexOf(r) >= before, 10_000);

      expect(world.fake.pushDelta(TICKER, 'yes', '0.4300', '4.00').sent).toBe(1);
      await vi.waitFor(async () => expect(await servedBid(world.service.url)).toBe(0.43), { interval: 20 });
      // Written within the book-flush interval (1 s), not at the next listing (which never comes).
      await vi.waitFor(() => expect(cachedBid()).toBe(0.43), { timeout: 4000, interval: 20 });
    } finally {
      db.close();
    }
  });
});
