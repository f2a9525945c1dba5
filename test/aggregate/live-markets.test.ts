/**
 * The in-memory market list: what complete listings stop holding is forgotten after a grace period,
 * so a service watched all day does not carry every market it ever saw; a market missing from one
 * listing, or known only from a patch, is kept until then.
 */
import { describe, expect, it } from 'vitest';
import { isAtLeastAsNew, LiveMarkets, mergeMarket, UNLISTED_MARKET_GRACE_MS } from '../../src/aggregate/live-markets.js';
import type { MarketRecord, PriceObservation } from '../../src/core/domain.js';
import { createNorthstarPubSub, type NorthstarPubSub } from '../../src/core/pubsub.js';
import { market } from '../support/records.js';

const GRACE = 600_000;

describe('LiveMarkets', () => {
  it('forgets a market that complete listings have left out for longer than the grace period', () => {
    const markets = new LiveMarkets(createNorthstarPubSub());
    markets.upsert([market('A', 0.4, 0), market('B', 0.5, 0)], 'refresh');

    // B is missing from the next listings; within the grace period it is still served.
    markets.upsert([market('A', 0.41, 300_000)], 'refresh');
    expect(markets.forgetUnlisted(300_000 - GRACE)).toEqual([]);
    expect(markets.get('B')?.prices.bid).toBe(0.5);

    // Listed again in time: its clock starts over.
    markets.upsert([market('A', 0.42, 500_000), market('B', 0.52, 500_000)], 'refresh');
    expect(markets.forgetUnlisted(700_000 - GRACE)).toEqual([]);

    // Gone for good: once the grace period is over it leaves every listing the service serves.
    markets.upsert([market('A', 0.43, 1_200_000)], 'refresh');
    expect(markets.forgetUnlisted(1_200_000 - GRACE)).toEqual(['B']);
    expect(markets.get('B')).toBeNull();
    expect(markets.list().map((m) => m.ticker)).toEqual(['A']);
    expect(markets.size).toBe(1);
  });

  it('counts a market first seen in a patch as listed when it arrived', () => {
    const markets = new LiveMarkets(createNorthstarPubSub());
    markets.upsert([market('A', 0.4, 0)], 'refresh');
    markets.upsert([market('C', 0.3, 100_000)], 'patch');
    // Later patches do not say the exchange still lists it; only listings do.
    markets.upsert([market('C', 0.31, 650_000)], 'patch');
    markets.upsert([market('A', 0.4, 650_000)], 'refresh');
    expect(markets.forgetUnlisted(650_000 - GRACE)).toEqual([]);
    markets.upsert([market('A', 0.4, 800_000)], 'refresh');
    expect(markets.forgetUnlisted(800_000 - GRACE)).toEqual(['C']);
  });
});

/** A pub/sub that records what LiveMarkets publishes (it only ever publishes `marketUpdated`). */
function recordingPubSub(): { pubsub: NorthstarPubSub; published: MarketRecord[] } {
  const published: MarketRecord[] = [];
  const pubsub = { publish: (_topic: 'marketUpdated', record: MarketRecord) => void published.push(record) } as unknown as NorthstarPubSub;
  return { pubsub, published };
}

/** A REST listing's copy: every price observed when its request left (`requestedAt`), fetched at `fetchedAt`. */
function listed(ticker: string, bid: number, requestedAt: number, fetchedAt = requestedAt + 100, volume24h = 10): MarketRecord {
  const at = { at: requestedAt };
  return {
    ...market(ticker, bid, fetchedAt),
    volume: { volume24h, volume: 10, openInterest: 5 },
    priceObservedAt: { bid: at, ask: at, last: at, previous: at, high: at, low: at },
  };
}

/** The WebSocket book's patch of `held`: bid/ask observed at `at` (our clock). */
function bookPatch(held: MarketRecord, bid: number, ask: number, at: number): MarketRecord {
  return {
    ...held,
    prices: { ...held.prices, bid, ask },
    provenance: { originAt: at, fetchedAt: at, tier: 'LIVE' },
    priceObservedAt: { ...held.priceObservedAt, bid: { at }, ask: { at } },
  };
}

/** A ticker message's patch of `held`: last observed at `at`, stamped `upstreamAt` by the exchange. */
function tickerPatch(held: MarketRecord, last: number, at: number, upstreamAt?: number): MarketRecord {
  const observed: PriceObservation = upstreamAt === undefined ? { at } : { at, upstreamAt };
  return {
    ...held,
    prices: { ...held.prices, last },
    provenance: { originAt: at, fetchedAt: at, tier: 'LIVE' },
    priceObservedAt: { ...held.priceObservedAt, last: observed },
  };
}

