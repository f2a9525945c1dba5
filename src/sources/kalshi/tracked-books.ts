/**
 * Which markets' order books the WebSocket feed follows when no list is configured: the N most
 * active open markets (KALSHI_TRACK_TOP_N), ranked by 24 h volume, then ticker.
 *
 * With hysteresis. Volumes move every poll, so two markets near rank N trade places again and
 * again; recomputing the top N from scratch each poll unsubscribed one and subscribed the other on
 * every poll (a delete_markets + add_markets pair, a dropped book and a new snapshot each time).
 * So a market enters the set when it ranks in the top N, and leaves only once its rank passes
 * N + margin (or it is no longer listed as active). Every top-N market is always followed; the set
 * holds at most N + margin markets.
 */
import type { MarketRecord } from '../../core/domain.js';

/** The default margin: a quarter of N, at least one market. */
export function defaultTrackMargin(topN: number): number {
  return Math.max(1, Math.ceil(topN / 4));
}

export interface TrackedBooksOptions {
  /** Markets always followed: the top N by 24 h volume. */
  topN: number;
  /** A followed market is kept while its rank (0-based) is below topN + margin. @default defaultTrackMargin(topN) */
  margin?: number;
}

export class TrackedBooks {
  readonly topN: number;
  readonly margin: number;
  private tracked: string[] = [];

  constructor(options: TrackedBooksOptions) {
    if (!(Number.isSafeInteger(options.topN) && options.topN >= 1)) throw new RangeError(`topN must be a positive integer, got ${options.topN}`);
    const margin = options.margin ?? defaultTrackMargin(options.topN);
    if (!(Number.isSafeInteger(margin) && margin >= 0)) throw new RangeError(`margin must be a non-negative integer, got ${margin}`);
    this.topN = options.topN;
    this.margin = margin;
  }

  /** The markets followed now (as of the last update), in rank order. */
  current(): string[] {
    return [...this.tracked];
  }

  /** Ranks a listing and returns the markets to follow (in rank order); remembers them for the next one. */
  update(markets: readonly MarketRecord[]): string[] {
    const ranked = markets
      .filter((market) => market.status === 'ACTIVE')
      .sort((a, b) => b.volume.volume24h - a.volume.volume24h || a.ticker.localeCompare(b.ticker))
      .map((market) => market.ticker);
    const held = new Set(this.tracked);
    const keepBelow = this.topN + this.margin;
    this.tracked = ranked.filter((ticker, rank) => rank < this.topN || (held.has(ticker) && rank < keepBelow));
    return this.current();
  }
}
