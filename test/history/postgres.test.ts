/**
 * The same store against PostgreSQL at TEST_POSTGRES_URL (trust auth; .ci/run starts the server when
 * it is down). Each run migrates a schema of its own and drops it afterwards. An unreachable server
 * fails the test, saying why: a skipped test would hide that the PostgreSQL path went untested.
 */
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { DatabaseTier } from '../../src/cache/l3-sqlite.js';
import { ManualClock } from '../../src/core/clock.js';
import { HistoryStore, migrateDatabase, pruneHistory } from '../../src/history/index.js';
import { DAY_MS, TEST_POSTGRES_URL, postgresUnavailable } from './helpers.js';

describe('HistoryStore on PostgreSQL', () => {
  it('migrates a fresh schema, then writes, lists, groups and prunes snapshots', async () => {
    const unavailable = await postgresUnavailable();
    if (unavailable) throw new Error(`PostgreSQL is not reachable at ${TEST_POSTGRES_URL} (${unavailable}); start it (.ci/run does)`);
    const schema = `northstar_test_${process.pid}_${Date.now()}`;
    const url = `${TEST_POSTGRES_URL}?schema=${schema}`;
    const admin = new pg.Client({ connectionString: TEST_POSTGRES_URL });
    await admin.connect();
    let store: HistoryStore | undefined;
    try {
      const first = await migrateDatabase(url);
      expect(first.applied.length).toBeGreaterThan(0);
      expect((await migrateDatabase(url)).applied).toEqual([]);
      const tables = await admin.query<{ table_name: string }>('SELECT table_name FROM information_schema.tables WHERE table_schema = $1 ORDER BY 1', [schema]);
      expect(tables.rows.map((row) => row.table_name)).toEqual([
        '_prisma_migrations',
        'audit_log',
        'cache_entries',
        'data_freshness',
        'exchange_candles',
        'history_backfills',
        'market_tickers',
        'market_ticks',
        'normalized_data',
        'pnl_snapshots',
        'raw_api_responses',
        'snapshot_documents',
        'trades',
      ]);

      store = await HistoryStore.open(url, { migrate: false });
      expect(await store.ping()).toBe(true);
      const t0 = Date.UTC(2026, 2, 1, 23, 59, 59);
      // PostgreSQL keeps DECIMAL(65,30) exactly, beyond what a double could hold.
      const precise = { revenueUsd: '12345678901234567.123456789', realizedPnlUsd: '0.1', unrealizedPnlUsd: '-0.2', totalPnlUsd: '1234567.89' };
      await store.writeSnapshots([
        { takenAt: new Date(t0), agentId: 'a', availabilityScore: 1, aggregate: { n: 1 }, pnl: precise },
        { takenAt: new Date(t0), agentId: null, availabilityScore: 0.5, aggregate: { n: 2 } },
        { takenAt: new Date(t0 + 2000), agentId: 'a', availabilityScore: 1, aggregate: { n: 3 } },
        { takenAt: new Date(t0 - 100 * DAY_MS), agentId: 'a', availabilityScore: 1, aggregate: { n: 0 } },
      ]);
      const range = { from: new Date(t0 - 1000), to: new Date(t0 + 5000) };
      const page1 = await store.listSnapshots({ ...range, first: 2 });
      expect(page1.totalCount).toBe(3);
      expect(page1.hasNextPage).toBe(true);
      const page2 = await store.listSnapshots({ ...range, first: 2, after: page1.endCursor });
      expect([...page1.nodes, ...page2.nodes].map((node) => (node.aggregate as { n: number }).n)).toEqual([3, 2, 1]);
      expect(page2.hasNextPage).toBe(false);

      expect((await store.pnlHistory({ agentId: 'a', ...range }))[0]).toEqual({ at: new Date(t0), agentId: 'a', ...precise });
      expect((await store.dailySnapshots(range)).map((g) => [g.date, g.agentId, g.snapshotCount])).toEqual([
        ['2026-03-01', null, 1],
        ['2026-03-01', 'a', 1],
        ['2026-03-02', 'a', 1],
      ]);
      const detail = await store.getSnapshot(page2.nodes[0]!.id);
      expect(detail?.pnl).toEqual(precise);

      await store.upsertFreshness({ source: 'kalshi', consecutiveFailures: 1, breakerState: 'OPEN', lastError: 'x' });
      expect((await store.readFreshness())[0]).toMatchObject({ source: 'kalshi', breakerState: 'OPEN' });
      const counts = await pruneHistory(store.prisma, { olderThan: new Date(t0 - 90 * DAY_MS), batchSize: 1 });
      expect(counts.pnlSnapshots).toBe(1);

      // The L3 cache tier's one-statement upserts on the same database.
      const clock = new ManualClock(t0);
      const l3 = new DatabaseTier({ prisma: store.prisma, clock });
      const entry = (value: unknown, at: number) => ({
        value,
        source: 'kalshi' as const,
        originAt: at,
        fetchedAt: at + 5,
        storedAt: at,
        expiresAt: at + 60_000,
      });
      await l3.setMany(Array.from({ length: 150 }, (_, i) => [`data:kalshi:markets:M${i}:v1`, entry(i, t0)] as const));
      await clock.advance(1000);
      await l3.setMany([
        ['data:kalshi:markets:M3:v1', entry('first', t0 + 1)],
        ['data:kalshi:markets:M3:v1', entry('second', t0 + 2)],
      ]);
      const hits = await l3.getMany(['data:kalshi:markets:M0:v1', 'data:kalshi:markets:M3:v1']);
      expect(hits.get('data:kalshi:markets:M0:v1')?.entry).toEqual({ ...entry(0, t0), storedAt: t0 });
      expect(hits.get('data:kalshi:markets:M3:v1')?.entry).toEqual({ ...entry('second', t0 + 2), storedAt: t0 + 1000 });
      expect(await store.prisma.cacheEntry.count()).toBe(150);
    } finally {
      await store?.close();
      await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      await admin.end();
    }
  });
});
