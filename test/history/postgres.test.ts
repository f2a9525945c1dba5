/**
 * The same store against PostgreSQL at TEST_POSTGRES_URL (trust auth; .ci/run starts the server when
 * it is down). Each run migrates a schema of its own and drops it afterwards. An unreachable server
 * fails the test, saying why: a skipped test would hide that the PostgreSQL path went untested.
 */
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { DatabaseTier } from '../../src/cache/l3-sqlite.js';
import { ManualClock } from '../../src/core/clock.js';
import { snapshotTick } from '../../src/aggregate/snapshot-writer.js';
import type { AggregateRecord } from '../../src/core/domain.js';
import { RequestLimitError } from '../../src/core/errors.js';
import { HistoryStore, migrateDatabase, pruneHistory } from '../../src/history/index.js';
import { DAY_MS, HISTORY_TABLES, TEST_POSTGRES_URL, postgresUnavailable } from './helpers.js';

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
      expect(tables.rows.map((row) => row.table_name)).toEqual(HISTORY_TABLES);

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

  it('stores a tick once, reads it back per agent, buckets pnlHistory in SQL, and keeps market ticks', async () => {
    const unavailable = await postgresUnavailable();
    if (unavailable) throw new Error(`PostgreSQL is not reachable at ${TEST_POSTGRES_URL} (${unavailable}); start it (.ci/run does)`);
    const schema = `northstar_ticks_${process.pid}_${Date.now()}`;
    const url = `${TEST_POSTGRES_URL}?schema=${schema}`;
    const admin = new pg.Client({ connectionString: TEST_POSTGRES_URL });
    await admin.connect();
    let store: HistoryStore | undefined;
    try {
      store = await HistoryStore.open(url);
      const t0 = Date.UTC(2026, 2, 1, 12, 0, 0);
      const tick = (at: number, total: string): AggregateRecord =>
        ({
          takenAt: new Date(at).toISOString(),
          requestId: `r${at}`,
          markets: [{ id: 'kalshi:A', ticker: 'A', prices: { bid: 0.4 } }],
          insight: null,
          businessMetrics: [],
          components: [],
          pnl: [
            { agentId: 'a', revenueUsd: '0.1', realizedPnlUsd: '0.2', unrealizedPnlUsd: '0', totalPnlUsd: total },
            { agentId: 'b', revenueUsd: '0', realizedPnlUsd: '0', unrealizedPnlUsd: '0', totalPnlUsd: '0' },
          ],
          availabilityScore: 1,
          fetchDurationMs: 1,
        }) as unknown as AggregateRecord;
      // Three ticks in the first minute, one in the third: a keyframe, then deltas.
      for (const [offset, total] of [
        [0, '0.3'],
        [20_000, '0.30000000000000004'],
        [40_000, '12345678901234567.123456789'],
        [130_000, '1'],
      ] as const) {
        await store.writeSnapshotTick(snapshotTick(tick(t0 + offset, total)));
      }
      const counts = await admin.query<{ documents: string; rows: string }>(
        `SELECT (SELECT count(*) FROM "${schema}".snapshot_documents) AS documents, (SELECT count(*) FROM "${schema}".pnl_snapshots) AS rows`,
      );
      expect(counts.rows[0]).toEqual({ documents: '4', rows: '12' });
      const range = { from: new Date(t0), to: new Date(t0 + 180_000) };
      const page = await store.listSnapshots({ ...range, agentId: 'b', first: 10 });
      expect((page.nodes[0]!.aggregate as AggregateRecord).pnl.map((p) => p.agentId)).toEqual(['b']);
      expect((page.nodes[0]!.aggregate as AggregateRecord).takenAt).toBe(new Date(t0 + 130_000).toISOString());
      const points = await store.pnlHistory({ agentId: 'a', ...range, interval: 'ONE_MINUTE' });
      expect(points.map((p) => [p.at.getTime() - t0, p.totalPnlUsd])).toEqual([
        [40_000, '12345678901234567.123456789'],
        [130_000, '1'],
      ]);
      await expect(store.pnlHistory({ agentId: 'a', ...range, maxPoints: 3 })).rejects.toThrow(RequestLimitError);

      await store.writeMarketTicks([
        { ticker: 'A', atMs: t0, bidMicros: 450_000, askMicros: 470_000, lastMicros: null, volumeHundredths: 12_345, openInterestHundredths: 7 },
        { ticker: 'A', atMs: t0 + 1000, bidMicros: 460_000, askMicros: 470_000, lastMicros: 455_000, volumeHundredths: 12_400, openInterestHundredths: 7 },
      ]);
      expect(await store.marketTicks({ ticker: 'A', from: new Date(t0), to: new Date(t0 + 1000) })).toEqual([
        { ticker: 'A', at: new Date(t0), bid: 0.45, ask: 0.47, last: null, volume: 123.45, openInterest: 0.07 },
      ]);
      expect((await store.latestMarketTickBefore('A', new Date(t0 + 5000)))?.last).toBe(0.455);
      const pruned = await pruneHistory(store.prisma, { olderThan: new Date(t0 + 120_000) });
      // The two ticks are one block (retention counts blocks).
      expect(pruned).toMatchObject({ pnlSnapshots: 9, marketTicks: 1 });
      // The last tick's chain reaches back past the horizon: its documents stay, and it still reads.
      expect((await store.pnlHistory({ agentId: 'a', ...range }))[0]?.totalPnlUsd).toBe('1');
      expect(((await store.listSnapshots({ ...range, first: 1 })).nodes[0]!.aggregate as AggregateRecord).requestId).toBe(`r${t0 + 130_000}`);
    } finally {
      await store?.close();
      await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      await admin.end();
    }
  });
});
