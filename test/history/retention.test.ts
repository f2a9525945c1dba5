import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { ManualClock } from '../../src/core/clock.js';
import type { Logger } from '../../src/core/logger.js';
import { HistoryStore, pruneHistory, startRetentionJob, type PruneCounts, type PrunedTable } from '../../src/history/index.js';
import { DAY_MS, openTestStore, type TestStore } from './helpers.js';

const NOW = Date.UTC(2026, 5, 1, 12);
const CUTOFF = new Date(NOW - 90 * DAY_MS);

let ctx: TestStore;

beforeAll(async () => {
  ctx = await openTestStore();
});
afterAll(async () => {
  await ctx.cleanup();
});
beforeEach(async () => {
  const p = ctx.store.prisma;
  await p.$transaction([
    p.pnlSnapshot.deleteMany(),
    p.rawApiResponse.deleteMany(),
    p.normalizedData.deleteMany(),
    p.auditLog.deleteMany(),
    p.cacheEntry.deleteMany(),
  ]);
});

/** A store view whose clock stands at `atMs`: how rows get old timestamps. */
function storeAt(atMs: number): HistoryStore {
  return new HistoryStore(ctx.store.prisma, { clock: new ManualClock(atMs) });
}

async function seed(oldSnapshots: number, newSnapshots: number): Promise<void> {
  const old = (i: number) => NOW - 91 * DAY_MS + i * 1000;
  const fresh = (i: number) => NOW - 89 * DAY_MS + i * 1000;
  // Interleaved, so old and new ids alternate: a batch must not be a plain id range.
  const rows = [];
  for (let i = 0; i < Math.max(oldSnapshots, newSnapshots); i++) {
    if (i < oldSnapshots) rows.push({ takenAt: new Date(old(i)), agentId: 'a', availabilityScore: 1, aggregate: {} });
    if (i < newSnapshots) rows.push({ takenAt: new Date(fresh(i)), agentId: 'a', availabilityScore: 1, aggregate: {} });
  }
  await ctx.store.writeSnapshots(rows);
  for (const at of [old(0), fresh(0)]) {
    const store = storeAt(at);
    await store.recordAudit({ eventType: 'x' });
    // A ttl longer than the horizon: these rows go by age, as the others.
    await store.recordRawResponse({ source: 'kalshi', endpoint: '/m', body: {}, status: 200, ttlSeconds: 365 * 86_400 });
    await store.recordNormalized({ dataId: `id-${at}`, source: 'kalshi', value: {}, cacheTier: 'L3' });
  }
  // Recent but already expired: goes, as the seed's trigger made it go.
  await storeAt(NOW - DAY_MS).recordNormalized({ dataId: 'expired', source: 'kalshi', value: {}, cacheTier: 'L3', expiresAt: new Date(NOW - 1) });
  const entry = (key: string, expiresAtMs: number) => ({
    cacheKey: key,
    source: 'kalshi',
    valueJson: '{}',
    originAt: new Date(NOW - 1000),
    fetchedAt: new Date(NOW - 1000),
    expiresAt: new Date(expiresAtMs),
    updatedAt: new Date(NOW - 1000),
  });
  // Expired but recent: kept for stale serving. Expired before the retention horizon: gone.
  await ctx.store.prisma.cacheEntry.createMany({ data: [entry('gone', CUTOFF.getTime() - 1), entry('stale-kept', NOW - 1), entry('kept', NOW + 60_000)] });
}

