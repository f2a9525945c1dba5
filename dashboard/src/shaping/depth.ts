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
