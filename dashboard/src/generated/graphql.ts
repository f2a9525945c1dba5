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

export type ConnectionBadgeSourcesQueryVariables = Exact<{ [key: string]: never; }>;


export type ConnectionBadgeSourcesQuery = { __typename?: 'Query', sources: Array<{ __typename?: 'SourceStatus', source: Source, simulated: boolean }> };

export type ConnectionBadgeSourceChangesSubscriptionVariables = Exact<{ [key: string]: never; }>;


export type ConnectionBadgeSourceChangesSubscription = { __typename?: 'Subscription', sourceStatusChanged: { __typename?: 'SourceStatus', source: Source, simulated: boolean } };

export type InsightFeedInsightFragment = { __typename?: 'Insight', id: string, createdAt: string, summary: string, sentiment: Sentiment, sentimentScore: number, riskLevel: RiskLevel, confidence: number, tickers: Array<string>, keyFactors: Array<string>, model: string, quality: { __typename?: 'DataQuality', simulated: boolean } };

export type InsightFeedQueryVariables = Exact<{
  limit: Scalars['Int']['input'];
}>;


export type InsightFeedQuery = { __typename?: 'Query', insights: Array<{ __typename?: 'Insight', id: string, createdAt: string, summary: string, sentiment: Sentiment, sentimentScore: number, riskLevel: RiskLevel, confidence: number, tickers: Array<string>, keyFactors: Array<string>, model: string, quality: { __typename?: 'DataQuality', simulated: boolean } }> };

export type InsightFeedStreamSubscriptionVariables = Exact<{ [key: string]: never; }>;


export type InsightFeedStreamSubscription = { __typename?: 'Subscription', insightStream: { __typename?: 'InsightChunk', insightId: string, delta: string, done: boolean, insight?: { __typename?: 'Insight', id: string, createdAt: string, summary: string, sentiment: Sentiment, sentimentScore: number, riskLevel: RiskLevel, confidence: number, tickers: Array<string>, keyFactors: Array<string>, model: string, quality: { __typename?: 'DataQuality', simulated: boolean } } | null } };

export type MarketDetailCandleFragment = { __typename?: 'Candle', start: string, volume: number, price: { __typename?: 'PriceOHLC', open?: number | null, high?: number | null, low?: number | null, close?: number | null }, yesBid: { __typename?: 'PriceOHLC', close?: number | null }, yesAsk: { __typename?: 'PriceOHLC', close?: number | null } };

export type MarketDetailTradeFragment = { __typename?: 'Trade', id: string, at: string, price: number, count: number, takerSide: string };

export type MarketDetailBookFragment = { __typename?: 'OrderBook', ticker: string, updatedAt: string, seq?: number | null, mid?: number | null, spread?: number | null, bids: Array<{ __typename?: 'PriceLevel', price: number, size: number }>, asks: Array<{ __typename?: 'PriceLevel', price: number, size: number }> };

export type MarketDetailHeaderFragment = { __typename?: 'Market', ticker: string, title: string, status: MarketStatus, updatedAt: string, prices: { __typename?: 'Prices', bid?: number | null, ask?: number | null, last?: number | null }, quality: { __typename?: 'DataQuality', simulated: boolean, cacheTier: CacheTier } };

export type MarketDetailQueryVariables = Exact<{
  ticker: Scalars['String']['input'];
  hourFrom: Scalars['DateTime']['input'];
  minuteFrom: Scalars['DateTime']['input'];
  to: Scalars['DateTime']['input'];
  depth: Scalars['Int']['input'];
  tradeLimit: Scalars['Int']['input'];
}>;


export type MarketDetailQuery = { __typename?: 'Query', market?: { __typename?: 'Market', ticker: string, title: string, status: MarketStatus, updatedAt: string, prices: { __typename?: 'Prices', bid?: number | null, ask?: number | null, last?: number | null }, quality: { __typename?: 'DataQuality', simulated: boolean, cacheTier: CacheTier } } | null, orderBook?: { __typename?: 'OrderBook', ticker: string, updatedAt: string, seq?: number | null, mid?: number | null, spread?: number | null, bids: Array<{ __typename?: 'PriceLevel', price: number, size: number }>, asks: Array<{ __typename?: 'PriceLevel', price: number, size: number }> } | null, hourly: Array<{ __typename?: 'Candle', start: string, volume: number, price: { __typename?: 'PriceOHLC', open?: number | null, high?: number | null, low?: number | null, close?: number | null }, yesBid: { __typename?: 'PriceOHLC', close?: number | null }, yesAsk: { __typename?: 'PriceOHLC', close?: number | null } }>, minutely: Array<{ __typename?: 'Candle', start: string, volume: number, price: { __typename?: 'PriceOHLC', open?: number | null, high?: number | null, low?: number | null, close?: number | null }, yesBid: { __typename?: 'PriceOHLC', close?: number | null }, yesAsk: { __typename?: 'PriceOHLC', close?: number | null } }>, trades: Array<{ __typename?: 'Trade', id: string, at: string, price: number, count: number, takerSide: string }> };

