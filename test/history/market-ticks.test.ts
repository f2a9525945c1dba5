/**
 * market_ticks on a real SQLite file: exact values back, [from, to) ranges oldest first, the carry-in
 * tick before a time, tickers interned once; ticks packed per market into blocks of at most a
 * minute, each flush durable, a restart starting a new block, retention by whole blocks; and the recorder: one row per market and second (the
 * newest value in it), nothing for a quote that did not change, the open second written at shutdown.
 */
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/core/clock.js';
import type { MarketRecord } from '../../src/core/domain.js';
import { HistoryStore, MarketTickRecorder, pruneHistory, type MarketTickInput } from '../../src/history/index.js';
import { decodeTickBlock } from '../../src/history/tick-block-codec.js';
import { market } from '../support/records.js';
import { openTestStore, type TestStore } from './helpers.js';

let test: TestStore | undefined;
afterEach(async () => {
  await test?.cleanup();
  test = undefined;
});

const T0 = Date.UTC(2026, 10, 24, 12, 0, 0);

function tick(ticker: string, atMs: number, bid: number | null, extra: Partial<MarketTickInput> = {}): MarketTickInput {
  return {
    ticker,
    atMs,
    bidMicros: bid,
    askMicros: bid === null ? null : bid + 20_000,
    lastMicros: null,
    volumeHundredths: 123_456,
    openInterestHundredths: null,
    ...extra,
  };
}

describe('market ticks in the history store', () => {
  it('reads back exact dollars and contracts, in [from, to), oldest first, and the carry-in tick before a time', async () => {
    test = await openTestStore();
    const { store } = test;
    await store.writeMarketTicks([
      tick('A', T0 + 2000, 450_000),
      tick('A', T0, 100_000, { lastMicros: 300_000, openInterestHundredths: 1 }),
      tick('B', T0 + 1000, 999_900),
      tick('A', T0 + 1000, 200_000),
    ]);
    const rows = await store.marketTicks({ ticker: 'A', from: new Date(T0 + 1000), to: new Date(T0 + 3000) });
    expect(rows).toEqual([
      { ticker: 'A', at: new Date(T0 + 1000), bid: 0.2, ask: 0.22, last: null, volume: 1234.56, openInterest: null },
      { ticker: 'A', at: new Date(T0 + 2000), bid: 0.45, ask: 0.47, last: null, volume: 1234.56, openInterest: null },
    ]);
    // `to` is exclusive.
    expect(await store.marketTicks({ ticker: 'A', from: new Date(T0), to: new Date(T0 + 2000) })).toHaveLength(2);
    expect(await store.marketTicks({ ticker: 'A', from: new Date(T0), to: new Date(T0 + 3000), limit: 1 })).toHaveLength(1);
    expect(await store.latestMarketTickBefore('A', new Date(T0 + 1000))).toEqual({
      ticker: 'A',
      at: new Date(T0),
      bid: 0.1,
      ask: 0.12,
      last: 0.3,
      volume: 1234.56,
      openInterest: 0.01,
    });
    expect(await store.latestMarketTickBefore('A', new Date(T0))).toBeNull();
    expect(await store.marketTicks({ ticker: 'unknown', from: new Date(0), to: new Date(T0 * 2) })).toEqual([]);
    expect(await store.latestMarketTickBefore('unknown', new Date(T0))).toBeNull();

    // The same (ticker, ms) again keeps the later values; the ticker is interned once.
    await store.writeMarketTicks([tick('A', T0 + 2000, 460_000)]);
    expect((await store.marketTicks({ ticker: 'A', from: new Date(T0 + 2000), to: new Date(T0 + 2001) }))[0]?.bid).toBe(0.46);
    const db = new Database(test.url.slice('file:'.length), { readonly: true });
    try {
      expect(db.prepare('SELECT ticker FROM market_tickers ORDER BY ticker').all()).toEqual([{ ticker: 'A' }, { ticker: 'B' }]);
      // One block per market.
      expect(db.prepare('SELECT count(*) AS n FROM market_ticks').get()).toEqual({ n: 2 });
    } finally {
      db.close();
    }
  });
});

const full = { lastMicros: 500_000, volumeHundredths: 10_000, openInterestHundredths: 7_700 };
const read = (store: HistoryStore, fromOffset: number, toOffset: number, limit?: number) =>
  store.marketTicks({ ticker: 'A', from: new Date(T0 + fromOffset), to: new Date(T0 + toOffset), ...(limit === undefined ? {} : { limit }) });
