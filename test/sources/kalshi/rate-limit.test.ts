/**
 * Kalshi's rate limit end to end: the simulator's bucket answers 429 the way Kalshi does, the
 * client classifies it, and the client's own pacing (10/s against the server's 20/s) keeps a burst
 * from ever seeing one. Client and server share a ManualClock so the pacing is exact.
 */
import { afterEach, describe, expect, test } from 'vitest';
import { ManualClock } from '../../../src/core/clock.js';
import { UpstreamError } from '../../../src/core/errors.js';
import { KalshiRestClient } from '../../../src/sources/kalshi/client.js';
import { startKalshiRestSimulator, type KalshiRestSimulator } from '../../../src/simulators/kalshi/rest-server.js';

const START = Date.UTC(2026, 10, 24, 12, 0, 0);
const realSleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls (real time) until `condition` holds; fails after `timeoutMs`. */
async function until(condition: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await realSleep(5);
  }
}

describe('rate limiting', () => {
  let sim: KalshiRestSimulator | undefined;
  let client: KalshiRestClient | undefined;
  afterEach(async () => {
    await client?.close();
    await sim?.close();
    client = undefined;
    sim = undefined;
  });

  /** A simulator metering 20 requests/s with a burst of 20, on the test's clock. */
  async function start(clock: ManualClock): Promise<KalshiRestSimulator> {
    sim = await startKalshiRestSimulator({ clock, seed: 5, rateLimit: { ratePerSecond: 20, burst: 20, clock } });
    return sim;
  }

  test('without client pacing, a burst beyond the server bucket gets 429s, classified rate_limit and retryable', async () => {
    const clock = new ManualClock(START);
    const server = await start(clock);
    client = new KalshiRestClient({ baseUrl: server.baseUrl, clock, rateLimit: false });
    const results = await Promise.allSettled(Array.from({ length: 30 }, () => client!.listMarkets({ limit: 1 })));
    const failures = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected').map((r) => r.reason as unknown);
    // The clock did not move: exactly the burst got through.
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(20);
    expect(failures).toHaveLength(10);
    for (const error of failures) {
      expect(error).toBeInstanceOf(UpstreamError);
      expect(error).toMatchObject({ source: 'kalshi', category: 'rate_limit', retryable: true, status: 429, retryAfterMs: undefined });
      expect((error as Error).message).toContain('too many requests');
    }

    // On the wire: Kalshi's old-style body and no Retry-After for the retry layer to lean on.
    const raw = await fetch(`${server.baseUrl}/markets?limit=1`);
    expect(raw.status).toBe(429);
    expect(raw.headers.get('retry-after')).toBeNull();
    expect(await raw.json()).toEqual({ error: 'too many requests' });

    // The bucket refills with time.
    await clock.advance(100);
    expect((await client.listMarkets({ limit: 1 })).markets).toHaveLength(1);
  });

  test('with client pacing (10/s, burst 10) a burst of 30 requests sees no 429, and is spread over 2 s', async () => {
    const clock = new ManualClock(START);
    const server = await start(clock);
    client = new KalshiRestClient({ baseUrl: server.baseUrl, clock });
    let settled = 0;
    const calls = Array.from({ length: 30 }, () =>
      client!.listMarkets({ limit: 1 }).finally(() => {
        settled++;
      }),
    );
    const outcome = Promise.allSettled(calls);

    // The first ten leave at once; the eleventh waits for the clock.
    await until(() => server.requestCount() === 10);
    await realSleep(50);
    expect(server.requestCount()).toBe(10);
    await clock.advance(100);
    await until(() => server.requestCount() === 11);

    while (settled < 30) {
      await clock.advance(100);
      await realSleep(2);
    }
    const results = await outcome;
    expect(results.filter((r) => r.status === 'rejected')).toEqual([]);
    expect(server.requestCount()).toBe(30);
    expect(clock.now() - START).toBeGreaterThanOrEqual(2000);
  });

  test("a caller's abort while queued for a token is rethrown as is, and sends nothing", async () => {
    const clock = new ManualClock(START);
    const server = await start(clock);
    client = new KalshiRestClient({ baseUrl: server.baseUrl, clock, rateLimit: { ratePerSecond: 1, burst: 1 } });
    await client.listMarkets({ limit: 1 });
    const controller = new AbortController();
    const reason = new Error('caller went away');
    const queued = client.listMarkets({ limit: 1 }, { signal: controller.signal });
    controller.abort(reason);
    await expect(queued).rejects.toBe(reason);
    expect(server.requestCount()).toBe(1);
  });
});