export type MarketDetailBookUpdatesSubscriptionVariables = Exact<{
  ticker: Scalars['String']['input'];
  depth: Scalars['Int']['input'];
}>;


export type MarketDetailBookUpdatesSubscription = { __typename?: 'Subscription', orderBookUpdated: { __typename?: 'OrderBook', ticker: string, updatedAt: string, seq?: number | null, mid?: number | null, spread?: number | null, bids: Array<{ __typename?: 'PriceLevel', price: number, size: number }>, asks: Array<{ __typename?: 'PriceLevel', price: number, size: number }> } };

export type MarketDetailTradesSubscriptionVariables = Exact<{
  tickers: Array<Scalars['String']['input']> | Scalars['String']['input'];
}>;


export type MarketDetailTradesSubscription = { __typename?: 'Subscription', tradeExecuted: { __typename?: 'Trade', id: string, at: string, price: number, count: number, takerSide: string } };

export type MarketDetailUpdatesSubscriptionVariables = Exact<{
  tickers: Array<Scalars['String']['input']> | Scalars['String']['input'];
}>;


export type MarketDetailUpdatesSubscription = { __typename?: 'Subscription', marketUpdated: { __typename?: 'Market', ticker: string, title: string, status: MarketStatus, updatedAt: string, prices: { __typename?: 'Prices', bid?: number | null, ask?: number | null, last?: number | null }, quality: { __typename?: 'DataQuality', simulated: boolean, cacheTier: CacheTier } } };

export type MarketsTableRowFragment = { __typename?: 'Market', id: string, ticker: string, title: string, source: Source, status: MarketStatus, prices: { __typename?: 'Prices', bid?: number | null, ask?: number | null, last?: number | null, previous?: number | null }, volume: { __typename?: 'Volume', volume24h: number }, quality: { __typename?: 'DataQuality', freshnessMs: number, cacheTier: CacheTier, isFromCache: boolean, simulated: boolean } };

export type MarketsTableQueryVariables = Exact<{ [key: string]: never; }>;


export type MarketsTableQuery = { __typename?: 'Query', aggregate: { __typename?: 'Aggregate', markets: Array<{ __typename?: 'Market', id: string, ticker: string, title: string, source: Source, status: MarketStatus, prices: { __typename?: 'Prices', bid?: number | null, ask?: number | null, last?: number | null, previous?: number | null }, volume: { __typename?: 'Volume', volume24h: number }, quality: { __typename?: 'DataQuality', freshnessMs: number, cacheTier: CacheTier, isFromCache: boolean, simulated: boolean } }> } };

export type MarketsTableUpdatesSubscriptionVariables = Exact<{ [key: string]: never; }>;


export type MarketsTableUpdatesSubscription = { __typename?: 'Subscription', aggregateUpdated: { __typename?: 'Aggregate', markets: Array<{ __typename?: 'Market', id: string, ticker: string, title: string, source: Source, status: MarketStatus, prices: { __typename?: 'Prices', bid?: number | null, ask?: number | null, last?: number | null, previous?: number | null }, volume: { __typename?: 'Volume', volume24h: number }, quality: { __typename?: 'DataQuality', freshnessMs: number, cacheTier: CacheTier, isFromCache: boolean, simulated: boolean } }> } };

export type PnlAgentFragment = { __typename?: 'AgentPnL', agentId: string, revenueUsd: number, realizedPnlUsd: number, unrealizedPnlUsd: number, totalPnlUsd: number };

export type PnlAgentsQueryVariables = Exact<{ [key: string]: never; }>;


export type PnlAgentsQuery = { __typename?: 'Query', aggregate: { __typename?: 'Aggregate', takenAt: string, pnl: Array<{ __typename?: 'AgentPnL', agentId: string, revenueUsd: number, realizedPnlUsd: number, unrealizedPnlUsd: number, totalPnlUsd: number }> } };

export type PnlHistoryQueryVariables = Exact<{
  agentId: Scalars['String']['input'];
  from: Scalars['DateTime']['input'];
  to: Scalars['DateTime']['input'];
}>;


