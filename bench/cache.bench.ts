/**
 * Cache read latency per tier: `get` of one key answered by L1 (memory), L2 (real Redis), L3 (real
 * SQLite through Prisma), L4 (the files' in-memory index), and by L3 with Redis down (L2 pointed at
 * a closed port), next to a plain `Map.get` measured in the same run. For L2–L4 the key is removed
 * from L1 before each (timed) call, so every call goes down to the tier measured. Iteration counts are
 * fixed, so the run always ends. `npm run bench cache`; REDIS_URL picks the Redis (default
 * redis://127.0.0.1:6379; without one the L2 row says so). BENCH_CACHE_SCALE multiplies the counts.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import { cacheKey, ttlPolicy, type CacheEntry } from '../src/cache/entry.js';
import { MemoryTier } from '../src/cache/l1-memory.js';
import { RedisTier } from '../src/cache/l2-redis.js';
import { escapeGlob } from '../test/cache/helpers.js';
import { DatabaseTier } from '../src/cache/l3-sqlite.js';
import { FileTier } from '../src/cache/l4-files.js';
import { TieredCache } from '../src/cache/tiered-cache.js';
import { systemClock } from '../src/core/clock.js';
import { HistoryStore } from '../src/history/history-store.js';
import { percentile } from './lib/measure.js';

const SCALE = Number(process.env.BENCH_CACHE_SCALE ?? 1);
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const TTL = ttlPolicy(3_600_000, 3600, 3600);
const KEYS = 200;

interface Row {
  name: string;
  iterations: number;
  p50Us: number;
  p99Us: number;
  perSecond: number;
  note?: string;
}

/** Times each call; `before` (untimed) puts the tier in the state the row measures. */
async function measure(name: string, iterations: number, call: (i: number) => unknown, before?: (i: number) => void): Promise<Row> {
  // Warm-up: JIT, Prisma's first query, Redis connection buffers.
  for (let i = 0; i < Math.min(200, iterations); i++) {
    before?.(i);
    await call(i);
  }
  const latencies = new Float64Array(iterations);
  let total = 0;
  for (let i = 0; i < iterations; i++) {
    before?.(i);
    const startedAt = performance.now();
    await call(i);
    const elapsed = performance.now() - startedAt;
    latencies[i] = elapsed;
    total += elapsed;
  }
  const sorted = Array.from(latencies).sort((a, b) => a - b);
  return { name, iterations, p50Us: percentile(sorted, 50) * 1000, p99Us: percentile(sorted, 99) * 1000, perSecond: iterations / (total / 1000) };
}

function print(rows: Row[]): void {
  console.log('\ncache get latency (one key per call; µs)');
  console.log(`${'served by'.padEnd(40)} ${'calls'.padStart(7)} ${'p50'.padStart(10)} ${'p99'.padStart(10)} ${'calls/s'.padStart(11)}`);
  for (const row of rows) {
    if (row.note) {
      console.log(`${row.name.padEnd(40)} ${row.note}`);
      continue;
    }
    console.log(
      `${row.name.padEnd(40)} ${String(row.iterations).padStart(7)} ${row.p50Us.toFixed(1).padStart(10)} ${row.p99Us.toFixed(1).padStart(10)} ${row.perSecond.toFixed(0).padStart(11)}`,
    );
  }
}

async function closedPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 1));
    });
  });
}

