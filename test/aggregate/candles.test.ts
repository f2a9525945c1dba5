import { describe, expect, it } from 'vitest';
import { buildCandles, ceilToInterval, floorToInterval, type QuoteTick, type TradePrint } from '../../src/aggregate/candles.js';

const T0 = Date.UTC(2026, 11, 1, 12, 0, 0);
const MIN = 60_000;
const tick = (atMs: number, bid: number | null, ask: number | null, oi: number | null = null): QuoteTick => ({
  atMs,
  bidMicros: bid,
  askMicros: ask,
  openInterestHundredths: oi,
});
const trade = (atMs: number, price: number, count: number): TradePrint => ({ atMs, priceMicros: price, countHundredths: count });

describe('buildCandles', () => {
  it('one candle per period, price OHLC and volume from the trades, quotes from the ticks', () => {
    const candles = buildCandles({
      ticker: 'X',
      interval: 'ONE_MINUTE',
      fromMs: T0,
      toMs: T0 + 2 * MIN,
      before: tick(T0 - 5000, 410_000, 450_000, 50_000),
      ticks: [tick(T0 + 10_000, 420_000, 450_000), tick(T0 + 20_000, 400_000, 440_000, 51_000), tick(T0 + 70_000, 430_000, 460_000)],
      trades: [trade(T0 + 1000, 450_000, 500), trade(T0 + 2000, 470_000, 250), trade(T0 + 3000, 440_000, 100), trade(T0 + 4000, 460_000, 1)],
    });
    expect(candles).toHaveLength(2);
    expect(candles[0]).toEqual({
      ticker: 'X',
      interval: 'ONE_MINUTE',
      startMs: T0,
      endMs: T0 + MIN,
      price: { open: 450_000, high: 470_000, low: 440_000, close: 460_000 },
      yesBid: { open: 410_000, high: 420_000, low: 400_000, close: 400_000 },
      yesAsk: { open: 450_000, high: 450_000, low: 440_000, close: 440_000 },
      volumeHundredths: 851,
      openInterestHundredths: 51_000,
      origin: 'RECORDED',
    });
    // The second opens where the first closed; nothing traded in it.
    expect(candles[1]).toMatchObject({
      startMs: T0 + MIN,
      price: { open: null, high: null, low: null, close: null },
      yesBid: { open: 400_000, high: 430_000, low: 400_000, close: 430_000 },
      yesAsk: { open: 440_000, close: 460_000 },
      volumeHundredths: 0,
      openInterestHundredths: 51_000,
    });
  });

  it('without any quote, bid and ask are null; an empty side (null) is skipped, not a price', () => {
    const [first, second] = buildCandles({
      ticker: 'X',
      interval: 'ONE_MINUTE',
      fromMs: T0,
      toMs: T0 + 2 * MIN,
      before: null,
      ticks: [tick(T0 + 61_000, null, 300_000)],
      trades: [],
    });
    expect(first!.yesBid).toEqual({ open: null, high: null, low: null, close: null });
    expect(first!.openInterestHundredths).toBeNull();
    expect(second!.yesBid).toEqual({ open: null, high: null, low: null, close: null });
    expect(second!.yesAsk).toEqual({ open: 300_000, high: 300_000, low: 300_000, close: 300_000 });
  });

  it('ignores records outside the range and refuses a range off the grid', () => {
    const candles = buildCandles({
      ticker: 'X',
      interval: 'ONE_HOUR',
      fromMs: T0,
      toMs: T0 + 60 * MIN,
      before: null,
      ticks: [],
      trades: [trade(T0 - 1, 100_000, 100), trade(T0 + 5, 300_000, 7), trade(T0 + 60 * MIN, 200_000, 100)],
    });
    expect(candles).toHaveLength(1);
    expect(candles[0]!.volumeHundredths).toBe(7);
    expect(() => buildCandles({ ticker: 'X', interval: 'ONE_HOUR', fromMs: T0 + 1, toMs: T0 + 60 * MIN, before: null, ticks: [], trades: [] })).toThrow(/grid/);
  });

  it('grid helpers floor and ceil onto UTC boundaries', () => {
    expect(floorToInterval(T0 + 59_999, 'ONE_MINUTE')).toBe(T0);
    expect(ceilToInterval(T0 + 1, 'ONE_MINUTE')).toBe(T0 + MIN);
    expect(ceilToInterval(T0, 'ONE_MINUTE')).toBe(T0);
    expect(floorToInterval(T0 + 5 * 3_600_000, 'ONE_DAY')).toBe(Date.UTC(2026, 11, 1));
  });
});