export type PnlHistoryQuery = { __typename?: 'Query', pnlHistory: Array<{ __typename?: 'PnLPoint', agentId: string, at: string, revenueUsd: number, realizedPnlUsd: number, unrealizedPnlUsd: number, totalPnlUsd: number }> };

export type PnlUpdatesSubscriptionVariables = Exact<{ [key: string]: never; }>;


export type PnlUpdatesSubscription = { __typename?: 'Subscription', aggregateUpdated: { __typename?: 'Aggregate', takenAt: string, pnl: Array<{ __typename?: 'AgentPnL', agentId: string, revenueUsd: number, realizedPnlUsd: number, unrealizedPnlUsd: number, totalPnlUsd: number }> } };

export type SourcesPanelStatusFragment = { __typename?: 'SourceStatus', source: Source, availability: Availability, breaker: BreakerState, simulated: boolean, consecutiveFailures: number, lastSuccessAt?: string | null, lastFailureAt?: string | null, lastError?: string | null };

export type SourcesPanelQueryVariables = Exact<{ [key: string]: never; }>;


export type SourcesPanelQuery = { __typename?: 'Query', sources: Array<{ __typename?: 'SourceStatus', source: Source, availability: Availability, breaker: BreakerState, simulated: boolean, consecutiveFailures: number, lastSuccessAt?: string | null, lastFailureAt?: string | null, lastError?: string | null }> };

export type SourcesPanelChangesSubscriptionVariables = Exact<{ [key: string]: never; }>;


export type SourcesPanelChangesSubscription = { __typename?: 'Subscription', sourceStatusChanged: { __typename?: 'SourceStatus', source: Source, availability: Availability, breaker: BreakerState, simulated: boolean, consecutiveFailures: number, lastSuccessAt?: string | null, lastFailureAt?: string | null, lastError?: string | null } };

export type SourcesPanelAggregateSubscriptionVariables = Exact<{ [key: string]: never; }>;


export type SourcesPanelAggregateSubscription = { __typename?: 'Subscription', aggregateUpdated: { __typename?: 'Aggregate', components: Array<{ __typename?: 'SourceStatus', source: Source, availability: Availability, breaker: BreakerState, simulated: boolean, consecutiveFailures: number, lastSuccessAt?: string | null, lastFailureAt?: string | null, lastError?: string | null }> } };

