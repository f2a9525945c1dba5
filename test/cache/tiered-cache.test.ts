import { readdir } from 'node:fs/promises';
import type { Redis } from 'ioredis';
import { Registry } from 'prom-client';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { CacheMetrics } from '../../src/cache/cache-metrics.js';
import { cacheKey, ttlPolicy, type TtlPolicy } from '../../src/cache/entry.js';
import { MemoryTier } from '../../src/cache/l1-memory.js';
import { RedisTier } from '../../src/cache/l2-redis.js';
import { DatabaseTier } from '../../src/cache/l3-sqlite.js';
import { FileTier } from '../../src/cache/l4-files.js';
import { NotLoadedError, TieredCache, type LoadedValue, type Loader } from '../../src/cache/tiered-cache.js';
import { ManualClock } from '../../src/core/clock.js';
import {
  SHARED_REDIS_URL,
  makeEntry,
  makeTempDir,
  openTestStore,
  rawRedis,
  removeNamespace,
  requireSharedRedis,
  uniqueNamespace,
  type TempDir,
  type TestStore,
} from './helpers.js';

const TTL: TtlPolicy = ttlPolicy(5_000, 30, 3600);
const KEY = cacheKey('kalshi', 'markets', 'kalshi:SMUSD-260226');
const keyOf = (id: string): string => cacheKey('kalshi', 'markets', `kalshi:${id}`);

let raw: Redis;
let store: TestStore;
let temp: TempDir;
const namespace = uniqueNamespace();
const open: TieredCache[] = [];

interface Built {
  cache: TieredCache;
  clock: ManualClock;
  l1: MemoryTier;
  l2: RedisTier | null;
  l3: DatabaseTier | null;
  l4: FileTier | null;
  metrics: CacheMetrics;
}

async function build(options: { clock?: ManualClock; l2?: boolean; l3?: boolean | TestStore; l4?: boolean; registry?: Registry } = {}): Promise<Built> {
  const clock = options.clock ?? new ManualClock();
  const metrics = new CacheMetrics(options.registry);
  const l1 = new MemoryTier({ clock });
  // A generous command timeout: these tests are about behaviour, and a loaded test machine can make
  // the shared Redis miss the production 50 ms (redis-kill.test.ts is about the timeout).
  const l2 = options.l2 === false ? null : new RedisTier({ url: SHARED_REDIS_URL, clock, namespace, metrics, commandTimeoutMs: 2000 });
  if (l2 && !(await l2.connect())) throw new Error('shared redis did not connect');
  const l3Store = options.l3 === false ? null : typeof options.l3 === 'object' ? options.l3 : store;
  const l3 = l3Store ? new DatabaseTier({ prisma: l3Store.store.prisma, clock, metrics }) : null;
  const l4 = options.l4 === false ? null : new FileTier({ cacheDir: temp.dir, clock, metrics });
  const cache = new TieredCache({ l1, l2, l3, l4, clock, metrics, defaultTtl: TTL });
  open.push(cache);
  return { cache, clock, l1, l2, l3, l4, metrics };
}

/** A loader over a fixed table that records its calls. */
function tableLoader<T>(table: Record<string, T>, clock: ManualClock, delayMs = 0): Loader<T> & { calls: string[][] } {
  const calls: string[][] = [];
  const load = async (missing: string[]): Promise<Map<string, LoadedValue<T>>> => {
    calls.push([...missing]);
    // A real wait: the upstream takes time, so concurrent callers overlap with it.
    if (delayMs > 0) await new Promise((resolve) => setTimeout(resolve, delayMs));
    const result = new Map<string, LoadedValue<T>>();
    for (const key of missing) {
      if (key in table) result.set(key, { value: table[key]!, originAt: clock.now() - 100, source: 'kalshi' });
    }
    return result;
  };
  return Object.assign(load, { calls });
}

const failing = (message = 'upstream down'): Loader<never> & { calls: number } => {
  const load = Object.assign(
    (): Promise<Map<string, LoadedValue<never>>> => {
      load.calls += 1;
      return Promise.reject(new Error(message));
    },
    { calls: 0 },
  );
  return load;
};

beforeAll(async () => {
  await requireSharedRedis();
  raw = rawRedis();
  store = await openTestStore();
});

