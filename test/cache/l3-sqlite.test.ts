import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { DatabaseTier, type PruneResult } from '../../src/cache/l3-sqlite.js';
import { ManualClock } from '../../src/core/clock.js';
import { makeEntry, openTestStore, type TestStore } from './helpers.js';
import { heapAfterGc } from '../support/memory.js';

const HOUR = 3_600_000;
let test: TestStore;

beforeAll(async () => {
  test = await openTestStore();
});

afterAll(async () => {
  await test.cleanup();
});

beforeEach(async () => {
  await test.store.prisma.cacheEntry.deleteMany();
});

describe('DatabaseTier', () => {
  it('upserts a batch and reads it back with one findMany, expired rows included', async () => {
    const clock = new ManualClock();
    const l3 = new DatabaseTier({ prisma: test.store.prisma, clock });
    const now = clock.now();
    await l3.setMany([
      ['data:kalshi:markets:A:v1', makeEntry({ p: 1 }, now - 5000, { ttlMs: 3_600_000 })],
      ['data:kalshi:markets:B:v1', makeEntry({ p: 2 }, now - 5000, { ttlMs: 1000, source: 'john' })],
    ]);
    await clock.advance(10);

    const found = await l3.getMany(['data:kalshi:markets:A:v1', 'data:kalshi:markets:B:v1', 'data:kalshi:markets:C:v1']);
    expect([...found.keys()].sort()).toEqual(['data:kalshi:markets:A:v1', 'data:kalshi:markets:B:v1']);
    const expired = found.get('data:kalshi:markets:B:v1')!.entry;
    expect(expired).toMatchObject({ value: { p: 2 }, source: 'john', originAt: now - 5000, fetchedAt: now - 5000, expiresAt: now - 4000 });
    // storedAt is when the row was written, by the tier's clock.
    expect(expired.storedAt).toBe(now);
    expect(found.get('data:kalshi:markets:A:v1')!.bytes).toBe(JSON.stringify({ p: 1 }).length);
  });

  it('writes of ever-different batches do not accumulate in memory (no query plan per batch)', { timeout: 60_000 }, async () => {
    const clock = new ManualClock();
    const l3 = new DatabaseTier({ prisma: test.store.prisma, clock });
    // As the feeds write: batches of varying size, some entries fetched the moment they originated.
    const round = async (i: number) => {
      const size = 1 + (i % 23);
      await l3.setMany(
        Array.from({ length: size }, (_, k) => {
          const at = clock.now() - ((i + k) % 3) * 1000;
          return [`data:kalshi:markets:M${k}:v1`, makeEntry({ i, k }, at, { fetchedAt: (i + k) % 2 === 0 ? at : at + 250 })] as const;
        }),
      );
      await clock.advance(100);
    };
    for (let i = 0; i < 100; i++) await round(i); // warm-up
    const before = heapAfterGc();
    for (let i = 100; i < 600; i++) await round(i);
    const grown = heapAfterGc() - before;
    expect(await test.store.prisma.cacheEntry.count()).toBe(23);
    // A cached plan per distinct batch was ~15 KB: 500 batches, several MB.
    expect(grown).toBeLessThan(2 * 1024 * 1024);
  });

  it('holds nothing open across awaits: an audit write made while an L3 batch fails survives', async () => {
    // Its own store: the trigger that fails the batch in the database must not outlive the test.
    const own = await openTestStore();
    try {
      const prisma = own.store.prisma;
      await prisma.$executeRawUnsafe(
        `CREATE TRIGGER poison BEFORE INSERT ON cache_entries WHEN NEW.cache_key = 'poison' BEGIN SELECT RAISE(ABORT, 'poisoned row'); END`,
      );
      const clock = new ManualClock();
      const l3 = new DatabaseTier({ prisma, clock });
      const rows = [
        ...Array.from({ length: 450 }, (_, i) => [`data:kalshi:markets:M${i}:v1`, makeEntry(i, clock.now())] as const),
        ['poison', makeEntry(0, clock.now())] as const,
      ];
      let settled = false;
      const batch = l3.setMany(rows);
      void batch.then(
        () => (settled = true),
        () => (settled = true),
      );
      // Other units of work carry on meanwhile, as the guards' audit and freshness writes do.
      let audits = 0;
      for (; audits < 1000 && !settled; audits++) await own.store.recordAudit({ eventType: 'test', details: { n: audits } });
      await expect(batch).rejects.toThrow();
      expect(audits).toBeGreaterThan(0);
      expect(await prisma.auditLog.count()).toBe(audits);
      // The rows of the failed statement are not there; the key that was never written is not either.
      expect(await prisma.cacheEntry.count({ where: { cacheKey: 'poison' } })).toBe(0);
    } finally {
      await own.cleanup();
    }
  });

  it('upserts a batch larger than one statement, the last write of a repeated key winning', async () => {
    const clock = new ManualClock();
    const l3 = new DatabaseTier({ prisma: test.store.prisma, clock });
    const now = clock.now();
    await l3.setMany([...Array.from({ length: 250 }, (_, i) => [`k${i}`, makeEntry(i, now)] as const), ['k7', makeEntry('again', now + 1)] as const]);
    expect(await test.store.prisma.cacheEntry.count()).toBe(250);
    const found = await l3.getMany(['k0', 'k7', 'k249']);
    expect(found.get('k0')?.entry.value).toBe(0);
    expect(found.get('k7')?.entry).toMatchObject({ value: 'again', originAt: now + 1 });
    expect(found.get('k249')?.entry.value).toBe(249);
  });

  it('replaces a key on a second write (one row per key)', async () => {
    const clock = new ManualClock();
    const l3 = new DatabaseTier({ prisma: test.store.prisma, clock });
    await l3.setMany([['k', makeEntry('old', clock.now())]]);
    await clock.advance(1000);
    await l3.setMany([['k', makeEntry('new', clock.now())]]);
    expect(await test.store.prisma.cacheEntry.count()).toBe(1);
    expect((await l3.getMany(['k'])).get('k')?.entry.value).toBe('new');
  });

  it('prunes only rows past the stale horizon, in batches', async () => {
    const clock = new ManualClock();
    const l3 = new DatabaseTier({ prisma: test.store.prisma, clock, staleHorizonMs: 24 * HOUR });
    const now = clock.now();
    const rows = [
      // 25 rows that expired two days ago: past the horizon.
      ...Array.from({ length: 25 }, (_, i) => [`old:${i}`, makeEntry(i, now - 49 * HOUR, { ttlMs: HOUR })] as const),
      // Expired an hour ago: kept for stale serving.
      ...Array.from({ length: 5 }, (_, i) => [`stale:${i}`, makeEntry(i, now - 2 * HOUR, { ttlMs: HOUR })] as const),
      ...Array.from({ length: 5 }, (_, i) => [`fresh:${i}`, makeEntry(i, now, { ttlMs: HOUR })] as const),
    ];
    await l3.setMany(rows);

    expect(await l3.pruneExpired({ batchSize: 10 })).toEqual({ deleted: 25, batches: 3 });
    const left = await test.store.prisma.cacheEntry.findMany({ select: { cacheKey: true } });
    expect(left.map((row) => row.cacheKey.split(':')[0]).sort()).toEqual(Array.from({ length: 10 }, (_, i) => (i < 5 ? 'fresh' : 'stale')));
    expect(await l3.pruneExpired({ batchSize: 10 })).toEqual({ deleted: 0, batches: 0 });
  });

  it('runs the prune job on the clock, off the request path, and stops cleanly', async () => {
    const clock = new ManualClock();
    const l3 = new DatabaseTier({ prisma: test.store.prisma, clock, staleHorizonMs: HOUR });
    await l3.setMany([['gone', makeEntry(1, clock.now() - 3 * HOUR, { ttlMs: 1000 })]]);
    const runs: PruneResult[] = [];
    const job = l3.startPruneJob(clock, 600_000, { onRun: (result) => runs.push(result) });

    await clock.advance(599_999);
    expect(runs).toEqual([]);
    await clock.advance(1);
    await vi.waitFor(() => expect(runs).toEqual([{ deleted: 1, batches: 1 }]));

    await clock.advance(600_000);
    await vi.waitFor(() => expect(runs).toHaveLength(2));
    await job.stop();
    await clock.advance(600_000);
    expect(clock.pending).toBe(0);
    expect(runs).toHaveLength(2);
  });

  it('reports a failing database as unhealthy and answers reads with misses', async () => {
    const clock = new ManualClock();
    const broken = await openTestStore();
    const l3 = new DatabaseTier({ prisma: broken.store.prisma, clock });
    await broken.store.prisma.$executeRawUnsafe('DROP TABLE cache_entries');
    expect((await l3.getMany(['k'])).size).toBe(0);
    expect(l3.healthy()).toBe(false);
    await broken.cleanup();
  });
});
