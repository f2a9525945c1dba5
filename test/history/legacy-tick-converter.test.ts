/**
 * The one-time packing of market_ticks rows of the old layout (one row per tick, NULL = unchanged,
 * -1 = no value) into blocks, on a real SQLite file migrated up to the layout before: every tick
 * reads back as the old readers rebuilt it, across chunks, and the old table is left empty.
 */
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { HistoryStore } from '../../src/history/index.js';
import { databaseBeforeMigration, makeTempDir, type TempDir } from './helpers.js';

let temp: TempDir | undefined;
afterEach(async () => {
  await temp?.cleanup();
  temp = undefined;
});

const T0 = Date.UTC(2026, 10, 24, 12, 0, 0);

type OldRow = [atOffsetMs: number, bid: number | null, ask: number | null, last: number | null, volume: number | null, openInterest: number | null];

describe('packing market ticks of the old layout', () => {
  it('reads every old row back as the old readers rebuilt it, and empties the old table', async () => {
    temp = await makeTempDir();
    const file = path.join(temp.dir, 'old.db');
    const { db, migrate: apply } = await databaseBeforeMigration(file, 'pack_market_ticks');
    db.prepare('INSERT INTO market_tickers (ticker) VALUES (?), (?)').run('A', 'B');
    const insert = db.prepare(
      'INSERT INTO market_ticks (ticker_id, at_ms, bid_micros, ask_micros, last_micros, volume_hundredths, open_interest_hundredths) VALUES (?, ?, ?, ?, ?, ?, ?)',
    );
    // As the old writer stored them: a keyframe, changed fields only, -1 for an emptied side, a
    // keyframe a minute later; B starts with a delta whose keyframe retention removed.
    const a: OldRow[] = [
      [0, 400_000, 420_000, 500_000, 10_000, 7_700],
      [1000, null, null, 510_000, 10_500, null],
      [2000, 410_000, null, null, null, null],
      [3000, null, -1, null, null, null],
      [61_000, 430_000, -1, 510_000, 10_500, 7_700],
      [62_000, null, 440_000, null, 2 ** 40, null],
    ];
    const b: OldRow[] = [
      [0, null, 700_000, null, null, null],
      [1000, 690_000, null, null, null, 5],
    ];
    db.transaction(() => {
      for (const row of a) insert.run(1, T0 + row[0], ...row.slice(1));
      for (const row of b) insert.run(2, T0 + row[0], ...row.slice(1));
    })();
    apply();
    db.close();

    const store = await HistoryStore.open(`file:${file}`, { migrate: false });
    try {
      const read = async (ticker: string) =>
        (await store.marketTicks({ ticker, from: new Date(T0), to: new Date(T0 + 100_000) })).map((row) => [
          row.at.getTime() - T0,
          row.bid,
          row.ask,
          row.last,
          row.volume,
          row.openInterest,
        ]);
      expect(await read('A')).toEqual([
        [0, 0.4, 0.42, 0.5, 100, 77],
        [1000, 0.4, 0.42, 0.51, 105, 77],
        [2000, 0.41, 0.42, 0.51, 105, 77],
        [3000, 0.41, null, 0.51, 105, 77],
        [61_000, 0.43, null, 0.51, 105, 77],
        [62_000, 0.43, 0.44, 0.51, 2 ** 40 / 100, 77],
      ]);
      expect(await read('B')).toEqual([
        [0, null, 0.7, null, null, null],
        [1000, 0.69, 0.7, null, null, 0.05],
      ]);
      expect(await store.prisma.legacyMarketTick.count()).toBe(0);
      // New ticks go on from there.
      await store.writeMarketTicks([
        { ticker: 'A', atMs: T0 + 90_000, bidMicros: 1, askMicros: 2, lastMicros: 3, volumeHundredths: 4, openInterestHundredths: 5 },
      ]);
      expect(await read('A')).toHaveLength(7);
    } finally {
      await store.close();
    }
  });

  it('carries unchanged fields across its chunks: a long run of deltas after one keyframe', async () => {
    temp = await makeTempDir();
    const file = path.join(temp.dir, 'old.db');
    const { db, migrate: apply } = await databaseBeforeMigration(file, 'pack_market_ticks');
    db.prepare('INSERT INTO market_tickers (ticker) VALUES (?)').run('A');
    const insert = db.prepare(
      'INSERT INTO market_ticks (ticker_id, at_ms, bid_micros, ask_micros, last_micros, volume_hundredths, open_interest_hundredths) VALUES (1, ?, ?, ?, ?, ?, ?)',
    );
    const rows = 12_345;
    db.transaction(() => {
      insert.run(T0, 400_000, 420_000, 500_000, 10_000, 7_700);
      // Only the bid moves (more rows than a chunk): every other field is carried from the first row.
      for (let i = 1; i < rows; i++) insert.run(T0 + i * 1000, 400_000 + (i % 100) * 100, null, null, null, null);
    })();
    apply();
    db.close();

    const store = await HistoryStore.open(`file:${file}`, { migrate: false });
    try {
      const ticks = await store.marketTicks({ ticker: 'A', from: new Date(T0), to: new Date(T0 + rows * 1000) });
      expect(ticks).toHaveLength(rows);
      expect(ticks.every((tick) => tick.ask === 0.42 && tick.last === 0.5 && tick.volume === 100 && tick.openInterest === 77)).toBe(true);
      expect(ticks.map((tick) => tick.bid)).toEqual(Array.from({ length: rows }, (_, i) => (400_000 + (i % 100) * 100) / 1_000_000));
      expect(await store.prisma.legacyMarketTick.count()).toBe(0);
    } finally {
      await store.close();
    }
    // Once converted, opening again finds nothing to do.
    const again = await HistoryStore.open(`file:${file}`, { migrate: false });
    try {
      expect(await again.marketTicks({ ticker: 'A', from: new Date(T0), to: new Date(T0 + rows * 1000) })).toHaveLength(rows);
    } finally {
      await again.close();
    }
  });
});
