/**
 * On SQLite every DateTime of the history is stored as integer epoch milliseconds (6 bytes) instead
 * of the adapter's default ISO text (29 bytes, repeated in every index over the column). Checked
 * behind the service's back with a read-only connection: every write path stores integers, and the
 * integer_timestamps migration turns the ISO text an older database holds into the same integers,
 * so the instants read back unchanged and range queries (which in SQLite order every integer before
 * every text) find old and new rows alike.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { snapshotTick } from '../../src/aggregate/snapshot-writer.js';
import { DatabaseTier } from '../../src/cache/l3-sqlite.js';
import { ManualClock } from '../../src/core/clock.js';
import type { AggregateRecord } from '../../src/core/domain.js';
import { HistoryStore, pruneHistory } from '../../src/history/index.js';
import { providerPaths } from '../../src/history/migration-files.js';
import { makeEntry } from '../cache/helpers.js';
import { DAY_MS, makeTempDir, openTestStore, type TempDir, type TestStore, databaseBeforeMigration } from './helpers.js';

let test: TestStore | undefined;
let temp: TempDir | undefined;
afterEach(async () => {
  await test?.cleanup();
  await temp?.cleanup();
  test = undefined;
  temp = undefined;
});

/** A minute before a UTC midnight, so a few minutes of ticks span two days. */
const T0 = Date.UTC(2026, 10, 24, 23, 59, 0);
const MINUTE = 60_000;

interface DateTimeColumn {
  table: string;
  column: string;
}

/** Every DateTime column of the datamodel, read from prisma/schema.prisma (so a new one is checked too). */
async function dateTimeColumns(): Promise<DateTimeColumn[]> {
  const schema = await readFile(providerPaths('sqlite').schemaFile, 'utf8');
  const out: DateTimeColumn[] = [];
  for (const [, body] of schema.matchAll(/^model \w+ \{\n([\s\S]*?)^\}/gm)) {
    const table = /@@map\("([^"]+)"\)/.exec(body!)?.[1];
    if (!table) throw new Error('every model maps to a table name');
    for (const line of body!.split('\n')) {
      const field = /^\s*(\w+)\s+DateTime\??\s(.*)$/.exec(line);
      if (field) out.push({ table, column: /@map\("([^"]+)"\)/.exec(field[2]!)?.[1] ?? field[1]! });
    }
  }
  return out;
}

/** Per column: how many values it holds and of which storage classes (NULLs left out). */
function storageClasses(file: string, columns: DateTimeColumn[]): Record<string, { rows: number; types: string[] }> {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    return Object.fromEntries(
      columns.map(({ table, column }) => {
        const rows = db.prepare(`SELECT typeof("${column}") AS type FROM "${table}" WHERE "${column}" IS NOT NULL`).all() as Array<{ type: string }>;
        return [`${table}.${column}`, { rows: rows.length, types: [...new Set(rows.map((row) => row.type))].sort() }];
      }),
    );
  } finally {
    db.close();
  }
}

function aggregate(at: number, agents: string[]): AggregateRecord {
  return {
    takenAt: new Date(at).toISOString(),
    requestId: `req-${at}`,
    markets: [],
    insight: null,
    businessMetrics: [],
    components: [],
    pnl: agents.map((agentId, i) => ({ agentId, revenueUsd: `${i}.5`, realizedPnlUsd: '1', unrealizedPnlUsd: '-0.25', totalPnlUsd: `${at % 1000}.125` })),
    availabilityScore: 1,
    fetchDurationMs: 3,
  };
}