afterAll(async () => {
  raw.disconnect();
  await store.cleanup();
});

beforeEach(async () => {
  temp = await makeTempDir();
});

afterEach(async () => {
  await Promise.all(open.splice(0).map((cache) => cache.close()));
  await removeNamespace(raw, namespace);
  await store.store.prisma.cacheEntry.deleteMany();
  await temp.cleanup();
});

describe('TieredCache read path', () => {
  it('serves a value held only in L3 from L3, then from L1; L1 and L2 were backfilled', async () => {
    const { cache, clock, l1, l2, l3 } = await build();
    const now = clock.now();
    await l3!.setMany([[KEY, makeEntry({ last: 0.42 }, now - 2000, { ttlMs: 3_600_000 })]]);
    const load = tableLoader({}, clock);

    const first = await cache.get(KEY, load);
    expect(first).toEqual({ value: { last: 0.42 }, tier: 'L3', originAt: now - 2000, fetchedAt: now - 2000, stale: false });
    expect(l1.get(KEY)).toMatchObject({ label: 'L1', entry: { expiresAt: now + TTL.l1Ms } });

    const second = await cache.get(KEY, load);
    expect(second?.tier).toBe('L1');
    expect(load.calls).toEqual([]);

    await cache.flush();
    const inRedis = await l2!.getMany([KEY]);
    expect(inRedis.get(KEY)?.entry).toMatchObject({ value: { last: 0.42 }, originAt: now - 2000, expiresAt: now + TTL.l2Seconds * 1000 });
  });

  it('serves a value held only in L2 from L2 and copies it to L1 without outliving it', async () => {
    const { cache, clock, l1, l2 } = await build();
    const now = clock.now();
    // Two seconds left in L2: the L1 copy must not live five.
    await l2!.setMany([[KEY, makeEntry('v', now - 28_000, { ttlMs: 30_000 })]]);
    expect((await cache.get(KEY))?.tier).toBe('L2');
    expect(l1.get(KEY)?.entry.expiresAt).toBe(now + 2000);
  });

  it('asks each tier once for all missing keys and the loader once for what none holds', async () => {
    const { cache, clock, l2, l3 } = await build();
    const keys = ['A', 'B', 'C', 'D'].map(keyOf);
    await cache.setMany(keys.slice(0, 2).map((key) => ({ key, value: `cached ${key}`, source: 'kalshi' as const, originAt: clock.now() })));
    const l2Reads = vi.spyOn(l2!, 'getMany');
    const l3Reads = vi.spyOn(l3!, 'getMany');
    const load = tableLoader({ [keys[2]!]: 'live C', [keys[3]!]: 'live D' }, clock);

    const answers = await cache.getMany(keys, load);
    expect(answers.map((answer) => answer?.tier)).toEqual(['L1', 'L1', 'LIVE', 'LIVE']);
    expect(answers.map((answer) => answer?.value)).toEqual([`cached ${keys[0]}`, `cached ${keys[1]}`, 'live C', 'live D']);
    expect(load.calls).toEqual([keys.slice(2)]);
    expect(l2Reads.mock.calls).toEqual([[keys.slice(2)]]);
    expect(l3Reads.mock.calls).toEqual([[keys.slice(2)]]);

    // Duplicate keys in one request are one lookup and two answers.
    const again = await cache.getMany([keys[2]!, keys[2]!], load);
    expect(again.map((answer) => answer?.tier)).toEqual(['L1', 'L1']);
  });

  it('expires each tier on the clock: L1 → L2 → L3 → stale, then LIVE again', async () => {
    const { cache, clock } = await build();
    const ttl = ttlPolicy(1_000, 10, 100);
    await cache.set(KEY, 'v1', { source: 'kalshi', originAt: clock.now() }, ttl);
    await cache.flush();

    expect((await cache.get(KEY, undefined, { ttl }))?.tier).toBe('L1');
    await clock.advance(1_000);
    expect((await cache.get(KEY, undefined, { ttl }))?.tier).toBe('L2');
    await clock.advance(10_000);
    expect((await cache.get(KEY, undefined, { ttl }))?.tier).toBe('L3');
    await clock.advance(100_000);

    // Fresh nowhere, no loader: the freshest stale copy. L1 holds the same value as L3 (copied on
    // the previous read); on a tie the faster tier answers.
    expect(await cache.get(KEY, undefined, { ttl })).toMatchObject({ value: 'v1', tier: 'L1', stale: true });
    const load = tableLoader({ [KEY]: 'v2' }, clock);
    expect(await cache.get(KEY, load, { ttl })).toMatchObject({ value: 'v2', tier: 'LIVE', stale: false });
    expect(await cache.get(KEY, load, { ttl })).toMatchObject({ value: 'v2', tier: 'L1', stale: false });
  });

  it('writes loaded values to L1 now, L2 without waiting, L3 in the background', async () => {
    const { cache, clock, l1, l2, l3 } = await build();
    const load = tableLoader({ [KEY]: { last: 1 } }, clock);
    const served = await cache.get(KEY, load);
    expect(served).toMatchObject({ tier: 'LIVE', value: { last: 1 }, originAt: clock.now() - 100, fetchedAt: clock.now(), stale: false });
    expect(l1.get(KEY)?.entry.expiresAt).toBe(clock.now() + TTL.l1Ms);

    await cache.flush();
    expect((await l2!.getMany([KEY])).get(KEY)?.entry.expiresAt).toBe(clock.now() + TTL.l2Seconds * 1000);
    expect((await l3!.getMany([KEY])).get(KEY)?.entry.expiresAt).toBe(clock.now() + TTL.l3Seconds * 1000);
  });
});

