/**
 * Kalshi Trade API v2 wire types: the REST market-data shapes we read and the simulator serves.
 *
 * Two views of a market are kept on purpose:
 * - `Market` is what the client and normalizer *rely on*. Only what we cannot do without is
 *   required; everything else is optional so that an upstream which drops a field degrades to a
 *   null in the record instead of a failed fetch. kalshi-typescript's `Market` is assignable to it.
 * - `MarketPayload` is a market as the API documents it (every field the OpenAPI spec marks
 *   required). The simulator emits it; it is assignable to kalshi-typescript's `Market`, which a
 *   type-level test checks, so field drift is a compile error.
 *
 * Money is a fixed-point dollar string (`*_dollars`, up to 6 decimals) and counts are fixed-point
 * strings with two decimals (`*_fp`); see money.ts for parsing.
 */

/** Market lifecycle as the API *returns* it (not the `status` filter values). */
export const MARKET_WIRE_STATUSES = ['initialized', 'inactive', 'active', 'closed', 'determined', 'disputed', 'amended', 'finalized'] as const;
export type MarketWireStatus = (typeof MARKET_WIRE_STATUSES)[number];

/** Values accepted by `GET /markets?status=`. */
export const MARKET_STATUS_FILTERS = ['unopened', 'open', 'paused', 'closed', 'settled'] as const;
export type MarketStatusFilter = (typeof MARKET_STATUS_FILTERS)[number];

/**
 * Which response statuses each filter value matches (Kalshi's market-lifecycle page): `closed`
 * means "past close_time and not yet finalized", `settled` means finalized.
 */
export const STATUS_FILTER_MATCHES: Readonly<Record<MarketStatusFilter, readonly MarketWireStatus[]>> = {
  unopened: ['initialized'],
  open: ['active'],
  paused: ['inactive'],
  closed: ['closed', 'determined', 'disputed', 'amended'],
  settled: ['finalized'],
};

export type MarketType = 'binary' | 'scalar';
export type MarketResult = 'yes' | 'no' | 'scalar' | '';
export type StrikeType = 'greater' | 'greater_or_equal' | 'less' | 'less_or_equal' | 'between' | 'functional' | 'custom' | 'structured';

/** A market as we read it. Required: what identifies it and its lifecycle state. */
export interface Market {
  ticker: string;
  event_ticker: string;
  status: MarketWireStatus;
  market_type?: MarketType;
  /** Deprecated upstream but still sent; the record's title falls back to yes_sub_title. */
  title?: string;
  yes_sub_title?: string;
  no_sub_title?: string;
  yes_bid_dollars?: string;
  yes_ask_dollars?: string;
  no_bid_dollars?: string;
  no_ask_dollars?: string;
  last_price_dollars?: string;
  /** The last price a day ago. */
  previous_price_dollars?: string;
  volume_fp?: string;
  volume_24h_fp?: string;
  open_interest_fp?: string;
  created_time?: string;
  updated_time?: string;
  open_time?: string;
  close_time?: string;
  expected_expiration_time?: string | null;
  latest_expiration_time?: string;
  result?: MarketResult;
}

/** A tick-size band of a market's price ladder. */
export interface PriceRange {
  start: string;
  end: string;
  step: string;
}

/** A market as the API documents it: what the simulator serves. */
export interface MarketPayload extends Market {
  market_type: MarketType;
  title: string;
  yes_sub_title: string;
  no_sub_title: string;
  created_time: string;
  updated_time: string;
  open_time: string;
  close_time: string;
  expected_expiration_time: string | null;
  latest_expiration_time: string;
  settlement_timer_seconds: number;
  yes_bid_dollars: string;
  yes_bid_size_fp: string;
  yes_ask_dollars: string;
  yes_ask_size_fp: string;
  no_bid_dollars: string;
  no_ask_dollars: string;
  last_price_dollars: string;
  volume_fp: string;
  volume_24h_fp: string;
  result: MarketResult;
  can_close_early: boolean;
  open_interest_fp: string;
  notional_value_dollars: string;
  previous_yes_bid_dollars: string;
  previous_yes_ask_dollars: string;
  previous_price_dollars: string;
  settlement_value_dollars?: string;
  settlement_ts?: string | null;
  expiration_value: string;
  strike_type?: StrikeType;
  floor_strike?: number | null;
  rules_primary: string;
  rules_secondary: string;
  price_level_structure: string;
  price_ranges: PriceRange[];
}

/** `GET /markets`: one page. An empty cursor marks the last page. */
export interface GetMarketsResponse<M extends Market = Market> {
  markets: M[];
  cursor: string;
}

/** `GET /markets/{ticker}`. */
export interface GetMarketResponse<M extends Market = Market> {
  market: M;
}

/** One price level: [dollar price, contract count], e.g. ["0.5600", "120.00"]. */
export type PriceLevelFp = [price: string, count: string];

/**
 * An order book: bids only, on both sides, each side sorted ascending (best bid last).
 * YES ask = 1 − best NO bid; NO ask = 1 − best YES bid.
 */
export interface OrderbookFp {
  yes_dollars: PriceLevelFp[];
  no_dollars: PriceLevelFp[];
}

/** `GET /markets/{ticker}/orderbook`. */
/** `GET /markets/orderbooks` (signed): one entry per market Kalshi knows among those asked for. */
export interface GetMarketOrderbooksResponse {
  orderbooks: Array<{ ticker: string; orderbook_fp: OrderbookFp }>;
}

export interface GetMarketOrderbookResponse {
  orderbook_fp: OrderbookFp;
}

export type TradeSide = 'yes' | 'no';