describe('pruneHistory', () => {
  it('deletes only old rows, in batches of batchSize', async () => {
    await seed(35, 7);
    const batches: Array<[PrunedTable, number]> = [];
    const counts = await pruneHistory(ctx.store.prisma, {
      olderThan: CUTOFF,
      now: new Date(NOW),
      batchSize: 10,
      onBatch: (table, n) => batches.push([table, n]),
    });
    expect(counts).toEqual<PruneCounts>({
      pnlSnapshots: 35,
      snapshotDocuments: 0,
      marketTicks: 0,
      trades: 0,
      tradeBackfills: 0,
      rawApiResponses: 1,
      normalizedData: 2,
      auditLog: 1,
      cacheEntries: 1,
    });
    expect(batches.filter(([table]) => table === 'pnlSnapshots').map(([, n]) => n)).toEqual([10, 10, 10, 5]);

    const p = ctx.store.prisma;
    const remaining = await p.pnlSnapshot.findMany({ select: { snapshotTime: true } });
    expect(remaining).toHaveLength(7);
    expect(remaining.every((row) => row.snapshotTime >= CUTOFF)).toBe(true);
    expect(await p.rawApiResponse.count()).toBe(1);
    expect(await p.auditLog.count()).toBe(1);
    expect((await p.normalizedData.findMany()).map((row) => row.dataId)).toEqual([`id-${NOW - 89 * DAY_MS}`]);
    expect((await p.cacheEntry.findMany()).map((row) => row.cacheKey)).toEqual(['stale-kept', 'kept']);

    // Nothing left to do: a second pass deletes nothing.
    expect(Object.values(await pruneHistory(p, { olderThan: CUTOFF, now: new Date(NOW), batchSize: 10 })).every((n) => n === 0)).toBe(true);
  });

  it('drops a raw response once its ttl_seconds has passed, well inside the retention horizon', async () => {
    // The seed gives every raw_api_responses row a ttl_seconds (3600 by default): a sample of what an
    // upstream said is kept for that long, not for RETENTION_DAYS, so the raw samples do not grow the
    // history by the day.
    await storeAt(NOW - 2 * 3600_000).recordRawResponse({ source: 'kalshi', endpoint: '/markets', body: { n: 1 }, status: 200, ttlSeconds: 3600 });
    await storeAt(NOW - 1800_000).recordRawResponse({ source: 'kalshi', endpoint: '/markets', body: { n: 2 }, status: 200, ttlSeconds: 3600 });
    await storeAt(NOW - 2 * 3600_000).recordRawResponse({ source: 'john', endpoint: '/api/john/metrics', body: { n: 3 }, status: 200, ttlSeconds: 86_400 });
    const counts = await pruneHistory(ctx.store.prisma, { olderThan: CUTOFF, now: new Date(NOW) });
    expect(counts.rawApiResponses).toBe(1);
    const left = await ctx.store.prisma.rawApiResponse.findMany({ orderBy: { id: 'asc' } });
    expect(left.map((row) => (JSON.parse(row.responseJson) as { n: number }).n)).toEqual([2, 3]);
  });

  it('handles an exact multiple of the batch size', async () => {
    await seed(20, 0);
    const sizes: number[] = [];
    await pruneHistory(ctx.store.prisma, {
      olderThan: CUTOFF,
      now: new Date(NOW),
      batchSize: 10,
      onBatch: (table, n) => table === 'pnlSnapshots' && sizes.push(n),
    });
    expect(sizes).toEqual([10, 10]);
    expect(await ctx.store.prisma.pnlSnapshot.count()).toBe(0);
  });

  it('stops between batches when aborted', async () => {
    await seed(30, 0);
    const abort = new AbortController();
    const counts = await pruneHistory(ctx.store.prisma, {
      olderThan: CUTOFF,
      batchSize: 10,
      signal: abort.signal,
      onBatch: () => abort.abort(),
    });
    expect(counts.pnlSnapshots).toBe(10);
    expect(await ctx.store.prisma.pnlSnapshot.count()).toBe(20);
  });
});

describe('startRetentionJob', () => {
  it('runs at start, then every interval after the previous run ends, and stops cleanly', async () => {
    await seed(5, 3);
    const clock = new ManualClock(NOW);
    const runs: PruneCounts[] = [];
    const pendingDuringRuns: number[] = [];
    let notify: () => void = () => {};
    const nextRun = () => new Promise<void>((resolve) => (notify = resolve));

    let ran = nextRun();
    const job = startRetentionJob({
      prisma: ctx.store.prisma,
      clock,
      retentionDays: 90,
      intervalMs: DAY_MS,
      batchSize: 2,
      onRun: (counts) => {
        runs.push(counts);
        pendingDuringRuns.push(clock.pending);
        notify();
      },
    });
    // The first run is due at once (the shared PollLoop's first delay is 0).
    await clock.advance(0);
    await ran;
    await clock.advance(0);
    expect(runs.map((run) => run.pnlSnapshots)).toEqual([5]);
    expect(clock.pending).toBe(1);

    await clock.advance(DAY_MS - 1);
    expect(runs).toHaveLength(1);
    ran = nextRun();
    await clock.advance(1);
    await ran;
    // One day on, the newer rows sit exactly at the cutoff (not older than it): they stay.
    expect(runs.map((run) => run.pnlSnapshots)).toEqual([5, 0]);
    ran = nextRun();
    await clock.advance(DAY_MS);
    await ran;
    expect(runs.map((run) => run.pnlSnapshots)).toEqual([5, 0, 3]);
    // While a run is in flight nothing else is scheduled: runs cannot overlap.
    expect(pendingDuringRuns).toEqual([0, 0, 0]);

    await job.stop();
    expect(clock.pending).toBe(0);
    await clock.advance(10 * DAY_MS);
    expect(runs).toHaveLength(3);
  });

  it('logs a failed run and tries again on the next tick', async () => {
    const clock = new ManualClock(NOW);
    const errors: unknown[] = [];
    const logger = { error: (obj: unknown) => errors.push(obj), info: () => {}, debug: () => {} } as unknown as Logger;
    let calls = 0;
    const failing = new Proxy(ctx.store.prisma, {
      get(target, key, receiver) {
        if (key === 'pnlSnapshot') {
          calls++;
          throw new Error('database is gone');
        }
        return Reflect.get(target, key, receiver) as unknown;
      },
    });
    const job = startRetentionJob({ prisma: failing, clock, retentionDays: 90, intervalMs: 1000, logger });
    await clock.advance(0);
    await vi.waitFor(() => expect(errors).toHaveLength(1));
    await clock.advance(1000);
    await vi.waitFor(() => expect(errors).toHaveLength(2));
    expect(calls).toBeGreaterThanOrEqual(2);
    await job.stop();
  });
});
