/**
 * Market history records: public trades and candles. Prices stay integer micro-dollars and counts
 * integer hundredths of a contract from the wire to the GraphQL edge (the schema divides once), so
 * OHLC values and volume sums carry no float drift.
 */

export const CANDLE_INTERVALS = ['ONE_MINUTE', 'ONE_HOUR', 'ONE_DAY'] as const;
export type CandleInterval = (typeof CANDLE_INTERVALS)[number];

/** Minutes per candle: Kalshi's `period_interval`. */
export const CANDLE_INTERVAL_MINUTES: Readonly<Record<CandleInterval, 1 | 60 | 1440>> = { ONE_MINUTE: 1, ONE_HOUR: 60, ONE_DAY: 1440 };

export function candleIntervalMs(interval: CandleInterval): number {
  return CANDLE_INTERVAL_MINUTES[interval] * 60_000;
}

/** RECORDED: built from the service's own market ticks and trades; EXCHANGE: Kalshi's candlesticks. */
export type CandleOrigin = 'RECORDED' | 'EXCHANGE';

/** Open, high, low, close in micro-dollars; all null when the period had no value. */
export interface OhlcMicros {
  open: number | null;
  high: number | null;
  low: number | null;
  close: number | null;
}

export const EMPTY_OHLC: Readonly<OhlcMicros> = Object.freeze({ open: null, high: null, low: null, close: null });

export interface CandleRecord {
  ticker: string;
  interval: CandleInterval;
  /** Epoch ms, inclusive; a multiple of the interval (UTC). */
  startMs: number;
  /** startMs + the interval: Kalshi's end_period_ts. */
  endMs: number;
  /** Last-trade prices. */
  price: OhlcMicros;
  yesBid: OhlcMicros;
  yesAsk: OhlcMicros;
  /** Contracts traded in the period, in hundredths. */
  volumeHundredths: number;
  openInterestHundredths: number | null;
  origin: CandleOrigin;
}

export type TradeOrigin = 'ws' | 'rest';

/** One public trade: the YES price, the contracts, the taker's outcome side and the exchange's time. */
export interface TradeRecord {
  id: string;
  ticker: string;
  priceMicros: number;
  countHundredths: number;
  takerSide: 'yes' | 'no';
  /** Epoch ms, the exchange's clock. */
  atMs: number;
  /** Where we got it: the WebSocket trade channel or a GET /markets/trades backfill. */
  origin: TradeOrigin;
  /** Epoch ms, our clock. */
  receivedAtMs: number;
}

/**
 * What `tradeExecuted` publishes. Besides the trade, its position in this process's stream (`seq`,
 * counting from 1, gap-free) and where it came from on the exchange's feed (the connection's sid
 * and the sid's seq), which is what a resume-after-reconnect protocol would key on later.
 */
export interface TradeEvent {
  trade: TradeRecord;
  seq: number;
  feed: { sid: number; seq: number } | null;
}

/** A time range [fromMs, toMs), epoch ms. */
export interface TimeRange {
  fromMs: number;
  toMs: number;
}

/** The parts of [fromMs, toMs) that none of `covered` covers, ascending. */
export function uncoveredRanges(fromMs: number, toMs: number, covered: readonly TimeRange[]): TimeRange[] {
  const gaps: TimeRange[] = [];
  let at = fromMs;
  for (const range of [...covered].sort((a, b) => a.fromMs - b.fromMs)) {
    if (range.toMs <= at) continue;
    if (range.fromMs >= toMs) break;
    if (range.fromMs > at) gaps.push({ fromMs: at, toMs: range.fromMs });
    at = Math.max(at, range.toMs);
  }
  if (at < toMs) gaps.push({ fromMs: at, toMs });
  return gaps;
}
