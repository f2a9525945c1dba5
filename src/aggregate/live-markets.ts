/**
 * The markets as last received from Kalshi, in memory. Feeds write here; the aggregator, the
 * snapshot writer and the resolvers read from here. A market that a feed stops returning keeps its
 * last good value (with its original provenance, so its age shows) until complete listings have
 * left it out for a grace period: then the exchange has delisted it, and it is forgotten. Without
 * that, a service watched all day would carry every market it ever saw in every aggregate.
 *
 * A record is served as LIVE only while the source answers live and the record came with the
 * latest successful fetch; otherwise it is what it is, a copy held in process memory (L1).
 */
import type { MarketRecord, MarketStatus } from '../core/domain.js';
import type { NorthstarPubSub } from '../core/pubsub.js';

export interface MarketFilter {
  status?: MarketStatus | null;
  tickers?: readonly string[] | null;
  limit?: number | null;
}

export class LiveMarkets {
  private readonly byTicker = new Map<string, MarketRecord>();
  /** When each market was last in a listing (or first seen, if a patch brought it). */
  private readonly lastListedAt = new Map<string, number>();
  private latestFetchAt = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly pubsub: NorthstarPubSub,
    private readonly sourceIsLive: () => boolean = () => true,
  ) {}

  get size(): number {
    return this.byTicker.size;
  }

  /**
   * Stores the records; publishes `marketUpdated` for each one whose observable state changed.
   * `refresh`: the records are a full listing (a poll), so anything older than them is no longer
   * live; a patch (one market from the feed) says nothing about the others.
   */
  upsert(records: readonly MarketRecord[], kind: 'refresh' | 'patch' = 'refresh'): number {
    let changed = 0;
    for (const record of records) {
      if (kind === 'refresh') this.latestFetchAt = Math.max(this.latestFetchAt, record.provenance.fetchedAt);
      if (kind === 'refresh' || !this.lastListedAt.has(record.ticker)) this.lastListedAt.set(record.ticker, record.provenance.fetchedAt);
      const previous = this.byTicker.get(record.ticker);
      this.byTicker.set(record.ticker, record);
      if (!previous || observableChange(previous, record)) {
        changed += 1;
        this.pubsub.publish('marketUpdated', record);
      }
    }
    return changed;
  }

  /**
   * After a complete listing (every page read): forgets the markets no listing has held since
   * `cutoff`. A market missing from one listing (paged while the list changed) is kept; one the
   * exchange stopped listing goes once the grace period is over. Returns the forgotten tickers.
   */
  forgetUnlisted(cutoff: number): string[] {
    const forgotten: string[] = [];
    for (const [ticker, listedAt] of this.lastListedAt) {
      if (listedAt >= cutoff) continue;
      this.lastListedAt.delete(ticker);
      this.byTicker.delete(ticker);
      forgotten.push(ticker);
    }
    return forgotten;
  }

  get(ticker: string): MarketRecord | null {
    const record = this.byTicker.get(ticker);
    return record ? this.served(record, this.sourceIsLive()) : null;
  }

  list(filter: MarketFilter = {}): MarketRecord[] {
    const wanted = filter.tickers ? new Set(filter.tickers) : null;
    const limit = Math.max(0, filter.limit ?? Number.POSITIVE_INFINITY);
    const live = this.sourceIsLive();
    const out: MarketRecord[] = [];
    for (const record of this.sorted()) {
      if (out.length >= limit) break;
      if (filter.status && record.status !== filter.status) continue;
      if (wanted && !wanted.has(record.ticker)) continue;
      out.push(this.served(record, live));
    }
    return out;
  }

  private served(record: MarketRecord, sourceLive: boolean): MarketRecord {
    if (record.provenance.tier !== 'LIVE') return record;
    if (sourceLive && record.provenance.fetchedAt >= this.latestFetchAt) return record;
    return { ...record, provenance: { ...record.provenance, tier: 'L1' } };
  }

  /** Stable order for clients: by event, then ticker. */
  private sorted(): MarketRecord[] {
    return [...this.byTicker.values()].sort(
      (a, b) => (a.eventTicker ?? '').localeCompare(b.eventTicker ?? '') || a.ticker.localeCompare(b.ticker),
    );
  }
}

function observableChange(a: MarketRecord, b: MarketRecord): boolean {
  return (
    a.status !== b.status ||
    a.prices.bid !== b.prices.bid ||
    a.prices.ask !== b.prices.ask ||
    a.prices.last !== b.prices.last ||
    a.volume.volume24h !== b.volume.volume24h ||
    a.volume.openInterest !== b.volume.openInterest
  );
}
