import net from 'node:net';
import type { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { CacheMetrics } from '../../src/cache/cache-metrics.js';
import { RedisTier, createRedisTier } from '../../src/cache/l2-redis.js';
import { ManualClock } from '../../src/core/clock.js';
import { SHARED_REDIS_URL, escapeGlob, freePort, makeEntry, rawRedis, removeNamespace, requireSharedRedis, uniqueNamespace } from './helpers.js';

let raw: Redis;
const namespace = uniqueNamespace();
const tiers: RedisTier[] = [];

async function openTier(clock: ManualClock, options: { url?: string; metrics?: CacheMetrics } = {}): Promise<RedisTier> {
  // Behaviour, not timing: a loaded test machine can make the shared Redis miss the production 50 ms.
  const tier = new RedisTier({
    url: options.url ?? SHARED_REDIS_URL,
    clock,
    namespace,
    commandTimeoutMs: 2000,
    ...(options.metrics ? { metrics: options.metrics } : {}),
  });
  tiers.push(tier);
  await tier.connect();
  return tier;
}

beforeAll(async () => {
  await requireSharedRedis();
  raw = rawRedis();
});

afterEach(async () => {
  await Promise.all(tiers.splice(0).map((tier) => tier.close()));
  await removeNamespace(raw, namespace);
});

afterAll(() => {
  raw.disconnect();
});

/**
 * ioredis itself holds one `ready` listener while a connection attempt is in flight (its connect()
 * promise; removed when the attempt closes). Anything beyond that is ours.
 */
const IOREDIS_ATTEMPT = 1;

/** The tier's ioredis client, to count the listeners connect() leaves on it. */
function clientOf(tier: RedisTier): Redis {
  return (tier as unknown as { redis: Redis }).redis;
}

/** A TCP server that accepts connections and never answers: a Redis that does not speak in time. */
async function silentServer(): Promise<{ url: string; close(): Promise<void> }> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('error', () => {});
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  return {
    url: `redis://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

describe('RedisTier', () => {
  it('writes a batch in one pipeline with PX from expiresAt, and reads it back in one MGET', async () => {
    const clock = new ManualClock();
    const l2 = await openTier(clock);
    const now = clock.now();
    const written = await l2.setMany([
      ['data:kalshi:markets:A:v1', makeEntry({ p: 1 }, now, { ttlMs: 30_000 })],
      ['data:kalshi:markets:B:v1', makeEntry({ p: 2 }, now, { ttlMs: 30_000 })],
      ['data:kalshi:markets:expired:v1', makeEntry({ p: 3 }, now - 10, { ttlMs: 5 })],
    ]);
    expect(written).toBe(2);

    const ttl = await raw.pttl(`${namespace}data:kalshi:markets:A:v1`);
    expect(ttl).toBeGreaterThan(29_000);
    expect(ttl).toBeLessThanOrEqual(30_000);
    expect(await raw.exists(`${namespace}data:kalshi:markets:expired:v1`)).toBe(0);

    const found = await l2.getMany(['data:kalshi:markets:A:v1', 'data:kalshi:markets:B:v1', 'data:kalshi:markets:C:v1']);
    expect([...found.keys()]).toEqual(['data:kalshi:markets:A:v1', 'data:kalshi:markets:B:v1']);
    expect(found.get('data:kalshi:markets:B:v1')?.entry).toEqual(makeEntry({ p: 2 }, now, { ttlMs: 30_000 }));
  });

  it('treats an entry past expiresAt on the injected clock as gone, even if Redis still holds it', async () => {
    const clock = new ManualClock();
    const l2 = await openTier(clock);
    await l2.setMany([['k', makeEntry(1, clock.now(), { ttlMs: 10_000 })]]);
    await clock.advance(10_000);
    expect((await l2.getMany(['k'])).size).toBe(0);
  });

  it('ignores an unreadable value (counted as an error), not the whole batch', async () => {
    const clock = new ManualClock();
    const metrics = new CacheMetrics();
    const l2 = await openTier(clock, { metrics });
    await raw.set(`${namespace}bad`, '{not json', 'PX', 10_000);
    await l2.setMany([['good', makeEntry('ok', clock.now())]]);
    const found = await l2.getMany(['bad', 'good']);
    expect([...found.keys()]).toEqual(['good']);
    expect(metrics.countsOf('L2').errors).toBe(1);
  });

  it('escapes glob characters for SCAN MATCH (the namespace cleanup of tests and benches)', () => {
    expect(escapeGlob('a*b?c[d]e\\f')).toBe('a\\*b\\?c\\[d\\]e\\\\f');
  });

  it('starts against a closed port without throwing, and costs nothing per call while down', async () => {
    const clock = new ManualClock();
    const metrics = new CacheMetrics();
    const port = await freePort();
    const l2 = new RedisTier({ url: `redis://127.0.0.1:${port}`, clock, metrics });
    tiers.push(l2);

    const startedAt = performance.now();
    expect(await l2.connect(200)).toBe(false);
    expect(performance.now() - startedAt).toBeLessThan(1000);
    expect(l2.healthy()).toBe(false);

    const callStarted = performance.now();
    expect((await l2.getMany(['k'])).size).toBe(0);
    expect(await l2.setMany([['k', makeEntry(1, clock.now())]])).toBe(0);
    // No I/O at all while down: well under the 50 ms budget even on a loaded machine.
    expect(performance.now() - callStarted).toBeLessThan(50);
    expect(metrics.countsOf('L2').errors).toBe(2);
  });

  it('connect() that times out against a Redis that never answers leaves no ready listener behind', async () => {
    const silent = await silentServer();
    try {
      const l2 = new RedisTier({ url: silent.url, clock: new ManualClock(), connectTimeoutMs: 5000 });
      tiers.push(l2);
      const client = clientOf(l2);
      const baseline = client.listenerCount('ready'); // the tier's own, from the constructor
      for (let attempt = 0; attempt < 5; attempt++) {
        expect(await l2.connect(50)).toBe(false);
        expect(client.listenerCount('ready')).toBeLessThanOrEqual(baseline + IOREDIS_ATTEMPT);
      }
      // ioredis's own attempt ends when the socket does; a silent peer only closes it when it goes.
      await l2.close();
      await silent.close();
      await vi.waitFor(() => expect(client.listenerCount('ready')).toBe(baseline));
    } finally {
      await silent.close();
    }
  });

  it('repeated connect() attempts against a closed port do not grow the ready listeners', async () => {
    const l2 = new RedisTier({ url: `redis://127.0.0.1:${await freePort()}`, clock: new ManualClock() });
    tiers.push(l2);
    const client = clientOf(l2);
    const baseline = client.listenerCount('ready');
    for (let attempt = 0; attempt < 5; attempt++) {
      expect(await l2.connect(20)).toBe(false);
      expect(client.listenerCount('ready')).toBeLessThanOrEqual(baseline + IOREDIS_ATTEMPT);
    }
    await l2.close();
    await vi.waitFor(() => expect(client.listenerCount('ready')).toBe(baseline));
  });

  it('connect() that succeeds removes its ready listener as well', async () => {
    const l2 = new RedisTier({ url: SHARED_REDIS_URL, clock: new ManualClock(), namespace, commandTimeoutMs: 2000 });
    tiers.push(l2);
    const client = clientOf(l2);
    const baseline = client.listenerCount('ready');
    expect(await l2.connect(5000)).toBe(true);
    expect(client.listenerCount('ready')).toBe(baseline);
    // Already connected: answers at once, adds nothing.
    expect(await l2.connect(5000)).toBe(true);
    expect(client.listenerCount('ready')).toBe(baseline);
    expect(await l2.setMany([['k', makeEntry(1, new ManualClock().now())]])).toBe(1);
  });

  it('createRedisTier returns null without a URL (no L2)', () => {
    expect(createRedisTier(null, { clock: new ManualClock() })).toBeNull();
    expect(createRedisTier(undefined, { clock: new ManualClock() })).toBeNull();
  });
});
