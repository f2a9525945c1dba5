/**
 * An order book as a depth chart draws it: on each side, the contracts available at that price or
 * better, summed outward from the best price. The server sends bids best (highest) first and asks
 * best (lowest) first, but a chart must not trust that: levels are cleaned (no non-finite prices,
 * no empty or negative sizes), a price listed twice is one level, and both sides come out in
 * ascending price (what a price-scaled chart needs). A crossed book (best bid at or above best
 * ask) is drawn as it is and flagged, so the panel can say so rather than hide it.
 */

export interface BookLevel {
  /** US dollars per contract. */
  price: number;
  /** Contracts. */
  size: number;
}

export interface DepthPoint {
  price: number;
  /** Contracts at this price or better on this side. */
  cumulative: number;
}

export interface Depth {
  /** Ascending price; cumulative grows toward the lowest bid. */
  bids: DepthPoint[];
  /** Ascending price; cumulative grows toward the highest ask. */
  asks: DepthPoint[];
  bestBid: number | null;
  bestAsk: number | null;
  /** bestAsk − bestBid; negative or zero when crossed; null with a side empty. */
  spread: number | null;
  crossed: boolean;
}

/** Sums sizes per price (a price on the grid of a millionth: float noise is not a new level). */
function levelsByPrice(levels: readonly BookLevel[]): Map<number, number> {
  const sizes = new Map<number, number>();
  for (const { price, size } of levels) {
    if (!Number.isFinite(price) || !Number.isFinite(size) || size <= 0) continue;
    const key = Math.round(price * 1e6) / 1e6;
    sizes.set(key, (sizes.get(key) ?? 0) + size);
  }
  return sizes;
}

/** Accumulates in the order given (best first) and returns the points in ascending price. */
function accumulate(bestFirst: Array<[number, number]>): DepthPoint[] {
  let cumulative = 0;
  const points = bestFirst.map(([price, size]) => {
    cumulative += size;
    return { price, cumulative };
  });
  return points.sort((a, b) => a.price - b.price);
}

export function depthFromBook(book: { bids: readonly BookLevel[]; asks: readonly BookLevel[] }): Depth {
  const bids = accumulate([...levelsByPrice(book.bids)].sort((a, b) => b[0] - a[0]));
  const asks = accumulate([...levelsByPrice(book.asks)].sort((a, b) => a[0] - b[0]));
  const bestBid = bids.at(-1)?.price ?? null;
  const bestAsk = asks[0]?.price ?? null;
  const spread = bestBid !== null && bestAsk !== null ? Math.round((bestAsk - bestBid) * 1e6) / 1e6 : null;
  return { bids, asks, bestBid, bestAsk, spread, crossed: spread !== null && spread <= 0 };
}

/**
 * The depth on an even price grid, one column per tick from the lowest to the highest level, for
 * a chart whose horizontal scale spaces points by index (lightweight-charts' price scale does):
 * without the empty columns the spread would be drawn as wide as one tick. A column is the
 * contracts available at that price or better: on the bid side for every price at or below the
 * best bid, on the ask side at or above the best ask; null elsewhere (nothing to draw). One more
 * column on each end carries the outermost level on, so a stepped line shows that level's step
 * too (a lone level would otherwise be a point with no width).
 */
export interface DepthGrid {
  /** US dollars, ascending, evenly spaced. */
  prices: number[];
  bids: Array<number | null>;
  asks: Array<number | null>;
}

const EPSILON = 1e-9;

/** Whole cents when every level is on one (Kalshi's usual grid), else tenths of a cent. */
function tickOf(prices: readonly number[]): number {
  return prices.every((price) => Math.abs(price * 100 - Math.round(price * 100)) < 1e-6) ? 0.01 : 0.001;
}

export function depthGrid(depth: Depth, maxColumns = 400): DepthGrid {
  const all = [...depth.bids, ...depth.asks].map((point) => point.price);
  if (all.length === 0) return { prices: [], bids: [], asks: [] };
  const tick = tickOf(all);
  const low = Math.max(0, Math.min(...all) - tick);
  const high = Math.max(...all) + tick;
  const columns = Math.max(2, Math.min(maxColumns, Math.round((high - low) / tick) + 1));
  const step = (high - low) / (columns - 1);
  const grid: DepthGrid = { prices: [], bids: [], asks: [] };
  for (let i = 0; i < columns; i++) {
    const price = Math.round((low + i * step) * 1e6) / 1e6;
    grid.prices.push(price);
    // Bids: the first level at or above this price holds everything from it to the best bid.
    const bid = depth.bestBid !== null && price <= depth.bestBid + EPSILON ? depth.bids.find((point) => point.price >= price - EPSILON) : undefined;
    // Asks: the last level at or below this price holds everything from the best ask to it.
    const ask = depth.bestAsk !== null && price >= depth.bestAsk - EPSILON ? depth.asks.findLast((point) => point.price <= price + EPSILON) : undefined;
    grid.bids.push(bid?.cumulative ?? null);
    grid.asks.push(ask?.cumulative ?? null);
  }
  return grid;
}
