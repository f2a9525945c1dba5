/**
 * Candles from the service's own records: a pure function over a market's ticks (bid, ask, open
 * interest as they changed) and its trades, one candle per period of the grid, every period
 * present, ascending.
 *
 * - price OHLC and volume come from the trades in the period (all null and 0 when none traded:
 *   a tick's "last" is a trade we also receive, and counting both would double it);
 * - yesBid / yesAsk OHLC come from the quotes: the one in force when the period opened (carried
 *   from the last tick before it) and every change inside it. A quote that is absent (an empty
 *   side) is not a price and is skipped;
 * - open interest is the last one known at the period's end.
 * So a candle's bid/ask open equals the previous candle's close, as on Kalshi.
 */
import { candleIntervalMs, type CandleInterval, type CandleRecord, type OhlcMicros } from '../core/market-history.js';

/** One recorded quote change of a market (micro-dollars, hundredths; null = none). */
export interface QuoteTick {
  atMs: number;
  bidMicros: number | null;
  askMicros: number | null;
  openInterestHundredths: number | null;
}

/** One trade (micro-dollars, hundredths). */
export interface TradePrint {
  atMs: number;
  priceMicros: number;
  countHundredths: number;
}

export interface BuildCandlesInput {
  ticker: string;
  interval: CandleInterval;
  /** Epoch ms on the interval's grid: the first candle's start. */
  fromMs: number;
  /** Epoch ms on the grid: the last candle ends here. */
  toMs: number;
  /** The last tick before fromMs, if any: what was in force when the first period opened. */
  before: QuoteTick | null;
  /** Ticks in [fromMs, toMs), ascending. */
  ticks: readonly QuoteTick[];
  /** Trades in [fromMs, toMs), ascending by time (ties in arrival order). */
  trades: readonly TradePrint[];
}

/** Floors a time onto the interval's UTC grid. */
export function floorToInterval(ms: number, interval: CandleInterval): number {
  const step = candleIntervalMs(interval);
  return Math.floor(ms / step) * step;
}

export function ceilToInterval(ms: number, interval: CandleInterval): number {
  const step = candleIntervalMs(interval);
  return Math.ceil(ms / step) * step;
}

/** An OHLC accumulator over values in time order. */
class Ohlc {
  private value: OhlcMicros = { open: null, high: null, low: null, close: null };

  add(micros: number | null): void {
    if (micros === null) return;
    const v = this.value;
    this.value = {
      open: v.open ?? micros,
      high: v.high === null ? micros : Math.max(v.high, micros),
      low: v.low === null ? micros : Math.min(v.low, micros),
      close: micros,
    };
  }

  result(): OhlcMicros {
    return { ...this.value };
  }
}

export function buildCandles(input: BuildCandlesInput): CandleRecord[] {
  const { ticker, interval, fromMs, toMs } = input;
  const step = candleIntervalMs(interval);
  if (fromMs % step !== 0 || toMs % step !== 0) throw new RangeError(`candle range ${fromMs}..${toMs} is not on the ${interval} grid`);
  const candles: CandleRecord[] = [];
  let bid = input.before?.bidMicros ?? null;
  let ask = input.before?.askMicros ?? null;
  let openInterest = input.before?.openInterestHundredths ?? null;
  let t = 0;
  let d = 0;
  const { ticks, trades } = input;
  // Anything before the range is not this range's: skip it rather than trust the caller.
  while (t < ticks.length && ticks[t]!.atMs < fromMs) t++;
  while (d < trades.length && trades[d]!.atMs < fromMs) d++;
  for (let start = fromMs; start < toMs; start += step) {
    const end = start + step;
    const yesBid = new Ohlc();
    const yesAsk = new Ohlc();
    const price = new Ohlc();
    yesBid.add(bid);
    yesAsk.add(ask);
    for (; t < ticks.length && ticks[t]!.atMs < end; t++) {
      const tick = ticks[t]!;
      bid = tick.bidMicros;
      ask = tick.askMicros;
      if (tick.openInterestHundredths !== null) openInterest = tick.openInterestHundredths;
      yesBid.add(bid);
      yesAsk.add(ask);
    }
    let volume = 0;
    for (; d < trades.length && trades[d]!.atMs < end; d++) {
      const trade = trades[d]!;
      price.add(trade.priceMicros);
      volume += trade.countHundredths;
    }
    candles.push({
      ticker,
      interval,
      startMs: start,
      endMs: end,
      price: price.result(),
      yesBid: yesBid.result(),
      yesAsk: yesAsk.result(),
      volumeHundredths: volume,
      openInterestHundredths: openInterest,
      origin: 'RECORDED',
    });
  }
  return candles;
}