describe('DateTimes on SQLite', () => {
  it('a pnl snapshot written through the history store stores its times as integer epoch milliseconds', async () => {
    test = await openTestStore(new ManualClock(T0 + 1234));
    await test.store.writeSnapshotTick(snapshotTick(aggregate(T0 + 567, ['agent-0'])));
    const db = new Database(test.url.slice('file:'.length), { readonly: true });
    try {
      expect(db.prepare('SELECT typeof(snapshot_time) AS t, snapshot_time AS v, typeof(created_at) AS c FROM pnl_snapshots').all()).toEqual([
        { t: 'integer', v: T0 + 567, c: 'integer' },
        { t: 'integer', v: T0 + 567, c: 'integer' },
      ]);
    } finally {
      db.close();
    }
  });

  it('every write path of the history and the L3 cache stores integers, in every DateTime column', async () => {
    const clock = new ManualClock(T0);
    test = await openTestStore(clock);
    const { store } = test;
    await store.writeSnapshotTick(snapshotTick(aggregate(T0, ['agent-0', 'agent-1'])));
    await store.writeSnapshots([{ takenAt: new Date(T0 + 5000), agentId: 'agent-0', availabilityScore: 1, aggregate: {} }]);
    await store.recordAudit({ eventType: 'test' });
    await store.upsertFreshness({
      source: 'kalshi',
      lastSuccessAt: new Date(T0 - 1000),
      lastFailureAt: new Date(T0 - 2000),
      consecutiveFailures: 1,
      breakerState: 'CLOSED',
    });
    await store.recordRawResponse({ source: 'kalshi', endpoint: '/markets', body: {}, status: 200, ttlSeconds: 5 });
    await store.recordNormalized({ dataId: 'd1', source: 'kalshi', value: {}, cacheTier: 'L1', expiresAt: new Date(T0 + MINUTE) });
    const ohlc = { open: 1, high: 2, low: 1, close: 2 };
    await store.storeExchangeCandles([
      {
        ticker: 'M',
        interval: 'ONE_MINUTE',
        startMs: T0,
        endMs: T0 + MINUTE,
        price: ohlc,
        yesBid: ohlc,
        yesAsk: ohlc,
        volumeHundredths: 1,
        openInterestHundredths: null,
        origin: 'EXCHANGE',
      },
    ]);
    await store.recordBackfill({ kind: 'candles', ticker: 'M', interval: 'ONE_MINUTE', from: new Date(T0), to: new Date(T0 + MINUTE), rows: 1 });
    const run = await store.startServiceRun(new Date(T0));
    await store.serviceRunAlive(run, new Date(T0 + 2000));
    await new DatabaseTier({ prisma: store.prisma, clock }).setMany([['data:kalshi:markets:M:v1', makeEntry({ p: 1 }, T0)]]);

    const columns = await dateTimeColumns();
    const found = storageClasses(test.url.slice('file:'.length), columns);
    // Each column written at least once (no storage class at all would be []), and only as integers.
    expect(Object.fromEntries(Object.entries(found).map(([column, stored]) => [column, stored.types]))).toEqual(
      Object.fromEntries(columns.map(({ table, column }) => [`${table}.${column}`, ['integer']])),
    );
  });
});

/** The old adapter's text for an instant. */
const iso = (ms: number): string => new Date(ms).toISOString().replace('Z', '+00:00');

