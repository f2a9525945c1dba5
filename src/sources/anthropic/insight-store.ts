/**
 * The insights produced so far, in memory: the latest overall, the latest per ticker, and a bounded
 * list newest first. Served to `latestInsight`, `insights` and the aggregate.
 */
import type { InsightRecord } from '../../core/domain.js';

export class InsightStore {
  private readonly recent: InsightRecord[] = [];
  private readonly byTicker = new Map<string, InsightRecord>();

  /** @param capacity insights kept in the list (the per-ticker latest are kept regardless). */
  constructor(private readonly capacity: number = 200) {}

  add(insight: InsightRecord): void {
    this.recent.unshift(insight);
    if (this.recent.length > this.capacity) this.recent.length = this.capacity;
    for (const ticker of insight.tickers) this.byTicker.set(ticker, insight);
  }

  /** The newest insight, or the newest that covers `ticker`. */
  latest(ticker: string | null = null): InsightRecord | null {
    if (ticker === null) return this.recent[0] ?? null;
    return this.byTicker.get(ticker) ?? null;
  }

  /** Up to `limit` insights, newest first, optionally only those covering `ticker`. */
  list(ticker: string | null = null, limit: number = 20): InsightRecord[] {
    const max = Math.max(0, Math.floor(limit));
    const matching = ticker === null ? this.recent : this.recent.filter((insight) => insight.tickers.includes(ticker));
    return matching.slice(0, max);
  }
}