describe('single flight', () => {
  it('100 concurrent gets of one cold key call a 20 ms loader exactly once', async () => {
    const { cache, clock } = await build();
    const load = tableLoader({ [KEY]: 'only once' }, clock, 20);
    const answers = await Promise.all(Array.from({ length: 100 }, () => cache.get(KEY, load)));
    expect(load.calls).toEqual([[KEY]]);
    expect(answers.every((answer) => answer?.value === 'only once' && !answer.stale)).toBe(true);
    // Whoever joined the load, or found its value in L1 after it, got the same value; most got LIVE.
    expect(answers.filter((answer) => answer?.tier === 'LIVE').length).toBeGreaterThan(0);
  });

  it('does not load a key that L1 received while the request was reading the slower tiers', async () => {
    // The same path a caller takes when another caller's load finishes while it reads L2: L1 is
    // checked again right before loading. Redis answers in order, so the MGET sent first misses
    // the copy written after it.
    const { cache, clock } = await build({ l3: false, l4: false });
    const load = tableLoader({ [KEY]: 'loaded' }, clock);
    const pending = cache.get(KEY, load);
    await cache.set(KEY, 'pushed', { source: 'kalshi', originAt: clock.now() });
    expect(await pending).toMatchObject({ value: 'pushed', tier: 'L1', stale: false });
    expect(load.calls).toEqual([]);
  });

  it('overlapping batches share the keys they have in common', async () => {
    const { cache, clock } = await build({ l2: false });
    const [a, b, c] = ['A', 'B', 'C'].map(keyOf) as [string, string, string];
    const load = tableLoader({ [a]: 1, [b]: 2, [c]: 3 }, clock, 20);
    const [first, second] = await Promise.all([cache.getMany([a, b], load), cache.getMany([b, c], load)]);
    expect(first.map((answer) => answer?.value)).toEqual([1, 2]);
    expect(second.map((answer) => answer?.value)).toEqual([2, 3]);
    expect(load.calls.flat().sort()).toEqual([a, b, c]);
  });

  it('a failed load is shared too: every waiter falls back on its own', async () => {
    const { cache } = await build({ l2: false, l3: false, l4: false });
    let calls = 0;
    const load: Loader<string> = async () => {
      calls += 1;
      await new Promise((resolve) => setTimeout(resolve, 20));
      throw new Error('down');
    };
    const errors: unknown[] = [];
    const answers = await Promise.all(Array.from({ length: 10 }, () => cache.get(KEY, load, { onError: (error) => errors.push(error) })));
    expect(calls).toBe(1);
    expect(answers).toEqual(Array(10).fill(null));
    expect(errors).toHaveLength(10);
  });
});

