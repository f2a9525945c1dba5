/**
 * The unified records every source normalizes into (the seed's NormalizedFinancialData, split by
 * kind) and the quality stamp every served value carries. Sources produce these; the cache stores
 * them; the aggregator combines them; the schema serves them.
 */

export const SOURCE_IDS = ['kalshi', 'anthropic', 'john'] as const;
export type SourceId = (typeof SOURCE_IDS)[number];

export type CacheTier = 'LIVE' | 'L1' | 'L2' | 'L3' | 'L4';
export type BreakerState = 'CLOSED' | 'OPEN' | 'HALF_OPEN';
export type Availability = 'LIVE' | 'CACHED' | 'UNAVAILABLE';
export type AssetType = 'PREDICTION' | 'STOCK' | 'COMMODITY' | 'METRIC';
export type Sentiment = 'BULLISH' | 'NEUTRAL' | 'BEARISH';
export type RiskLevel = 'LOW' | 'MEDIUM' | 'HIGH';

/** Kalshi's market lifecycle (response values, upper-cased). */
export const MARKET_STATUSES = ['INITIALIZED', 'INACTIVE', 'ACTIVE', 'CLOSED', 'DETERMINED', 'DISPUTED', 'AMENDED', 'FINALIZED'] as const;
export type MarketStatus = (typeof MARKET_STATUSES)[number];

/**
 * Where a value came from and when. Stored with the value; the served `quality` is computed from it
 * at answer time, so freshness is always measured from the value's origin, not from the cache write.
 */
export interface Provenance {
  /** Epoch ms at which the upstream produced the value (its own timestamp when it sends one). */
  originAt: number;
  /** Epoch ms at which we received it from the upstream. */
  fetchedAt: number;
  /** The tier this copy was read from. */
  tier: CacheTier;
  /**
   * true when a bundled simulator (src/simulators/) produced the value. Stamped where the source
   * makes the record and stored with it, so a copy served from any tier (after a restart on the real
   * upstream too) still says it was invented. Absent means a real upstream.
   */
  simulated?: boolean;
  /**
   * true when the copy served is held current by a push stream right now (a Kalshi order book from
   * the WebSocket feed). Set where it is served (the read model, the book subscription), never
   * stored: a copy read back from a tier, or a REST snapshot, is not streaming.
   */
  streaming?: boolean;
}

/** The record as produced by a simulator when `simulated` (a copy, marked); otherwise the record itself. */
export function fromSimulator<T extends { provenance: Provenance }>(record: T, simulated: boolean): T {
  return simulated ? { ...record, provenance: { ...record.provenance, simulated: true } } : record;
}

export interface DataQuality {
  freshnessMs: number;
  sourceReliability: number;
  isFromCache: boolean;
  cacheTier: CacheTier;
  fetchedAt: Date;
  /** true when the value was invented by a bundled simulator, not read from the real upstream. */
  simulated: boolean;
  /** true when a push stream keeps the value current as served (a WebSocket book); false for a REST read or a stored copy. */
  isStreaming: boolean;
}

export interface MarketPrices {
  bid: number | null;
  ask: number | null;
  last: number | null;
  previous: number | null;
  high: number | null;
  low: number | null;
}

export interface MarketVolume {
  volume24h: number;
  volume: number | null;
  openInterest: number | null;
}

/** A normalized market. Prices are dollars per contract; counts are contracts. */
export interface MarketRecord {
  /** Globally unique, e.g. "kalshi:SMUSD-260226". */
  id: string;
  source: SourceId;
  ticker: string;
  eventTicker: string | null;
  title: string;
  type: AssetType;
  status: MarketStatus;
  prices: MarketPrices;
  volume: MarketVolume;
  /** ISO-8601 strings, so records survive JSON round trips through every cache tier unchanged. */
  eventDate: string | null;
  expiryDate: string | null;
  updatedAt: string;
  provenance: Provenance;
  /**
   * When each price was observed, for merging observations of one market from several feeds
   * (LiveMarkets keeps the newest per field). A field without one was observed at
   * `provenance.fetchedAt`.
   */
  priceObservedAt?: Partial<Record<keyof MarketPrices, PriceObservation>>;
}

/** One observation of a price: our clock always, the exchange's when the message carries its own. */
export interface PriceObservation {
  /** Epoch ms, our clock: when the observation was fetched (for a REST answer, when its request left). */
  at: number;
  /** Epoch ms, the upstream's clock: its own timestamp of the observation, when it sends one. */
  upstreamAt?: number;
}

export interface PriceLevel {
  price: number;
  size: number;
}

/** An order book seen from the YES side: bids best (highest) first, asks best (lowest) first. */
export interface OrderBookRecord {
  ticker: string;
  bids: PriceLevel[];
  asks: PriceLevel[];
  seq: number | null;
  updatedAt: string;
  provenance: Provenance;
}

export interface InsightRecord {
  id: string;
  source: SourceId;
  tickers: string[];
  sentiment: Sentiment;
  sentimentScore: number;
  keyFactors: string[];
  riskLevel: RiskLevel;
  confidence: number;
  summary: string;
  model: string;
  createdAt: string;
  provenance: Provenance;
}

export interface BusinessMetricRecord {
  id: string;
  source: SourceId;
  agentId: string;
  metricName: string;
  metricValue: number;
  metricUnit: string;
  period: string;
  comparisonPeriodValue: number | null;
  provenance: Provenance;
}

export function marketId(source: SourceId, ticker: string): string {
  return `${source}:${ticker}`;
}

export interface BreakerStats {
  fires: number;
  successes: number;
  failures: number;
  timeouts: number;
  rejects: number;
  fallbacks: number;
  latencyMeanMs: number | null;
}

/** What we know about one upstream right now. */
export interface SourceStatusRecord {
  source: SourceId;
  breaker: BreakerState;
  availability: Availability;
  /** true when the source talks to the bundled simulator. */
  simulated: boolean;
  lastSuccessAt: string | null;
  lastFailureAt: string | null;
  consecutiveFailures: number;
  /** The upstream's own error text: shown to admin keys only (schema/source-status.ts). */
  lastError: string | null;
  /** What kind of failure lastError was (an UpstreamError's category): what other keys see. */
  lastErrorCategory?: string | null;
  stats: BreakerStats;
}

/** Money as decimal strings: sums are done in decimal arithmetic, floats only at the GraphQL edge. */
export interface AgentPnLRecord {
  agentId: string;
  revenueUsd: string;
  realizedPnlUsd: string;
  unrealizedPnlUsd: string;
  totalPnlUsd: string;
}

/** The aggregated view published to subscribers and stored in snapshots. */
export interface AggregateRecord {
  takenAt: string;
  requestId: string;
  markets: MarketRecord[];
  insight: InsightRecord | null;
  businessMetrics: BusinessMetricRecord[];
  components: SourceStatusRecord[];
  pnl: AgentPnLRecord[];
  availabilityScore: number;
  fetchDurationMs: number;
}

export interface InsightChunkRecord {
  insightId: string;
  delta: string;
  done: boolean;
  insight: InsightRecord | null;
  tickers: string[];
}
