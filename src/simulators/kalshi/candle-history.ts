/**
 * The simulated exchange's candlesticks, consistent with its market model:
 * - from the first observation on (the simulator's start), one bar per market and minute is
 *   recorded as the model runs: the YES bid / ask as observed after each step, the model's own
 *   trades (price and volume, bucketed by their time) and the open interest;
 * - before it, the history is generated backwards from the first observed state with a PRNG seeded
 *   by the simulator's seed, the ticker and the period, so it is the same on every request: each
 *   period's close is the next one's open, and the last generated close is the state the model
 *   started from. Nothing is generated before the market opened.
 * A period's candle aggregates its minutes; a period without a recorded minute carries the previous
 * close (no trades, no volume). The candle of the period now running closes at the current quote
 * and last price.
 */
import { Prng } from '../../core/prng.js';
import type { KalshiMarketModel, SimMarket } from './market-model.js';

/** Open, high, low, close in cents. */
export interface SimOhlc {
  open: number;
  high: number;
  low: number;
  close: number;
}

export interface SimCandle {
  /** Epoch ms: the period's end (Kalshi's end_period_ts × 1000). */
  endMs: number;
  bid: SimOhlc;
  ask: SimOhlc;
  /** null when nothing traded in the period. */
  price: SimOhlc | null;
  volumeHundredths: number;
  openInterestHundredths: number;
}

interface Bar {
  bid: SimOhlc;
  ask: SimOhlc;
  price: SimOhlc | null;
  volumeHundredths: number;
  openInterestHundredths: number;
}

interface Series {
  /** The first observation of this market: where the generated past ends. */
  readonly firstAtMs: number;
  readonly first: { bidCents: number; askCents: number; openInterestHundredths: number };
  readonly openAtMs: number;
  /** Minute start → bar. */
  readonly bars: Map<number, Bar>;
  last: Bar | null;
  /** Generated periods per interval, newest first, index 0 ending at the anchor. */
  readonly generated: Map<number, SimCandle[]>;
}

const MINUTE_MS = 60_000;
/** Recorded minutes kept per market (older ones are dropped). */
const KEEP_MINUTES = 1440;
/** Generated periods at most, per market and interval: Kalshi's cap on one answer. */
const MAX_GENERATED = 10_000;

const clamp = (cents: number): number => Math.min(99, Math.max(1, cents));
const point = (cents: number): SimOhlc => ({ open: cents, high: cents, low: cents, close: cents });
const extend = (ohlc: SimOhlc, cents: number): SimOhlc => ({ open: ohlc.open, high: Math.max(ohlc.high, cents), low: Math.min(ohlc.low, cents), close: cents });

function merge(a: SimOhlc | null, b: SimOhlc | null): SimOhlc | null {
  if (!a) return b;
  if (!b) return a;
  return { open: a.open, high: Math.max(a.high, b.high), low: Math.min(a.low, b.low), close: b.close };
}

function hash(text: string): number {
  let h = 2166136261;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 16777619);
  return h >>> 0;
}

export class SimCandleHistory {
  private readonly series = new Map<string, Series>();
  private lastTradeSeq = 0;

  constructor(
    private readonly model: KalshiMarketModel,
    private readonly seed: number,
  ) {}

  /** Records the model's state at `nowMs` (after a step): new trades into their minutes, then the quotes. */
  observe(nowMs: number): void {
    const fresh = [];
    for (const trade of this.model.recentTrades()) {
      if (trade.seq <= this.lastTradeSeq) break;
      fresh.push(trade);
    }
    if (fresh.length > 0) this.lastTradeSeq = fresh[0]!.seq;
    for (const trade of fresh.reverse()) {
      const market = this.model.getState(trade.ticker);
      if (!market) continue;
      const bar = this.barAt(market, trade.at);
      if (!bar) continue;
      bar.price = bar.price ? extend(bar.price, trade.yesCents) : point(trade.yesCents);
      bar.volumeHundredths += trade.countHundredths;
    }
    for (const market of this.model.listStates()) {
      if (!market.quote) continue;
      const bar = this.barAt(market, nowMs);
      if (!bar) continue;
      bar.bid = extend(bar.bid, market.quote.bidCents);
      bar.ask = extend(bar.ask, market.quote.askCents);
      bar.openInterestHundredths = market.openInterestHundredths;
    }
  }

  /**
   * The candles of `ticker` whose period (of `periodMinutes`) ends in [startMs, endMs], oldest
   * first, up to the period now running; null when the simulator knows no such market.
   */
  candles(ticker: string, periodMinutes: number, startMs: number, endMs: number, nowMs: number): SimCandle[] | null {
    const market = this.model.getState(ticker);
    if (!market) return null;
    const series = this.series.get(ticker);
    if (!series) return [];
    const step = periodMinutes * MINUTE_MS;
    const anchor = Math.floor(series.firstAtMs / step) * step;
    const lastEnd = Math.min(endMs, Math.ceil((nowMs + 1) / step) * step);
    const out: SimCandle[] = [];
    let first = Math.ceil(startMs / step) * step;
    // Nothing before the market opened.
    first = Math.max(first, Math.floor(series.openAtMs / step) * step + step);
    for (let end = first; end <= lastEnd; end += step) {
      if (end <= anchor) {
        const candle = this.generatedCandle(ticker, series, step, anchor, end);
        if (candle) out.push(candle);
      } else {
        const candle = this.recordedCandle(series, step, end);
        if (candle) out.push(candle);
      }
    }
    return out;
  }

