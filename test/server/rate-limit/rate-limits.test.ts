/**
 * The limiter module on its own, against the shared Redis (a unique key prefix per test, removed
 * afterwards) and against a closed port. Limits are low, so one second's window is the longest wait.
 */
import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError } from '../../../src/core/errors.js';
import { silentLogger } from '../../../src/core/logger.js';
import type { Principal } from '../../../src/server/access/principal.js';
import { ConnectionCounter } from '../../../src/server/rate-limit/connection-counter.js';
import { resolveRateLimit, type RateLimitConfig } from '../../../src/server/rate-limit/rate-limit-config.js';
import { RateLimits } from '../../../src/server/rate-limit/rate-limits.js';
import { freePort, rawRedis, removeNamespace, requireSharedRedis, SHARED_REDIS_URL, uniqueNamespace } from '../../cache/helpers.js';
import { captureLogs, LEVEL } from '../../support/log-capture.js';

const principal = (keyId: string): Principal => ({ keyId, scopes: new Set(['read']) });
const config = (overrides: Partial<RateLimitConfig> = {}): RateLimitConfig => ({
  perKey: { perSecond: 2, burst: 4 },
  perIp: null,
  maxConnectionsPerKey: null,
  ...overrides,
});

let raw: Redis;
const opened: RateLimits[] = [];
const prefixes: string[] = [];

function open(options: { redisUrl?: string | null; config?: RateLimitConfig; keyPrefix?: string; logger?: typeof silentLogger } = {}): RateLimits {
  const keyPrefix = options.keyPrefix ?? uniqueNamespace();
  prefixes.push(keyPrefix);
  const limits = new RateLimits({
    config: options.config ?? config(),
    redisUrl: options.redisUrl === undefined ? SHARED_REDIS_URL : options.redisUrl,
    logger: options.logger ?? silentLogger,
    keyPrefix,
  });
  opened.push(limits);
  return limits;
}

async function admitted(limits: RateLimits, count: number, keyId: string, address?: string): Promise<number> {
  let ok = 0;
  for (let i = 0; i < count; i++) if ((await limits.admit(principal(keyId), address)).ok) ok++;
  return ok;
}

beforeAll(async () => {
  await requireSharedRedis();
  raw = rawRedis();
});
afterEach(async () => {
  await Promise.all(opened.splice(0).map((limits) => limits.close()));
  for (const prefix of prefixes.splice(0)) await removeNamespace(raw, prefix);
});
afterAll(() => raw.disconnect());

