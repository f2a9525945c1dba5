/**
 * Redis dies mid-traffic and comes back; Redis hangs and wakes up. Runs its own redis-server (the
 * shared one is not ours to kill): SIGKILLs it while requests are being answered and restarts it on
 * the same port; SIGSTOPs another (connected, silent: the case only a timeout can detect) and
 * SIGCONTs it.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { CacheMetrics } from '../../src/cache/cache-metrics.js';
import { cacheKey } from '../../src/cache/entry.js';
import { MemoryTier } from '../../src/cache/l1-memory.js';
import { RedisTier } from '../../src/cache/l2-redis.js';
import { DatabaseTier } from '../../src/cache/l3-sqlite.js';
import { FileTier } from '../../src/cache/l4-files.js';
import { TieredCache } from '../../src/cache/tiered-cache.js';
import { ManualClock } from '../../src/core/clock.js';
import {
  captureLogger,
  freePort,
  makeTempDir,
  openTestStore,
  requireRedisServerBinary,
  startRedisServer,
  type RedisProcess,
  type TempDir,
  type TestStore,
} from './helpers.js';

/** Wall time per call. */
const LATENCY_BUDGET_MS = 50;
/**
 * On a two-core machine shared with other test workers the scheduler alone can hold this process
 * for 50–150 ms (measured with monitorEventLoopDelay while these tests ran). Two defences, neither
 * of which can hide a cost the cache causes, because such a cost repeats on every attempt:
 * - a read that went over budget WHILE the event loop was seen stalled (a 1 ms ticker found a gap
 *   over STALL_MS: the process was not running) is measured again, at most READ_ATTEMPTS times, in
 *   the same state (Redis still dead or hung). Waiting on Redis leaves the loop idle, not stalled.
 * - the test as a whole may run again (each attempt starts its own redis-server from scratch), for
 *   the one read that races the kill and cannot be repeated in the same state.
 * Every attempt prints its numbers, and re-measured reads are counted in the output.
 */
const LATENCY_RETRIES = 2;
const READ_ATTEMPTS = 3;
const STALL_MS = 20;

interface Read {
  ms: number;
  tier: string | undefined;
  /** Measurements taken (more than one: the earlier ones overlapped a scheduler stall). */
  attempts: number;
}

async function timedRead(call: () => Promise<{ tier: string } | null>, options: { remeasureStalls: boolean }): Promise<Read> {
  for (let attempt = 1; ; attempt++) {
    let lastTick = performance.now();
    let longestGap = 0;
    const ticker = setInterval(() => {
      const now = performance.now();
      longestGap = Math.max(longestGap, now - lastTick);
      lastTick = now;
    }, 1);
    const startedAt = performance.now();
    const served = await call();
    const endedAt = performance.now();
    clearInterval(ticker);
    longestGap = Math.max(longestGap, endedAt - lastTick);
    const read: Read = { ms: endedAt - startedAt, tier: served?.tier, attempts: attempt };
    const disturbed = read.ms >= LATENCY_BUDGET_MS && longestGap > STALL_MS;
    if (!options.remeasureStalls || !disturbed || attempt >= READ_ATTEMPTS) return read;
  }
}

function describeReads(reads: Read[]): string {
  const sorted = reads.map((read) => read.ms).sort((a, b) => a - b);
  const remeasured = reads.filter((read) => read.attempts > 1).length;
  const over = reads.flatMap((read, index) => (read.ms >= LATENCY_BUDGET_MS ? [`#${index} ${read.ms.toFixed(1)} ms`] : []));
  return (
    `${reads.length} reads, p50 ${sorted[Math.floor(sorted.length / 2)]!.toFixed(2)} ms, slowest ${sorted[sorted.length - 1]!.toFixed(2)} ms, ` +
    `re-measured after a stall: ${remeasured}${over.length > 0 ? `, over budget: ${over.join(', ')}` : ''}`
  );
}
let server: RedisProcess | null = null;
let paused: RedisProcess | null = null;
let store: TestStore;
let temp: TempDir;

beforeAll(async () => {
  requireRedisServerBinary();
  store = await openTestStore();
  temp = await makeTempDir();
});

afterAll(async () => {
  await server?.kill();
  await paused?.kill();
  await store?.cleanup();
  await temp?.cleanup();
});

