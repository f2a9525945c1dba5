// The depth chart's data: cumulative contracts per price on each side of a book, whatever order and
// shape the levels arrive in.
import { describe, expect, it } from 'vitest';
import { depthFromBook } from '../../dashboard/src/shaping/depth.js';

describe('depthFromBook', () => {
  it('sums outward from the best price on each side, both sides in ascending price', () => {
    const depth = depthFromBook({
      bids: [
        { price: 0.42, size: 10 },
        { price: 0.41, size: 5 },
        { price: 0.39, size: 20 },
      ],
      asks: [
        { price: 0.44, size: 3 },
        { price: 0.45, size: 7 },
        { price: 0.5, size: 100 },
      ],
    });
    expect(depth.bids).toEqual([
      { price: 0.39, cumulative: 35 },
      { price: 0.41, cumulative: 15 },
      { price: 0.42, cumulative: 10 },
    ]);
    expect(depth.asks).toEqual([
      { price: 0.44, cumulative: 3 },
      { price: 0.45, cumulative: 10 },
      { price: 0.5, cumulative: 110 },
    ]);
    expect(depth.bestBid).toBe(0.42);
    expect(depth.bestAsk).toBe(0.44);
    expect(depth.spread).toBe(0.02);
    expect(depth.crossed).toBe(false);
  });

  it('an empty book is empty sides, no best prices, no spread', () => {
    expect(depthFromBook({ bids: [], asks: [] })).toEqual({ bids: [], asks: [], bestBid: null, bestAsk: null, spread: null, crossed: false });
  });

  it('one empty side keeps the other and has no spread', () => {
    const depth = depthFromBook({ bids: [{ price: 0.3, size: 4 }], asks: [] });
    expect(depth.bids).toEqual([{ price: 0.3, cumulative: 4 }]);
    expect(depth.asks).toEqual([]);
    expect(depth.bestBid).toBe(0.3);
    expect(depth.spread).toBeNull();
    expect(depth.crossed).toBe(false);
  });

  it('does not trust the order of the levels: unsorted sides come out the same as sorted ones', () => {
    const sorted = depthFromBook({
      bids: [
        { price: 0.6, size: 1 },
        { price: 0.55, size: 2 },
        { price: 0.5, size: 3 },
      ],
      asks: [
        { price: 0.62, size: 4 },
        { price: 0.7, size: 5 },
      ],
    });
    const shuffled = depthFromBook({
      bids: [
        { price: 0.5, size: 3 },
        { price: 0.6, size: 1 },
        { price: 0.55, size: 2 },
      ],
      asks: [
        { price: 0.7, size: 5 },
        { price: 0.62, size: 4 },
      ],
    });
    expect(shuffled).toEqual(sorted);
    expect(shuffled.bids.at(-1)).toEqual({ price: 0.6, cumulative: 1 });
    expect(shuffled.bids[0]).toEqual({ price: 0.5, cumulative: 6 });
  });

  it('a price listed twice is one level with both sizes; empty, negative and non-finite levels are dropped', () => {
    const depth = depthFromBook({
      bids: [
        { price: 0.4, size: 2 },
        { price: 0.4, size: 3 },
        { price: 0.1 + 0.2, size: 1 },
        { price: 0.3, size: 1 },
        { price: 0.35, size: 0 },
        { price: 0.34, size: -5 },
        { price: Number.NaN, size: 9 },
        { price: 0.33, size: Number.POSITIVE_INFINITY },
      ],
      asks: [],
    });
    // 0.1 + 0.2 is 0.30000000000000004: the same level as 0.3, not a second one.
    expect(depth.bids).toEqual([
      { price: 0.3, cumulative: 7 },
      { price: 0.4, cumulative: 5 },
    ]);
  });

  it('a crossed book is drawn as it is and flagged', () => {
    const depth = depthFromBook({
      bids: [
        { price: 0.52, size: 10 },
        { price: 0.48, size: 10 },
      ],
      asks: [
        { price: 0.5, size: 5 },
        { price: 0.55, size: 5 },
      ],
    });
    expect(depth.crossed).toBe(true);
    expect(depth.spread).toBe(-0.02);
    expect(depth.bids.map((p) => p.price)).toEqual([0.48, 0.52]);
    expect(depth.asks.map((p) => p.price)).toEqual([0.5, 0.55]);
  });

  it('a locked book (bid equals ask) counts as crossed', () => {
    const depth = depthFromBook({ bids: [{ price: 0.5, size: 1 }], asks: [{ price: 0.5, size: 1 }] });
    expect(depth.spread).toBe(0);
    expect(depth.crossed).toBe(true);
  });
});
