/**
 * Kalshi candlesticks and trades → market-history records. Pure functions, like normalize.ts.
 *
 * A candlestick or trade that cannot be read faithfully throws UpstreamError (category data) naming
 * the market and the field; the caller skips it, logs and counts it, and keeps what it had.
 */
import { candleIntervalMs, EMPTY_OHLC, type CandleInterval, type CandleRecord, type OhlcMicros, type TradeRecord } from '../../core/market-history.js';
import { UpstreamError } from '../../core/errors.js';
import { MICROS_PER_DOLLAR, parseCountHundredths, parseDollarMicros } from './money.js';
import type { MarketCandlestick, Trade } from './protocol.js';
import type { TradeMsg } from './ws/protocol.js';
import { isRecord } from './wire-guards.js';

function invalid(message: string, cause?: unknown): UpstreamError {
  return new UpstreamError(message, { source: 'kalshi', category: 'data', retryable: false, cause });
}

function read<T>(what: string, parse: () => T): T {
  try {
    return parse();
  } catch (error) {
    if (error instanceof UpstreamError) throw error;
    throw invalid(`${what}: ${error instanceof Error ? error.message : String(error)}`, error);
  }
}

/** A YES price string in [0, 1] dollars, as micro-dollars. */
function priceMicros(value: unknown, name: string): number {
  const micros = parseDollarMicros(value, name);
  if (micros < 0 || micros > MICROS_PER_DOLLAR) throw new RangeError(`${name} ${JSON.stringify(value)} is outside 0..1 dollars`);
  return micros;
}

function countHundredths(value: unknown, name: string): number {
  const hundredths = parseCountHundredths(value, name);
  if (hundredths < 0) throw new RangeError(`${name} ${JSON.stringify(value)} is negative`);
  return hundredths;
}

/** `yes_bid` / `yes_ask`: all four prices required. */
function bidAsk(value: unknown, name: string): OhlcMicros {
  if (!isRecord(value)) throw new TypeError(`${name} is missing or not an object`);
  return {
    open: priceMicros(value.open_dollars, `${name}.open_dollars`),
    high: priceMicros(value.high_dollars, `${name}.high_dollars`),
    low: priceMicros(value.low_dollars, `${name}.low_dollars`),
    close: priceMicros(value.close_dollars, `${name}.close_dollars`),
  };
}

/** `price`: every field optional (absent when nothing traded); open, high, low and close come together or not at all. */
function lastTrades(value: unknown): OhlcMicros {
  if (value === undefined || value === null) return { ...EMPTY_OHLC };
  if (!isRecord(value)) throw new TypeError('price is not an object');
  const fields = ['open_dollars', 'high_dollars', 'low_dollars', 'close_dollars'] as const;
  const present = fields.filter((field) => value[field] !== undefined && value[field] !== null);
  if (present.length === 0) return { ...EMPTY_OHLC };
  if (present.length !== fields.length) throw new TypeError(`price has ${present.join(', ')} but not all of open, high, low and close`);
  return {
    open: priceMicros(value.open_dollars, 'price.open_dollars'),
    high: priceMicros(value.high_dollars, 'price.high_dollars'),
    low: priceMicros(value.low_dollars, 'price.low_dollars'),
    close: priceMicros(value.close_dollars, 'price.close_dollars'),
  };
}

function checkOrder(ohlc: OhlcMicros, name: string): void {
  if (ohlc.high === null || ohlc.low === null || ohlc.open === null || ohlc.close === null) return;
  if (ohlc.low > ohlc.high || ohlc.open < ohlc.low || ohlc.open > ohlc.high || ohlc.close < ohlc.low || ohlc.close > ohlc.high) {
    throw new RangeError(`${name} is not a candle: low ${ohlc.low} high ${ohlc.high} open ${ohlc.open} close ${ohlc.close} (micro-dollars)`);
  }
}

/**
 * One candlestick of `ticker` as an EXCHANGE candle. `end_period_ts` (Unix seconds, the period's
 * inclusive end) must fall on the interval's grid: a candle cannot be placed otherwise.
 */
