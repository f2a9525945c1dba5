import type { TypedDocumentNode as DocumentNode } from '@graphql-typed-document-node/core';
export type Maybe<T> = T | null;
export type InputMaybe<T> = Maybe<T>;
export type Exact<T extends { [key: string]: unknown }> = { [K in keyof T]: T[K] };
export type MakeOptional<T, K extends keyof T> = Omit<T, K> & { [SubKey in K]?: Maybe<T[SubKey]> };
export type MakeMaybe<T, K extends keyof T> = Omit<T, K> & { [SubKey in K]: Maybe<T[SubKey]> };
export type MakeEmpty<T extends { [key: string]: unknown }, K extends keyof T> = { [_ in K]?: never };
export type Incremental<T> = T | { [P in keyof T]?: P extends ' $fragmentName' | '__typename' ? T[P] : never };
/** All built-in and custom scalars, mapped to their actual values */
export type Scalars = {
  ID: { input: string; output: string; }
  String: { input: string; output: string; }
  Boolean: { input: boolean; output: boolean; }
  Int: { input: number; output: number; }
  Float: { input: number; output: number; }
  /** An ISO-8601 date-time string with offset, e.g. 2026-02-26T08:15:30.123Z. */
  DateTime: { input: string; output: string; }
};

export type AgentPnL = {
  __typename?: 'AgentPnL';
  agentId: Scalars['String']['output'];
  realizedPnlUsd: Scalars['Float']['output'];
  revenueUsd: Scalars['Float']['output'];
  totalPnlUsd: Scalars['Float']['output'];
  unrealizedPnlUsd: Scalars['Float']['output'];
};

export type Aggregate = {
  __typename?: 'Aggregate';
  /** Share of sources answering live, 0.0 to 1.0. */
  availabilityScore: Scalars['Float']['output'];
  businessMetrics: Array<BusinessMetric>;
  components: Array<SourceStatus>;
  fetchDurationMs: Scalars['Float']['output'];
  insight?: Maybe<Insight>;
  markets: Array<Market>;
  pnl: Array<AgentPnL>;
  requestId: Scalars['String']['output'];
  takenAt: Scalars['DateTime']['output'];
};

export type AssetType =
  | 'COMMODITY'
  | 'METRIC'
  | 'PREDICTION'
  | 'STOCK';

export type Availability =
  | 'CACHED'
  | 'LIVE'
  | 'UNAVAILABLE';

export type BreakerState =
  | 'CLOSED'
  | 'HALF_OPEN'
  | 'OPEN';

export type BreakerStats = {
  __typename?: 'BreakerStats';
  failures: Scalars['Int']['output'];
  fallbacks: Scalars['Int']['output'];
  fires: Scalars['Int']['output'];
  latencyMeanMs?: Maybe<Scalars['Float']['output']>;
  rejects: Scalars['Int']['output'];
  successes: Scalars['Int']['output'];
  timeouts: Scalars['Int']['output'];
};

export type BusinessMetric = Node & {
  __typename?: 'BusinessMetric';
  agentId: Scalars['String']['output'];
  comparisonPeriodValue?: Maybe<Scalars['Float']['output']>;
  id: Scalars['ID']['output'];
  metricName: Scalars['String']['output'];
  /** "USD", "count", "%" ... */
  metricUnit: Scalars['String']['output'];
  metricValue: Scalars['Float']['output'];
  period: Scalars['DateTime']['output'];
  quality: DataQuality;
  source: Source;
};

/** Where a value was served from. LIVE: fetched from the upstream for this answer. */
export type CacheTier =
  | 'L1'
  | 'L2'
  | 'L3'
  | 'L4'
  | 'LIVE';

export type CacheTierStatus = {
  __typename?: 'CacheTierStatus';
  healthy: Scalars['Boolean']['output'];
  hits: Scalars['Float']['output'];
  misses: Scalars['Float']['output'];
  tier: CacheTier;
};

export type Candle = {
  __typename?: 'Candle';
  /** start + interval (Kalshi's end_period_ts). */
  end: Scalars['DateTime']['output'];
  openInterest?: Maybe<Scalars['Float']['output']>;
  origin: CandleOrigin;
  /** Last-trade price; all four null when nothing traded in the period. */
  price: PriceOhlc;
  /** Inclusive. */
  start: Scalars['DateTime']['output'];
  /** Contracts traded in the period. */
  volume: Scalars['Float']['output'];
  yesAsk: PriceOhlc;
  yesBid: PriceOhlc;
};

/** A bucket of time, aligned to UTC: ONE_MINUTE, ONE_HOUR, ONE_DAY (candles, pnlHistory). */
export type CandleInterval =
  | 'ONE_DAY'
  | 'ONE_HOUR'
  | 'ONE_MINUTE';

/** RECORDED: built from the service's own market ticks and trades. EXCHANGE: Kalshi's candlesticks, for periods before the service's records. */
export type CandleOrigin =
  | 'EXCHANGE'
  | 'RECORDED';

export type DailySnapshotSummary = {
  __typename?: 'DailySnapshotSummary';
  agentId?: Maybe<Scalars['String']['output']>;
  /** YYYY-MM-DD (UTC). */
  date: Scalars['String']['output'];
  firstAt: Scalars['DateTime']['output'];
  lastAt: Scalars['DateTime']['output'];
  snapshotCount: Scalars['Int']['output'];
};

/** How trustworthy and how old a value is. */
export type DataQuality = {
  __typename?: 'DataQuality';
  cacheTier: CacheTier;
  fetchedAt: Scalars['DateTime']['output'];
  /** Milliseconds between the upstream producing the value and this answer. */
  freshnessMs: Scalars['Float']['output'];
  isFromCache: Scalars['Boolean']['output'];
  /** true when a push stream keeps the value current as served (an order book held from the Kalshi WebSocket); false for a REST snapshot (e.g. a book asked for before its WebSocket snapshot arrived) or a stored copy. */
  isStreaming: Scalars['Boolean']['output'];
  /** true when a bundled simulator invented the value (SIMULATORS), false when the real upstream sent it. Kept with the value in every cache tier. */
  simulated: Scalars['Boolean']['output'];
  /** 0.0 to 1.0. */
  sourceReliability: Scalars['Float']['output'];
};

export type Health = {
  __typename?: 'Health';
  cache: Array<CacheTierStatus>;
  sources: Array<SourceStatus>;
  /** "ok", "degraded" or "down". */
  status: Scalars['String']['output'];
  uptimeSeconds: Scalars['Float']['output'];
  version: Scalars['String']['output'];
};