describe('RateLimits', () => {
  it('admits the burst, refuses the next with a whole-second retry, and leaves another key alone', async () => {
    const limits = open({ redisUrl: null });
    expect(await admitted(limits, 4, 'a')).toBe(4);
    const refused = await limits.admit(principal('a'), undefined);
    expect(refused).toEqual({ ok: false, limited: { kind: 'key', keyId: 'a' }, retryAfterSeconds: 1 });
    expect(await admitted(limits, 4, 'b')).toBe(4);
  });

  it('gives a key its rate back after the one-second window (the burst reserve stays spent)', async () => {
    const limits = open({ redisUrl: null });
    expect(await admitted(limits, 6, 'a')).toBe(4);
    await new Promise((resolve) => setTimeout(resolve, 1100));
    expect(await admitted(limits, 4, 'a')).toBe(2);
  });

  it('shares one key budget between two instances on one Redis, in keys under its prefix', async () => {
    const keyPrefix = uniqueNamespace();
    const one = open({ keyPrefix });
    const two = open({ keyPrefix });
    await Promise.all([one.connect(), two.connect()]);
    const keyId = randomUUID();
    expect((await admitted(one, 2, keyId)) + (await admitted(two, 2, keyId))).toBe(4);
    expect((await one.admit(principal(keyId), undefined)).ok).toBe(false);
    expect((await two.admit(principal(keyId), undefined)).ok).toBe(false);
    const [, keys] = await raw.scan('0', 'MATCH', `${keyPrefix}*`, 'COUNT', 1000);
    expect(keys.sort()).toEqual([`${keyPrefix}:key-burst:${keyId}`, `${keyPrefix}:key:${keyId}`]);
    // Every key expires with its window: nothing is left behind for ever.
    for (const key of keys) expect(await raw.pttl(key)).toBeGreaterThan(0);
  });

  it('with Redis unreachable still limits, in memory, answers at once and warns once', async () => {
    const { logger, lines } = captureLogs('info');
    const limits = open({ redisUrl: `redis://127.0.0.1:${await freePort()}`, logger });
    await limits.connect(200);
    const started = performance.now();
    expect(await admitted(limits, 10, 'a')).toBe(4);
    expect(performance.now() - started).toBeLessThan(200);
    expect(await admitted(limits, 1, 'b')).toBe(1);
    const warnings = lines.filter((line) => line.level === LEVEL.warn && line.msg.startsWith('rate limiter: Redis unavailable'));
    expect(warnings).toHaveLength(1);
  });

  it('checks the address first; a refused address spends nothing of the key', async () => {
    const limits = open({ redisUrl: null, config: config({ perKey: { perSecond: 3, burst: 3 }, perIp: { perSecond: 1, burst: 2 } }) });
    expect(await admitted(limits, 2, 'a', '10.0.0.1')).toBe(2);
    expect(await limits.admit(principal('a'), '10.0.0.1')).toEqual({ ok: false, limited: { kind: 'ip' }, retryAfterSeconds: 1 });
    // The key has spent 2 of its 3: one more from another address, then the key's own limit.
    expect((await limits.admit(principal('a'), '10.0.0.2')).ok).toBe(true);
    expect(await limits.admit(principal('a'), '10.0.0.2')).toMatchObject({ ok: false, limited: { kind: 'key', keyId: 'a' } });
  });

  it('checks nothing with no limit configured', async () => {
    const limits = open({ config: { perKey: null, perIp: null, maxConnectionsPerKey: null } });
    expect(limits.active).toBe(false);
    expect(await admitted(limits, 500, 'a', '127.0.0.1')).toBe(500);
  });
});

describe('ConnectionCounter', () => {
  it('caps connections per key and frees a slot once per release', () => {
    const counter = new ConnectionCounter(2);
    const first = counter.tryOpen('a');
    expect(counter.tryOpen('a')).not.toBeNull();
    expect(counter.tryOpen('a')).toBeNull();
    expect(counter.tryOpen('b')).not.toBeNull();
    first?.();
    first?.();
    expect(counter.held('a')).toBe(1);
    expect(counter.tryOpen('a')).not.toBeNull();
    expect(counter.tryOpen('a')).toBeNull();
  });
});

describe('resolveRateLimit', () => {
  it('defaults to 100 a second with a burst of 200 and 20 connections, per key, only with keys', () => {
    expect(resolveRateLimit({}, { authMode: 'keys' })).toEqual({
      perKey: { perSecond: 100, burst: 200 },
      perIp: null,
      maxConnectionsPerKey: 20,
    });
    expect(resolveRateLimit({}, { authMode: 'off' })).toEqual({ perKey: null, perIp: null, maxConnectionsPerKey: null });
    expect(resolveRateLimit({ RATE_LIMIT_PER_IP: 5 }, { authMode: 'off' }).perIp).toEqual({ perSecond: 5, burst: 10 });
    expect(resolveRateLimit({ RATE_LIMIT_PER_KEY: 0, MAX_CONNECTIONS_PER_KEY: 0 }, { authMode: 'keys' })).toMatchObject({
      perKey: null,
      maxConnectionsPerKey: null,
    });
  });

  it('refuses a burst below the rate, naming both variables', () => {
    expect(() => resolveRateLimit({ RATE_LIMIT_PER_KEY: 10, RATE_LIMIT_BURST: 5 }, { authMode: 'keys' })).toThrow(ConfigError);
    expect(() => resolveRateLimit({ RATE_LIMIT_PER_KEY: 10, RATE_LIMIT_BURST: 5 }, { authMode: 'keys' })).toThrow(/RATE_LIMIT_BURST.*RATE_LIMIT_PER_KEY/);
  });
});
