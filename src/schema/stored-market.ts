/**
 * A market inside a stored snapshot is history: its nested `orderBook` and `latestInsight` are
 * answered from what was stored with the snapshot, never through the live loaders (which would put
 * today's book and insight into last week's snapshot). The snapshot view marks each of its markets
 * with what it stored; the Market resolvers look for the mark first.
 */
import type { InsightRecord, MarketRecord, OrderBookRecord } from '../core/domain.js';

/** What a snapshot stored for one of its markets. */
export interface StoredWithMarket {
  /** Snapshots store no order books: null. */
  orderBook: OrderBookRecord | null;
  /** The snapshot's insight when it covers the market (it was then the latest about it), else null. */
  latestInsight: InsightRecord | null;
}

/** A symbol, so the mark is neither a GraphQL field nor part of the record's JSON. */
const STORED = Symbol('stored with a snapshot');

type MarkedMarket = MarketRecord & { [STORED]?: StoredWithMarket };

/** A copy of `market` that resolves its nested fields from `stored` only. */
export function storedMarket(market: MarketRecord, stored: StoredWithMarket): MarketRecord {
  const marked: MarkedMarket = { ...market, [STORED]: stored };
  return marked;
}

/** What was stored with `market` when it comes from a snapshot; null for a live market. */
export function storedWith(market: MarketRecord): StoredWithMarket | null {
  return (market as MarkedMarket)[STORED] ?? null;
}