export type Insight = Node & {
  __typename?: 'Insight';
  /** 0.0 to 1.0. */
  confidence: Scalars['Float']['output'];
  createdAt: Scalars['DateTime']['output'];
  id: Scalars['ID']['output'];
  keyFactors: Array<Scalars['String']['output']>;
  model: Scalars['String']['output'];
  quality: DataQuality;
  riskLevel: RiskLevel;
  sentiment: Sentiment;
  /** -1.0 (bearish) to +1.0 (bullish). */
  sentimentScore: Scalars['Float']['output'];
  source: Source;
  summary: Scalars['String']['output'];
  tickers: Array<Scalars['String']['output']>;
};

export type InsightChunk = {
  __typename?: 'InsightChunk';
  /** Text generated since the previous chunk. */
  delta: Scalars['String']['output'];
  done: Scalars['Boolean']['output'];
  /** Set on the last chunk. */
  insight?: Maybe<Insight>;
  insightId: Scalars['ID']['output'];
};

export type Market = Node & {
  __typename?: 'Market';
  candles: Array<Candle>;
  eventDate?: Maybe<Scalars['DateTime']['output']>;
  eventTicker?: Maybe<Scalars['String']['output']>;
  expiryDate?: Maybe<Scalars['DateTime']['output']>;
  /** Globally unique, e.g. "kalshi:SMUSD-260226". */
  id: Scalars['ID']['output'];
  latestInsight?: Maybe<Insight>;
  orderBook?: Maybe<OrderBook>;
  prices: Prices;
  quality: DataQuality;
  source: Source;
  status: MarketStatus;
  ticker: Scalars['String']['output'];
  title: Scalars['String']['output'];
  type: AssetType;
  updatedAt: Scalars['DateTime']['output'];
  volume: Volume;
};


export type MarketCandlesArgs = {
  from: Scalars['DateTime']['input'];
  interval: CandleInterval;
  to: Scalars['DateTime']['input'];
};


export type MarketOrderBookArgs = {
  depth?: InputMaybe<Scalars['Int']['input']>;
};

/** Kalshi market lifecycle states. */
export type MarketStatus =
  | 'ACTIVE'
  | 'AMENDED'
  | 'CLOSED'
  | 'DETERMINED'
  | 'DISPUTED'
  | 'FINALIZED'
  | 'INACTIVE'
  | 'INITIALIZED';

export type Mutation = {
  __typename?: 'Mutation';
  /** Run an analysis now (budget and rate limits apply). */
  requestInsight: Insight;
  /** Admin: force a breaker closed after an upstream incident. */
  resetBreaker: SourceStatus;
};


export type MutationRequestInsightArgs = {
  tickers?: InputMaybe<Array<Scalars['String']['input']>>;
};


export type MutationResetBreakerArgs = {
  source: Source;
};

export type Node = {
  id: Scalars['ID']['output'];
};

/** An order book seen from the YES side: bids best (highest) first, asks best (lowest) first. */
export type OrderBook = {
  __typename?: 'OrderBook';
  asks: Array<PriceLevel>;
  bids: Array<PriceLevel>;
  mid?: Maybe<Scalars['Float']['output']>;
  quality: DataQuality;
  /** Upstream sequence number of the last applied message, when the feed has one. */
  seq?: Maybe<Scalars['Int']['output']>;
  spread?: Maybe<Scalars['Float']['output']>;
  ticker: Scalars['String']['output'];
  updatedAt: Scalars['DateTime']['output'];
};

export type PageInfo = {
  __typename?: 'PageInfo';
  endCursor?: Maybe<Scalars['String']['output']>;
  hasNextPage: Scalars['Boolean']['output'];
};

export type PnLPoint = {
  __typename?: 'PnLPoint';
  agentId: Scalars['String']['output'];
  at: Scalars['DateTime']['output'];
  realizedPnlUsd: Scalars['Float']['output'];
  revenueUsd: Scalars['Float']['output'];
  totalPnlUsd: Scalars['Float']['output'];
  unrealizedPnlUsd: Scalars['Float']['output'];
};

export type PriceLevel = {
  __typename?: 'PriceLevel';
  price: Scalars['Float']['output'];
  size: Scalars['Float']['output'];
};

/** Open, high, low and close in US dollars per contract; all null when the period had no value. */
export type PriceOhlc = {
  __typename?: 'PriceOHLC';
  close?: Maybe<Scalars['Float']['output']>;
  high?: Maybe<Scalars['Float']['output']>;
  low?: Maybe<Scalars['Float']['output']>;
  open?: Maybe<Scalars['Float']['output']>;
};

/** Prices in US dollars per contract (0.00 to 1.00 for binary prediction markets). */
export type Prices = {
  __typename?: 'Prices';
  ask?: Maybe<Scalars['Float']['output']>;
  bid?: Maybe<Scalars['Float']['output']>;
  high?: Maybe<Scalars['Float']['output']>;
  last?: Maybe<Scalars['Float']['output']>;
  low?: Maybe<Scalars['Float']['output']>;
  previous?: Maybe<Scalars['Float']['output']>;
};

export type Query = {
  __typename?: 'Query';
  /** The current aggregated view, answered from the freshest tier that has it. */
  aggregate: Aggregate;
  businessMetrics: Array<BusinessMetric>;
  /** Candles of one market over [from, to), on the UTC grid of the interval; at most 10,000 per answer. */
  candles: Array<Candle>;
  dailySnapshots: Array<DailySnapshotSummary>;
  health: Health;
  insights: Array<Insight>;
  latestInsight?: Maybe<Insight>;
  market?: Maybe<Market>;
  markets: Array<Market>;
  node?: Maybe<Node>;
  orderBook?: Maybe<OrderBook>;
  /** One agent's P&L over [from, to], oldest first. Without `interval`, every stored point (one per SNAPSHOT_INTERVAL_MS); with one, the last point of each UTC-aligned bucket that has any. At most 5000 points: a range that would hold more is refused with the error code RESULT_TOO_LARGE (extensions.maxPoints), never cut short; narrow the range or widen the interval. */
  pnlHistory: Array<PnLPoint>;
  snapshots: SnapshotConnection;
  sources: Array<SourceStatus>;
  /** Public trades of one market, newest first, before `before` (default: now); at most 1,000. */
  trades: Array<Trade>;
};


