// The depth chart's data: cumulative contracts per price on each side of a book, whatever order and
// shape the levels arrive in.
import { describe, expect, it } from 'vitest';
import { depthFromBook, depthGrid } from '../../dashboard/src/shaping/depth.js';

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

describe('depthGrid', () => {
  it('one column per cent across the book and one beyond each end, the spread as empty columns, each side a step function', () => {
    const depth = depthFromBook({
      bids: [
        { price: 0.42, size: 10 },
        { price: 0.4, size: 5 },
      ],
      asks: [
        { price: 0.45, size: 3 },
        { price: 0.47, size: 7 },
      ],
    });
    const grid = depthGrid(depth);
    expect(grid.prices).toEqual([0.39, 0.4, 0.41, 0.42, 0.43, 0.44, 0.45, 0.46, 0.47, 0.48]);
    // At 41¢ a seller still reaches only the 42¢ bids: 10, not 15.
    expect(grid.bids).toEqual([15, 15, 10, 10, null, null, null, null, null, null]);
    expect(grid.asks).toEqual([null, null, null, null, null, null, 3, 3, 10, 10]);
  });

  it('tenths of a cent when a level is between cents', () => {
    const grid = depthGrid(depthFromBook({ bids: [{ price: 0.425, size: 1 }], asks: [{ price: 0.428, size: 2 }] }));
    expect(grid.prices).toEqual([0.424, 0.425, 0.426, 0.427, 0.428, 0.429]);
    expect(grid.bids).toEqual([1, 1, null, null, null, null]);
    expect(grid.asks).toEqual([null, null, null, null, 2, 2]);
  });

  it('a wide book is cut to at most maxColumns columns, still covering both ends (never below 0¢)', () => {
    const grid = depthGrid(depthFromBook({ bids: [{ price: 0.01, size: 1 }], asks: [{ price: 0.99, size: 1 }] }), 50);
    expect(grid.prices).toHaveLength(50);
    expect(grid.prices[0]).toBe(0);
    expect(grid.prices.at(-1)).toBe(1);
    expect(grid.bids[0]).toBe(1);
    expect(grid.asks.at(-1)).toBe(1);
  });

  it('an empty book has no columns; a single level is its column and the ones either side', () => {
    expect(depthGrid(depthFromBook({ bids: [], asks: [] }))).toEqual({ prices: [], bids: [], asks: [] });
    expect(depthGrid(depthFromBook({ bids: [{ price: 0.3, size: 2 }], asks: [] }))).toEqual({
      prices: [0.29, 0.3, 0.31],
      bids: [2, 2, null],
      asks: [null, null, null],
    });
  });

  it('a crossed book has both sides over the overlap', () => {
    const grid = depthGrid(depthFromBook({ bids: [{ price: 0.52, size: 4 }], asks: [{ price: 0.5, size: 6 }] }));
    expect(grid.prices).toEqual([0.49, 0.5, 0.51, 0.52, 0.53]);
    expect(grid.bids).toEqual([4, 4, 4, 4, null]);
    expect(grid.asks).toEqual([null, 6, 6, 6, 6]);
  });
});