export const InsightFeedInsightFragmentDoc = {"kind":"Document","definitions":[{"kind":"FragmentDefinition","name":{"kind":"Name","value":"InsightFeedInsight"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Insight"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"createdAt"}},{"kind":"Field","name":{"kind":"Name","value":"summary"}},{"kind":"Field","name":{"kind":"Name","value":"sentiment"}},{"kind":"Field","name":{"kind":"Name","value":"sentimentScore"}},{"kind":"Field","name":{"kind":"Name","value":"riskLevel"}},{"kind":"Field","name":{"kind":"Name","value":"confidence"}},{"kind":"Field","name":{"kind":"Name","value":"tickers"}},{"kind":"Field","name":{"kind":"Name","value":"keyFactors"}},{"kind":"Field","name":{"kind":"Name","value":"model"}},{"kind":"Field","name":{"kind":"Name","value":"quality"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"simulated"}}]}}]}}]} as unknown as DocumentNode<InsightFeedInsightFragment, unknown>;
export const MarketDetailCandleFragmentDoc = {"kind":"Document","definitions":[{"kind":"FragmentDefinition","name":{"kind":"Name","value":"MarketDetailCandle"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Candle"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"start"}},{"kind":"Field","name":{"kind":"Name","value":"volume"}},{"kind":"Field","name":{"kind":"Name","value":"price"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"open"}},{"kind":"Field","name":{"kind":"Name","value":"high"}},{"kind":"Field","name":{"kind":"Name","value":"low"}},{"kind":"Field","name":{"kind":"Name","value":"close"}}]}},{"kind":"Field","name":{"kind":"Name","value":"yesBid"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"close"}}]}},{"kind":"Field","name":{"kind":"Name","value":"yesAsk"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"close"}}]}}]}}]} as unknown as DocumentNode<MarketDetailCandleFragment, unknown>;
export const MarketDetailTradeFragmentDoc = {"kind":"Document","definitions":[{"kind":"FragmentDefinition","name":{"kind":"Name","value":"MarketDetailTrade"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Trade"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"at"}},{"kind":"Field","name":{"kind":"Name","value":"price"}},{"kind":"Field","name":{"kind":"Name","value":"count"}},{"kind":"Field","name":{"kind":"Name","value":"takerSide"}}]}}]} as unknown as DocumentNode<MarketDetailTradeFragment, unknown>;
export const MarketDetailBookFragmentDoc = {"kind":"Document","definitions":[{"kind":"FragmentDefinition","name":{"kind":"Name","value":"MarketDetailBook"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"OrderBook"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"ticker"}},{"kind":"Field","name":{"kind":"Name","value":"updatedAt"}},{"kind":"Field","name":{"kind":"Name","value":"seq"}},{"kind":"Field","name":{"kind":"Name","value":"mid"}},{"kind":"Field","name":{"kind":"Name","value":"spread"}},{"kind":"Field","name":{"kind":"Name","value":"bids"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"price"}},{"kind":"Field","name":{"kind":"Name","value":"size"}}]}},{"kind":"Field","name":{"kind":"Name","value":"asks"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"price"}},{"kind":"Field","name":{"kind":"Name","value":"size"}}]}}]}}]} as unknown as DocumentNode<MarketDetailBookFragment, unknown>;
export const MarketDetailHeaderFragmentDoc = {"kind":"Document","definitions":[{"kind":"FragmentDefinition","name":{"kind":"Name","value":"MarketDetailHeader"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Market"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"ticker"}},{"kind":"Field","name":{"kind":"Name","value":"title"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"updatedAt"}},{"kind":"Field","name":{"kind":"Name","value":"prices"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"bid"}},{"kind":"Field","name":{"kind":"Name","value":"ask"}},{"kind":"Field","name":{"kind":"Name","value":"last"}}]}},{"kind":"Field","name":{"kind":"Name","value":"quality"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"simulated"}},{"kind":"Field","name":{"kind":"Name","value":"cacheTier"}}]}}]}}]} as unknown as DocumentNode<MarketDetailHeaderFragment, unknown>;
export const MarketsTableRowFragmentDoc = {"kind":"Document","definitions":[{"kind":"FragmentDefinition","name":{"kind":"Name","value":"MarketsTableRow"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Market"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"ticker"}},{"kind":"Field","name":{"kind":"Name","value":"title"}},{"kind":"Field","name":{"kind":"Name","value":"source"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"prices"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"bid"}},{"kind":"Field","name":{"kind":"Name","value":"ask"}},{"kind":"Field","name":{"kind":"Name","value":"last"}},{"kind":"Field","name":{"kind":"Name","value":"previous"}}]}},{"kind":"Field","name":{"kind":"Name","value":"volume"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"volume24h"}}]}},{"kind":"Field","name":{"kind":"Name","value":"quality"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"freshnessMs"}},{"kind":"Field","name":{"kind":"Name","value":"cacheTier"}},{"kind":"Field","name":{"kind":"Name","value":"isFromCache"}},{"kind":"Field","name":{"kind":"Name","value":"simulated"}}]}}]}}]} as unknown as DocumentNode<MarketsTableRowFragment, unknown>;
export const PnlAgentFragmentDoc = {"kind":"Document","definitions":[{"kind":"FragmentDefinition","name":{"kind":"Name","value":"PnlAgent"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"AgentPnL"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"agentId"}},{"kind":"Field","name":{"kind":"Name","value":"revenueUsd"}},{"kind":"Field","name":{"kind":"Name","value":"realizedPnlUsd"}},{"kind":"Field","name":{"kind":"Name","value":"unrealizedPnlUsd"}},{"kind":"Field","name":{"kind":"Name","value":"totalPnlUsd"}}]}}]} as unknown as DocumentNode<PnlAgentFragment, unknown>;
export const SourcesPanelStatusFragmentDoc = {"kind":"Document","definitions":[{"kind":"FragmentDefinition","name":{"kind":"Name","value":"SourcesPanelStatus"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"SourceStatus"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"source"}},{"kind":"Field","name":{"kind":"Name","value":"availability"}},{"kind":"Field","name":{"kind":"Name","value":"breaker"}},{"kind":"Field","name":{"kind":"Name","value":"simulated"}},{"kind":"Field","name":{"kind":"Name","value":"consecutiveFailures"}},{"kind":"Field","name":{"kind":"Name","value":"lastSuccessAt"}},{"kind":"Field","name":{"kind":"Name","value":"lastFailureAt"}},{"kind":"Field","name":{"kind":"Name","value":"lastError"}}]}}]} as unknown as DocumentNode<SourcesPanelStatusFragment, unknown>;
export const ConnectionBadgeSourcesDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"ConnectionBadgeSources"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"sources"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"source"}},{"kind":"Field","name":{"kind":"Name","value":"simulated"}}]}}]}}]} as unknown as DocumentNode<ConnectionBadgeSourcesQuery, ConnectionBadgeSourcesQueryVariables>;
export const ConnectionBadgeSourceChangesDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"subscription","name":{"kind":"Name","value":"ConnectionBadgeSourceChanges"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"sourceStatusChanged"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"source"}},{"kind":"Field","name":{"kind":"Name","value":"simulated"}}]}}]}}]} as unknown as DocumentNode<ConnectionBadgeSourceChangesSubscription, ConnectionBadgeSourceChangesSubscriptionVariables>;
export const InsightFeedDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"InsightFeed"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"limit"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"insights"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"limit"},"value":{"kind":"Variable","name":{"kind":"Name","value":"limit"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"InsightFeedInsight"}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"InsightFeedInsight"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Insight"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"createdAt"}},{"kind":"Field","name":{"kind":"Name","value":"summary"}},{"kind":"Field","name":{"kind":"Name","value":"sentiment"}},{"kind":"Field","name":{"kind":"Name","value":"sentimentScore"}},{"kind":"Field","name":{"kind":"Name","value":"riskLevel"}},{"kind":"Field","name":{"kind":"Name","value":"confidence"}},{"kind":"Field","name":{"kind":"Name","value":"tickers"}},{"kind":"Field","name":{"kind":"Name","value":"keyFactors"}},{"kind":"Field","name":{"kind":"Name","value":"model"}},{"kind":"Field","name":{"kind":"Name","value":"quality"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"simulated"}}]}}]}}]} as unknown as DocumentNode<InsightFeedQuery, InsightFeedQueryVariables>;
export const InsightFeedStreamDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"subscription","name":{"kind":"Name","value":"InsightFeedStream"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"insightStream"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"insightId"}},{"kind":"Field","name":{"kind":"Name","value":"delta"}},{"kind":"Field","name":{"kind":"Name","value":"done"}},{"kind":"Field","name":{"kind":"Name","value":"insight"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"InsightFeedInsight"}}]}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"InsightFeedInsight"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Insight"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"createdAt"}},{"kind":"Field","name":{"kind":"Name","value":"summary"}},{"kind":"Field","name":{"kind":"Name","value":"sentiment"}},{"kind":"Field","name":{"kind":"Name","value":"sentimentScore"}},{"kind":"Field","name":{"kind":"Name","value":"riskLevel"}},{"kind":"Field","name":{"kind":"Name","value":"confidence"}},{"kind":"Field","name":{"kind":"Name","value":"tickers"}},{"kind":"Field","name":{"kind":"Name","value":"keyFactors"}},{"kind":"Field","name":{"kind":"Name","value":"model"}},{"kind":"Field","name":{"kind":"Name","value":"quality"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"simulated"}}]}}]}}]} as unknown as DocumentNode<InsightFeedStreamSubscription, InsightFeedStreamSubscriptionVariables>;
export const MarketDetailDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"MarketDetail"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"ticker"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"hourFrom"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"DateTime"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"minuteFrom"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"DateTime"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"to"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"DateTime"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"depth"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"tradeLimit"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"market"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"ticker"},"value":{"kind":"Variable","name":{"kind":"Name","value":"ticker"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"MarketDetailHeader"}}]}},{"kind":"Field","name":{"kind":"Name","value":"orderBook"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"ticker"},"value":{"kind":"Variable","name":{"kind":"Name","value":"ticker"}}},{"kind":"Argument","name":{"kind":"Name","value":"depth"},"value":{"kind":"Variable","name":{"kind":"Name","value":"depth"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"MarketDetailBook"}}]}},{"kind":"Field","alias":{"kind":"Name","value":"hourly"},"name":{"kind":"Name","value":"candles"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"ticker"},"value":{"kind":"Variable","name":{"kind":"Name","value":"ticker"}}},{"kind":"Argument","name":{"kind":"Name","value":"interval"},"value":{"kind":"EnumValue","value":"ONE_HOUR"}},{"kind":"Argument","name":{"kind":"Name","value":"from"},"value":{"kind":"Variable","name":{"kind":"Name","value":"hourFrom"}}},{"kind":"Argument","name":{"kind":"Name","value":"to"},"value":{"kind":"Variable","name":{"kind":"Name","value":"minuteFrom"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"MarketDetailCandle"}}]}},{"kind":"Field","alias":{"kind":"Name","value":"minutely"},"name":{"kind":"Name","value":"candles"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"ticker"},"value":{"kind":"Variable","name":{"kind":"Name","value":"ticker"}}},{"kind":"Argument","name":{"kind":"Name","value":"interval"},"value":{"kind":"EnumValue","value":"ONE_MINUTE"}},{"kind":"Argument","name":{"kind":"Name","value":"from"},"value":{"kind":"Variable","name":{"kind":"Name","value":"minuteFrom"}}},{"kind":"Argument","name":{"kind":"Name","value":"to"},"value":{"kind":"Variable","name":{"kind":"Name","value":"to"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"MarketDetailCandle"}}]}},{"kind":"Field","name":{"kind":"Name","value":"trades"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"ticker"},"value":{"kind":"Variable","name":{"kind":"Name","value":"ticker"}}},{"kind":"Argument","name":{"kind":"Name","value":"limit"},"value":{"kind":"Variable","name":{"kind":"Name","value":"tradeLimit"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"MarketDetailTrade"}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"MarketDetailHeader"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Market"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"ticker"}},{"kind":"Field","name":{"kind":"Name","value":"title"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"updatedAt"}},{"kind":"Field","name":{"kind":"Name","value":"prices"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"bid"}},{"kind":"Field","name":{"kind":"Name","value":"ask"}},{"kind":"Field","name":{"kind":"Name","value":"last"}}]}},{"kind":"Field","name":{"kind":"Name","value":"quality"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"simulated"}},{"kind":"Field","name":{"kind":"Name","value":"cacheTier"}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"MarketDetailBook"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"OrderBook"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"ticker"}},{"kind":"Field","name":{"kind":"Name","value":"updatedAt"}},{"kind":"Field","name":{"kind":"Name","value":"seq"}},{"kind":"Field","name":{"kind":"Name","value":"mid"}},{"kind":"Field","name":{"kind":"Name","value":"spread"}},{"kind":"Field","name":{"kind":"Name","value":"bids"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"price"}},{"kind":"Field","name":{"kind":"Name","value":"size"}}]}},{"kind":"Field","name":{"kind":"Name","value":"asks"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"price"}},{"kind":"Field","name":{"kind":"Name","value":"size"}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"MarketDetailCandle"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Candle"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"start"}},{"kind":"Field","name":{"kind":"Name","value":"volume"}},{"kind":"Field","name":{"kind":"Name","value":"price"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"open"}},{"kind":"Field","name":{"kind":"Name","value":"high"}},{"kind":"Field","name":{"kind":"Name","value":"low"}},{"kind":"Field","name":{"kind":"Name","value":"close"}}]}},{"kind":"Field","name":{"kind":"Name","value":"yesBid"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"close"}}]}},{"kind":"Field","name":{"kind":"Name","value":"yesAsk"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"close"}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"MarketDetailTrade"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Trade"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"at"}},{"kind":"Field","name":{"kind":"Name","value":"price"}},{"kind":"Field","name":{"kind":"Name","value":"count"}},{"kind":"Field","name":{"kind":"Name","value":"takerSide"}}]}}]} as unknown as DocumentNode<MarketDetailQuery, MarketDetailQueryVariables>;
export const MarketDetailBookUpdatesDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"subscription","name":{"kind":"Name","value":"MarketDetailBookUpdates"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"ticker"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"depth"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"orderBookUpdated"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"ticker"},"value":{"kind":"Variable","name":{"kind":"Name","value":"ticker"}}},{"kind":"Argument","name":{"kind":"Name","value":"depth"},"value":{"kind":"Variable","name":{"kind":"Name","value":"depth"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"MarketDetailBook"}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"MarketDetailBook"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"OrderBook"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"ticker"}},{"kind":"Field","name":{"kind":"Name","value":"updatedAt"}},{"kind":"Field","name":{"kind":"Name","value":"seq"}},{"kind":"Field","name":{"kind":"Name","value":"mid"}},{"kind":"Field","name":{"kind":"Name","value":"spread"}},{"kind":"Field","name":{"kind":"Name","value":"bids"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"price"}},{"kind":"Field","name":{"kind":"Name","value":"size"}}]}},{"kind":"Field","name":{"kind":"Name","value":"asks"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"price"}},{"kind":"Field","name":{"kind":"Name","value":"size"}}]}}]}}]} as unknown as DocumentNode<MarketDetailBookUpdatesSubscription, MarketDetailBookUpdatesSubscriptionVariables>;
export const MarketDetailTradesDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"subscription","name":{"kind":"Name","value":"MarketDetailTrades"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"tickers"}},"type":{"kind":"NonNullType","type":{"kind":"ListType","type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"tradeExecuted"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"tickers"},"value":{"kind":"Variable","name":{"kind":"Name","value":"tickers"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"MarketDetailTrade"}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"MarketDetailTrade"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Trade"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"at"}},{"kind":"Field","name":{"kind":"Name","value":"price"}},{"kind":"Field","name":{"kind":"Name","value":"count"}},{"kind":"Field","name":{"kind":"Name","value":"takerSide"}}]}}]} as unknown as DocumentNode<MarketDetailTradesSubscription, MarketDetailTradesSubscriptionVariables>;
export const MarketDetailUpdatesDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"subscription","name":{"kind":"Name","value":"MarketDetailUpdates"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"tickers"}},"type":{"kind":"NonNullType","type":{"kind":"ListType","type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"marketUpdated"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"tickers"},"value":{"kind":"Variable","name":{"kind":"Name","value":"tickers"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"MarketDetailHeader"}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"MarketDetailHeader"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Market"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"ticker"}},{"kind":"Field","name":{"kind":"Name","value":"title"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"updatedAt"}},{"kind":"Field","name":{"kind":"Name","value":"prices"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"bid"}},{"kind":"Field","name":{"kind":"Name","value":"ask"}},{"kind":"Field","name":{"kind":"Name","value":"last"}}]}},{"kind":"Field","name":{"kind":"Name","value":"quality"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"simulated"}},{"kind":"Field","name":{"kind":"Name","value":"cacheTier"}}]}}]}}]} as unknown as DocumentNode<MarketDetailUpdatesSubscription, MarketDetailUpdatesSubscriptionVariables>;
export const MarketsTableDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"MarketsTable"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"aggregate"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"markets"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"MarketsTableRow"}}]}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"MarketsTableRow"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Market"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"ticker"}},{"kind":"Field","name":{"kind":"Name","value":"title"}},{"kind":"Field","name":{"kind":"Name","value":"source"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"prices"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"bid"}},{"kind":"Field","name":{"kind":"Name","value":"ask"}},{"kind":"Field","name":{"kind":"Name","value":"last"}},{"kind":"Field","name":{"kind":"Name","value":"previous"}}]}},{"kind":"Field","name":{"kind":"Name","value":"volume"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"volume24h"}}]}},{"kind":"Field","name":{"kind":"Name","value":"quality"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"freshnessMs"}},{"kind":"Field","name":{"kind":"Name","value":"cacheTier"}},{"kind":"Field","name":{"kind":"Name","value":"isFromCache"}},{"kind":"Field","name":{"kind":"Name","value":"simulated"}}]}}]}}]} as unknown as DocumentNode<MarketsTableQuery, MarketsTableQueryVariables>;
export const MarketsTableUpdatesDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"subscription","name":{"kind":"Name","value":"MarketsTableUpdates"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"aggregateUpdated"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"markets"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"MarketsTableRow"}}]}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"MarketsTableRow"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Market"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"ticker"}},{"kind":"Field","name":{"kind":"Name","value":"title"}},{"kind":"Field","name":{"kind":"Name","value":"source"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"prices"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"bid"}},{"kind":"Field","name":{"kind":"Name","value":"ask"}},{"kind":"Field","name":{"kind":"Name","value":"last"}},{"kind":"Field","name":{"kind":"Name","value":"previous"}}]}},{"kind":"Field","name":{"kind":"Name","value":"volume"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"volume24h"}}]}},{"kind":"Field","name":{"kind":"Name","value":"quality"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"freshnessMs"}},{"kind":"Field","name":{"kind":"Name","value":"cacheTier"}},{"kind":"Field","name":{"kind":"Name","value":"isFromCache"}},{"kind":"Field","name":{"kind":"Name","value":"simulated"}}]}}]}}]} as unknown as DocumentNode<MarketsTableUpdatesSubscription, MarketsTableUpdatesSubscriptionVariables>;
export const PnlAgentsDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"PnlAgents"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"aggregate"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"takenAt"}},{"kind":"Field","name":{"kind":"Name","value":"pnl"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"PnlAgent"}}]}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"PnlAgent"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"AgentPnL"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"agentId"}},{"kind":"Field","name":{"kind":"Name","value":"revenueUsd"}},{"kind":"Field","name":{"kind":"Name","value":"realizedPnlUsd"}},{"kind":"Field","name":{"kind":"Name","value":"unrealizedPnlUsd"}},{"kind":"Field","name":{"kind":"Name","value":"totalPnlUsd"}}]}}]} as unknown as DocumentNode<PnlAgentsQuery, PnlAgentsQueryVariables>;
export const PnlHistoryDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"PnlHistory"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"agentId"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"from"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"DateTime"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"to"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"DateTime"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"pnlHistory"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"agentId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"agentId"}}},{"kind":"Argument","name":{"kind":"Name","value":"from"},"value":{"kind":"Variable","name":{"kind":"Name","value":"from"}}},{"kind":"Argument","name":{"kind":"Name","value":"to"},"value":{"kind":"Variable","name":{"kind":"Name","value":"to"}}},{"kind":"Argument","name":{"kind":"Name","value":"interval"},"value":{"kind":"EnumValue","value":"ONE_MINUTE"}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"agentId"}},{"kind":"Field","name":{"kind":"Name","value":"at"}},{"kind":"Field","name":{"kind":"Name","value":"revenueUsd"}},{"kind":"Field","name":{"kind":"Name","value":"realizedPnlUsd"}},{"kind":"Field","name":{"kind":"Name","value":"unrealizedPnlUsd"}},{"kind":"Field","name":{"kind":"Name","value":"totalPnlUsd"}}]}}]}}]} as unknown as DocumentNode<PnlHistoryQuery, PnlHistoryQueryVariables>;
export const PnlUpdatesDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"subscription","name":{"kind":"Name","value":"PnlUpdates"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"aggregateUpdated"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"takenAt"}},{"kind":"Field","name":{"kind":"Name","value":"pnl"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"PnlAgent"}}]}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"PnlAgent"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"AgentPnL"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"agentId"}},{"kind":"Field","name":{"kind":"Name","value":"revenueUsd"}},{"kind":"Field","name":{"kind":"Name","value":"realizedPnlUsd"}},{"kind":"Field","name":{"kind":"Name","value":"unrealizedPnlUsd"}},{"kind":"Field","name":{"kind":"Name","value":"totalPnlUsd"}}]}}]} as unknown as DocumentNode<PnlUpdatesSubscription, PnlUpdatesSubscriptionVariables>;
export const SourcesPanelDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"SourcesPanel"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"sources"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"SourcesPanelStatus"}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"SourcesPanelStatus"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"SourceStatus"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"source"}},{"kind":"Field","name":{"kind":"Name","value":"availability"}},{"kind":"Field","name":{"kind":"Name","value":"breaker"}},{"kind":"Field","name":{"kind":"Name","value":"simulated"}},{"kind":"Field","name":{"kind":"Name","value":"consecutiveFailures"}},{"kind":"Field","name":{"kind":"Name","value":"lastSuccessAt"}},{"kind":"Field","name":{"kind":"Name","value":"lastFailureAt"}},{"kind":"Field","name":{"kind":"Name","value":"lastError"}}]}}]} as unknown as DocumentNode<SourcesPanelQuery, SourcesPanelQueryVariables>;
export const SourcesPanelChangesDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"subscription","name":{"kind":"Name","value":"SourcesPanelChanges"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"sourceStatusChanged"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"SourcesPanelStatus"}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"SourcesPanelStatus"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"SourceStatus"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"source"}},{"kind":"Field","name":{"kind":"Name","value":"availability"}},{"kind":"Field","name":{"kind":"Name","value":"breaker"}},{"kind":"Field","name":{"kind":"Name","value":"simulated"}},{"kind":"Field","name":{"kind":"Name","value":"consecutiveFailures"}},{"kind":"Field","name":{"kind":"Name","value":"lastSuccessAt"}},{"kind":"Field","name":{"kind":"Name","value":"lastFailureAt"}},{"kind":"Field","name":{"kind":"Name","value":"lastError"}}]}}]} as unknown as DocumentNode<SourcesPanelChangesSubscription, SourcesPanelChangesSubscriptionVariables>;
export const SourcesPanelAggregateDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"subscription","name":{"kind":"Name","value":"SourcesPanelAggregate"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"aggregateUpdated"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"components"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"SourcesPanelStatus"}}]}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"SourcesPanelStatus"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"SourceStatus"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"source"}},{"kind":"Field","name":{"kind":"Name","value":"availability"}},{"kind":"Field","name":{"kind":"Name","value":"breaker"}},{"kind":"Field","name":{"kind":"Name","value":"simulated"}},{"kind":"Field","name":{"kind":"Name","value":"consecutiveFailures"}},{"kind":"Field","name":{"kind":"Name","value":"lastSuccessAt"}},{"kind":"Field","name":{"kind":"Name","value":"lastFailureAt"}},{"kind":"Field","name":{"kind":"Name","value":"lastError"}}]}}]} as unknown as DocumentNode<SourcesPanelAggregateSubscription, SourcesPanelAggregateSubscriptionVariables>;