/**
 * What resolvers can reach. The server builds one GraphQLContext per operation and one per
 * subscription event (createContext); `services` is the same object for the whole process,
 * assembled in src/app.ts.
 */
import type { Clock } from '../core/clock.js';
import type { Config } from '../core/config.js';
import type {
  AggregateRecord,
  BusinessMetricRecord,
  CacheTier,
  InsightRecord,
  MarketRecord,
  OrderBookRecord,
  SourceId,
  SourceStatusRecord,
} from '../core/domain.js';
import type { Logger } from '../core/logger.js';
import type { NorthstarPubSub } from '../core/pubsub.js';
import type { LiveMarkets } from '../aggregate/live-markets.js';
import type { MarketHistory } from '../aggregate/market-history.js';
import type { BookReadBudget } from '../aggregate/read-model.js';
import type { Principal } from '../server/access/principal.js';
import { createLoaders, type Loaders } from './loaders.js';

export interface SnapshotRowView {
  id: string;
  takenAt: Date;
  agentId: string | null;
  availabilityScore: number;
  aggregate: unknown;
}

export interface PnLPointView {
  at: Date;
  agentId: string;
  revenueUsd: string;
  realizedPnlUsd: string;
  unrealizedPnlUsd: string;
  totalPnlUsd: string;
}

export interface DailySummaryView {
  date: string;
  agentId: string | null;
  snapshotCount: number;
  firstAt: Date;
  lastAt: Date;
}

/** The read side of the history store, as the schema needs it. */
export interface HistoryReader {
  listSnapshots(query: { from: Date; to: Date; agentId?: string | null; first: number; after?: string | null }): Promise<{
    nodes: SnapshotRowView[];
    hasNextPage: boolean;
    endCursor: string | null;
    totalCount: number;
  }>;
  /** The opaque cursor that resumes a listing right after this row. */
  cursorOf(row: SnapshotRowView): string;
  getSnapshot(id: string): Promise<SnapshotRowView | null>;
  dailySnapshots(query: { from: Date; to: Date; agentId?: string | null }): Promise<DailySummaryView[]>;
  /** interval: the last point per UTC bucket; null, every point. Refuses (RESULT_TOO_LARGE) a range of more than 5000 points. */
  pnlHistory(query: { agentId: string; from: Date; to: Date; interval?: 'ONE_MINUTE' | 'ONE_HOUR' | 'ONE_DAY' | null }): Promise<PnLPointView[]>;
}

export interface CacheTierStatusView {
  tier: CacheTier;
  healthy: boolean;
  hits: number;
  misses: number;
}

export interface HealthView {
  status: 'ok' | 'degraded' | 'down';
  version: string;
  uptimeSeconds: number;
  sources: SourceStatusRecord[];
  cache: CacheTierStatusView[];
}

export interface Services {
  config: Config;
  clock: Clock;
  logger: Logger;
  pubsub: NorthstarPubSub;
  markets: Pick<LiveMarkets, 'list' | 'get'> & {
    /** Batched read by ticker (DataLoader), in the order asked; null where unknown. */
    getMany(tickers: readonly string[]): Promise<Array<MarketRecord | null>>;
  };
  aggregator: { current(): AggregateRecord };
  history: HistoryReader;
  sources: {
    all(): SourceStatusRecord[];
    get(source: SourceId): SourceStatusRecord;
    resetBreaker(source: SourceId): Promise<SourceStatusRecord>;
  };
  orderBooks: {
    /**
     * Batched read by ticker, in the order asked; null where unknown, an Error (BOOK_READ_LIMITED)
     * where the operation's REST book reads (`budget`) ran out and no tier held the book.
     */
    getMany(tickers: readonly string[], budget?: BookReadBudget): Promise<Array<OrderBookRecord | Error | null>>;
    /** A subscriber keeps this book followed over the WebSocket until it calls the returned function. */
    hold(ticker: string): () => void;
  };
  insights: {
    latest(ticker: string | null): Promise<InsightRecord | null>;
    latestMany(tickers: readonly string[]): Promise<Array<InsightRecord | null>>;
    list(ticker: string | null, limit: number): Promise<InsightRecord[]>;
    request(tickers: string[] | null): Promise<InsightRecord>;
  };
  businessMetrics: {
    list(agentId: string | null, limit: number): Promise<BusinessMetricRecord[]>;
  };
  /** Candles and public trades (aggregate/market-history.ts). */
  marketHistory: Pick<MarketHistory, 'candles' | 'candlesMany' | 'trades'>;
  health(): Promise<HealthView>;
}

export interface GraphQLContext {
  requestId: string;
  logger: Logger;
  services: Services;
  loaders: Loaders;
  /**
   * The API key the operation came with (its id and scopes); null when AUTH_MODE=off. A shared
   * subscription event is resolved with a principal of its own that only reads (see yoga.ts).
   */
  principal: Principal | null;
}

/**
 * A context of its own: an id, a logger that carries it, and loaders nobody has used yet. The server
 * builds one for every operation (with the caller's request id) and one for every shared
 * subscription event (with an id of the event's own), so no execution sees loaders that remember an
 * older one, and a shared event is never resolved with one subscriber's request.
 */
export function createContext(requestId: string, services: Services, logger: Logger, principal: Principal | null): GraphQLContext {
  const bindings = principal ? { requestId, keyId: principal.keyId } : { requestId };
  return { requestId, logger: logger.child(bindings), services, loaders: createLoaders(services), principal };
}