export type QueryBusinessMetricsArgs = {
  agentId?: InputMaybe<Scalars['String']['input']>;
  limit?: InputMaybe<Scalars['Int']['input']>;
};


export type QueryCandlesArgs = {
  from: Scalars['DateTime']['input'];
  interval: CandleInterval;
  ticker: Scalars['String']['input'];
  to: Scalars['DateTime']['input'];
};


export type QueryDailySnapshotsArgs = {
  agentId?: InputMaybe<Scalars['String']['input']>;
  from: Scalars['DateTime']['input'];
  to: Scalars['DateTime']['input'];
};


export type QueryInsightsArgs = {
  limit?: InputMaybe<Scalars['Int']['input']>;
  ticker?: InputMaybe<Scalars['String']['input']>;
};


export type QueryLatestInsightArgs = {
  ticker?: InputMaybe<Scalars['String']['input']>;
};


export type QueryMarketArgs = {
  ticker: Scalars['String']['input'];
};


export type QueryMarketsArgs = {
  limit?: InputMaybe<Scalars['Int']['input']>;
  status?: InputMaybe<MarketStatus>;
  tickers?: InputMaybe<Array<Scalars['String']['input']>>;
};


export type QueryNodeArgs = {
  id: Scalars['ID']['input'];
};


export type QueryOrderBookArgs = {
  depth?: InputMaybe<Scalars['Int']['input']>;
  ticker: Scalars['String']['input'];
};


export type QueryPnlHistoryArgs = {
  agentId: Scalars['String']['input'];
  from: Scalars['DateTime']['input'];
  interval?: InputMaybe<CandleInterval>;
  to: Scalars['DateTime']['input'];
};


export type QuerySnapshotsArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  agentId?: InputMaybe<Scalars['String']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
  from: Scalars['DateTime']['input'];
  to: Scalars['DateTime']['input'];
};


export type QueryTradesArgs = {
  before?: InputMaybe<Scalars['DateTime']['input']>;
  limit?: InputMaybe<Scalars['Int']['input']>;
  ticker: Scalars['String']['input'];
};

export type RiskLevel =
  | 'HIGH'
  | 'LOW'
  | 'MEDIUM';

export type Sentiment =
  | 'BEARISH'
  | 'BULLISH'
  | 'NEUTRAL';

export type Snapshot = Node & {
  __typename?: 'Snapshot';
  agentId?: Maybe<Scalars['String']['output']>;
  aggregate: Aggregate;
  availabilityScore: Scalars['Float']['output'];
  id: Scalars['ID']['output'];
  takenAt: Scalars['DateTime']['output'];
};

export type SnapshotConnection = {
  __typename?: 'SnapshotConnection';
  edges: Array<SnapshotEdge>;
  pageInfo: PageInfo;
  totalCount: Scalars['Int']['output'];
};

export type SnapshotEdge = {
  __typename?: 'SnapshotEdge';
  cursor: Scalars['String']['output'];
  node: Snapshot;
};

export type Source =
  | 'ANTHROPIC'
  | 'JOHN'
  | 'KALSHI';

export type SourceStatus = {
  __typename?: 'SourceStatus';
  availability: Availability;
  breaker: BreakerState;
  consecutiveFailures: Scalars['Int']['output'];
  /** The upstream's error text for admin keys (and with AUTH_MODE=off); other keys see its category (network, auth, data, rate_limit, service, circuit_breaker, …). */
  lastError?: Maybe<Scalars['String']['output']>;
  lastFailureAt?: Maybe<Scalars['DateTime']['output']>;
  lastSuccessAt?: Maybe<Scalars['DateTime']['output']>;
  /** Whether the source talks to the real upstream or to the bundled simulator. */
  simulated: Scalars['Boolean']['output'];
  source: Source;
  stats: BreakerStats;
};

export type Subscription = {
  __typename?: 'Subscription';
  aggregateUpdated: Aggregate;
  insightStream: InsightChunk;
  marketUpdated: Market;
  orderBookUpdated: OrderBook;
  sourceStatusChanged: SourceStatus;
  /** Every public trade, as the exchange reports it; `tickers` limits it to those markets. */
  tradeExecuted: Trade;
};


export type SubscriptionInsightStreamArgs = {
  tickers?: InputMaybe<Array<Scalars['String']['input']>>;
};


export type SubscriptionMarketUpdatedArgs = {
  tickers?: InputMaybe<Array<Scalars['String']['input']>>;
};


export type SubscriptionOrderBookUpdatedArgs = {
  depth?: InputMaybe<Scalars['Int']['input']>;
  ticker: Scalars['String']['input'];
};


export type SubscriptionTradeExecutedArgs = {
  tickers?: InputMaybe<Array<Scalars['String']['input']>>;
};

export type Trade = {
  __typename?: 'Trade';
  /** When the exchange executed it (its own clock). */
  at: Scalars['DateTime']['output'];
  /** Contracts traded. */
  count: Scalars['Float']['output'];
  /** Kalshi's trade_id. */
  id: Scalars['ID']['output'];
  /** YES price in US dollars per contract. */
  price: Scalars['Float']['output'];
  /** The outcome the taker bought: 'yes' or 'no' (Kalshi's taker_outcome_side). */
  takerSide: Scalars['String']['output'];
  ticker: Scalars['String']['output'];
};

export type Volume = {
  __typename?: 'Volume';
  openInterest?: Maybe<Scalars['Float']['output']>;
  volume?: Maybe<Scalars['Float']['output']>;
  volume24h: Scalars['Float']['output'];
};

export type CurrentAggregateQueryVariables = Exact<{ [key: string]: never; }>;


export type CurrentAggregateQuery = { __typename?: 'Query', aggregate: { __typename?: 'Aggregate', takenAt: string, requestId: string, availabilityScore: number, fetchDurationMs: number, markets: Array<{ __typename?: 'Market', id: string, ticker: string, eventTicker?: string | null, title: string, status: MarketStatus, prices: { __typename?: 'Prices', bid?: number | null, ask?: number | null, last?: number | null, previous?: number | null }, volume: { __typename?: 'Volume', volume24h: number, openInterest?: number | null }, quality: { __typename?: 'DataQuality', freshnessMs: number, sourceReliability: number, isFromCache: boolean, cacheTier: CacheTier, fetchedAt: string } }>, components: Array<{ __typename?: 'SourceStatus', source: Source, availability: Availability, simulated: boolean, breaker: BreakerState, lastSuccessAt?: string | null, consecutiveFailures: number, lastError?: string | null }>, pnl: Array<{ __typename?: 'AgentPnL', agentId: string, totalPnlUsd: number }>, insight?: { __typename?: 'Insight', id: string, sentiment: Sentiment, sentimentScore: number, keyFactors: Array<string>, riskLevel: RiskLevel, confidence: number, summary: string, model: string, tickers: Array<string>, quality: { __typename?: 'DataQuality', cacheTier: CacheTier } } | null, businessMetrics: Array<{ __typename?: 'BusinessMetric', id: string, agentId: string, metricName: string, metricValue: number, metricUnit: string, period: string, quality: { __typename?: 'DataQuality', cacheTier: CacheTier, freshnessMs: number } }> } };