describe('Redis killed and restarted', () => {
  it('keeps answering from the other tiers within 50 ms per call, reports L2 down, and recovers by itself', { retry: LATENCY_RETRIES }, async () => {
    const port = await freePort();
    server = await startRedisServer(port);
    const clock = new ManualClock();
    const metrics = new CacheMetrics();
    const { logger, lines } = captureLogger();
    const l1 = new MemoryTier({ clock });
    // Backoff capped at 250 ms instead of 2 s so the test sees the reconnect quickly; nothing else differs.
    const l2 = new RedisTier({ url: server.url, clock, metrics, logger, reconnectMaxDelayMs: 250 });
    const cache = new TieredCache({
      l1,
      l2,
      l3: new DatabaseTier({ prisma: store.store.prisma, clock, metrics, logger }),
      l4: new FileTier({ cacheDir: temp.dir, clock, metrics, logger }),
      clock,
      metrics,
      logger,
    });
    try {
      expect(await l2.connect()).toBe(true);
      // What startup does (openCache): the first L3 query pays Prisma's one-time preparation, which
      // is not what this test measures.
      await cache.l3!.warmUp();
      const keys = Array.from({ length: 20 }, (_, i) => cacheKey('kalshi', 'markets', `kalshi:T${i}`));
      await cache.setMany(keys.map((key, i) => ({ key, value: { last: i / 100 }, source: 'kalshi' as const, originAt: clock.now() })));
      await cache.flush();
      // Every read below misses L1 on purpose, so each one goes through L2 (dead) to L3.
      const readThroughL2 = (key: string, remeasureStalls = false): Promise<Read> =>
        timedRead(
          () => {
            l1.delete(key);
            return cache.get(key);
          },
          { remeasureStalls },
        );
      expect(await readThroughL2(keys[0]!)).toMatchObject({ tier: 'L2' });

      // Kill without waiting for the process to be gone: the first reads race the client noticing,
      // a state that cannot be repeated, so they are measured once.
      const dead = server.kill();
      const during: Read[] = [];
      for (const key of keys.slice(0, 5)) during.push(await readThroughL2(key));
      await dead;
      for (let round = 0; round < 2; round++) for (const key of keys) during.push(await readThroughL2(key, true));

      console.info(`redis killed: ${describeReads(during)}`);
      expect(during.every((read) => read.tier === 'L3' || read.tier === 'L2')).toBe(true);
      expect(during.filter((read) => read.ms >= LATENCY_BUDGET_MS)).toEqual([]);
      expect(during.slice(-20).every((read) => read.tier === 'L3')).toBe(true);
      expect(during.filter((read) => read.attempts > 1).length).toBeLessThanOrEqual(5);

      await vi.waitFor(() => expect(cache.status().find((row) => row.tier === 'L2')?.healthy).toBe(false));
      // Writes while down cost nothing and do not throw.
      const writeStartedAt = performance.now();
      await cache.set(keys[0]!, { last: 0.99 }, { source: 'kalshi', originAt: clock.now() });
      expect(performance.now() - writeStartedAt).toBeLessThan(LATENCY_BUDGET_MS);
      expect(metrics.countsOf('L2').errors).toBeGreaterThan(0);
      expect(lines().filter((line) => line.msg === 'redis cache tier unavailable; serving from the other tiers while reconnecting')).toHaveLength(1);

      // Back on the same port: the client reconnects on its own.
      server = await startRedisServer(port);
      await vi.waitFor(() => expect(cache.status().find((row) => row.tier === 'L2')?.healthy).toBe(true), { timeout: 10_000, interval: 20 });
      await cache.set(keys[1]!, { last: 0.5 }, { source: 'kalshi', originAt: clock.now() });
      expect(await readThroughL2(keys[1]!)).toMatchObject({ tier: 'L2' });
      expect(lines().some((line) => line.msg === 'redis cache tier reconnected')).toBe(true);
    } finally {
      await cache.close();
      await server.kill();
    }
  });

  it('stops asking a Redis that hangs after three timeouts, and uses it again once it answers', { retry: LATENCY_RETRIES }, async () => {
    const port = await freePort();
    paused = await startRedisServer(port);
    const clock = new ManualClock();
    const metrics = new CacheMetrics();
    const { logger, lines } = captureLogger();
    const l1 = new MemoryTier({ clock });
    const l2 = new RedisTier({ url: paused.url, clock, metrics, logger, cooldownMs: 1000 });
    const cache = new TieredCache({ l1, l2, l3: new DatabaseTier({ prisma: store.store.prisma, clock, metrics, logger }), clock, metrics, logger });
    try {
      expect(await l2.connect()).toBe(true);
      await cache.l3!.warmUp();
      const key = cacheKey('kalshi', 'markets', 'kalshi:HUNG');
      await cache.set(key, 'v', { source: 'kalshi', originAt: clock.now() });
      await cache.flush();
      const read = (remeasureStalls = false): Promise<Read> =>
        timedRead(
          () => {
            l1.delete(key);
            return cache.get(key);
          },
          { remeasureStalls },
        );

      paused.child.kill('SIGSTOP');
      const reads: Read[] = [];
      // Until the tier pauses, reads wait out command timeouts: expected slow, measured once.
      for (let i = 0; i < 3; i++) reads.push(await read());
      for (let i = 3; i < 20; i++) reads.push(await read(true));
      console.info(
        `redis hung: first reads ${reads
          .slice(0, 3)
          .map((r) => r.ms.toFixed(1))
          .join(', ')} ms; then ${describeReads(reads.slice(3))}`,
      );
      expect(reads.every((r) => r.tier === 'L3')).toBe(true);
      // Until three commands have timed out (a read's MGET, and the L2 copy it then writes, count),
      // a read waits out the 50 ms command timeout: bounded, not seconds...
      const slow = reads.filter((r) => r.ms >= LATENCY_BUDGET_MS);
      expect(slow.length).toBeGreaterThan(0);
      expect(slow.length).toBeLessThanOrEqual(3);
      expect(slow.every((r) => r.ms < 250)).toBe(true);
      // ...then the tier is skipped and every read is fast again.
      expect(reads.slice(3).filter((r) => r.ms >= LATENCY_BUDGET_MS)).toEqual([]);
      expect(cache.status().find((row) => row.tier === 'L2')?.healthy).toBe(false);
      expect(lines().filter((line) => line.msg === 'redis cache tier not answering; skipping it for a while')).toHaveLength(1);

      paused.child.kill('SIGCONT');
      await clock.advance(1000);
      expect(cache.status().find((row) => row.tier === 'L2')?.healthy).toBe(true);
      await cache.set(key, 'after', { source: 'kalshi', originAt: clock.now() });
      expect(await read()).toMatchObject({ tier: 'L2' });
      expect(lines().some((line) => line.msg === 'redis cache tier answering again')).toBe(true);
    } finally {
      await cache.close();
      await paused.kill();
    }
  });
});
