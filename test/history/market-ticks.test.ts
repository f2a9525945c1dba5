/**
 * market_ticks on a real SQLite file: exact values back, [from, to) ranges oldest first, the carry-in
 * tick before a time, tickers interned once; and the recorder: one row per market and second (the
 * newest value in it), nothing for a quote that did not change, the open second written at shutdown.
 */
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/core/clock.js';
import type { MarketRecord } from '../../src/core/domain.js';
import { HistoryStore, MarketTickRecorder, type MarketTickInput } from '../../src/history/index.js';
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
      expect(db.prepare('SELECT count(*) AS n FROM market_ticks').get()).toEqual({ n: 4 });
    } finally {
      db.close();
    }
  });
});

describe('market ticks store only what changed', () => {
  it('writes an unchanged field as NULL and a missing one as ABSENT, keyframes every minute, and reads every row back whole', async () => {
    test = await openTestStore();
    const { store } = test;
    const full = { lastMicros: 500_000, volumeHundredths: 10_000, openInterestHundredths: 7_700 };
    // A first row (keyframe), a trade (last and volume move), a quote on one side, a side emptied,
    // and a row 61 s after the keyframe, which is a keyframe again although only its bid moved.
    await store.writeMarketTicks([tick('A', T0, 400_000, full)]);
    await store.writeMarketTicks([tick('A', T0 + 1000, 400_000, { ...full, lastMicros: 510_000, volumeHundredths: 10_500 })]);
    await store.writeMarketTicks([tick('A', T0 + 2000, 410_000, { ...full, lastMicros: 510_000, volumeHundredths: 10_500, askMicros: 420_000 })]);
    await store.writeMarketTicks([tick('A', T0 + 3000, 410_000, { ...full, lastMicros: 510_000, volumeHundredths: 10_500, askMicros: null })]);
    await store.writeMarketTicks([tick('A', T0 + 61_000, 430_000, { ...full, lastMicros: 510_000, volumeHundredths: 10_500, askMicros: null })]);

    const db = new Database(test.url.slice('file:'.length), { readonly: true });
    try {
      const stored = db
        .prepare(
          'SELECT at_ms - ? AS at, bid_micros AS bid, ask_micros AS ask, last_micros AS last, volume_hundredths AS volume, open_interest_hundredths AS oi FROM market_ticks ORDER BY at_ms',
        )
        .all(T0);
      expect(stored).toEqual([
        { at: 0, bid: 400_000, ask: 420_000, last: 500_000, volume: 10_000, oi: 7_700 },
        { at: 1000, bid: null, ask: null, last: 510_000, volume: 10_500, oi: null },
        { at: 2000, bid: 410_000, ask: null, last: null, volume: null, oi: null },
        { at: 3000, bid: null, ask: -1, last: null, volume: null, oi: null },
        { at: 61_000, bid: 430_000, ask: -1, last: 510_000, volume: 10_500, oi: 7_700 },
      ]);
    } finally {
      db.close();
    }
    const whole = (at: number, bid: number, ask: number | null, last: number, volume: number) => ({
      ticker: 'A',
      at: new Date(T0 + at),
      bid,
      ask,
      last,
      volume,
      openInterest: 77,
    });
    // A range that starts on a delta row carries the earlier values in.
    expect(await store.marketTicks({ ticker: 'A', from: new Date(T0 + 2000), to: new Date(T0 + 70_000) })).toEqual([
      whole(2000, 0.41, 0.42, 0.51, 105),
      whole(3000, 0.41, null, 0.51, 105),
      whole(61_000, 0.43, null, 0.51, 105),
    ]);
    expect(await store.latestMarketTickBefore('A', new Date(T0 + 2500))).toEqual(whole(2000, 0.41, 0.42, 0.51, 105));
    expect(await store.latestMarketTickBefore('A', new Date(T0 + 1500))).toEqual(whole(1000, 0.4, 0.42, 0.51, 105));
  });

  it('starts with a keyframe after a restart, so rows of an earlier process never decide what "unchanged" means', async () => {
    test = await openTestStore();
    await test.store.writeMarketTicks([tick('A', T0, 400_000, { lastMicros: 500_000 })]);
    const reopened = await HistoryStore.open(test.url, { migrate: false });
    try {
      await reopened.writeMarketTicks([tick('A', T0 + 5000, 400_000, { lastMicros: 500_000 })]);
    } finally {
      await reopened.close();
    }
    const db = new Database(test.url.slice('file:'.length), { readonly: true });
    try {
      expect(db.prepare('SELECT bid_micros AS bid FROM market_ticks WHERE at_ms = ?').get(T0 + 5000)).toEqual({ bid: 400_000 });
    } finally {
      db.close();
    }
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
