// The candle chart's data: hourly bars further back and minute bars for today in one series, then
// extended live by trades and quote changes.
import { describe, expect, it } from 'vitest';
import { applyTick, candleWindow, HOUR_MS, mergeHistory, MINUTE_MS, type Bar, type CandleInput } from '../../dashboard/src/shaping/candles.js';

const iso = (ms: number): string => new Date(ms).toISOString();
const at = (text: string): number => Date.parse(text);

function candle(start: number, close: number | null, volume = 1, quote: [number, number] | null = [0.4, 0.44]): CandleInput {
  return {
    start: iso(start),
    volume,
    price: close === null ? { open: null, high: null, low: null, close: null } : { open: close, high: close + 0.01, low: close - 0.01, close },
    yesBid: { close: quote?.[0] ?? null },
    yesAsk: { close: quote?.[1] ?? null },
  };
}

const starts = (bars: readonly Bar[]): string[] => bars.map((bar) => new Date(bar.start).toISOString());

describe('candleWindow', () => {
  it('minute bars from UTC midnight, hourly bars a week before, up to the end of the running minute', () => {
    const window = candleWindow(at('2026-03-10T15:42:31Z'));
    expect(iso(window.minuteFrom)).toBe('2026-03-10T00:00:00.000Z');
    expect(iso(window.hourFrom)).toBe('2026-03-03T00:00:00.000Z');
    expect(iso(window.to)).toBe('2026-03-10T15:43:00.000Z');
  });

  it('just after midnight there are still a few hours of minute bars, starting on an hour', () => {
    const window = candleWindow(at('2026-03-10T00:20:00Z'), { minMinuteHours: 3, hoursBack: 24 });
    expect(iso(window.minuteFrom)).toBe('2026-03-09T21:00:00.000Z');
    expect(iso(window.hourFrom)).toBe('2026-03-08T21:00:00.000Z');
  });
});

describe('mergeHistory', () => {
  const window = { hourFrom: at('2026-03-10T10:00:00Z'), minuteFrom: at('2026-03-10T13:00:00Z'), to: at('2026-03-10T13:04:00Z') };

  it('hourly bars then minute bars, ascending, meeting at minuteFrom with no period twice', () => {
    const hourly = [candle(at('2026-03-10T10:00:00Z'), 0.4), candle(at('2026-03-10T11:00:00Z'), 0.41), candle(at('2026-03-10T12:00:00Z'), 0.42)];
    const minutely = [0, 1, 2, 3].map((m) => candle(at('2026-03-10T13:00:00Z') + m * MINUTE_MS, 0.43 + m / 100));
    const bars = mergeHistory(hourly, minutely, window);
    expect(starts(bars)).toEqual([
      '2026-03-10T10:00:00.000Z',
      '2026-03-10T11:00:00.000Z',
      '2026-03-10T12:00:00.000Z',
      '2026-03-10T13:00:00.000Z',
      '2026-03-10T13:01:00.000Z',
      '2026-03-10T13:02:00.000Z',
      '2026-03-10T13:03:00.000Z',
    ]);
    expect(bars.slice(0, 3).every((bar) => bar.intervalMs === HOUR_MS)).toBe(true);
    expect(bars.slice(3).every((bar) => bar.intervalMs === MINUTE_MS)).toBe(true);
    expect(bars[3]).toMatchObject({ open: 0.43, close: 0.43, volume: 1 });
    expect(bars[3]!.mid).toBeCloseTo(0.42);
  });

  it('drops an hourly bar that reaches into the minute range, and bars outside the window', () => {
    const hourly = [
      candle(at('2026-03-10T09:00:00Z'), 0.3), // before hourFrom
      candle(at('2026-03-10T12:00:00Z'), 0.42),
      candle(at('2026-03-10T13:00:00Z'), 0.5), // the minute bars cover this hour
    ];
    const minutely = [candle(at('2026-03-10T12:59:00Z'), 0.1), candle(at('2026-03-10T13:00:00Z'), 0.43), candle(at('2026-03-10T13:04:00Z'), 0.9)];
    const bars = mergeHistory(hourly, minutely, window);
    expect(starts(bars)).toEqual(['2026-03-10T12:00:00.000Z', '2026-03-10T13:00:00.000Z']);
    expect(bars.map((bar) => bar.close)).toEqual([0.42, 0.43]);
  });

  it('a period answered twice is one bar (the later answer), and unsorted answers come out ascending', () => {
    const minutely = [
      candle(at('2026-03-10T13:02:00Z'), 0.45),
      candle(at('2026-03-10T13:00:00Z'), 0.43),
      candle(at('2026-03-10T13:01:00Z'), 0.44, 1),
      candle(at('2026-03-10T13:01:00Z'), 0.47, 9),
    ];
    const bars = mergeHistory([], minutely, window);
    expect(starts(bars)).toEqual(['2026-03-10T13:00:00.000Z', '2026-03-10T13:01:00.000Z', '2026-03-10T13:02:00.000Z']);
    expect(bars[1]).toMatchObject({ close: 0.47, volume: 9 });
  });

  it('fills missing periods with empty bars, and keeps a quiet period (no trade) as a gap, not a price', () => {
    const minutely = [candle(at('2026-03-10T13:00:00Z'), 0.43), candle(at('2026-03-10T13:01:00Z'), null, 0, null), candle(at('2026-03-10T13:03:00Z'), 0.45)];
    const bars = mergeHistory([], minutely, window);
    expect(starts(bars)).toEqual(['2026-03-10T13:00:00.000Z', '2026-03-10T13:01:00.000Z', '2026-03-10T13:02:00.000Z', '2026-03-10T13:03:00.000Z']);
    expect(bars[1]).toEqual({ start: at('2026-03-10T13:01:00Z'), intervalMs: MINUTE_MS, open: null, high: null, low: null, close: null, volume: 0, mid: null });
    expect(bars[2]).toMatchObject({ open: null, close: null, volume: 0 });
  });

  it('no candles at all is an empty series', () => {
    expect(mergeHistory([], [], window)).toEqual([]);
  });
});

