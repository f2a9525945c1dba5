/**
 * The markets as last received from Kalshi, in memory. Feeds write here; the aggregator, the
 * snapshot writer and the resolvers read from here. A market that a feed stops returning keeps its
 * last good value (with its original provenance, so its age shows) until complete listings have
 * left it out for a grace period: then the exchange has delisted it, and it is forgotten. Without
 * that, a service watched all day would carry every market it ever saw in every aggregate.
 *
 * A record is served as LIVE only while the source answers live and the record came with the
 * latest successful fetch; otherwise it is what it is, a copy held in process memory (L1).
 *
 * Prices never go back in time. One market's prices are observed by several feeds — the REST
 * listing every poll, the WebSocket book and ticker messages in between — which do not arrive in
 * the order the exchange produced them: a listing answer may leave the exchange before a book
 * delta and reach us after it. So every write is a merge that keeps, per price field, the newest
 * observation (`priceObservedAt`, see mergeMarket):
 * - an observation's time is the exchange's own timestamp when it carries one, else the time we
 *   fetched it (for a REST answer: when its request left, the earliest the exchange can have
 *   produced it — so an answer that may predate a book message we already hold never wins);
 * - two observations are compared on the exchange's timestamps when both carry one, else on our
 *   fetch times: never one clock against the other, so a skewed exchange clock cannot reorder them;
 * - equal times: the incoming observation wins. It arrived later, and for a REST answer timed by
 *   its request's departure, the exchange produced it no earlier than that.
 * The other fields (status, volume, titles, provenance) come from the incoming record: only prices
 * are observed by more than one feed. A patch none of whose price changes is newer is dropped.
 */
import type { MarketPrices, MarketRecord, MarketStatus, PriceObservation } from '../core/domain.js';
import type { NorthstarPubSub } from '../core/pubsub.js';

export interface MarketFilter {
  status?: MarketStatus | null;
  tickers?: readonly string[] | null;
  limit?: number | null;
}

/**
 * How long a market may be missing from complete Kalshi listings before it is forgotten: longer
 * than a few polls (a listing paged while the list changed may miss one), short enough that
 * delisted markets leave the aggregate the same hour.
 */
export const UNLISTED_MARKET_GRACE_MS = 10 * 60_000;

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
      let next = record;
      if (previous) {
        const merge = mergeMarket(previous, record);
        // A patch whose every price change is older than what is held says nothing new.
        if (kind === 'patch' && merge.changedFromIncoming === 0 && merge.keptFromHeld > 0) continue;
        next = merge.record;
      }
      this.byTicker.set(record.ticker, next);
      if (!previous || observableChange(previous, next)) {
        changed += 1;
        this.pubsub.publish('marketUpdated', next);
      }
    }
    return changed;
  }

  /**
   * A poll's listing: its markets merged in, and after a complete one (every page read) the
   * markets no listing has held for UNLISTED_MARKET_GRACE_MS forgotten. Returns the forgotten tickers.
   */
  listingReceived(records: readonly MarketRecord[], listing: { complete: boolean }, nowMs: number): string[] {
    this.upsert(records, 'refresh');
    return listing.complete ? this.forgetUnlisted(nowMs - UNLISTED_MARKET_GRACE_MS) : [];
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

  /**
   * The record as held: every feed's observations merged, with its own provenance (not relabelled
   * for serving). What the cache tiers are written with.
   */
  held(ticker: string): MarketRecord | null {
    return this.byTicker.get(ticker) ?? null;
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
    return [...this.byTicker.values()].sort((a, b) => (a.eventTicker ?? '').localeCompare(b.eventTicker ?? '') || a.ticker.localeCompare(b.ticker));
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

export const PRICE_FIELDS = ['bid', 'ask', 'last', 'previous', 'high', 'low'] as const satisfies ReadonlyArray<keyof MarketPrices>;

/** When a record observed one of its prices; a field without its own time was observed at fetch. */
export function observationOf(record: MarketRecord, field: keyof MarketPrices): PriceObservation {
  return record.priceObservedAt?.[field] ?? { at: record.provenance.fetchedAt };
}

/**
 * True when `incoming` is at least as new as `held`: on the exchange's timestamps when both carry
 * one, else on our fetch times; equal times count as newer (the incoming one arrived later).
 */
export function isAtLeastAsNew(incoming: PriceObservation, held: PriceObservation): boolean {
  if (incoming.upstreamAt !== undefined && held.upstreamAt !== undefined) return incoming.upstreamAt >= held.upstreamAt;
  return incoming.at >= held.at;
}

export interface MarketMerge {
  record: MarketRecord;
  /** Price fields whose value the incoming record changed (it was at least as new, and differed). */
  changedFromIncoming: number;
  /** Price fields where the held value was kept over a different, older incoming value. */
  keptFromHeld: number;
}

/**
 * `incoming` over `held`, keeping per price field the newer observation (with its time). Every
 * field of the result has its observation time, so the next merge compares like with like.
 */
export function mergeMarket(held: MarketRecord, incoming: MarketRecord): MarketMerge {
  const prices = { ...incoming.prices };
  const observed: Partial<Record<keyof MarketPrices, PriceObservation>> = {};
  let changedFromIncoming = 0;
  let keptFromHeld = 0;
  for (const field of PRICE_FIELDS) {
    const mine = observationOf(held, field);
    const theirs = observationOf(incoming, field);
    const differs = held.prices[field] !== incoming.prices[field];
    if (isAtLeastAsNew(theirs, mine)) {
      observed[field] = theirs;
      if (differs) changedFromIncoming += 1;
    } else {
      prices[field] = held.prices[field];
      observed[field] = mine;
      if (differs) keptFromHeld += 1;
    }
  }
  return { record: { ...incoming, prices, priceObservedAt: observed }, changedFromIncoming, keptFromHeld };
}
