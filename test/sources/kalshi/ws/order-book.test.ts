import { describe, expect, test } from 'vitest';
import { normalizeOrderBook } from '../../../../src/sources/kalshi/normalize.js';
import { KalshiMarketModel } from '../../../../src/simulators/kalshi/market-model.js';
import { BookUpdateError, KalshiOrderBook } from '../../../../src/sources/kalshi/ws/order-book.js';

const NOW = Date.UTC(2026, 10, 24, 12, 0, 0);

function snapshotBook(): KalshiOrderBook {
  const book = new KalshiOrderBook();
  book.applySnapshotMsg({
    market_ticker: 'T',
    market_id: 'id',
    yes_dollars_fp: [
      ['0.4000', '10.00'],
      ['0.4100', '5.50'],
      ['0.4200', '1.00'],
    ],
    no_dollars_fp: [
      ['0.5500', '7.00'],
      ['0.5600', '3.25'],
    ],
  });
  return book;
}

describe('KalshiOrderBook', () => {
  test('a snapshot gives YES bids best first and asks derived from NO bids as exact 1 − price', () => {
    const record = snapshotBook().toRecord('T', 1, NOW);
    expect(record.bids).toEqual([
      { price: 0.42, size: 1 },
      { price: 0.41, size: 5.5 },
      { price: 0.4, size: 10 },
    ]);
    // 1 − 0.56 must be exactly 0.44 (not 0.43999999999999995), 1 − 0.55 exactly 0.45.
    expect(record.asks).toEqual([
      { price: 0.44, size: 3.25 },
      { price: 0.45, size: 7 },
    ]);
    expect(record.asks[0]!.price).toBe(0.44);
    expect(record).toMatchObject({ ticker: 'T', seq: 1, updatedAt: new Date(NOW).toISOString(), provenance: { originAt: NOW, fetchedAt: NOW, tier: 'LIVE' } });
  });

  test('deltas add, resize and remove levels; a level reaching ≤ 0 is removed', () => {
    const book = snapshotBook();
    book.applyDeltaMsg({ market_ticker: 'T', market_id: 'id', price_dollars: '0.4300', delta_fp: '2.00', side: 'yes', ts_ms: NOW });
    book.applyDeltaMsg({ market_ticker: 'T', market_id: 'id', price_dollars: '0.4100', delta_fp: '-0.50', side: 'yes', ts_ms: NOW });
    book.applyDeltaMsg({ market_ticker: 'T', market_id: 'id', price_dollars: '0.4200', delta_fp: '-1.00', side: 'yes', ts_ms: NOW });
    book.applyDeltaMsg({ market_ticker: 'T', market_id: 'id', price_dollars: '0.5600', delta_fp: '-9.00', side: 'no', ts_ms: NOW });
    // Removing an absent level is a no-op; adding a sub-penny level works.
    book.applyDeltaMsg({ market_ticker: 'T', market_id: 'id', price_dollars: '0.3000', delta_fp: '-1.00', side: 'yes', ts_ms: NOW });
    book.applyDeltaMsg({ market_ticker: 'T', market_id: 'id', price_dollars: '0.551', delta_fp: '0.01', side: 'no', ts_ms: NOW });
    expect(book.levels()).toEqual({
      yes: [
        [400_000, 1000],
        [410_000, 500],
        [430_000, 200],
      ],
      no: [
        [550_000, 700],
        [551_000, 1],
      ],
    });
    expect(book.bestBid()).toEqual({ price: 0.43, size: 2 });
    expect(book.bestAsk()).toEqual({ price: 0.449, size: 0.01 });
    expect(book.toRecord('T', 7, NOW).asks).toEqual([
      { price: 0.449, size: 0.01 },
      { price: 0.45, size: 7 },
    ]);
  });

  test('many tiny deltas do not drift: sizes are integer hundredths', () => {
    const book = new KalshiOrderBook();
    for (let i = 0; i < 1000; i++) book.applyDelta('yes', 500_000, 1);
    for (let i = 0; i < 999; i++) book.applyDelta('yes', 500_000, -1);
    expect(book.levels().yes).toEqual([[500_000, 1]]);
    expect(book.bestBid()).toEqual({ price: 0.5, size: 0.01 });
  });

  test('equals compares both sides level by level', () => {
    const a = snapshotBook();
    const b = snapshotBook();
    expect(a.equals(b)).toBe(true);
    b.applyDelta('no', 550_000, 1);
    expect(a.equals(b)).toBe(false);
    a.applyDelta('no', 550_000, 1);
    expect(a.equals(b)).toBe(true);
  });

  test('an empty side (key absent) reads as no levels, and null best prices', () => {
    const book = new KalshiOrderBook();
    book.applySnapshotMsg({ market_ticker: 'T', market_id: 'id', no_dollars_fp: [['0.3000', '1.00']] });
    expect(book.bestBid()).toBeNull();
    expect(book.bestAsk()).toEqual({ price: 0.7, size: 1 });
    expect(book.toRecord('T', null, NOW).bids).toEqual([]);
  });

  test('bad numbers and prices outside (0, 1) are rejected and leave the book unchanged', () => {
    const book = snapshotBook();
    const before = book.levels();
    const delta = { market_ticker: 'T', market_id: 'id', delta_fp: '1.00', side: 'yes' as const, ts_ms: NOW };
    expect(() => book.applyDeltaMsg({ ...delta, price_dollars: 'abc' })).toThrow(BookUpdateError);
    expect(() => book.applyDeltaMsg({ ...delta, price_dollars: '1.0000' })).toThrow(BookUpdateError);
    expect(() => book.applyDeltaMsg({ ...delta, price_dollars: '0.0000' })).toThrow(BookUpdateError);
    expect(() => book.applyDeltaMsg({ ...delta, price_dollars: '0.5000', delta_fp: '1.005' })).toThrow(BookUpdateError);
    expect(() => book.applyDeltaMsg({ ...delta, price_dollars: '0.5000', side: 'maybe' as 'yes' })).toThrow(BookUpdateError);
    expect(() => book.applySnapshotMsg({ market_ticker: 'T', market_id: 'id', yes_dollars_fp: [['0.5', 'x']] })).toThrow(BookUpdateError);
    expect(book.levels()).toEqual(before);
  });

  test("the record equals the REST normalizer's for the model's book (same exact decimals)", () => {
    const model = new KalshiMarketModel({ startAtMs: NOW, seed: 3 });
    model.step(NOW + 60_000);
    for (const market of model.listStates().slice(0, 10)) {
      const rest = model.orderbook(market.ticker)!.orderbook_fp;
      const book = new KalshiOrderBook();
      book.applySnapshotMsg({ market_ticker: market.ticker, market_id: 'id', yes_dollars_fp: rest.yes_dollars, no_dollars_fp: rest.no_dollars });
      const expected = normalizeOrderBook(market.ticker, rest, NOW);
      const actual = book.toRecord(market.ticker, null, NOW);
      expect(actual).toEqual(expected);
    }
  });
});
