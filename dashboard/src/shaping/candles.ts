/**
 * One market's candles as the chart draws them: hourly bars further back, minute bars for today,
 * one ascending series with no period twice and no overlap where the two meet, then extended live
 * (a trade updates the running minute or opens the next one; a quote change moves the mid line).
 *
 * Bars follow the server's candles: price OHLC from trades (null in a period where nothing traded,
 * drawn as a gap, not invented), volume in contracts, and the YES bid/ask mid at the period's end
 * for the quote line. Times are epoch milliseconds; everything here is pure.
 */

export const MINUTE_MS = 60_000;
export const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;

/** The fields of the schema's Candle a chart needs. */
export interface CandleInput {
  start: string;
  volume: number;
  price: { open?: number | null; high?: number | null; low?: number | null; close?: number | null };
  yesBid: { close?: number | null };
  yesAsk: { close?: number | null };
}

export interface Bar {
  start: number;
  intervalMs: number;
  open: number | null;
  high: number | null;
  low: number | null;
  close: number | null;
  /** Contracts traded in the period. */
  volume: number;
  /** (bid + ask) / 2 at the period's end; null without both sides. */
  mid: number | null;
}

/** The ranges to ask for: ONE_HOUR over [hourFrom, minuteFrom), ONE_MINUTE over [minuteFrom, to). */
export interface CandleWindow {
  hourFrom: number;
  minuteFrom: number;
  to: number;
}

export interface WindowOptions {
  /** How far back the hourly bars go before the minute bars start. */
  hoursBack?: number;
  /** At least this many hours of minute bars, also just after midnight UTC. */
  minMinuteHours?: number;
}

const floorTo = (ms: number, step: number): number => Math.floor(ms / step) * step;

/**
 * "Today" is the UTC day (the candles' grid is UTC); minute bars start at its midnight, or earlier
 * when today is only a few hours old, always on an hour so the hourly bars end exactly there. `to`
 * is the end of the minute now running, so that minute is in the answer.
 */
export function candleWindow(nowMs: number, options: WindowOptions = {}): CandleWindow {
  const { hoursBack = 7 * 24, minMinuteHours = 3 } = options;
  const minuteFrom = Math.min(floorTo(nowMs, DAY_MS), floorTo(nowMs, HOUR_MS) - minMinuteHours * HOUR_MS);
  return { hourFrom: minuteFrom - hoursBack * HOUR_MS, minuteFrom, to: floorTo(nowMs, MINUTE_MS) + MINUTE_MS };
}

const finite = (value: number | null | undefined): number | null => (value === null || value === undefined || !Number.isFinite(value) ? null : value);

function midOf(bid: number | null | undefined, ask: number | null | undefined): number | null {
  const b = finite(bid);
  const a = finite(ask);
  return b === null || a === null ? null : (b + a) / 2;
}

function toBar(candle: CandleInput, intervalMs: number): Bar | null {
  const start = Date.parse(candle.start);
  if (!Number.isFinite(start)) return null;
  return {
    start,
    intervalMs,
    open: finite(candle.price.open),
    high: finite(candle.price.high),
    low: finite(candle.price.low),
    close: finite(candle.price.close),
    volume: Number.isFinite(candle.volume) ? candle.volume : 0,
    mid: midOf(candle.yesBid.close, candle.yesAsk.close),
  };
}

const emptyBar = (start: number, intervalMs: number): Bar => ({ start, intervalMs, open: null, high: null, low: null, close: null, volume: 0, mid: null });

/** The most empty periods a gap is filled with (a laptop that slept a week draws a gap, not 10k bars). */
const MAX_FILL = 24 * 60;

/** Bars of one interval inside [from, to): on the grid, one per start (the later answer wins), gaps filled empty. */
function series(candles: readonly CandleInput[], intervalMs: number, from: number, to: number): Bar[] {
  const byStart = new Map<number, Bar>();
  for (const candle of candles) {
    const bar = toBar(candle, intervalMs);
    if (!bar || bar.start % intervalMs !== 0 || bar.start < from || bar.start + intervalMs > to) continue;
    byStart.set(bar.start, bar);
  }
  const sorted = [...byStart.values()].sort((a, b) => a.start - b.start);
  const filled: Bar[] = [];
  for (const bar of sorted) {
    const previous = filled.at(-1);
    if (previous) {
      const missing = Math.min((bar.start - previous.start) / intervalMs - 1, MAX_FILL);
      for (let k = missing; k >= 1; k--) filled.push(emptyBar(bar.start - k * intervalMs, intervalMs));
    }
    filled.push(bar);
  }
  return filled;
}

/** Hourly bars before `window.minuteFrom`, minute bars from it: ascending, no period covered twice. */
export function mergeHistory(hourly: readonly CandleInput[], minutely: readonly CandleInput[], window: CandleWindow): Bar[] {
  return [...series(hourly, HOUR_MS, window.hourFrom, window.minuteFrom), ...series(minutely, MINUTE_MS, window.minuteFrom, window.to)];
}

/** Something that happened live: a trade (price, contracts) and/or a quote change (mid). */
export interface Tick {
  at: number;
  price?: number | null;
  volume?: number;
  mid?: number | null;
}

export interface TickResult {
  bars: Bar[];
  /** The bars to redraw, ascending: the updated last bar, or the empty ones and the new one. */
  changed: Bar[];
}

function withTick(bar: Bar, tick: Tick): Bar {
  const next = { ...bar };
  const price = finite(tick.price);
  if (price !== null) {
    next.open ??= price;
    next.high = next.high === null ? price : Math.max(next.high, price);
    next.low = next.low === null ? price : Math.min(next.low, price);
    next.close = price;
    next.volume += tick.volume !== undefined && Number.isFinite(tick.volume) && tick.volume > 0 ? tick.volume : 0;
  }
  const mid = finite(tick.mid);
  if (mid !== null) next.mid = mid;
  return next;
}

/**
 * Applies a live tick to the newest bar: inside it, the bar is extended; after it, minute bars
 * follow (empty ones for the quiet minutes between); before it, nothing changes (the history
 * answered that period already, and an old tick must not rewrite it).
 */
export function applyTick(bars: readonly Bar[], tick: Tick, intervalMs: number = MINUTE_MS): TickResult {
  if (!Number.isFinite(tick.at)) return { bars: [...bars], changed: [] };
  const last = bars.at(-1);
  if (last && tick.at < last.start) return { bars: [...bars], changed: [] };
  if (last && tick.at < last.start + last.intervalMs) {
    const updated = withTick(last, tick);
    return { bars: [...bars.slice(0, -1), updated], changed: [updated] };
  }
  const start = floorTo(tick.at, intervalMs);
  const changed: Bar[] = [];
  if (last) {
    const gapFrom = Math.max(last.start + last.intervalMs, start - MAX_FILL * intervalMs);
    for (let at = Math.ceil(gapFrom / intervalMs) * intervalMs; at < start; at += intervalMs) changed.push(emptyBar(at, intervalMs));
  }
  // A new period opens with the quote still in force: the mid carries until a quote changes it.
  const opened = withTick({ ...emptyBar(start, intervalMs), mid: last?.mid ?? null }, tick);
  changed.push(opened);
  return { bars: [...bars, ...changed], changed };
}