export type AggregateTicksSubscriptionVariables = Exact<{ [key: string]: never; }>;


export type AggregateTicksSubscription = { __typename?: 'Subscription', aggregateUpdated: { __typename?: 'Aggregate', takenAt: string, markets: Array<{ __typename?: 'Market', ticker: string, prices: { __typename?: 'Prices', bid?: number | null, ask?: number | null } }> } };

export type SnapshotsQueryVariables = Exact<{
  from: Scalars['DateTime']['input'];
  to: Scalars['DateTime']['input'];
  first?: InputMaybe<Scalars['Int']['input']>;
  after?: InputMaybe<Scalars['String']['input']>;
}>;


export type SnapshotsQuery = { __typename?: 'Query', snapshots: { __typename?: 'SnapshotConnection', totalCount: number, pageInfo: { __typename?: 'PageInfo', hasNextPage: boolean, endCursor?: string | null }, edges: Array<{ __typename?: 'SnapshotEdge', cursor: string, node: { __typename?: 'Snapshot', id: string, takenAt: string, agentId?: string | null, availabilityScore: number, aggregate: { __typename?: 'Aggregate', takenAt: string, markets: Array<{ __typename?: 'Market', ticker: string, prices: { __typename?: 'Prices', bid?: number | null, ask?: number | null }, quality: { __typename?: 'DataQuality', cacheTier: CacheTier } }> } } }> } };

export type DailySnapshotsQueryVariables = Exact<{
  from: Scalars['DateTime']['input'];
  to: Scalars['DateTime']['input'];
}>;


export type DailySnapshotsQuery = { __typename?: 'Query', dailySnapshots: Array<{ __typename?: 'DailySnapshotSummary', date: string, agentId?: string | null, snapshotCount: number, firstAt: string, lastAt: string }> };

export type HealthAndSourcesQueryVariables = Exact<{ [key: string]: never; }>;


export type HealthAndSourcesQuery = { __typename?: 'Query', health: { __typename?: 'Health', status: string, version: string, uptimeSeconds: number, cache: Array<{ __typename?: 'CacheTierStatus', tier: CacheTier }>, sources: Array<{ __typename?: 'SourceStatus', source: Source, availability: Availability, simulated: boolean }> }, sources: Array<{ __typename?: 'SourceStatus', source: Source, breaker: BreakerState, availability: Availability, simulated: boolean, lastError?: string | null, stats: { __typename?: 'BreakerStats', fires: number, successes: number, failures: number } }> };

export type MarketsByStatusQueryVariables = Exact<{
  status?: InputMaybe<MarketStatus>;
  limit?: InputMaybe<Scalars['Int']['input']>;
}>;


export type MarketsByStatusQuery = { __typename?: 'Query', markets: Array<{ __typename?: 'Market', id: string, ticker: string, status: MarketStatus, prices: { __typename?: 'Prices', bid?: number | null, ask?: number | null } }> };

export type NodeByIdQueryVariables = Exact<{
  id: Scalars['ID']['input'];
}>;


export type NodeByIdQuery = { __typename?: 'Query', node?:
    | { __typename: 'BusinessMetric', id: string }
    | { __typename: 'Insight', id: string }
    | { __typename: 'Market', ticker: string, id: string }
    | { __typename: 'Snapshot', takenAt: string, id: string }
   | null };

export type OrderBookOfQueryVariables = Exact<{
  ticker: Scalars['String']['input'];
  depth?: InputMaybe<Scalars['Int']['input']>;
}>;


export type OrderBookOfQuery = { __typename?: 'Query', orderBook?: { __typename?: 'OrderBook', ticker: string, seq?: number | null, spread?: number | null, mid?: number | null, bids: Array<{ __typename?: 'PriceLevel', price: number, size: number }>, asks: Array<{ __typename?: 'PriceLevel', price: number, size: number }>, quality: { __typename?: 'DataQuality', cacheTier: CacheTier, freshnessMs: number } } | null, market?: { __typename?: 'Market', ticker: string, prices: { __typename?: 'Prices', bid?: number | null, ask?: number | null }, orderBook?: { __typename?: 'OrderBook', bids: Array<{ __typename?: 'PriceLevel', price: number }>, asks: Array<{ __typename?: 'PriceLevel', price: number }> } | null, latestInsight?: { __typename?: 'Insight', id: string } | null } | null };

export type OrderBookTicksSubscriptionVariables = Exact<{
  ticker: Scalars['String']['input'];
}>;


export type OrderBookTicksSubscription = { __typename?: 'Subscription', orderBookUpdated: { __typename?: 'OrderBook', ticker: string, seq?: number | null, bids: Array<{ __typename?: 'PriceLevel', price: number, size: number }>, asks: Array<{ __typename?: 'PriceLevel', price: number, size: number }> } };

export type RequestInsightMutationVariables = Exact<{
  tickers?: InputMaybe<Array<Scalars['String']['input']> | Scalars['String']['input']>;
}>;


export type RequestInsightMutation = { __typename?: 'Mutation', requestInsight: { __typename?: 'Insight', id: string, tickers: Array<string>, sentiment: Sentiment, sentimentScore: number, riskLevel: RiskLevel, confidence: number, summary: string, keyFactors: Array<string>, model: string, quality: { __typename?: 'DataQuality', cacheTier: CacheTier } } };

export type InsightChunksSubscriptionVariables = Exact<{
  tickers?: InputMaybe<Array<Scalars['String']['input']> | Scalars['String']['input']>;
}>;


export type InsightChunksSubscription = { __typename?: 'Subscription', insightStream: { __typename?: 'InsightChunk', insightId: string, delta: string, done: boolean, insight?: { __typename?: 'Insight', id: string, sentiment: Sentiment } | null } };