const times = (rows: Array<{ at: Date }>) => rows.map((row) => row.at.getTime() - T0);

/** The stored blocks, decoded: [start offset, [tick offsets]] per row, oldest first. */
function storedBlocks(url: string): Array<[number, number[]]> {
  const db = new Database(url.slice('file:'.length), { readonly: true });
  try {
    const rows = db.prepare('SELECT start_ms AS start, body FROM market_ticks ORDER BY ticker_id, start_ms').all() as Array<{ start: number; body: Buffer }>;
    return rows.map((row) => [row.start - T0, decodeTickBlock(row.start, row.body).map((t) => t.atMs - T0)]);
  } finally {
    db.close();
  }
}

describe('market ticks packed into blocks', () => {
  it('stores one row per market and block of at most a minute, and reads every tick back whole, across blocks', async () => {
    test = await openTestStore();
    const { store } = test;
    // A first tick, a trade (last and volume move), a quote on one side, a side emptied, then ticks
    // past the first block's minute, which start the next block.
    await store.writeMarketTicks([tick('A', T0, 400_000, full)]);
    await store.writeMarketTicks([tick('A', T0 + 1000, 400_000, { ...full, lastMicros: 510_000, volumeHundredths: 10_500 })]);
    await store.writeMarketTicks([tick('A', T0 + 2000, 410_000, { ...full, lastMicros: 510_000, volumeHundredths: 10_500, askMicros: 420_000 })]);
    await store.writeMarketTicks([tick('A', T0 + 59_999, 410_000, { ...full, lastMicros: 510_000, volumeHundredths: 10_500, askMicros: null })]);
    await store.writeMarketTicks([
      tick('A', T0 + 60_000, 430_000, { ...full, lastMicros: 510_000, volumeHundredths: 10_500, askMicros: null }),
      tick('A', T0 + 61_000, 430_000, { ...full, lastMicros: 520_000, volumeHundredths: 10_600, askMicros: null }),
    ]);
    expect(storedBlocks(test.url)).toEqual([
      [0, [0, 1000, 2000, 59_999]],
      [60_000, [60_000, 61_000]],
    ]);
    const whole = (at: number, bid: number, ask: number | null, last: number, volume: number) => ({
      ticker: 'A',
      at: new Date(T0 + at),
      bid,
      ask,
      last,
      volume,
      openInterest: 77,
    });
    // A range that starts inside a block, and ends inside the next.
    expect(await read(store, 2000, 61_000)).toEqual([
      whole(2000, 0.41, 0.42, 0.51, 105),
      whole(59_999, 0.41, null, 0.51, 105),
      whole(60_000, 0.43, null, 0.51, 105),
    ]);
    // [from, to) at the block boundary, and the limit across blocks (oldest first).
    expect(times(await read(store, 59_999, 60_000))).toEqual([59_999]);
    expect(times(await read(store, 60_000, 60_001))).toEqual([60_000]);
    expect(times(await read(store, 1000, 100_000, 4))).toEqual([1000, 2000, 59_999, 60_000]);
    expect(await read(store, 62_000, 100_000)).toEqual([]);
    expect(await read(store, 5000, 5000)).toEqual([]);
    expect(await store.latestMarketTickBefore('A', new Date(T0 + 60_500))).toEqual(whole(60_000, 0.43, null, 0.51, 105));
    expect(await store.latestMarketTickBefore('A', new Date(T0 + 60_000))).toEqual(whole(59_999, 0.41, null, 0.51, 105));
    expect(await store.latestMarketTickBefore('A', new Date(T0 + 1500))).toEqual(whole(1000, 0.4, 0.42, 0.51, 105));
    expect((await store.latestMarketTickBefore('A', new Date(T0 + 10 * 60_000)))?.at).toEqual(new Date(T0 + 61_000));
  });

  it('rewrites the open block on every flush: another process reads each flush as soon as it returns', async () => {
    test = await openTestStore();
    const reader = await HistoryStore.open(test.url, { migrate: false });
    try {
      for (let i = 0; i < 5; i++) {
        await test.store.writeMarketTicks([tick('A', T0 + i * 1000, 400_000 + i * 10_000)]);
        expect((await read(reader, 0, 60_000)).map((row) => row.bid)).toEqual(Array.from({ length: i + 1 }, (_, k) => (400_000 + k * 10_000) / 1_000_000));
      }
    } finally {
      await reader.close();
    }
    expect(storedBlocks(test.url)).toEqual([[0, [0, 1000, 2000, 3000, 4000]]]);
  });

  it('a tick at a ms already in the open block replaces it (the later write wins), one out of order joins it', async () => {
    test = await openTestStore();
    const { store } = test;
    await store.writeMarketTicks([tick('A', T0, 400_000), tick('A', T0 + 2000, 420_000)]);
    await store.writeMarketTicks([tick('A', T0 + 2000, 430_000), tick('A', T0 + 1000, 410_000)]);
    // In one batch, the later of two ticks at the same ms.
    await store.writeMarketTicks([tick('A', T0 + 3000, 440_000), tick('A', T0 + 3000, 450_000)]);
    expect(storedBlocks(test.url)).toEqual([[0, [0, 1000, 2000, 3000]]]);
    expect((await read(store, 0, 10_000)).map((row) => row.bid)).toEqual([0.4, 0.41, 0.43, 0.45]);
  });

  it("a restart starts a new block; one at the start of a stored block keeps that block's other ticks", async () => {
    test = await openTestStore();
    await test.store.writeMarketTicks([tick('A', T0, 400_000), tick('A', T0 + 1000, 410_000), tick('A', T0 + 2000, 420_000)]);
    const second = await HistoryStore.open(test.url, { migrate: false });
    try {
      await second.writeMarketTicks([tick('A', T0 + 5000, 450_000, full)]);
      await second.writeMarketTicks([tick('A', T0 + 6000, 460_000, full)]);
    } finally {
      await second.close();
    }
    expect(storedBlocks(test.url)).toEqual([
      [0, [0, 1000, 2000]],
      [5000, [5000, 6000]],
    ]);
    // A third process writes the first block's first ms again (the same tick written twice).
    const third = await HistoryStore.open(test.url, { migrate: false });
    try {
      await third.writeMarketTicks([tick('A', T0, 390_000), tick('A', T0 + 500, 395_000)]);
      expect((await read(third, 0, 10_000)).map((row) => [row.at.getTime() - T0, row.bid])).toEqual([
        [0, 0.39],
        [500, 0.395],
        [1000, 0.41],
        [2000, 0.42],
        [5000, 0.45],
        [6000, 0.46],
      ]);
      expect((await read(third, 5000, 5001))[0]).toEqual({
        ticker: 'A',
        at: new Date(T0 + 5000),
        bid: 0.45,
        ask: 0.47,
        last: 0.5,
        volume: 100,
        openInterest: 77,
      });
    } finally {
      await third.close();
    }
    expect(storedBlocks(test.url)).toEqual([
      [0, [0, 500, 1000, 2000]],
      [5000, [5000, 6000]],
    ]);
  });

  it('a clock that went backwards starts an overlapping block; readers take every tick, the later block winning a shared ms', async () => {
    test = await openTestStore();
    const { store } = test;
    await store.writeMarketTicks([tick('A', T0 + 10_000, 400_000), tick('A', T0 + 50_000, 410_000)]);
    await store.writeMarketTicks([tick('A', T0 + 5000, 300_000), tick('A', T0 + 50_000, 310_000)]);
    expect(storedBlocks(test.url)).toEqual([
      [5000, [5000, 50_000]],
      [10_000, [10_000, 50_000]],
    ]);
    expect((await read(store, 0, 60_000)).map((row) => [row.at.getTime() - T0, row.bid])).toEqual([
      [5000, 0.3],
      [10_000, 0.4],
      [50_000, 0.41],
    ]);
    // The newest tick before a time may be in a block that starts before the newest block.
    expect((await store.latestMarketTickBefore('A', new Date(T0 + 200_000)))?.at).toEqual(new Date(T0 + 50_000));
  });

  it('a limit over many blocks stops reading once it is met, and a long range reads them all', async () => {
    test = await openTestStore();
    const { store } = test;
    const blocks = 600;
    await store.writeMarketTicks(Array.from({ length: blocks }, (_, i) => tick('A', T0 + i * 61_000, 400_000 + (i % 50) * 10_000)));
    expect(times(await read(store, 0, blocks * 61_000, 3))).toEqual([0, 61_000, 122_000]);
    expect(times(await read(store, 300 * 61_000 + 1, blocks * 61_000, 2))).toEqual([301 * 61_000, 302 * 61_000]);
    expect(await read(store, 0, blocks * 61_000)).toHaveLength(blocks);
  });

  it('retention deletes whole blocks that end before its horizon, per ticker, counted in blocks', async () => {
    test = await openTestStore();
    const { store } = test;
    await store.writeMarketTicks([
      tick('A', T0, 400_000),
      tick('A', T0 + 30_000, 410_000),
      tick('A', T0 + 60_000, 420_000),
      tick('A', T0 + 90_000, 430_000),
      tick('B', T0, 700_000),
    ]);
    // The second block straddles the horizon: it stays, with its tick before it.
    const counts = await pruneHistory(store.prisma, { olderThan: new Date(T0 + 100_000), batchSize: 1 });
    expect(counts.marketTicks).toBe(2);
    expect(times(await read(store, 0, 200_000))).toEqual([60_000, 90_000]);
    expect(await store.marketTicks({ ticker: 'B', from: new Date(0), to: new Date(T0 * 2) })).toEqual([]);
    expect((await pruneHistory(store.prisma, { olderThan: new Date(T0 + 120_000) })).marketTicks).toBe(1);
    expect(await read(store, 0, 200_000)).toEqual([]);
  });
});