describe('applyTick', () => {
  const minute = at('2026-03-10T13:05:00Z');
  const history: Bar[] = [
    { start: minute - MINUTE_MS, intervalMs: MINUTE_MS, open: 0.4, high: 0.42, low: 0.39, close: 0.41, volume: 10, mid: 0.41 },
    { start: minute, intervalMs: MINUTE_MS, open: 0.41, high: 0.43, low: 0.41, close: 0.42, volume: 5, mid: 0.42 },
  ];

  it('a trade inside the running minute extends that bar: high, close and volume', () => {
    const { bars, changed } = applyTick(history, { at: minute + 30_000, price: 0.45, volume: 3 });
    expect(bars).toHaveLength(2);
    expect(bars[1]).toEqual({ ...history[1], high: 0.45, close: 0.45, volume: 8 });
    expect(changed).toEqual([bars[1]]);
    expect(history[1]!.close).toBe(0.42); // the input is not changed
  });

  it('a lower trade moves the low; a quote change moves only the mid', () => {
    const low = applyTick(history, { at: minute + 1000, price: 0.38, volume: 1 }).bars[1]!;
    expect(low).toMatchObject({ low: 0.38, close: 0.38, high: 0.43, open: 0.41, volume: 6 });
    const quote = applyTick(history, { at: minute + 2000, mid: 0.425 }).bars[1]!;
    expect(quote).toEqual({ ...history[1], mid: 0.425 });
  });

  it('a trade after the running minute starts a new bar that opens at the trade and keeps the mid in force', () => {
    const { bars, changed } = applyTick(history, { at: minute + MINUTE_MS + 5000, price: 0.44, volume: 2 });
    expect(bars).toHaveLength(3);
    expect(changed).toEqual([{ start: minute + MINUTE_MS, intervalMs: MINUTE_MS, open: 0.44, high: 0.44, low: 0.44, close: 0.44, volume: 2, mid: 0.42 }]);
  });

  it('a tick after quiet minutes adds an empty bar for each of them first', () => {
    const { bars, changed } = applyTick(history, { at: minute + 3 * MINUTE_MS + 1, price: 0.5, volume: 1 });
    expect(changed.map((bar) => bar.start)).toEqual([minute + MINUTE_MS, minute + 2 * MINUTE_MS, minute + 3 * MINUTE_MS]);
    expect(changed.slice(0, 2).every((bar) => bar.close === null && bar.volume === 0)).toBe(true);
    expect(bars).toHaveLength(5);
  });

  it('a tick exactly at the end of the running minute belongs to the next one', () => {
    const { bars } = applyTick(history, { at: minute + MINUTE_MS, price: 0.5, volume: 1 });
    expect(bars.at(-1)!.start).toBe(minute + MINUTE_MS);
    expect(bars[1]).toEqual(history[1]);
  });

  it('a tick older than the running minute changes nothing: the history has that period', () => {
    const { bars, changed } = applyTick(history, { at: minute - 10_000, price: 0.99, volume: 50 });
    expect(bars).toEqual(history);
    expect(changed).toEqual([]);
  });

  it('two trades at the same instant both count', () => {
    const once = applyTick(history, { at: minute + 10_000, price: 0.44, volume: 1 }).bars;
    const twice = applyTick(once, { at: minute + 10_000, price: 0.44, volume: 1 }).bars;
    expect(twice[1]!.volume).toBe(7);
  });

  it('a trade into an empty (quiet) bar opens it', () => {
    const quiet: Bar[] = [{ start: minute, intervalMs: MINUTE_MS, open: null, high: null, low: null, close: null, volume: 0, mid: null }];
    const { bars } = applyTick(quiet, { at: minute + 1, price: 0.3, volume: 4 });
    expect(bars[0]).toEqual({ start: minute, intervalMs: MINUTE_MS, open: 0.3, high: 0.3, low: 0.3, close: 0.3, volume: 4, mid: null });
  });

  it('after hourly bars only (no minute bars yet) a tick opens a minute bar after the hour', () => {
    const hourly: Bar[] = [{ start: at('2026-03-10T12:00:00Z'), intervalMs: HOUR_MS, open: 0.4, high: 0.4, low: 0.4, close: 0.4, volume: 1, mid: null }];
    const { bars } = applyTick(hourly, { at: at('2026-03-10T13:00:10Z'), price: 0.41, volume: 1 });
    expect(starts(bars)).toEqual(['2026-03-10T12:00:00.000Z', '2026-03-10T13:00:00.000Z']);
    expect(bars[1]!.intervalMs).toBe(MINUTE_MS);
  });

  it('the first tick on an empty chart opens the first bar on the minute grid', () => {
    const { bars } = applyTick([], { at: at('2026-03-10T13:07:42Z'), price: 0.2, volume: 1 });
    expect(starts(bars)).toEqual(['2026-03-10T13:07:00.000Z']);
  });

  it('a trade with no usable price or volume does not move the bar', () => {
    const { bars } = applyTick(history, { at: minute + 1000, price: Number.NaN, volume: 5 });
    expect(bars[1]).toEqual(history[1]);
  });
});
