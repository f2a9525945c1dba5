import { describe, expect, it } from 'vitest';
import { normalizeCandlestick, normalizeRestTrade, normalizeWsTrade } from '../../../src/sources/kalshi/normalize-history.js';
import type { MarketCandlestick, Trade } from '../../../src/sources/kalshi/protocol.js';
import { readCandlesticksBatch, readMarketCandlesticks } from '../../../src/sources/kalshi/wire-guards.js';

const END = Date.UTC(2026, 10, 20, 11, 0, 0) / 1000;
const wire = (fields: Record<string, unknown> = {}): MarketCandlestick => ({
  end_period_ts: END,
  yes_bid: { open_dollars: '0.4100', low_dollars: '0.4000', high_dollars: '0.4300', close_dollars: '0.4200' },
  yes_ask: { open_dollars: '0.4500', low_dollars: '0.4400', high_dollars: '0.4700', close_dollars: '0.4600' },
  price: { open_dollars: '0.4300', low_dollars: '0.4200', high_dollars: '0.4500', close_dollars: '0.4400', mean_dollars: '0.4350' },
  volume_fp: '12.50',
  open_interest_fp: '1000.00',
  ...fields,
});

describe('normalizeCandlestick', () => {
  it('reads the documented candlestick into integer micro-dollars and hundredths; start = end − interval', () => {
    expect(normalizeCandlestick('KX', 'ONE_HOUR', wire())).toEqual({
      ticker: 'KX',
      interval: 'ONE_HOUR',
      startMs: (END - 3600) * 1000,
      endMs: END * 1000,
      price: { open: 430_000, high: 450_000, low: 420_000, close: 440_000 },
      yesBid: { open: 410_000, high: 430_000, low: 400_000, close: 420_000 },
      yesAsk: { open: 450_000, high: 470_000, low: 440_000, close: 460_000 },
      volumeHundredths: 1250,
      openInterestHundredths: 100_000,
      origin: 'EXCHANGE',
    });
  });

  it('an empty or absent price means nothing traded', () => {
    expect(normalizeCandlestick('KX', 'ONE_MINUTE', wire({ price: {} })).price).toEqual({ open: null, high: null, low: null, close: null });
    expect(normalizeCandlestick('KX', 'ONE_MINUTE', wire({ price: undefined })).price.close).toBeNull();
  });

  it.each([
    [
      'a price that is not a dollar string',
      { yes_bid: { open_dollars: 'x', low_dollars: '0.4', high_dollars: '0.4', close_dollars: '0.4' } },
      /yes_bid.open_dollars/,
    ],
    ['a missing yes_ask', { yes_ask: undefined }, /yes_ask is missing/],
    ['half a price', { price: { open_dollars: '0.4000' } }, /not all of open/],
    ['a low above the high', { yes_bid: { open_dollars: '0.4', low_dollars: '0.5', high_dollars: '0.4', close_dollars: '0.4' } }, /not a candle/],
    ['an end off the interval grid', { end_period_ts: END + 30 }, /grid/],
    ['an end that is not seconds', { end_period_ts: '2026-11-20' }, /Unix seconds/],
    ['a negative volume', { volume_fp: '-1.00' }, /negative/],
    ['a price above a dollar', { price: { open_dollars: '1.5', low_dollars: '1.5', high_dollars: '1.5', close_dollars: '1.5' } }, /outside 0..1/],
  ])('rejects %s as a data error naming the market', (_what, fields, message) => {
    expect(() => normalizeCandlestick('KX-A', 'ONE_MINUTE', wire(fields))).toThrow(message);
    expect(() => normalizeCandlestick('KX-A', 'ONE_MINUTE', wire(fields))).toThrow(/KX-A/);
  });
});

describe('trades', () => {
  const rest: Trade = {
    trade_id: 'abc',
    ticker: 'KX',
    count_fp: '3.50',
    yes_price_dollars: '0.5600',
    no_price_dollars: '0.4400',
    taker_outcome_side: 'no',
    taker_book_side: 'bid',
    created_time: '2026-11-20T10:00:01.250Z',
    is_block_trade: false,
  };

  it('a REST trade, with the deprecated taker_side as a fallback', () => {
    expect(normalizeRestTrade(rest, 5)).toEqual({
      id: 'abc',
      ticker: 'KX',
      priceMicros: 560_000,
      countHundredths: 350,
      takerSide: 'no',
      atMs: Date.parse('2026-11-20T10:00:01.250Z'),
      origin: 'rest',
      receivedAtMs: 5,
    });
    const old = { ...rest, taker_outcome_side: undefined, taker_side: 'yes' } as unknown as Trade;
    expect(normalizeRestTrade(old, 5).takerSide).toBe('yes');
    expect(() => normalizeRestTrade({ ...rest, created_time: 'soon' }, 5)).toThrow(/created_time/);
    expect(() => normalizeRestTrade({ ...rest, trade_id: '' }, 5)).toThrow(/trade_id/);
  });

  it('a WebSocket trade; without ts_ms it is dated on arrival', () => {
    const msg = {
      trade_id: 'w1',
      market_ticker: 'KX',
      yes_price_dollars: '0.0100',
      no_price_dollars: '0.9900',
      count_fp: '1',
      taker_outcome_side: 'yes' as const,
      ts_ms: 1234,
    };
    expect(normalizeWsTrade(msg, 99)).toMatchObject({ id: 'w1', priceMicros: 10_000, countHundredths: 100, atMs: 1234, origin: 'ws', receivedAtMs: 99 });
    const undated: Partial<typeof msg> = { ...msg };
    delete undated.ts_ms;
    expect(normalizeWsTrade(undated as typeof msg, 99).atMs).toBe(99);
    expect(() => normalizeWsTrade({ ...msg, taker_outcome_side: 'maybe' as 'yes' }, 1)).toThrow(/taker_outcome_side/);
  });
});

describe('candlestick envelopes', () => {
  it('batch: markets with a ticker and a candlesticks array; single: ticker and candlesticks', () => {
    expect(readCandlesticksBatch({ markets: [{ market_ticker: 'A', candlesticks: [{}] }] })).toEqual({ markets: [{ market_ticker: 'A', candlesticks: [{}] }] });
    expect(() => readCandlesticksBatch({ markets: [{ candlesticks: [] }] })).toThrow(/market_ticker/);
    expect(() => readCandlesticksBatch({ markets: [{ market_ticker: 'A', candlesticks: [1] }] })).toThrow(/candlesticks\[0\]/);
    expect(() => readCandlesticksBatch([])).toThrow(/not a JSON object/);
    expect(readMarketCandlesticks({ ticker: 'A', candlesticks: [] })).toEqual({ ticker: 'A', candlesticks: [] });
    expect(() => readMarketCandlesticks({ candlesticks: [] })).toThrow(/ticker/);
  });
});