/** Removes what the L2 row wrote (SCAN + UNLINK); nothing to do without Redis. */
async function removeNamespace(namespace: string): Promise<void> {
  const client = new Redis(REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
  client.on('error', () => {});
  try {
    await client.connect();
    let cursor = '0';
    do {
      const [next, found] = await client.scan(cursor, 'MATCH', `${escapeGlob(namespace)}*`, 'COUNT', 500);
      cursor = next;
      if (found.length > 0) await client.unlink(...found);
    } while (cursor !== '0');
  } catch {
    // No Redis: nothing was written there.
  } finally {
    client.disconnect();
  }
}

export async function run(): Promise<void> {
  const clock = systemClock;
  const dir = await mkdtemp(path.join(os.tmpdir(), 'northstar-cache-bench-'));
  const namespace = `northstar-bench:${process.pid}:`;
  const history = await HistoryStore.open(`file:${path.join(dir, 'bench.db')}`);
  const keys = Array.from({ length: KEYS }, (_, i) => cacheKey('kalshi', 'markets', `kalshi:BENCH-${i}`));
  const keyAt = (i: number): string => keys[i % KEYS]!;
  const value = { ticker: 'BENCH', prices: { bid: 0.41, ask: 0.43, last: 0.42 }, volume: { volume24h: 12345 }, title: 'A market of typical size '.repeat(4) };
  const now = clock.now();
  const entry: CacheEntry = { value, source: 'kalshi', originAt: now, fetchedAt: now, storedAt: now, expiresAt: now + 3_600_000 };
  const rows: Row[] = [];
  const caches: TieredCache[] = [];
  const make = (tiers: Partial<Pick<ConstructorParameters<typeof TieredCache>[0], 'l2' | 'l3' | 'l4'>>): { cache: TieredCache; l1: MemoryTier } => {
    const l1 = new MemoryTier({ clock });
    const cache = new TieredCache({ l1, clock, defaultTtl: TTL, ...tiers });
    caches.push(cache);
    return { cache, l1 };
  };

  try {
    // Baseline: the cheapest possible lookup, measured the same way.
    const map = new Map(keys.map((key) => [key, entry] as const));
    rows.push(await measure('baseline: Map.get (sync)', 100_000 * SCALE, (i) => map.get(keyAt(i))));

    const memory = make({});
    await memory.cache.setMany(keys.map((key) => ({ key, value, source: 'kalshi' as const, originAt: now })));
    rows.push(await measure('L1 memory', 100_000 * SCALE, (i) => memory.cache.get(keyAt(i))));

    const redisUp = await (async () => {
      const probe = new Redis(REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null, connectTimeout: 1000 });
      probe.on('error', () => {});
      try {
        await probe.connect();
        await probe.ping();
        return true;
      } catch {
        return false;
      } finally {
        probe.disconnect();
      }
    })();
    if (redisUp) {
      const l2 = new RedisTier({ url: REDIS_URL, clock, namespace });
      await l2.connect();
      const withRedis = make({ l2 });
      await l2.setMany(keys.map((key) => [key, entry] as const));
      rows.push(
        await measure(
          'L2 redis (L1 miss)',
          5_000 * SCALE,
          (i) => withRedis.cache.get(keyAt(i)),
          (i) => withRedis.l1.delete(keyAt(i)),
        ),
      );
    } else {
      rows.push({ name: 'L2 redis (L1 miss)', iterations: 0, p50Us: 0, p99Us: 0, perSecond: 0, note: `not measured: no Redis answers at ${REDIS_URL}` });
    }

    const l3 = new DatabaseTier({ prisma: history.prisma, clock });
    await l3.setMany(keys.map((key) => [key, entry] as const));
    const withDatabase = make({ l3 });
    rows.push(
      await measure(
        'L3 sqlite (L1 miss, no L2)',
        5_000 * SCALE,
        (i) => withDatabase.cache.get(keyAt(i)),
        (i) => withDatabase.l1.delete(keyAt(i)),
      ),
    );

    const deadRedis = new RedisTier({ url: `redis://127.0.0.1:${await closedPort()}`, clock });
    await deadRedis.connect(200);
    const redisDown = make({ l2: deadRedis, l3 });
    rows.push(
      await measure(
        'L3 sqlite with Redis down (L1 miss)',
        5_000 * SCALE,
        (i) => redisDown.cache.get(keyAt(i)),
        (i) => redisDown.l1.delete(keyAt(i)),
      ),
    );

    const l4 = new FileTier({ cacheDir: dir, clock });
    await l4.writeSnapshot(keys.map((key) => [key, entry] as const));
    const withFiles = make({ l4 });
    rows.push(
      await measure(
        'L4 files index (L1 miss, no L2/L3)',
        50_000 * SCALE,
        (i) => withFiles.cache.get(keyAt(i)),
        (i) => withFiles.l1.delete(keyAt(i)),
      ),
    );

    // Batching: 50 keys in one getMany from L3 is one findMany.
    const batch = keys.slice(0, 50);
    rows.push(
      await measure(
        'L3 sqlite, getMany of 50 keys (per call)',
        1_000 * SCALE,
        () => withDatabase.cache.getMany(batch),
        () => {
          for (const key of batch) withDatabase.l1.delete(key);
        },
      ),
    );

    print(rows);
  } finally {
    await Promise.all(caches.map((cache) => cache.close()));
    await removeNamespace(namespace);
    await history.close();
    await rm(dir, { recursive: true, force: true });
  }
}