describe('the integer_timestamps migration', () => {
  it('turns the ISO text of every table into the same instants, found again by every range query', async () => {
    temp = await makeTempDir();
    const file = path.join(temp.dir, 'old.db');
    const { db, migrate } = await databaseBeforeMigration(file, 'integer_timestamps');

    // As the old code wrote them: 24 ticks 5 s apart (across midnight), each a document and rows for
    // the whole book and two agents; a millisecond part on every time.
    const ticks = Array.from({ length: 24 }, (_, k) => T0 + k * 5000 + 7);
    const document = db.prepare(`INSERT INTO snapshot_documents (taken_at, base_id, encoding, body) VALUES (?, NULL, 'json', CAST('{"a":{}}' AS BLOB))`);
    const row = db.prepare(
      `INSERT INTO pnl_snapshots (snapshot_date, snapshot_time, agent_id, availability_score, revenue_usd, realized_pnl_usd, unrealized_pnl_usd, total_pnl_usd, document_id, created_at)
       VALUES (?, ?, ?, 1, '0', '0', '0', ?, ?, ?)`,
    );
    for (const at of ticks) {
      const id = document.run(iso(at)).lastInsertRowid;
      for (const agentId of [null, 'agent-0', 'agent-1']) row.run(iso(at).slice(0, 10), iso(at), agentId, String(at % 100_000), id, iso(at + 3));
    }
    db.prepare(`INSERT INTO audit_log (event_type, logged_at) VALUES ('old', ?)`).run(iso(T0));
    // A row that took the column's DDL default: CURRENT_TIMESTAMP's 'YYYY-MM-DD HH:MM:SS' text.
    const defaultedAt = Math.floor(Date.now() / 1000) * 1000;
    db.prepare(`INSERT INTO audit_log (event_type) VALUES ('defaulted')`).run();
    db.prepare(
      `INSERT INTO data_freshness (source, last_successful_fetch, last_failed_fetch, consecutive_failures, circuit_breaker_state, updated_at) VALUES ('kalshi', ?, NULL, 0, 'CLOSED', ?)`,
    ).run(iso(T0 - 1000), iso(T0));
    db.prepare(
      `INSERT INTO normalized_data (data_id, source, normalized_json, cache_tier, created_at, expires_at) VALUES ('d1', 'kalshi', '{}', 'L1', ?, ?)`,
    ).run(iso(T0), iso(T0 + MINUTE));
    db.prepare(
      `INSERT INTO raw_api_responses (source, api_endpoint, response_json, response_status, fetch_timestamp, ttl_seconds) VALUES ('kalshi', '/m', '{}', 200, ?, 5)`,
    ).run(iso(T0));
    db.prepare(
      `INSERT INTO cache_entries (cache_key, source, value_json, origin_at, fetched_at, expires_at, updated_at) VALUES ('data:kalshi:markets:M:v1', 'kalshi', '{"p":1}', ?, ?, ?, ?)`,
    ).run(iso(T0 + 1), iso(T0 + 2), iso(T0 + MINUTE + 3), iso(T0 + 4));
    db.prepare(
      `INSERT INTO exchange_candles (ticker, interval_minutes, start_at, volume_hundredths, fetched_at) VALUES ('M', 1, ?, 5, ?), ('M', 1, ?, 6, ?)`,
    ).run(iso(T0), iso(T0 + 9), iso(T0 + MINUTE), iso(T0 + 9));
    db.prepare(`INSERT INTO history_backfills (kind, ticker, interval_minutes, from_at, to_at, rows, fetched_at) VALUES ('candles', 'M', 1, ?, ?, 2, ?)`).run(
      iso(T0),
      iso(T0 + 2 * MINUTE),
      iso(T0 + 9),
    );
    db.prepare(`INSERT INTO service_runs (started_at, last_alive_at) VALUES (?, ?)`).run(iso(T0 - MINUTE), iso(T0 + 2 * MINUTE + 5));
    migrate();
    db.close();

    const columns = await dateTimeColumns();
    for (const [column, stored] of Object.entries(storageClasses(file, columns))) {
      if (stored.rows > 0) expect({ column, types: stored.types }).toEqual({ column, types: ['integer'] });
    }
    const check = new Database(file, { readonly: true });
    const defaulted = (check.prepare(`SELECT logged_at AS at FROM audit_log WHERE event_type = 'defaulted'`).get() as { at: number }).at;
    check.close();
    expect(Math.abs(defaulted - defaultedAt)).toBeLessThanOrEqual(1000);

    const clock = new ManualClock(T0 + 3 * MINUTE);
    const store = await HistoryStore.open(`file:${file}`, { migrate: false, clock });
    try {
      // A new tick after the old ones, written as integers like everything now.
      const newAt = T0 + 3 * MINUTE;
      await store.writeSnapshotTick(snapshotTick(aggregate(newAt, ['agent-0'])));

      // listSnapshots: a range inside the old rows, paged with cursors, then one over old and new.
      const inner = { from: new Date(ticks[3]!), to: new Date(ticks[20]!), agentId: 'agent-0' };
      const seen: number[] = [];
      let after: string | null = null;
      for (;;) {
        const page = await store.listSnapshots({ ...inner, first: 5, after });
        expect(page.totalCount).toBe(18);
        seen.push(...page.nodes.map((node) => node.takenAt.getTime()));
        if (!page.hasNextPage) break;
        after = page.endCursor;
      }
      expect(seen).toEqual(ticks.slice(3, 21).reverse());
      const across = await store.listSnapshots({ from: new Date(T0), to: new Date(newAt), agentId: 'agent-0', first: 100 });
      expect(across.nodes.map((node) => node.takenAt.getTime())).toEqual([newAt, ...[...ticks].reverse()]);

      // pnlHistory: every point, and the last point of each minute (the raw SQL path).
      const points = await store.pnlHistory({ agentId: 'agent-1', from: new Date(T0), to: new Date(newAt) });
      expect(points.map((point) => [point.at.getTime(), point.totalPnlUsd])).toEqual(ticks.map((at) => [at, String(at % 100_000)]));
      const minutes = await store.pnlHistory({ agentId: 'agent-0', from: new Date(T0), to: new Date(newAt), interval: 'ONE_MINUTE' });
      expect(minutes.map((point) => point.at.getTime())).toEqual([ticks[11], ticks[23], newAt]);

      // dailySnapshots: grouped by the stored UTC day, first and last instants exact.
      const days = await store.dailySnapshots({ from: new Date(T0), to: new Date(newAt), agentId: 'agent-0' });
      expect(days.map((day) => [day.date, day.snapshotCount, day.firstAt.getTime(), day.lastAt.getTime()])).toEqual([
        ['2026-11-24', 12, ticks[0], ticks[11]],
        ['2026-11-25', 13, ticks[12], newAt],
      ]);

      // The L3 cache as a restart restores it, the freshness a restart reads back, the market history.
      const l3 = new DatabaseTier({ prisma: store.prisma, clock });
      const restored = (await l3.getByPrefix('data:kalshi:markets:', 10)).get('data:kalshi:markets:M:v1')?.entry;
      expect(restored).toMatchObject({ value: { p: 1 }, originAt: T0 + 1, fetchedAt: T0 + 2, expiresAt: T0 + MINUTE + 3, storedAt: T0 + 4 });
      expect(await store.readFreshness()).toEqual([
        expect.objectContaining({ source: 'kalshi', lastSuccessAt: new Date(T0 - 1000), lastFailureAt: null, updatedAt: new Date(T0) }),
      ]);
      const candles = await store.exchangeCandles({ ticker: 'M', interval: 'ONE_MINUTE', from: new Date(T0), to: new Date(T0 + MINUTE + 1) });
      expect(candles.map((candle) => [candle.startMs, candle.volumeHundredths])).toEqual([
        [T0, 5],
        [T0 + MINUTE, 6],
      ]);
      expect(
        await store.backfilledRanges({ kind: 'candles', ticker: 'M', interval: 'ONE_MINUTE', from: new Date(T0 + MINUTE), to: new Date(T0 + MINUTE + 1) }),
      ).toEqual([{ fromMs: T0, toMs: T0 + 2 * MINUTE }]);
      expect(await store.serviceRunsBetween(new Date(T0), new Date(T0 + 1))).toEqual([{ fromMs: T0 - MINUTE, toMs: T0 + 2 * MINUTE + 5 }]);

      // Retention by age: the old rows before the horizon go, the rest stays.
      const counts = await pruneHistory(store.prisma, { olderThan: new Date(ticks[12]!), now: new Date(newAt) });
      expect(counts.pnlSnapshots).toBe(12 * 3);
      expect(counts.auditLog).toBe(1);
      expect(await store.prisma.pnlSnapshot.count()).toBe(12 * 3 + 2);
      expect((await store.pnlHistory({ agentId: 'agent-0', from: new Date(0), to: new Date(newAt + DAY_MS) })).length).toBe(13);
    } finally {
      await store.close();
    }
  });
});