export type ResetBreakerMutationVariables = Exact<{
  source: Source;
}>;


export type ResetBreakerMutation = { __typename?: 'Mutation', resetBreaker: { __typename?: 'SourceStatus', source: Source, breaker: BreakerState, availability: Availability } };

export type BusinessMetricsOfQueryVariables = Exact<{
  agentId?: InputMaybe<Scalars['String']['input']>;
}>;


export type BusinessMetricsOfQuery = { __typename?: 'Query', businessMetrics: Array<{ __typename?: 'BusinessMetric', id: string, agentId: string, metricName: string, metricValue: number, metricUnit: string, comparisonPeriodValue?: number | null, quality: { __typename?: 'DataQuality', cacheTier: CacheTier } }> };

export type MarketsWithBooksAndInsightsQueryVariables = Exact<{
  limit?: InputMaybe<Scalars['Int']['input']>;
}>;


export type MarketsWithBooksAndInsightsQuery = { __typename?: 'Query', markets: Array<{ __typename?: 'Market', ticker: string, orderBook?: { __typename?: 'OrderBook', bids: Array<{ __typename?: 'PriceLevel', price: number }>, quality: { __typename?: 'DataQuality', cacheTier: CacheTier } } | null, latestInsight?: { __typename?: 'Insight', id: string } | null }> };

export type MarketByTickerQueryVariables = Exact<{
  ticker: Scalars['String']['input'];
}>;


export type MarketByTickerQuery = { __typename?: 'Query', market?: { __typename?: 'Market', ticker: string, prices: { __typename?: 'Prices', bid?: number | null, ask?: number | null }, quality: { __typename?: 'DataQuality', cacheTier: CacheTier, isFromCache: boolean, freshnessMs: number, sourceReliability: number } } | null };

export type CacheHealthQueryVariables = Exact<{ [key: string]: never; }>;


export type CacheHealthQuery = { __typename?: 'Query', health: { __typename?: 'Health', status: string, cache: Array<{ __typename?: 'CacheTierStatus', tier: CacheTier, healthy: boolean, hits: number, misses: number }> } };

export type AggregatePnlQueryVariables = Exact<{ [key: string]: never; }>;


export type AggregatePnlQuery = { __typename?: 'Query', aggregate: { __typename?: 'Aggregate', takenAt: string, pnl: Array<{ __typename?: 'AgentPnL', agentId: string, revenueUsd: number, realizedPnlUsd: number, unrealizedPnlUsd: number, totalPnlUsd: number }>, businessMetrics: Array<{ __typename?: 'BusinessMetric', agentId: string, metricName: string, metricValue: number }> } };

export type PnlHistoryQueryVariables = Exact<{
  agentId: Scalars['String']['input'];
  from: Scalars['DateTime']['input'];
  to: Scalars['DateTime']['input'];
}>;


export type PnlHistoryQuery = { __typename?: 'Query', pnlHistory: Array<{ __typename?: 'PnLPoint', at: string, agentId: string, revenueUsd: number, realizedPnlUsd: number, unrealizedPnlUsd: number, totalPnlUsd: number }> };

export type AgentSnapshotsQueryVariables = Exact<{
  from: Scalars['DateTime']['input'];
  to: Scalars['DateTime']['input'];
  agentId?: InputMaybe<Scalars['String']['input']>;
}>;


export type AgentSnapshotsQuery = { __typename?: 'Query', snapshots: { __typename?: 'SnapshotConnection', totalCount: number, edges: Array<{ __typename?: 'SnapshotEdge', node: { __typename?: 'Snapshot', agentId?: string | null, aggregate: { __typename?: 'Aggregate', pnl: Array<{ __typename?: 'AgentPnL', agentId: string, totalPnlUsd: number }> } } }> }, dailySnapshots: Array<{ __typename?: 'DailySnapshotSummary', date: string, agentId?: string | null, snapshotCount: number }> };

export type AggregateAvailabilitySubscriptionVariables = Exact<{ [key: string]: never; }>;


export type AggregateAvailabilitySubscription = { __typename?: 'Subscription', aggregateUpdated: { __typename?: 'Aggregate', takenAt: string, availabilityScore: number } };

export type SimulatedQualityQueryVariables = Exact<{ [key: string]: never; }>;


export type SimulatedQualityQuery = { __typename?: 'Query', markets: Array<{ __typename?: 'Market', ticker: string, quality: { __typename?: 'DataQuality', simulated: boolean, cacheTier: CacheTier }, orderBook?: { __typename?: 'OrderBook', quality: { __typename?: 'DataQuality', simulated: boolean } } | null }>, businessMetrics: Array<{ __typename?: 'BusinessMetric', agentId: string, quality: { __typename?: 'DataQuality', simulated: boolean } }>, latestInsight?: { __typename?: 'Insight', quality: { __typename?: 'DataQuality', simulated: boolean } } | null, aggregate: { __typename?: 'Aggregate', markets: Array<{ __typename?: 'Market', quality: { __typename?: 'DataQuality', simulated: boolean } }>, insight?: { __typename?: 'Insight', quality: { __typename?: 'DataQuality', simulated: boolean } } | null, businessMetrics: Array<{ __typename?: 'BusinessMetric', quality: { __typename?: 'DataQuality', simulated: boolean } }> } };


