/**
 * The market-history tables (trades, exchange_candles, history_backfills) on a real SQLite file and
 * on PostgreSQL at TEST_POSTGRES_URL (a schema of its own, dropped afterwards). Money and counts
 * come back as the integers that went in.
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/core/clock.js';
import type { CandleRecord, TradeRecord } from '../../src/core/market-history.js';
import { HistoryStore, pruneHistory, uncovered } from '../../src/history/index.js';
import { storedTradeId, tradeIdOf } from '../../src/history/market-history.js';
import { openTestStore, postgresUnavailable, TEST_POSTGRES_URL, type TestStore } from './helpers.js';

const T0 = Date.UTC(2026, 10, 20, 10, 0, 0);
const MIN = 60_000;

function trade(id: string, atMs: number, fields: Partial<TradeRecord> = {}): TradeRecord {
  return {
    id,
    ticker: 'KX-A',
    priceMicros: 456_700,
    countHundredths: 1_234_567_890_123,
    takerSide: 'yes',
    atMs,
    origin: 'ws',
    receivedAtMs: atMs,
    ...fields,
  };
}

function candle(startMs: number, fields: Partial<CandleRecord> = {}): CandleRecord {
  return {
    ticker: 'KX-A',
    interval: 'ONE_MINUTE',
    startMs,
    endMs: startMs + MIN,
    price: { open: null, high: null, low: null, close: null },
    yesBid: { open: 410_000, high: 420_000, low: 400_000, close: 415_000 },
    yesAsk: { open: 450_000, high: 460_000, low: 440_000, close: 455_000 },
    volumeHundredths: 0,
    openInterestHundredths: 9_007_199_254_740,
    origin: 'EXCHANGE',
    ...fields,
  };
}

function behaviours(open: () => HistoryStore): void {
  it('stores a trade once and reads trades back newest first, or in a range oldest first', async () => {
    const store = open();
    expect(await store.storeTrades([trade('t1', T0), trade('t2', T0 + 1000, { priceMicros: 1, takerSide: 'no' }), trade('t1', T0)])).toBe(2);
    // The same trade again (say, from a backfill): the first row stays.
    expect(await store.storeTrades([trade('t2', T0 + 1000, { origin: 'rest', priceMicros: 999 }), trade('t3', T0 + 2000, { origin: 'rest' })])).toBe(1);
    const latest = await store.latestTrades({ ticker: 'KX-A', before: new Date(T0 + 2000), limit: 10 });
    expect(latest.map((t) => t.id)).toEqual(['t2', 't1']);
    expect(latest[0]).toEqual(trade('t2', T0 + 1000, { priceMicros: 1, takerSide: 'no' }));
    expect(latest[1]!.countHundredths).toBe(1_234_567_890_123);
    const between = await store.tradesBetween({ ticker: 'KX-A', from: new Date(T0 + 500), to: new Date(T0 + 5000), limit: 10 });
    expect(between.map((t) => [t.id, t.origin])).toEqual([
      ['t2', 'ws'],
      ['t3', 'rest'],
    ]);
    expect(await store.firstOwnTradeAt('KX-A')).toEqual(new Date(T0));
    expect(await store.firstOwnTradeAt('KX-NONE')).toBeNull();
  });

  it('stores exchange candles by (ticker, interval, start), replacing one read again', async () => {
    const store = open();
    await store.storeExchangeCandles([candle(T0), candle(T0 + MIN, { price: { open: 1, high: 3, low: 1, close: 2 }, volumeHundredths: 700 })]);
    await store.storeExchangeCandles([candle(T0, { volumeHundredths: 5 }), candle(T0, { interval: 'ONE_HOUR', endMs: T0 + 60 * MIN })]);
    const minutes = await store.exchangeCandles({ ticker: 'KX-A', interval: 'ONE_MINUTE', from: new Date(T0), to: new Date(T0 + 10 * MIN) });
    expect(minutes).toEqual([candle(T0, { volumeHundredths: 5 }), candle(T0 + MIN, { price: { open: 1, high: 3, low: 1, close: 2 }, volumeHundredths: 700 })]);
    const hours = await store.exchangeCandles({ ticker: 'KX-A', interval: 'ONE_HOUR', from: new Date(T0), to: new Date(T0 + 60 * MIN) });
    expect(hours).toHaveLength(1);
  });

  it('remembers which ranges were read, empty ones included', async () => {
    const store = open();
    const base = { kind: 'candles' as const, ticker: 'KX-B', interval: 'ONE_MINUTE' as const };
    await store.recordBackfill({ ...base, from: new Date(T0), to: new Date(T0 + 10 * MIN), rows: 0 });
    await store.recordBackfill({ ...base, from: new Date(T0 + 20 * MIN), to: new Date(T0 + 30 * MIN), rows: 10 });
    await store.recordBackfill({ ...base, interval: 'ONE_HOUR', from: new Date(T0), to: new Date(T0 + 600 * MIN), rows: 10 });
    const ranges = await store.backfilledRanges({ ...base, from: new Date(T0 + 5 * MIN), to: new Date(T0 + 25 * MIN) });
    expect(ranges).toEqual([
      { fromMs: T0, toMs: T0 + 10 * MIN },
      { fromMs: T0 + 20 * MIN, toMs: T0 + 30 * MIN },
    ]);
    expect(uncovered(T0 + 5 * MIN, T0 + 25 * MIN, ranges)).toEqual([{ fromMs: T0 + 10 * MIN, toMs: T0 + 20 * MIN }]);
  });

  it('retention prunes old trades (per market, in batches) and forgets the trade ranges read before the horizon', async () => {
    const store = open();
    const old = T0 - 100 * 86_400_000;
    await store.storeTrades([
      trade('p1', old, { ticker: 'KX-P' }),
      trade('p2', old + 1, { ticker: 'KX-P' }),
      trade('p3', old + 2, { ticker: 'KX-P' }),
      trade('p4', T0, { ticker: 'KX-P' }),
    ]);
    await store.recordBackfill({ kind: 'trades', ticker: 'KX-P', interval: null, from: new Date(0), to: new Date(old + 5), rows: 3 });
    await store.recordBackfill({ kind: 'candles', ticker: 'KX-P', interval: 'ONE_DAY', from: new Date(0), to: new Date(old + 5), rows: 0 });
    const counts = await pruneHistory(store.prisma, { olderThan: new Date(T0 - 90 * 86_400_000), batchSize: 2 });
    expect(counts).toMatchObject({ trades: 3, tradeBackfills: 1 });
    expect((await store.latestTrades({ ticker: 'KX-P', before: new Date(T0 + 1), limit: 10 })).map((t) => t.id)).toEqual(['p4']);
    // Exchange candles are history the exchange will not change: their ranges stay remembered.
    expect(await store.backfilledRanges({ kind: 'candles', ticker: 'KX-P', interval: 'ONE_DAY', from: new Date(0), to: new Date(T0) })).toHaveLength(1);
  });
}

describe('market history on SQLite', () => {
  let test: TestStore;
  beforeAll(async () => {
    test = await openTestStore(new ManualClock(T0));
  });
  afterAll(async () => {
    await test?.cleanup();
  });
  behaviours(() => test.store);
});

describe('market history on PostgreSQL', () => {
  const schema = `northstar_mh_${process.pid}_${Date.now()}`;
  let store: HistoryStore | undefined;
  beforeAll(async () => {
    const unavailable = await postgresUnavailable();
    if (unavailable) throw new Error(`PostgreSQL is not reachable at ${TEST_POSTGRES_URL} (${unavailable}); start it (.ci/run does)`);
    store = await HistoryStore.open(`${TEST_POSTGRES_URL}?schema=${schema}`, { clock: new ManualClock(T0) });
  });
  afterAll(async () => {
    await store?.close();
    const admin = new pg.Client({ connectionString: TEST_POSTGRES_URL });
    await admin.connect();
    await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await admin.end();
  });
  behaviours(() => store!);
});

describe('stored trade ids', () => {
  it('keep a UUID in 23 characters and read every id back exactly', () => {
    const uuid = 'ed698def-b812-47ad-9e87-e76250b4f712';
    expect(storedTradeId(uuid)).toHaveLength(23);
    for (const id of [uuid, 'ED698DEF-B812-47AD-9E87-E76250B4F712', 'trade-42', '~odd', '~~odder', '', '~']) {
      expect(tradeIdOf(storedTradeId(id))).toBe(id);
    }
    // Ids stored before the compact form read back as they were.
    expect(tradeIdOf(uuid)).toBe(uuid);
  });
});