describe('stale-if-error', () => {
  it('serves the freshest stale copy across tiers, flagged stale, with its tier', async () => {
    const { cache, clock, l1, l3 } = await build();
    const now = clock.now();
    // L1 has an older expired copy, L3 a newer expired one: L3's wins.
    l1.set(KEY, makeEntry('older', now - 60_000, { ttlMs: 1000 }));
    await l3!.setMany([[KEY, makeEntry('newer', now - 30_000, { ttlMs: 1000 })]]);
    const load = failing();
    const errors: Array<[string, string[]]> = [];

    const served = await cache.get(KEY, load, { onError: (error, keys) => errors.push([(error as Error).message, keys]) });
    expect(served).toEqual({ value: 'newer', tier: 'L3', originAt: now - 30_000, fetchedAt: now - 30_000, stale: true });
    expect(errors).toEqual([['upstream down', [KEY]]]);
    expect(cache.lastError()).toMatchObject({ keys: [KEY] });

    // The other way round: L1's copy is the newer one.
    const other = keyOf('OTHER');
    l1.set(other, makeEntry('memory', now - 1000, { ttlMs: 500 }));
    await l3!.setMany([[other, makeEntry('database', now - 90_000, { ttlMs: 500 })]]);
    expect(await cache.get(other, load)).toMatchObject({ value: 'memory', tier: 'L1', stale: true });
    expect(load.calls).toBe(2);
  });

  it('serves stale copies without a loader, and null (no throw) when there is nothing', async () => {
    const { cache, clock, l3 } = await build();
    await l3!.setMany([[KEY, makeEntry('kept past expiry', clock.now() - 7_200_000, { ttlMs: 1000 })]]);
    const [stale, nothing] = await cache.getMany([KEY, keyOf('NEVER')]);
    expect(stale).toMatchObject({ value: 'kept past expiry', tier: 'L3', stale: true });
    expect(nothing).toBeNull();

    const errors: unknown[] = [];
    expect(await cache.get(keyOf('NEVER'), failing(), { onError: (error) => errors.push(error) })).toBeNull();
    expect(errors).toHaveLength(1);
  });

  it('treats a key the loader left out as a failed load of that key', async () => {
    const { cache, clock, l3 } = await build();
    const [a, b] = [keyOf('A'), keyOf('B')];
    await l3!.setMany([[b, makeEntry('old b', clock.now() - 60_000, { ttlMs: 1000 })]]);
    const load = tableLoader({ [a]: 'live a' }, clock);
    const errors: Array<[unknown, string[]]> = [];
    const answers = await cache.getMany([a, b], load, { onError: (error, keys) => errors.push([error, keys]) });
    expect(answers.map((answer) => [answer?.value, answer?.tier, answer?.stale])).toEqual([
      ['live a', 'LIVE', false],
      ['old b', 'L3', true],
    ]);
    expect(errors).toHaveLength(1);
    expect(errors[0]![0]).toBeInstanceOf(NotLoadedError);
    expect(errors[0]![1]).toEqual([b]);
  });
});

