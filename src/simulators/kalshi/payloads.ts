/**
 * Simulator state → wire payloads. Every builder's return type is a protocol.ts payload type that
 * a type-level test holds against kalshi-typescript's models, so a field the real API requires
 * cannot silently go missing here.
 */
import { formatCountHundredths, formatDollarMicros, MICROS_PER_CENT } from '../../sources/kalshi/money.js';
import type {
  BatchGetMarketCandlesticksResponse,
  BidAskDistribution,
  ErrorBody,
  EventPosition,
  GetBalanceResponsePayload,
  GetMarketCandlesticksResponse,
  GetMarketOrderbookResponse,
  GetMarketOrderbooksResponse,
  GetMarketResponse,
  GetMarketsResponse,
  GetPositionsResponse,
  GetTradesResponse,
  MarketCandlestick,
  MarketPayload,
  MarketPositionPayload,
  PriceLevelFp,
  RateLimitedBody,
  Trade,
} from '../../sources/kalshi/protocol.js';
import type { SimCandle, SimOhlc } from './candle-history.js';
import type { SimLevel, SimMarket, SimTrade } from './market-model.js';
import type { SimAccount, SimPosition } from './portfolio-model.js';

/** The service name Kalshi puts in error bodies. */
export const ERROR_SERVICE = 'exchange';

const iso = (ms: number): string => new Date(ms).toISOString();
const cents = (value: number): string => formatDollarMicros(value * MICROS_PER_CENT);
/** Kalshi sends "0.0000" for a price that does not exist (no bid, no trade yet). */
const centsOrZero = (value: number | null): string => cents(value ?? 0);

export function marketPayload(m: SimMarket): MarketPayload {
  const { spec, quote } = m;
  // An empty side reads as a 0¢ bid and a $1 ask, which is how the API shows a bookless market.
  const yesBid = quote?.bidCents ?? 0;
  const yesAsk = quote?.askCents ?? 100;
  const payload: MarketPayload = {
    ticker: m.ticker,
    event_ticker: m.eventTicker,
    market_type: 'binary',
    title: spec.title,
    yes_sub_title: spec.yesSubTitle,
    no_sub_title: spec.noSubTitle,
    created_time: iso(m.createdAt),
    updated_time: iso(m.updatedAt),
    open_time: iso(m.openAt),
    close_time: iso(m.closeAt),
    expected_expiration_time: iso(m.expectedExpirationAt),
    latest_expiration_time: iso(m.latestExpirationAt),
    settlement_timer_seconds: m.settlementTimerSeconds,
    status: m.status,
    yes_bid_dollars: cents(yesBid),
    yes_bid_size_fp: formatCountHundredths(m.yesBids.at(-1)?.sizeHundredths ?? 0),
    yes_ask_dollars: cents(yesAsk),
    yes_ask_size_fp: formatCountHundredths(m.noBids.at(-1)?.sizeHundredths ?? 0),
    no_bid_dollars: cents(100 - yesAsk),
    no_ask_dollars: cents(100 - yesBid),
    last_price_dollars: centsOrZero(m.lastCents),
    volume_fp: formatCountHundredths(m.volumeHundredths),
    volume_24h_fp: formatCountHundredths(m.volume24hHundredths),
    result: m.result,
    can_close_early: spec.floorStrike === null,
    open_interest_fp: formatCountHundredths(m.openInterestHundredths),
    notional_value_dollars: '1.0000',
    previous_yes_bid_dollars: centsOrZero(m.previous.bidCents),
    previous_yes_ask_dollars: centsOrZero(m.previous.askCents),
    previous_price_dollars: centsOrZero(m.previous.priceCents),
    expiration_value: m.expirationValue,
    rules_primary: spec.rulesPrimary,
    rules_secondary: 'The market closes early if the outcome is known before the close time.',
    price_level_structure: 'linear_cent',
    price_ranges: [{ start: '0.0000', end: '1.0000', step: '0.0100' }],
  };
  if (spec.strikeType !== null) payload.strike_type = spec.strikeType;
  if (spec.floorStrike !== null) payload.floor_strike = spec.floorStrike;
  if (m.result !== '') payload.settlement_value_dollars = m.result === 'yes' ? '1.0000' : '0.0000';
  if (m.settledAt !== null) payload.settlement_ts = iso(m.settledAt);
  return payload;
}

export function marketsPagePayload(markets: MarketPayload[], cursor: string): GetMarketsResponse<MarketPayload> {
  return { markets, cursor };
}

export function marketResponsePayload(market: MarketPayload): GetMarketResponse<MarketPayload> {
  return { market };
}

function levels(side: readonly SimLevel[], depth: number): PriceLevelFp[] {
  // Ascending, best last: the best `depth` levels are the tail.
  const shown = depth > 0 ? side.slice(-depth) : side;
  return shown.map((level) => [cents(level.priceCents), formatCountHundredths(level.sizeHundredths)]);
}

/** The book as `GET /markets/{ticker}/orderbook` sends it; depth 0 = every level. */
/** `GET /markets/orderbooks`: every level of each market's book, in the order asked. */
export function orderbooksPayload(markets: readonly SimMarket[]): GetMarketOrderbooksResponse {
  return { orderbooks: markets.map((m) => ({ ticker: m.ticker, orderbook_fp: orderbookPayload(m, 0).orderbook_fp })) };
}

export function orderbookPayload(m: SimMarket, depth: number): GetMarketOrderbookResponse {
  return { orderbook_fp: { yes_dollars: levels(m.yesBids, depth), no_dollars: levels(m.noBids, depth) } };
}