export function normalizeCandlestick(ticker: string, interval: CandleInterval, wire: MarketCandlestick): CandleRecord {
  const what = `Kalshi candlestick of ${ticker}`;
  if (!isRecord(wire)) throw invalid(`${what} is not an object`);
  const raw: Record<string, unknown> = wire;
  return read(what, () => {
    const end = raw.end_period_ts;
    if (typeof end !== 'number' || !Number.isSafeInteger(end) || end <= 0) throw new TypeError(`end_period_ts ${JSON.stringify(end)} is not Unix seconds`);
    const endMs = end * 1000;
    const intervalMs = candleIntervalMs(interval);
    if (endMs % intervalMs !== 0) throw new RangeError(`end_period_ts ${end} is not on the ${interval} grid`);
    const yesBid = bidAsk(raw.yes_bid, 'yes_bid');
    const yesAsk = bidAsk(raw.yes_ask, 'yes_ask');
    const price = lastTrades(raw.price);
    checkOrder(yesBid, 'yes_bid');
    checkOrder(yesAsk, 'yes_ask');
    checkOrder(price, 'price');
    return {
      ticker,
      interval,
      startMs: endMs - intervalMs,
      endMs,
      price,
      yesBid,
      yesAsk,
      volumeHundredths: countHundredths(raw.volume_fp, 'volume_fp'),
      openInterestHundredths:
        raw.open_interest_fp === undefined || raw.open_interest_fp === null ? null : countHundredths(raw.open_interest_fp, 'open_interest_fp'),
      origin: 'EXCHANGE',
    };
  });
}

function timeMs(value: unknown, name: string): number {
  if (typeof value !== 'string') throw new TypeError(`${name} is missing or not a string`);
  const at = Date.parse(value);
  if (!Number.isFinite(at)) throw new RangeError(`${name} ${JSON.stringify(value)} is not a timestamp`);
  return at;
}

function side(value: unknown, name: string): 'yes' | 'no' {
  if (value !== 'yes' && value !== 'no') throw new TypeError(`${name} ${JSON.stringify(value)} is not yes|no`);
  return value;
}

function tradeId(value: unknown): string {
  if (typeof value !== 'string' || value.trim() === '') throw new TypeError('trade_id is missing or empty');
  return value;
}

/** A trade of `GET /markets/trades`. `taker_outcome_side` is read, with the deprecated `taker_side` as a fallback. */
export function normalizeRestTrade(wire: Trade, receivedAtMs: number): TradeRecord {
  if (!isRecord(wire)) throw invalid('Kalshi trade is not an object');
  const raw: Record<string, unknown> = wire;
  const ticker = raw.ticker;
  if (typeof ticker !== 'string' || ticker.trim() === '') throw invalid('Kalshi trade without a ticker');
  return read(`Kalshi trade of ${ticker}`, () => ({
    id: tradeId(raw.trade_id),
    ticker,
    priceMicros: priceMicros(raw.yes_price_dollars, 'yes_price_dollars'),
    countHundredths: countHundredths(raw.count_fp, 'count_fp'),
    takerSide: side(raw.taker_outcome_side ?? raw.taker_side, 'taker_outcome_side'),
    atMs: timeMs(raw.created_time, 'created_time'),
    origin: 'rest',
    receivedAtMs,
  }));
}

/** A `trade` message of the WebSocket trade channel. Without `ts_ms` the trade is dated on arrival. */
export function normalizeWsTrade(msg: TradeMsg, receivedAtMs: number): TradeRecord {
  if (!isRecord(msg)) throw invalid('Kalshi trade message is not an object');
  const raw: Record<string, unknown> = msg;
  const ticker = raw.market_ticker;
  if (typeof ticker !== 'string' || ticker.trim() === '') throw invalid('Kalshi trade message without a market_ticker');
  return read(`Kalshi trade message of ${ticker}`, () => {
    const ts = raw.ts_ms;
    if (ts !== undefined && (typeof ts !== 'number' || !Number.isFinite(ts))) throw new TypeError('ts_ms is not epoch milliseconds');
    return {
      id: tradeId(raw.trade_id),
      ticker,
      priceMicros: priceMicros(raw.yes_price_dollars, 'yes_price_dollars'),
      countHundredths: countHundredths(raw.count_fp, 'count_fp'),
      takerSide: side(raw.taker_outcome_side, 'taker_outcome_side'),
      atMs: typeof ts === 'number' ? Math.round(ts) : receivedAtMs,
      origin: 'ws',
      receivedAtMs,
    };
  });
}