describe('L4 fallback files', () => {
  it('a restart with every upstream down answers from L4 (new L1, no Redis, empty database)', async () => {
    const before = await build();
    const now = before.clock.now();
    const longL1 = ttlPolicy(600_000, 600, 3600);
    await before.cache.setMany([
      { key: keyOf('A'), value: { last: 0.41 }, source: 'kalshi', originAt: now - 500 },
      { key: cacheKey('john', 'metrics', 'revenue'), value: { usd: '12.50' }, source: 'john', originAt: now - 500 },
    ]);
    await before.cache.set(keyOf('LONG'), 'still fresh', { source: 'kalshi', originAt: now }, longL1);
    before.cache.startBackgroundJobs({ snapshotIntervalMs: 60_000, pruneIntervalMs: null });
    await before.clock.advance(60_000);
    const dir = before.l4!.directory;
    await vi.waitFor(async () => expect((await readdir(dir)).sort()).toEqual(['john.metrics.json', 'kalshi.markets.json']));

    // The restart: same CACHE_DIR, nothing else.
    const emptyDatabase = await openTestStore();
    try {
      const after = await build({ clock: before.clock, l2: false, l3: emptyDatabase });
      const warmed = await after.cache.warmFromL4();
      expect(warmed).toEqual({ entries: 3, files: 2, skipped: [] });

      const upstreamDown = failing();
      const answers = await after.cache.getMany([keyOf('A'), cacheKey('john', 'metrics', 'revenue'), keyOf('LONG')], upstreamDown);
      expect(answers).toEqual([
        { value: { last: 0.41 }, tier: 'L4', originAt: now - 500, fetchedAt: now, stale: true },
        { value: { usd: '12.50' }, tier: 'L4', originAt: now - 500, fetchedAt: now, stale: true },
        // Still within its TTL: served as fresh, but labelled by where it came from.
        { value: 'still fresh', tier: 'L4', originAt: now, fetchedAt: now, stale: false },
      ]);
      expect(upstreamDown.calls).toBe(1);

      // The upstream is back: live values replace the warmed ones.
      const load = tableLoader({ [keyOf('A')]: { last: 0.5 } }, after.clock);
      expect(await after.cache.get(keyOf('A'), load)).toMatchObject({ tier: 'LIVE', value: { last: 0.5 } });
      expect(await after.cache.get(keyOf('A'), load)).toMatchObject({ tier: 'L1', value: { last: 0.5 } });
    } finally {
      await Promise.all(open.splice(0).map((cache) => cache.close()));
      await emptyDatabase.cleanup();
    }
  });

  it('writes a last snapshot on close', async () => {
    const { cache, clock, l4 } = await build({ l2: false, l3: false });
    cache.startBackgroundJobs({ snapshotIntervalMs: 60_000 });
    await cache.set(KEY, 'at shutdown', { source: 'kalshi', originAt: clock.now() });
    await cache.close();
    const reloaded = new FileTier({ cacheDir: temp.dir, clock });
    await reloaded.loadAll();
    expect(reloaded.get(KEY)?.value).toBe('at shutdown');
    expect(l4!.size).toBe(1);
  });
});

describe('startup warm from the durable tiers', () => {
  it('takes each key from the newer of the database and the files (a tie: the database), labelled by tier', async () => {
    const { cache, clock, l1, l3, l4 } = await build({ l2: false });
    const now = clock.now();
    const metricsKey = cacheKey('john', 'metrics', 'agent:john:main');
    const bookKey = cacheKey('kalshi', 'orderBooks', 'kalshi:A');
    // The files: what the last snapshot had, a minute before the crash.
    await l4!.writeSnapshot([
      [keyOf('NEWER-IN-DB'), makeEntry('file', now - 60_000)],
      [keyOf('NEWER-IN-FILE'), makeEntry('file', now - 1_000)],
      [keyOf('TIE'), makeEntry('file', now - 5_000)],
      [keyOf('ONLY-IN-FILE'), makeEntry('file', now - 60_000)],
    ]);
    await l4!.loadAll();
    await cache.warmFromL4();
    // The database: written seconds after every poll, up to the crash.
    await l3!.setMany([
      [keyOf('NEWER-IN-DB'), makeEntry('db', now - 2_000, { ttlMs: 3_600_000 })],
      [keyOf('NEWER-IN-FILE'), makeEntry('db', now - 30_000)],
      [keyOf('TIE'), makeEntry('db', now - 5_000)],
      [keyOf('ONLY-IN-DB'), makeEntry('db', now - 3_000)],
      [metricsKey, makeEntry(['m'], now - 3_000, { source: 'john' })],
      [bookKey, makeEntry('a book', now - 3_000)],
      ['DATA:KALSHI:MARKETS:kalshi:UPPER:v1', makeEntry('another key', now - 3_000)],
    ]);

    const warmed = await cache.warmFromL3(['data:kalshi:markets:', 'data:john:metrics:']);
    const byKey = Object.fromEntries(warmed.map((w) => [w.key, { tier: w.tier, value: w.entry.value, originAt: w.entry.originAt }]));
    expect(byKey).toEqual({
      [keyOf('NEWER-IN-DB')]: { tier: 'L3', value: 'db', originAt: now - 2_000 },
      [keyOf('NEWER-IN-FILE')]: { tier: 'L4', value: 'file', originAt: now - 1_000 },
      [keyOf('TIE')]: { tier: 'L3', value: 'db', originAt: now - 5_000 },
      [keyOf('ONLY-IN-FILE')]: { tier: 'L4', value: 'file', originAt: now - 60_000 },
      [keyOf('ONLY-IN-DB')]: { tier: 'L3', value: 'db', originAt: now - 3_000 },
      [metricsKey]: { tier: 'L3', value: ['m'], originAt: now - 3_000 },
    });
    // Other kinds are not warmed from the database (reads find them there when asked).
    expect(l1.peekStale(bookKey)).toBeUndefined();

    // The warmed copy is fresh for L1's TTL only, even where the row is fresh for an hour; then the
    // read goes to the database again, and it is still L3 that answers.
    expect(await cache.get(keyOf('NEWER-IN-DB'), failing())).toMatchObject({ tier: 'L3', value: 'db', stale: false });
    expect(l1.get(keyOf('NEWER-IN-DB'))?.entry.expiresAt).toBe(now + TTL.l1Ms);
    await clock.advance(TTL.l1Ms + 1);
    const upstreamDown = failing();
    expect(await cache.get(keyOf('NEWER-IN-DB'), upstreamDown)).toMatchObject({ tier: 'L3', value: 'db', originAt: now - 2_000, stale: false });
    expect(upstreamDown.calls).toBe(0);
  });

  it('without a database tier, resolves what the files warmed', async () => {
    const { cache, clock, l4 } = await build({ l2: false, l3: false });
    await l4!.writeSnapshot([[keyOf('A'), makeEntry('file', clock.now() - 1000)]]);
    await l4!.loadAll();
    await cache.warmFromL4();
    expect(await cache.warmFromL3(['data:kalshi:markets:'])).toEqual([{ key: keyOf('A'), entry: makeEntry('file', clock.now() - 1000), tier: 'L4' }]);
  });
});

