import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { openCache } from '../../src/cache/create-cache.js';
import { cacheKey } from '../../src/cache/entry.js';
import { FileTier } from '../../src/cache/l4-files.js';
import { ManualClock } from '../../src/core/clock.js';
import { freePort, makeEntry, makeTempDir, openTestStore, type TempDir, type TestStore } from './helpers.js';

let store: TestStore;
let temp: TempDir;

beforeAll(async () => {
  store = await openTestStore();
  temp = await makeTempDir();
});

afterAll(async () => {
  await store.cleanup();
  await temp.cleanup();
});

const settings = (dir: string, l4SnapshotIntervalMs = 60_000) => ({ l1TtlMs: 15_000, l2TtlSeconds: 60, l3TtlSeconds: 3600, dir, l4SnapshotIntervalMs });

describe('openCache', () => {
  it('runs without Redis when REDIS_URL is unset, warms L1 from the files, and applies the per-kind TTLs', async () => {
    const clock = new ManualClock();
    const key = cacheKey('kalshi', 'markets', 'kalshi:WARM');
    await new FileTier({ cacheDir: temp.dir, clock }).writeSnapshot([[key, makeEntry('from disk', clock.now() - 60_000, { ttlMs: 1000 })]]);

    const registry = new Registry();
    const cache = await openCache({ config: { redisUrl: null, cache: settings(temp.dir) }, clock, prisma: store.store.prisma, registry });
    try {
      expect(cache.status().map((row) => [row.tier, row.healthy])).toEqual([
        ['L1', true],
        ['L2', false],
        ['L3', true],
        ['L4', true],
      ]);
      expect(await cache.get(key)).toMatchObject({ value: 'from disk', tier: 'L4', stale: true });

      await cache.set(cacheKey('kalshi', 'markets', 'kalshi:NEW'), 1, { source: 'kalshi', originAt: clock.now() });
      expect(cache.l1.get(cacheKey('kalshi', 'markets', 'kalshi:NEW'))?.entry.expiresAt).toBe(clock.now() + 5_000);
      await cache.set(cacheKey('john', 'metrics', 'revenue'), 2, { source: 'john', originAt: clock.now() });
      expect(cache.l1.get(cacheKey('john', 'metrics', 'revenue'))?.entry.expiresAt).toBe(clock.now() + 30_000);
      expect(await registry.metrics()).toContain('northstar_cache_hits_total');
    } finally {
      await cache.close();
    }
  });

  it('starts (and does not throw) when Redis does not answer, waiting at most redisConnectWaitMs', async () => {
    const clock = new ManualClock();
    const port = await freePort();
    const startedAt = performance.now();
    const cache = await openCache({
      config: { redisUrl: `redis://127.0.0.1:${port}`, cache: settings(temp.dir) },
      clock,
      prisma: null,
      redisConnectWaitMs: 200,
      jobs: { snapshotIntervalMs: null, pruneIntervalMs: null },
    });
    try {
      expect(performance.now() - startedAt).toBeLessThan(2000);
      expect(cache.status().map((row) => [row.tier, row.healthy])).toEqual([
        ['L1', true],
        ['L2', false],
        ['L3', false],
        ['L4', true],
      ]);
      expect(clock.pending).toBe(0);
    } finally {
      await cache.close();
    }
  });
  it('writes L1 to the files every CACHE_L4_SNAPSHOT_MS, not only every 60 s', async () => {
    const clock = new ManualClock();
    const dir = await makeTempDir();
    const cache = await openCache({ config: { redisUrl: null, cache: settings(dir.dir, 1000) }, clock, prisma: null, jobs: { pruneIntervalMs: null } });
    try {
      const key = cacheKey('kalshi', 'markets', 'kalshi:SOON');
      await cache.set(key, 'in L1', { source: 'kalshi', originAt: clock.now() });
      const onDisk = async () => {
        const files = new FileTier({ cacheDir: dir.dir, clock });
        await files.loadAll();
        return files.size;
      };
      expect(await onDisk()).toBe(0);
      await clock.advance(1000);
      await vi.waitFor(async () => expect(await onDisk()).toBe(1));
    } finally {
      await cache.close();
      await dir.cleanup();
    }
  });
});
