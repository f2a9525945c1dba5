/**
 * Issue 9, item 3: prices never go back in time. A market's bid/ask come from two observations, the
 * WebSocket book (newest) and the REST listing (fetched up to one poll earlier). A listing answer
 * that left the exchange before the latest book message must not overwrite the book's bid.
 *
 * Against the fake exchange: a delta moves the best bid; a listing request that reached the
 * exchange BEFORE the delta (held there, so its answer carries the old bid) is answered after it.
 * The bid served stays the delta's, when that stale answer is merged and after the next poll.
 */
import { describe, expect, it, vi } from 'vitest';
import { onOneMarketExchange } from '../support/one-market-service.js';

const TICKER = 'FAKE-26-PRICE';
const MARKET = `query ($ticker: String!) { market(ticker: $ticker) { prices { bid ask } volume { volume24h } quality { cacheTier } } }`;

interface Served {
  prices: { bid: number | null; ask: number | null };
  volume: { volume24h: number };
  quality: { cacheTier: string };
}

async function served(url: string): Promise<Served> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query: MARKET, variables: { ticker: TICKER } }),
  });
  const body = (await response.json()) as { data?: { market: Served | null }; errors?: unknown[] };
  if (body.errors || !body.data?.market) throw new Error(`no market: ${JSON.stringify(body)}`);
  return body.data.market;
}

describe('prices never go back in time (whole service, fake Kalshi)', () => {
  // Polls a second apart, so "the stale answer merged" and "the next poll" are told apart.
  const world = onOneMarketExchange(TICKER, 1000);

  it("a listing answer that left the exchange before a delta does not take the delta's bid back", async () => {
    await vi.waitFor(async () => expect((await served(world.service.url)).prices.bid).toBe(0.41));

    // The next listing request is held at the exchange: its answer is what the exchange held when
    // the request arrived (bid 0.41, 24h volume 777 — the marker that says this answer was merged).
    world.fake.setMarket({ ticker: TICKER, volume_24h_fp: '777.00' });
    let release!: () => void;
    const before = world.fake.requests.length;
    world.fake.override('markets', { hold: new Promise<void>((resolve) => (release = resolve)), times: 1 });
    await world.fake.waitForRequest((r) => r.route === 'markets' && world.fake.requests.indexOf(r) >= before);

    // Then the book moves: a bid at 0.43 is the new best. The exchange's listing follows it.
    expect(world.fake.pushDelta(TICKER, 'yes', '0.4300', '4.00').sent).toBe(1);
    world.fake.setMarket({ ticker: TICKER, yes_bid_dollars: '0.4300', volume_24h_fp: '888.00' });
    await vi.waitFor(async () => expect((await served(world.service.url)).prices.bid).toBe(0.43), { interval: 20 });

    // The stale answer arrives now. Once it is merged (volume 777), the bid is still the delta's.
    release();
    const merged = await vi.waitFor(
      async () => {
        const market = await served(world.service.url);
        expect(market.volume.volume24h).toBe(777);
        return market;
      },
      { timeout: 3000, interval: 20 },
    );
    expect(merged.prices.bid).toBe(0.43);
    expect(merged.prices.ask).toBe(0.45);

    // After the next poll (answered with the exchange's current listing) it is still 0.43.
    const next = await vi.waitFor(
      async () => {
        const market = await served(world.service.url);
        expect(market.volume.volume24h).toBe(888);
        return market;
      },
      { timeout: 3000, interval: 20 },
    );
    expect(next.prices.bid).toBe(0.43);
    expect(next.quality.cacheTier).toBe('LIVE');
  });
});