describe('MarketTickRecorder', () => {
  it('writes one row per market and second (the newest value), nothing for an unchanged quote, and the open second at flush', async () => {
    test = await openTestStore();
    const { store } = test;
    const clock = new ManualClock(T0);
    const held = new Map<string, MarketRecord>();
    const writes: number[] = [];
    const recorder = new MarketTickRecorder({
      clock,
      sink: () => ({
        writeMarketTicks: async (rows) => {
          writes.push(rows.length);
          await store.writeMarketTicks(rows);
        },
      }),
      current: (ticker) => held.get(ticker),
      flushIntervalMs: 1000,
    });
    const set = (ticker: string, bid: number) => {
      held.set(ticker, market(ticker, bid, clock.now()));
      recorder.observe([{ ticker }]);
    };
    recorder.start();

    set('A', 0.4);
    set('B', 0.7);
    await clock.advance(300);
    set('A', 0.41); // same second: replaces 0.40
    set('B', 0.7); // unchanged: nothing
    await clock.advance(800); // T0 + 1100: the first second is over and flushed
    expect(writes).toEqual([2]);
    set('A', 0.42);
    await clock.advance(100); // T0 + 1200
    set('A', 0.43); // same second again
    expect(recorder.held).toBe(1);

    await recorder.stop();
    await recorder.flush(); // the open second, at shutdown
    expect(recorder.held).toBe(0);
    const a = await store.marketTicks({ ticker: 'A', from: new Date(T0), to: new Date(T0 + 10_000) });
    expect(a.map((row) => [row.at.getTime() - T0, row.bid])).toEqual([
      [300, 0.41],
      [1200, 0.43],
    ]);
    expect((await store.marketTicks({ ticker: 'B', from: new Date(T0), to: new Date(T0 + 10_000) })).map((row) => row.bid)).toEqual([0.7]);
    expect(writes).toEqual([2, 1]);
  });

  it('drops (and logs) a failed batch instead of holding it, and records the next change as usual', async () => {
    const clock = new ManualClock(T0);
    const held = new Map<string, MarketRecord>([['A', market('A', 0.4, T0)]]);
    let fail = true;
    const written: MarketTickInput[] = [];
    const recorder = new MarketTickRecorder({
      clock,
      sink: () => ({
        writeMarketTicks: (rows) => {
          if (fail) return Promise.reject(new Error('disk full'));
          written.push(...rows);
          return Promise.resolve();
        },
      }),
      current: (ticker) => held.get(ticker),
    });
    recorder.observe([{ ticker: 'A' }]);
    await recorder.flush();
    expect(recorder.held).toBe(0);
    fail = false;
    held.set('A', market('A', 0.5, T0 + 5000));
    recorder.observe([{ ticker: 'A' }]);
    await recorder.flush();
    expect(written.map((row) => row.bidMicros)).toEqual([500_000]);
  });
});