export function tradePayload(t: SimTrade): Trade {
  return {
    trade_id: t.tradeId,
    ticker: t.ticker,
    count_fp: formatCountHundredths(t.countHundredths),
    yes_price_dollars: cents(t.yesCents),
    no_price_dollars: cents(100 - t.yesCents),
    taker_side: t.takerSide,
    taker_outcome_side: t.takerSide,
    // Buying YES lifts the YES ask; buying NO is selling YES into the YES bid.
    taker_book_side: t.takerSide === 'yes' ? 'ask' : 'bid',
    created_time: iso(t.at),
    is_block_trade: false,
  };
}

export function tradesPagePayload(trades: Trade[], cursor: string): GetTradesResponse {
  return { trades, cursor };
}

export function errorPayload(code: string, message: string, details = ''): ErrorBody {
  return { code, message, details, service: ERROR_SERVICE };
}

/** Kalshi's 429 body, in the older `{ error }` shape it still uses for rate limiting. */
export function rateLimitedPayload(): RateLimitedBody {
  return { error: 'too many requests' };
}

// ---- portfolio ----

export function marketPositionPayload(p: SimPosition): MarketPositionPayload {
  return {
    ticker: p.ticker,
    exchange_index: 0,
    total_traded_dollars: formatDollarMicros(p.totalTradedMicros),
    position_fp: formatCountHundredths(p.positionHundredths),
    market_exposure_dollars: formatDollarMicros(p.exposureMicros),
    realized_pnl_dollars: formatDollarMicros(p.realizedPnlMicros),
    fees_paid_dollars: formatDollarMicros(p.feesMicros),
    last_updated_ts: iso(p.lastUpdatedAt),
  };
}

/**
 * Per-event totals over the given positions, one per event in order of first appearance. Kalshi
 * does not define these sums precisely; here total cost = exposure of the open contracts and the
 * cost shares are the contracts held on either side.
 */
export function eventPositionsPayload(positions: readonly SimPosition[]): EventPosition[] {
  const byEvent = new Map<string, { exposure: number; shares: number; realized: number; fees: number }>();
  for (const p of positions) {
    const sums = byEvent.get(p.eventTicker) ?? { exposure: 0, shares: 0, realized: 0, fees: 0 };
    sums.exposure += p.exposureMicros;
    sums.shares += Math.abs(p.positionHundredths);
    sums.realized += p.realizedPnlMicros;
    sums.fees += p.feesMicros;
    byEvent.set(p.eventTicker, sums);
  }
  return [...byEvent].map(([eventTicker, sums]) => ({
    event_ticker: eventTicker,
    total_cost_dollars: formatDollarMicros(sums.exposure),
    total_cost_shares_fp: formatCountHundredths(sums.shares),
    event_exposure_dollars: formatDollarMicros(sums.exposure),
    realized_pnl_dollars: formatDollarMicros(sums.realized),
    fees_paid_dollars: formatDollarMicros(sums.fees),
  }));
}

export function positionsPagePayload(positions: readonly SimPosition[], cursor: string): GetPositionsResponse<MarketPositionPayload> {
  return { market_positions: positions.map(marketPositionPayload), event_positions: eventPositionsPayload(positions), cursor };
}

/**
 * `GET /portfolio/balance`: the simulator sends both forms kalshi-typescript documents, integer cents
 * (`balance`, `portfolio_value`, rounded down) and the exact dollar string (`balance_dollars`).
 */
export function balancePayload(account: SimAccount, portfolioValueMicros: number): GetBalanceResponsePayload {
  const balanceDollars = formatDollarMicros(account.cashMicros);
  return {
    balance: Math.floor(account.cashMicros / MICROS_PER_CENT),
    balance_dollars: balanceDollars,
    portfolio_value: Math.floor(portfolioValueMicros / MICROS_PER_CENT),
    updated_ts: Math.floor(account.updatedAt / 1000),
    balance_breakdown: [{ exchange_index: 0, balance: balanceDollars }],
  };
}

// ---- candlesticks ----

function bidAsk(ohlc: SimOhlc): BidAskDistribution {
  return { open_dollars: cents(ohlc.open), low_dollars: cents(ohlc.low), high_dollars: cents(ohlc.high), close_dollars: cents(ohlc.close) };
}

/** One candlestick; `price` is empty when nothing traded in the period, as Kalshi sends it. */
export function candlestickPayload(c: SimCandle): MarketCandlestick {
  return {
    end_period_ts: Math.floor(c.endMs / 1000),
    yes_bid: bidAsk(c.bid),
    yes_ask: bidAsk(c.ask),
    price: c.price
      ? { open_dollars: cents(c.price.open), low_dollars: cents(c.price.low), high_dollars: cents(c.price.high), close_dollars: cents(c.price.close) }
      : {},
    volume_fp: formatCountHundredths(c.volumeHundredths),
    open_interest_fp: formatCountHundredths(c.openInterestHundredths),
  };
}

/** `GET /markets/candlesticks`. */
export function candlesticksBatchPayload(markets: ReadonlyArray<{ ticker: string; candles: readonly SimCandle[] }>): BatchGetMarketCandlesticksResponse {
  return { markets: markets.map((m) => ({ market_ticker: m.ticker, candlesticks: m.candles.map(candlestickPayload) })) };
}

/** `GET /series/{series_ticker}/markets/{ticker}/candlesticks`. */
export function marketCandlesticksPayload(ticker: string, candles: readonly SimCandle[]): GetMarketCandlesticksResponse {
  return { ticker, candlesticks: candles.map(candlestickPayload) };
}