/** A public trade. */
export interface Trade {
  trade_id: string;
  ticker: string;
  count_fp: string;
  yes_price_dollars: string;
  no_price_dollars: string;
  /** Deprecated upstream in favour of taker_outcome_side; both are sent. */
  taker_side?: TradeSide;
  taker_outcome_side: TradeSide;
  /** The book the taker's order hit, as the API names it. */
  taker_book_side: 'bid' | 'ask';
  created_time: string;
  is_block_trade: boolean;
}

/** `GET /markets/trades`. */
export interface GetTradesResponse {
  trades: Trade[];
  cursor: string;
}

/** Kalshi's error body. Older answers carry `{ error }` instead; the client reads both. */
export interface ErrorBody {
  code: string;
  message: string;
  details: string;
  service: string;
}

// ---- Portfolio (signed endpoints) ----

/**
 * One market position as we read it (`GET /portfolio/positions`). Counts and money are the
 * fixed-point strings of the 2026 format; portfolio.ts parses them to integers. Only the ticker is
 * required here so that the envelope check stays an envelope check; normalizePositions insists on
 * the rest.
 */
export interface MarketPosition {
  ticker: string;
  /** Signed: positive = YES contracts held, negative = NO contracts held. */
  position_fp?: string;
  /** What the open position cost. */
  market_exposure_dollars?: string;
  realized_pnl_dollars?: string;
  fees_paid_dollars?: string;
  total_traded_dollars?: string;
  /** ISO 8601 time of the position's last change. */
  last_updated_ts?: string;
  exchange_index?: number;
}

/** A market position as the API documents it: what the simulator serves. */
export interface MarketPositionPayload extends MarketPosition {
  position_fp: string;
  market_exposure_dollars: string;
  realized_pnl_dollars: string;
  fees_paid_dollars: string;
  total_traded_dollars: string;
  last_updated_ts: string;
  /** Exchange shard; the simulator has one (0). */
  exchange_index: number;
}

/** Per-event totals over the market positions of that event. */
export interface EventPosition {
  event_ticker: string;
  total_cost_dollars: string;
  total_cost_shares_fp: string;
  event_exposure_dollars: string;
  realized_pnl_dollars: string;
  fees_paid_dollars: string;
}

/** `GET /portfolio/positions`: one page. An empty (or absent) cursor marks the last page. */
export interface GetPositionsResponse<P extends MarketPosition = MarketPosition> {
  market_positions: P[];
  event_positions: EventPosition[];
  cursor: string;
}

/** Values accepted by `GET /portfolio/positions?count_filter=` (comma-separated). */
export const POSITION_COUNT_FILTERS = ['position', 'total_traded'] as const;
export type PositionCountFilter = (typeof POSITION_COUNT_FILTERS)[number];

/** One exchange shard's cash, as a dollar string. */
export interface IndexedBalance {
  exchange_index: number;
  balance: string;
}

/**
 * `GET /portfolio/balance`. The API still sends integer cents (`balance`, `portfolio_value`) next
 * to the 2026 dollar string (`balance_dollars`); portfolio.ts prefers the string. `updated_ts` is
 * Unix seconds. Only the object shape is relied on here; normalizeBalance checks the fields.
 */
export interface GetBalanceResponse {
  /** Available cash in cents. */
  balance?: number;
  /** Available cash as a fixed-point dollar string. */
  balance_dollars?: string;
  /** Value of the positions held, in cents. */
  portfolio_value?: number;
  updated_ts?: number;
  balance_breakdown?: IndexedBalance[];
}

/** The balance as the API documents it: what the simulator serves. */
export interface GetBalanceResponsePayload extends GetBalanceResponse {
  balance: number;
  balance_dollars: string;
  portfolio_value: number;
  updated_ts: number;
  balance_breakdown: IndexedBalance[];
}

/** Kalshi's 429 body: the old `{ error }` shape, and no Retry-After header with it. */
export interface RateLimitedBody {
  error: 'too many requests';
}

// ---- Candlesticks (public) ----

/** `period_interval` values Kalshi accepts, in minutes: one minute, one hour, one day. */
export const CANDLE_PERIOD_MINUTES = [1, 60, 1440] as const;
export type CandlePeriodMinutes = (typeof CANDLE_PERIOD_MINUTES)[number];

/** The YES bid or ask over a period: always present (kalshi-typescript's `BidAskDistribution`). */
export interface BidAskDistribution {
  open_dollars: string;
  low_dollars: string;
  high_dollars: string;
  close_dollars: string;
}

/** Last-trade prices over a period; every field is absent when nothing traded (`PriceDistribution`). */
export interface PriceDistribution {
  open_dollars?: string;
  low_dollars?: string;
  high_dollars?: string;
  close_dollars?: string;
  mean_dollars?: string;
  previous_dollars?: string;
  min_dollars?: string;
  max_dollars?: string;
}

/** One candlestick (`MarketCandlestick`). `end_period_ts` is the inclusive end, in Unix seconds. */
export interface MarketCandlestick {
  end_period_ts: number;
  yes_bid: BidAskDistribution;
  yes_ask: BidAskDistribution;
  price: PriceDistribution;
  volume_fp: string;
  open_interest_fp: string;
}

/** One market's candlesticks in the batch answer (`MarketCandlesticksResponse`). */
export interface MarketCandlesticks {
  market_ticker: string;
  candlesticks: MarketCandlestick[];
}

/** `GET /markets/candlesticks?market_tickers=…` (`BatchGetMarketCandlesticksResponse`). */
export interface BatchGetMarketCandlesticksResponse {
  markets: MarketCandlesticks[];
}

/** `GET /series/{series_ticker}/markets/{ticker}/candlesticks` (`GetMarketCandlesticksResponse`). */
export interface GetMarketCandlesticksResponse {
  ticker: string;
  candlesticks: MarketCandlestick[];
}