describe('LiveMarkets: every write keeps the newest observation per price field', () => {
  it("a listing whose request left before the book message does not take the book's bid back", () => {
    const { pubsub, published } = recordingPubSub();
    const markets = new LiveMarkets(pubsub);

    markets.upsert([listed('A', 0.41, 1000)], 'refresh');
    markets.upsert([bookPatch(markets.get('A')!, 0.43, 0.45, 2000)], 'patch');
    // Requested at 1500 (before the delta at 2000), answered at 2100 with the older bid.
    markets.upsert([listed('A', 0.41, 1500, 2100, 777)], 'refresh');

    const served = markets.get('A')!;
    expect(served.prices.bid).toBe(0.43);
    expect(served.prices.ask).toBe(0.45);
    expect(served.priceObservedAt?.bid).toEqual({ at: 2000 });
    // Fields no newer feed observed come from the listing, and so do volume and provenance.
    expect(served.priceObservedAt?.last).toEqual({ at: 1500 });
    expect(served.volume.volume24h).toBe(777);
    expect(served.provenance.fetchedAt).toBe(2100);
    expect(published.at(-1)?.prices.bid).toBe(0.43);

    // A listing requested after the delta is the exchange's newer word: it wins.
    markets.upsert([listed('A', 0.42, 2500)], 'refresh');
    expect(markets.get('A')!.prices.bid).toBe(0.42);
    expect(markets.get('A')!.priceObservedAt?.bid).toEqual({ at: 2500 });
  });

  it('a patch older than what is held is dropped whole: no event, provenance unchanged', () => {
    const { pubsub, published } = recordingPubSub();
    const markets = new LiveMarkets(pubsub);

    markets.upsert([listed('A', 0.41, 3000)], 'refresh');
    const held = markets.get('A')!;
    expect(markets.upsert([bookPatch(held, 0.4, 0.44, 2500)], 'patch')).toBe(0);
    expect(markets.get('A')).toEqual(held);
    expect(published).toHaveLength(1);
  });

  it('equal times: the incoming observation wins (documented tie rule), for refreshes and patches alike', () => {
    const markets = new LiveMarkets(createNorthstarPubSub());
    markets.upsert([listed('A', 0.41, 1000)], 'refresh');
    markets.upsert([bookPatch(markets.get('A')!, 0.43, 0.45, 2000)], 'patch');
    // The listing's request left at the very moment the delta arrived: it was answered after it.
    markets.upsert([listed('A', 0.44, 2000)], 'refresh');
    expect(markets.get('A')!.prices.bid).toBe(0.44);
    // And a book message observed at the listing's time wins over it in turn.
    markets.upsert([bookPatch(markets.get('A')!, 0.46, 0.48, 2000)], 'patch');
    expect(markets.get('A')!.prices.bid).toBe(0.46);
  });

  it('upstream times are compared only with upstream times; otherwise our fetch times decide', () => {
    const markets = new LiveMarkets(createNorthstarPubSub());
    markets.upsert([listed('A', 0.41, 1000)], 'refresh');
    // The exchange stamps its ticker messages on its own clock, here far behind ours.
    markets.upsert([tickerPatch(markets.get('A')!, 0.5, 2000, 500)], 'patch');
    expect(markets.get('A')!.prices.last).toBe(0.5);
    // Out of order on the exchange's clock (stamped 400 < 500), although received later: older.
    markets.upsert([tickerPatch(markets.get('A')!, 0.49, 2100, 400)], 'patch');
    expect(markets.get('A')!.prices.last).toBe(0.5);
    // A listing has no upstream time for prices: our clocks decide (1500 < 2000: older).
    markets.upsert([listed('A', 0.41, 1500)], 'refresh');
    expect(markets.get('A')!.prices.last).toBe(0.5);
    markets.upsert([listed('A', 0.41, 2200)], 'refresh');
    expect(markets.get('A')!.prices.last).toBe(0.41);
  });

  it('a record without observation times (an older cached copy) is timed by its fetch', () => {
    const warmed = { ...market('A', 0.39, 5000), provenance: { originAt: 5000, fetchedAt: 5000, tier: 'L4' as const } };
    const merge = mergeMarket(warmed, listed('A', 0.41, 4000));
    expect(merge.record.prices.bid).toBe(0.39);
    expect(merge.keptFromHeld).toBeGreaterThan(0);
    expect(mergeMarket(warmed, listed('A', 0.41, 6000)).record.prices.bid).toBe(0.41);
  });

  it('isAtLeastAsNew: the rule itself', () => {
    expect(isAtLeastAsNew({ at: 2 }, { at: 1 })).toBe(true);
    expect(isAtLeastAsNew({ at: 1 }, { at: 1 })).toBe(true);
    expect(isAtLeastAsNew({ at: 1 }, { at: 2 })).toBe(false);
    expect(isAtLeastAsNew({ at: 1, upstreamAt: 9 }, { at: 2, upstreamAt: 8 })).toBe(true);
    expect(isAtLeastAsNew({ at: 9, upstreamAt: 1 }, { at: 2, upstreamAt: 8 })).toBe(false);
    expect(isAtLeastAsNew({ at: 9, upstreamAt: 1 }, { at: 2 })).toBe(true);
  });
});

describe('LiveMarkets.listingReceived', () => {
  it('merges every listing, and forgets after complete ones only, UNLISTED_MARKET_GRACE_MS after the last one that held the market', () => {
    const markets = new LiveMarkets(createNorthstarPubSub());
    expect(markets.listingReceived([market('A', 0.4, 0), market('B', 0.5, 0)], { complete: true }, 0)).toEqual([]);
    const late = UNLISTED_MARKET_GRACE_MS + 1;
    // An incomplete listing (cut by its page cap) says nothing about B.
    expect(markets.listingReceived([market('A', 0.41, late)], { complete: false }, late)).toEqual([]);
    expect(markets.get('B')?.prices.bid).toBe(0.5);
    expect(markets.listingReceived([market('A', 0.42, late)], { complete: true }, late)).toEqual(['B']);
    expect(markets.list().map((m) => [m.ticker, m.prices.bid])).toEqual([['A', 0.42]]);
  });
});
