/**
 * The REST simulator's fault kinds (hang, truncated, probabilistic faults), how the client classifies
 * them, and the parser for the environment-style fault strings.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { ManualClock } from '../../../src/core/clock.js';
import { UpstreamError } from '../../../src/core/errors.js';
import { KalshiRestClient } from '../../../src/sources/kalshi/client.js';
import { parseKalshiRestFault } from '../../../src/simulators/kalshi/rest-faults.js';
import { startKalshiRestSimulator, type KalshiRestSimulator, type SimulatorFault } from '../../../src/simulators/kalshi/rest-server.js';

const START = Date.UTC(2026, 10, 24, 12, 0, 0);

async function upstreamErrorOf(call: Promise<unknown>): Promise<UpstreamError> {
  const error = await call.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(UpstreamError);
  return error as UpstreamError;
}

describe('parseKalshiRestFault', () => {
  test.each<[string, SimulatorFault]>([
    ['status:503', { kind: 'status', status: 503 }],
    ['status:429,rate=0.5', { kind: 'status', status: 429, rate: 0.5 }],
    ['hang', { kind: 'hang' }],
    ['malformed', { kind: 'malformed' }],
    ['truncated', { kind: 'truncated' }],
    ['reset,times=2', { kind: 'reset', times: 2 }],
    ['delay:200', { kind: 'delay', delayMs: 200 }],
    [' delay:0 , rate=1 , times=3 ', { kind: 'delay', delayMs: 0, rate: 1, times: 3 }],
    ['HANG,rate=.25', { kind: 'hang', rate: 0.25 }],
  ])('%s', (text, expected) => {
    expect(parseKalshiRestFault(text)).toEqual(expected);
  });

  test.each([
    ['', /no fault kind/],
    ['explode', /unknown fault kind "explode"/],
    ['status', /three-digit HTTP status/],
    ['status:abc', /three-digit HTTP status/],
    ['status:99', /three-digit HTTP status/],
    ['status:700', /three-digit HTTP status/],
    ['delay', /delay needs milliseconds/],
    ['delay:-5', /delay needs milliseconds/],
    ['hang:10', /hang takes no argument/],
    ['status:503,rate=1.5', /rate must be a probability from 0 to 1/],
    ['status:503,rate=half', /rate must be a probability/],
    ['status:503,times=0', /times must be a positive integer/],
    ['status:503,rate', /is not name=value/],
    ['status:503,color=red', /unknown option "color"/],
    ['status:5:03', /too many ":"/],
  ])('%j is refused', (text, why) => {
    expect(() => parseKalshiRestFault(text)).toThrow(why);
    expect(() => parseKalshiRestFault(text)).toThrow(/invalid Kalshi simulator fault .*expected e\.g\. status:503/);
  });
});

describe('fault kinds through the client', () => {
  let sim: KalshiRestSimulator;
  let client: KalshiRestClient;

  beforeAll(async () => {
    const clock = new ManualClock(START);
    sim = await startKalshiRestSimulator({ clock, seed: 17, rateLimit: false });
    client = new KalshiRestClient({ baseUrl: sim.baseUrl, timeoutMs: 2000, rateLimit: false });
  });
  afterAll(async () => {
    await client.close();
    await sim.close();
  });

  test('hang: no answer ever; the client times out as a retryable network error, and the next call is served', async () => {
    sim.injectFault(parseKalshiRestFault('hang,times=1'));
    const started = Date.now();
    const error = await upstreamErrorOf(client.listMarkets({ limit: 1 }, { timeoutMs: 150 }));
    expect(error).toMatchObject({ source: 'kalshi', category: 'network', retryable: true, status: undefined });
    expect(error.message).toMatch(/timed out after 150 ms/);
    expect(Date.now() - started).toBeLessThan(2000);
    expect((await client.listMarkets({ limit: 1 })).markets).toHaveLength(1);
  });

  test('truncated: a body cut short of its content-length is a retryable network error', async () => {
    sim.injectFault(parseKalshiRestFault('truncated,times=1'));
    const error = await upstreamErrorOf(client.listMarkets({ limit: 1 }));
    expect(error).toMatchObject({ source: 'kalshi', category: 'network', retryable: true, status: undefined });
    expect((await client.listMarkets({ limit: 1 })).markets).toHaveLength(1);
  });

  test("status:429 from the parser carries Kalshi's rate-limit body", async () => {
    sim.injectFault(parseKalshiRestFault('status:429,times=1'));
    const error = await upstreamErrorOf(client.listMarkets());
    expect(error).toMatchObject({ category: 'rate_limit', retryable: true, status: 429, retryAfterMs: undefined });
    expect(error.message).toContain('too many requests');
  });

  test('rate: a fault hits only some requests, the same ones for the same seed; times counts hits only', async () => {
    const pattern = async (server: KalshiRestSimulator, rest: KalshiRestClient): Promise<string> => {
      server.injectFault(parseKalshiRestFault('status:503,rate=0.5'));
      let seen = '';
      for (let i = 0; i < 40; i++) {
        seen += await rest.listMarkets({ limit: 1 }).then(
          () => '.',
          (e: unknown) => ((e as UpstreamError).status === 503 ? 'x' : '?'),
        );
      }
      server.clearFault();
      return seen;
    };
    const twin = await startKalshiRestSimulator({ clock: new ManualClock(START), seed: 17, rateLimit: false });
    const twinClient = new KalshiRestClient({ baseUrl: twin.baseUrl, rateLimit: false });
    try {
      // A fresh pair with one seed: sim has drawn no dice yet either (earlier faults had no rate).
      const a = await pattern(sim, client);
      const b = await pattern(twin, twinClient);
      expect(a).toMatch(/^[.x]+$/);
      const hits = a.split('x').length - 1;
      expect(hits).toBeGreaterThan(5);
      expect(hits).toBeLessThan(35);
      expect(b).toBe(a);

      twin.injectFault({ kind: 'status', status: 500, rate: 0.5, times: 3 });
      let failures = 0;
      for (let i = 0; i < 40; i++)
        failures += await twinClient.listMarkets({ limit: 1 }).then(
          () => 0,
          () => 1,
        );
      expect(failures).toBe(3);
      expect(() => twin.injectFault({ kind: 'reset', rate: 2 })).toThrow(RangeError);
    } finally {
      await twinClient.close();
      await twin.close();
    }
  });
});