describe('writes, invalidation, status', () => {
  it('set is write-through: L1 and L2 when it resolves, L3 after the background writer', async () => {
    const { cache, clock, l1, l2, l3 } = await build();
    const l2Writes = vi.spyOn(l2!, 'setMany');
    const l3Writes = vi.spyOn(l3!, 'setMany');
    const items = ['A', 'B', 'C'].map((id) => ({ key: keyOf(id), value: id, source: 'kalshi' as const, originAt: clock.now() }));
    await cache.setMany(items);
    expect(l1.get(keyOf('A'))?.entry.value).toBe('A');
    expect((await l2!.getMany(items.map((item) => item.key))).size).toBe(3);
    await cache.flush();
    expect((await l3!.getMany(items.map((item) => item.key))).size).toBe(3);
    // One pipeline, one transaction for the batch.
    expect(l2Writes).toHaveBeenCalledTimes(1);
    expect(l3Writes).toHaveBeenCalledTimes(1);
  });

  it('reports every tier for health, an absent tier as unhealthy', async () => {
    const full = await build();
    await full.cache.get(KEY, tableLoader({ [KEY]: 1 }, full.clock));
    await full.cache.get(KEY);
    expect(full.cache.status()).toEqual([
      { tier: 'L1', healthy: true, hits: 1, misses: 1 },
      { tier: 'L2', healthy: true, hits: 0, misses: 1 },
      { tier: 'L3', healthy: true, hits: 0, misses: 1 },
      { tier: 'L4', healthy: true, hits: 0, misses: 1 },
    ]);

    const memoryOnly = await build({ l2: false, l3: false, l4: false });
    expect(memoryOnly.cache.status().map((row) => [row.tier, row.healthy])).toEqual([
      ['L1', true],
      ['L2', false],
      ['L3', false],
      ['L4', false],
    ]);
  });

  it('exposes its counters on the registry it was given', async () => {
    const registry = new Registry();
    const { cache, clock } = await build({ registry, l2: false, l3: false, l4: false });
    await cache.get(KEY, tableLoader({ [KEY]: 1 }, clock));
    await cache.get(KEY);
    const text = await registry.metrics();
    expect(text).toContain('northstar_cache_hits_total{tier="L1"} 1');
    expect(text).toContain('northstar_cache_hits_total{tier="LIVE"} 1');
    expect(text).toContain('northstar_cache_operation_duration_seconds_count{tier="LIVE",operation="load"} 1');
  });
});