  private barAt(market: Readonly<SimMarket>, atMs: number): Bar | null {
    let series = this.series.get(market.ticker);
    if (!series) {
      if (!market.quote) return null;
      series = {
        firstAtMs: atMs,
        first: { bidCents: market.quote.bidCents, askCents: market.quote.askCents, openInterestHundredths: market.openInterestHundredths },
        openAtMs: market.openAt,
        bars: new Map(),
        last: null,
        generated: new Map(),
      };
      this.series.set(market.ticker, series);
    }
    const minute = Math.floor(atMs / MINUTE_MS) * MINUTE_MS;
    let bar = series.bars.get(minute);
    if (!bar) {
      // A new minute opens where the last one closed (or where the market was first seen).
      const bid = series.last?.bid.close ?? series.first.bidCents;
      const ask = series.last?.ask.close ?? series.first.askCents;
      bar = {
        bid: point(bid),
        ask: point(ask),
        price: null,
        volumeHundredths: 0,
        openInterestHundredths: series.last?.openInterestHundredths ?? series.first.openInterestHundredths,
      };
      series.bars.set(minute, bar);
      series.last = bar;
      if (series.bars.size > KEEP_MINUTES) {
        const oldest = series.bars.keys().next().value;
        if (oldest !== undefined) series.bars.delete(oldest);
      }
    }
    return bar;
  }

  private recordedCandle(series: Series, step: number, end: number): SimCandle | null {
    let bid: SimOhlc | null = null;
    let ask: SimOhlc | null = null;
    let price: SimOhlc | null = null;
    let volume = 0;
    let openInterest: number | null = null;
    let previous: Bar | null = null;
    for (const [minute, bar] of series.bars) {
      if (minute >= end) break;
      if (minute < end - step) {
        previous = bar;
        continue;
      }
      bid = merge(bid, bar.bid);
      ask = merge(ask, bar.ask);
      price = merge(price, bar.price);
      volume += bar.volumeHundredths;
      openInterest = bar.openInterestHundredths;
    }
    if (!bid || !ask) {
      // A quiet period: the previous close carried, nothing traded.
      if (!previous) return null;
      return {
        endMs: end,
        bid: point(previous.bid.close),
        ask: point(previous.ask.close),
        price: null,
        volumeHundredths: 0,
        openInterestHundredths: previous.openInterestHundredths,
      };
    }
    return { endMs: end, bid, ask, price, volumeHundredths: volume, openInterestHundredths: openInterest ?? series.first.openInterestHundredths };
  }

  /** The generated period ending at `end` (≤ anchor), walking back from the first observed state. */
  private generatedCandle(ticker: string, series: Series, step: number, anchor: number, end: number): SimCandle | null {
    const index = (anchor - end) / step;
    if (index >= MAX_GENERATED) return null;
    let walk = series.generated.get(step);
    if (!walk) {
      walk = [];
      series.generated.set(step, walk);
    }
    if (walk.length <= index) this.generate(ticker, series, step, walk, index + 1);
    return walk[index] ?? null;
  }

  private generate(ticker: string, series: Series, step: number, walk: SimCandle[], count: number): void {
    // One PRNG per (seed, ticker, interval), replayed from the anchor: the same walk on every request.
    const rng = new Prng(this.seed ^ hash(`${ticker}/${step}`));
    walk.length = 0;
    const spread = Math.max(1, series.first.askCents - series.first.bidCents);
    const moves = Math.max(1, Math.round(Math.sqrt(step / MINUTE_MS)));
    let closeBid = series.first.bidCents;
    let openInterest = series.first.openInterestHundredths;
    const anchor = Math.floor(series.firstAtMs / step) * step;
    for (let i = 0; i < count; i++) {
      const end = anchor - i * step;
      if (end - step < Math.floor(series.openAtMs / step) * step) break;
      // Backwards: this period's open is where the walk goes next; its close is the later period's open.
      const openBid = clamp(Math.min(99 - spread, closeBid + rng.int(-moves, moves)));
      const highBid = clamp(Math.min(99 - spread, Math.max(openBid, closeBid) + (rng.chance(0.3) ? 1 : 0)));
      const lowBid = clamp(Math.min(openBid, closeBid) - (rng.chance(0.3) ? 1 : 0));
      const traded = rng.chance(0.6);
      const volume = traded ? rng.int(1, 40) * 100 * moves : 0;
      const inside = (): number => clamp(lowBid + rng.int(0, highBid - lowBid + spread));
      const price: SimOhlc | null = traded
        ? ((): SimOhlc => {
            const open = inside();
            const close = inside();
            return { open, close, high: Math.max(open, close, highBid), low: Math.min(open, close, lowBid) };
          })()
        : null;
      walk.push({
        endMs: end,
        bid: { open: openBid, high: highBid, low: lowBid, close: closeBid },
        ask: { open: openBid + spread, high: highBid + spread, low: lowBid + spread, close: closeBid + spread },
        price,
        volumeHundredths: volume,
        openInterestHundredths: openInterest,
      });
      closeBid = openBid;
      openInterest = Math.max(0, openInterest - Math.floor(volume * rng.next() * 0.5));
    }
  }
}