export const CurrentAggregateDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"CurrentAggregate"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"aggregate"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"takenAt"}},{"kind":"Field","name":{"kind":"Name","value":"requestId"}},{"kind":"Field","name":{"kind":"Name","value":"availabilityScore"}},{"kind":"Field","name":{"kind":"Name","value":"fetchDurationMs"}},{"kind":"Field","name":{"kind":"Name","value":"markets"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"ticker"}},{"kind":"Field","name":{"kind":"Name","value":"eventTicker"}},{"kind":"Field","name":{"kind":"Name","value":"title"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"prices"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"bid"}},{"kind":"Field","name":{"kind":"Name","value":"ask"}},{"kind":"Field","name":{"kind":"Name","value":"last"}},{"kind":"Field","name":{"kind":"Name","value":"previous"}}]}},{"kind":"Field","name":{"kind":"Name","value":"volume"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"volume24h"}},{"kind":"Field","name":{"kind":"Name","value":"openInterest"}}]}},{"kind":"Field","name":{"kind":"Name","value":"quality"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"freshnessMs"}},{"kind":"Field","name":{"kind":"Name","value":"sourceReliability"}},{"kind":"Field","name":{"kind":"Name","value":"isFromCache"}},{"kind":"Field","name":{"kind":"Name","value":"cacheTier"}},{"kind":"Field","name":{"kind":"Name","value":"fetchedAt"}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"components"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"source"}},{"kind":"Field","name":{"kind":"Name","value":"availability"}},{"kind":"Field","name":{"kind":"Name","value":"simulated"}},{"kind":"Field","name":{"kind":"Name","value":"breaker"}},{"kind":"Field","name":{"kind":"Name","value":"lastSuccessAt"}},{"kind":"Field","name":{"kind":"Name","value":"consecutiveFailures"}},{"kind":"Field","name":{"kind":"Name","value":"lastError"}}]}},{"kind":"Field","name":{"kind":"Name","value":"pnl"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"agentId"}},{"kind":"Field","name":{"kind":"Name","value":"totalPnlUsd"}}]}},{"kind":"Field","name":{"kind":"Name","value":"insight"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"sentiment"}},{"kind":"Field","name":{"kind":"Name","value":"sentimentScore"}},{"kind":"Field","name":{"kind":"Name","value":"keyFactors"}},{"kind":"Field","name":{"kind":"Name","value":"riskLevel"}},{"kind":"Field","name":{"kind":"Name","value":"confidence"}},{"kind":"Field","name":{"kind":"Name","value":"summary"}},{"kind":"Field","name":{"kind":"Name","value":"model"}},{"kind":"Field","name":{"kind":"Name","value":"tickers"}},{"kind":"Field","name":{"kind":"Name","value":"quality"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"cacheTier"}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"businessMetrics"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"agentId"}},{"kind":"Field","name":{"kind":"Name","value":"metricName"}},{"kind":"Field","name":{"kind":"Name","value":"metricValue"}},{"kind":"Field","name":{"kind":"Name","value":"metricUnit"}},{"kind":"Field","name":{"kind":"Name","value":"period"}},{"kind":"Field","name":{"kind":"Name","value":"quality"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"cacheTier"}},{"kind":"Field","name":{"kind":"Name","value":"freshnessMs"}}]}}]}}]}}]}}]} as unknown as DocumentNode<CurrentAggregateQuery, CurrentAggregateQueryVariables>;
export const AggregateTicksDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"subscription","name":{"kind":"Name","value":"AggregateTicks"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"aggregateUpdated"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"takenAt"}},{"kind":"Field","name":{"kind":"Name","value":"markets"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"ticker"}},{"kind":"Field","name":{"kind":"Name","value":"prices"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"bid"}},{"kind":"Field","name":{"kind":"Name","value":"ask"}}]}}]}}]}}]}}]} as unknown as DocumentNode<AggregateTicksSubscription, AggregateTicksSubscriptionVariables>;
export const SnapshotsDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"Snapshots"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"from"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"DateTime"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"to"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"DateTime"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"first"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"after"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"snapshots"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"from"},"value":{"kind":"Variable","name":{"kind":"Name","value":"from"}}},{"kind":"Argument","name":{"kind":"Name","value":"to"},"value":{"kind":"Variable","name":{"kind":"Name","value":"to"}}},{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"Variable","name":{"kind":"Name","value":"first"}}},{"kind":"Argument","name":{"kind":"Name","value":"after"},"value":{"kind":"Variable","name":{"kind":"Name","value":"after"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"totalCount"}},{"kind":"Field","name":{"kind":"Name","value":"pageInfo"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"hasNextPage"}},{"kind":"Field","name":{"kind":"Name","value":"endCursor"}}]}},{"kind":"Field","name":{"kind":"Name","value":"edges"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"cursor"}},{"kind":"Field","name":{"kind":"Name","value":"node"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"takenAt"}},{"kind":"Field","name":{"kind":"Name","value":"agentId"}},{"kind":"Field","name":{"kind":"Name","value":"availabilityScore"}},{"kind":"Field","name":{"kind":"Name","value":"aggregate"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"takenAt"}},{"kind":"Field","name":{"kind":"Name","value":"markets"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"ticker"}},{"kind":"Field","name":{"kind":"Name","value":"prices"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"bid"}},{"kind":"Field","name":{"kind":"Name","value":"ask"}}]}},{"kind":"Field","name":{"kind":"Name","value":"quality"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"cacheTier"}}]}}]}}]}}]}}]}}]}}]}}]} as unknown as DocumentNode<SnapshotsQuery, SnapshotsQueryVariables>;
export const DailySnapshotsDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"DailySnapshots"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"from"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"DateTime"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"to"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"DateTime"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"dailySnapshots"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"from"},"value":{"kind":"Variable","name":{"kind":"Name","value":"from"}}},{"kind":"Argument","name":{"kind":"Name","value":"to"},"value":{"kind":"Variable","name":{"kind":"Name","value":"to"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"date"}},{"kind":"Field","name":{"kind":"Name","value":"agentId"}},{"kind":"Field","name":{"kind":"Name","value":"snapshotCount"}},{"kind":"Field","name":{"kind":"Name","value":"firstAt"}},{"kind":"Field","name":{"kind":"Name","value":"lastAt"}}]}}]}}]} as unknown as DocumentNode<DailySnapshotsQuery, DailySnapshotsQueryVariables>;
export const HealthAndSourcesDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"HealthAndSources"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"health"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"version"}},{"kind":"Field","name":{"kind":"Name","value":"uptimeSeconds"}},{"kind":"Field","name":{"kind":"Name","value":"cache"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"tier"}}]}},{"kind":"Field","name":{"kind":"Name","value":"sources"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"source"}},{"kind":"Field","name":{"kind":"Name","value":"availability"}},{"kind":"Field","name":{"kind":"Name","value":"simulated"}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"sources"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"source"}},{"kind":"Field","name":{"kind":"Name","value":"breaker"}},{"kind":"Field","name":{"kind":"Name","value":"availability"}},{"kind":"Field","name":{"kind":"Name","value":"simulated"}},{"kind":"Field","name":{"kind":"Name","value":"lastError"}},{"kind":"Field","name":{"kind":"Name","value":"stats"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"fires"}},{"kind":"Field","name":{"kind":"Name","value":"successes"}},{"kind":"Field","name":{"kind":"Name","value":"failures"}}]}}]}}]}}]} as unknown as DocumentNode<HealthAndSourcesQuery, HealthAndSourcesQueryVariables>;
export const MarketsByStatusDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"MarketsByStatus"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"status"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"MarketStatus"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"limit"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"markets"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"status"},"value":{"kind":"Variable","name":{"kind":"Name","value":"status"}}},{"kind":"Argument","name":{"kind":"Name","value":"limit"},"value":{"kind":"Variable","name":{"kind":"Name","value":"limit"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"ticker"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"prices"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"bid"}},{"kind":"Field","name":{"kind":"Name","value":"ask"}}]}}]}}]}}]} as unknown as DocumentNode<MarketsByStatusQuery, MarketsByStatusQueryVariables>;
export const NodeByIdDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"NodeById"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"node"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Market"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"ticker"}}]}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Snapshot"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"takenAt"}}]}}]}}]}}]} as unknown as DocumentNode<NodeByIdQuery, NodeByIdQueryVariables>;
export const OrderBookOfDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"OrderBookOf"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"ticker"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"depth"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"orderBook"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"ticker"},"value":{"kind":"Variable","name":{"kind":"Name","value":"ticker"}}},{"kind":"Argument","name":{"kind":"Name","value":"depth"},"value":{"kind":"Variable","name":{"kind":"Name","value":"depth"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"ticker"}},{"kind":"Field","name":{"kind":"Name","value":"seq"}},{"kind":"Field","name":{"kind":"Name","value":"spread"}},{"kind":"Field","name":{"kind":"Name","value":"mid"}},{"kind":"Field","name":{"kind":"Name","value":"bids"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"price"}},{"kind":"Field","name":{"kind":"Name","value":"size"}}]}},{"kind":"Field","name":{"kind":"Name","value":"asks"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"price"}},{"kind":"Field","name":{"kind":"Name","value":"size"}}]}},{"kind":"Field","name":{"kind":"Name","value":"quality"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"cacheTier"}},{"kind":"Field","name":{"kind":"Name","value":"freshnessMs"}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"market"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"ticker"},"value":{"kind":"Variable","name":{"kind":"Name","value":"ticker"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"ticker"}},{"kind":"Field","name":{"kind":"Name","value":"prices"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"bid"}},{"kind":"Field","name":{"kind":"Name","value":"ask"}}]}},{"kind":"Field","name":{"kind":"Name","value":"orderBook"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"depth"},"value":{"kind":"IntValue","value":"2"}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"bids"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"price"}}]}},{"kind":"Field","name":{"kind":"Name","value":"asks"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"price"}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"latestInsight"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}}]}}]}}]}}]} as unknown as DocumentNode<OrderBookOfQuery, OrderBookOfQueryVariables>;
export const OrderBookTicksDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"subscription","name":{"kind":"Name","value":"OrderBookTicks"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"ticker"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"orderBookUpdated"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"ticker"},"value":{"kind":"Variable","name":{"kind":"Name","value":"ticker"}}},{"kind":"Argument","name":{"kind":"Name","value":"depth"},"value":{"kind":"IntValue","value":"3"}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"ticker"}},{"kind":"Field","name":{"kind":"Name","value":"seq"}},{"kind":"Field","name":{"kind":"Name","value":"bids"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"price"}},{"kind":"Field","name":{"kind":"Name","value":"size"}}]}},{"kind":"Field","name":{"kind":"Name","value":"asks"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"price"}},{"kind":"Field","name":{"kind":"Name","value":"size"}}]}}]}}]}}]} as unknown as DocumentNode<OrderBookTicksSubscription, OrderBookTicksSubscriptionVariables>;
export const RequestInsightDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"RequestInsight"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"tickers"}},"type":{"kind":"ListType","type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"requestInsight"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"tickers"},"value":{"kind":"Variable","name":{"kind":"Name","value":"tickers"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"tickers"}},{"kind":"Field","name":{"kind":"Name","value":"sentiment"}},{"kind":"Field","name":{"kind":"Name","value":"sentimentScore"}},{"kind":"Field","name":{"kind":"Name","value":"riskLevel"}},{"kind":"Field","name":{"kind":"Name","value":"confidence"}},{"kind":"Field","name":{"kind":"Name","value":"summary"}},{"kind":"Field","name":{"kind":"Name","value":"keyFactors"}},{"kind":"Field","name":{"kind":"Name","value":"model"}},{"kind":"Field","name":{"kind":"Name","value":"quality"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"cacheTier"}}]}}]}}]}}]} as unknown as DocumentNode<RequestInsightMutation, RequestInsightMutationVariables>;
export const InsightChunksDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"subscription","name":{"kind":"Name","value":"InsightChunks"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"tickers"}},"type":{"kind":"ListType","type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"insightStream"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"tickers"},"value":{"kind":"Variable","name":{"kind":"Name","value":"tickers"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"insightId"}},{"kind":"Field","name":{"kind":"Name","value":"delta"}},{"kind":"Field","name":{"kind":"Name","value":"done"}},{"kind":"Field","name":{"kind":"Name","value":"insight"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"sentiment"}}]}}]}}]}}]} as unknown as DocumentNode<InsightChunksSubscription, InsightChunksSubscriptionVariables>;
export const ResetBreakerDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"ResetBreaker"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"source"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"Source"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"resetBreaker"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"source"},"value":{"kind":"Variable","name":{"kind":"Name","value":"source"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"source"}},{"kind":"Field","name":{"kind":"Name","value":"breaker"}},{"kind":"Field","name":{"kind":"Name","value":"availability"}}]}}]}}]} as unknown as DocumentNode<ResetBreakerMutation, ResetBreakerMutationVariables>;
export const BusinessMetricsOfDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"BusinessMetricsOf"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"agentId"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"businessMetrics"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"agentId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"agentId"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"agentId"}},{"kind":"Field","name":{"kind":"Name","value":"metricName"}},{"kind":"Field","name":{"kind":"Name","value":"metricValue"}},{"kind":"Field","name":{"kind":"Name","value":"metricUnit"}},{"kind":"Field","name":{"kind":"Name","value":"comparisonPeriodValue"}},{"kind":"Field","name":{"kind":"Name","value":"quality"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"cacheTier"}}]}}]}}]}}]} as unknown as DocumentNode<BusinessMetricsOfQuery, BusinessMetricsOfQueryVariables>;
export const MarketsWithBooksAndInsightsDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"MarketsWithBooksAndInsights"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"limit"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"markets"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"limit"},"value":{"kind":"Variable","name":{"kind":"Name","value":"limit"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"ticker"}},{"kind":"Field","name":{"kind":"Name","value":"orderBook"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"depth"},"value":{"kind":"IntValue","value":"1"}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"bids"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"price"}}]}},{"kind":"Field","name":{"kind":"Name","value":"quality"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"cacheTier"}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"latestInsight"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}}]}}]}}]}}]} as unknown as DocumentNode<MarketsWithBooksAndInsightsQuery, MarketsWithBooksAndInsightsQueryVariables>;
export const MarketByTickerDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"MarketByTicker"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"ticker"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"market"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"ticker"},"value":{"kind":"Variable","name":{"kind":"Name","value":"ticker"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"ticker"}},{"kind":"Field","name":{"kind":"Name","value":"prices"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"bid"}},{"kind":"Field","name":{"kind":"Name","value":"ask"}}]}},{"kind":"Field","name":{"kind":"Name","value":"quality"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"cacheTier"}},{"kind":"Field","name":{"kind":"Name","value":"isFromCache"}},{"kind":"Field","name":{"kind":"Name","value":"freshnessMs"}},{"kind":"Field","name":{"kind":"Name","value":"sourceReliability"}}]}}]}}]}}]} as unknown as DocumentNode<MarketByTickerQuery, MarketByTickerQueryVariables>;
export const CacheHealthDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"CacheHealth"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"health"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"cache"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"tier"}},{"kind":"Field","name":{"kind":"Name","value":"healthy"}},{"kind":"Field","name":{"kind":"Name","value":"hits"}},{"kind":"Field","name":{"kind":"Name","value":"misses"}}]}}]}}]}}]} as unknown as DocumentNode<CacheHealthQuery, CacheHealthQueryVariables>;
export const AggregatePnlDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"AggregatePnl"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"aggregate"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"takenAt"}},{"kind":"Field","name":{"kind":"Name","value":"pnl"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"agentId"}},{"kind":"Field","name":{"kind":"Name","value":"revenueUsd"}},{"kind":"Field","name":{"kind":"Name","value":"realizedPnlUsd"}},{"kind":"Field","name":{"kind":"Name","value":"unrealizedPnlUsd"}},{"kind":"Field","name":{"kind":"Name","value":"totalPnlUsd"}}]}},{"kind":"Field","name":{"kind":"Name","value":"businessMetrics"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"agentId"}},{"kind":"Field","name":{"kind":"Name","value":"metricName"}},{"kind":"Field","name":{"kind":"Name","value":"metricValue"}}]}}]}}]}}]} as unknown as DocumentNode<AggregatePnlQuery, AggregatePnlQueryVariables>;
export const PnlHistoryDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"PnlHistory"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"agentId"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"from"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"DateTime"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"to"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"DateTime"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"pnlHistory"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"agentId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"agentId"}}},{"kind":"Argument","name":{"kind":"Name","value":"from"},"value":{"kind":"Variable","name":{"kind":"Name","value":"from"}}},{"kind":"Argument","name":{"kind":"Name","value":"to"},"value":{"kind":"Variable","name":{"kind":"Name","value":"to"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"at"}},{"kind":"Field","name":{"kind":"Name","value":"agentId"}},{"kind":"Field","name":{"kind":"Name","value":"revenueUsd"}},{"kind":"Field","name":{"kind":"Name","value":"realizedPnlUsd"}},{"kind":"Field","name":{"kind":"Name","value":"unrealizedPnlUsd"}},{"kind":"Field","name":{"kind":"Name","value":"totalPnlUsd"}}]}}]}}]} as unknown as DocumentNode<PnlHistoryQuery, PnlHistoryQueryVariables>;
export const AgentSnapshotsDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"AgentSnapshots"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"from"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"DateTime"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"to"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"DateTime"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"agentId"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"snapshots"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"from"},"value":{"kind":"Variable","name":{"kind":"Name","value":"from"}}},{"kind":"Argument","name":{"kind":"Name","value":"to"},"value":{"kind":"Variable","name":{"kind":"Name","value":"to"}}},{"kind":"Argument","name":{"kind":"Name","value":"agentId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"agentId"}}},{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"IntValue","value":"5"}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"totalCount"}},{"kind":"Field","name":{"kind":"Name","value":"edges"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"node"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"agentId"}},{"kind":"Field","name":{"kind":"Name","value":"aggregate"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"pnl"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"agentId"}},{"kind":"Field","name":{"kind":"Name","value":"totalPnlUsd"}}]}}]}}]}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"dailySnapshots"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"from"},"value":{"kind":"Variable","name":{"kind":"Name","value":"from"}}},{"kind":"Argument","name":{"kind":"Name","value":"to"},"value":{"kind":"Variable","name":{"kind":"Name","value":"to"}}},{"kind":"Argument","name":{"kind":"Name","value":"agentId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"agentId"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"date"}},{"kind":"Field","name":{"kind":"Name","value":"agentId"}},{"kind":"Field","name":{"kind":"Name","value":"snapshotCount"}}]}}]}}]} as unknown as DocumentNode<AgentSnapshotsQuery, AgentSnapshotsQueryVariables>;
export const AggregateAvailabilityDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"subscription","name":{"kind":"Name","value":"AggregateAvailability"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"aggregateUpdated"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"takenAt"}},{"kind":"Field","name":{"kind":"Name","value":"availabilityScore"}}]}}]}}]} as unknown as DocumentNode<AggregateAvailabilitySubscription, AggregateAvailabilitySubscriptionVariables>;
export const SimulatedQualityDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"SimulatedQuality"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"markets"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"limit"},"value":{"kind":"IntValue","value":"5"}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"ticker"}},{"kind":"Field","name":{"kind":"Name","value":"quality"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"simulated"}},{"kind":"Field","name":{"kind":"Name","value":"cacheTier"}}]}},{"kind":"Field","name":{"kind":"Name","value":"orderBook"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"depth"},"value":{"kind":"IntValue","value":"1"}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"quality"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"simulated"}}]}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"businessMetrics"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"limit"},"value":{"kind":"IntValue","value":"10"}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"agentId"}},{"kind":"Field","name":{"kind":"Name","value":"quality"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"simulated"}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"latestInsight"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"quality"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"simulated"}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"aggregate"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"markets"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"quality"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"simulated"}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"insight"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"quality"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"simulated"}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"businessMetrics"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"quality"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"simulated"}}]}}]}}]}}]}}]} as unknown as DocumentNode<SimulatedQualityQuery, SimulatedQualityQueryVariables>;