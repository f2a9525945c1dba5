/**
 * One rate with its burst, per caller key, on rate-limiter-flexible: a token bucket in the shape its
 * BurstyRateLimiter gives it. A key may make `perSecond` requests in every second (a fixed
 * one-second window) and, once those are spent, draw on a reserve of `burst - perSecond` more that
 * refills every BURST_REFILL_SECONDS. So a quiet key may send `burst` requests at once, and a busy
 * one keeps at most `perSecond + (burst - perSecond) / BURST_REFILL_SECONDS` a second over time.
 *
 * With a Redis client the counts live in Redis (every instance on it shares a key's budget); while
 * Redis is not ready or a command fails, each count falls back to an in-memory one on this instance
 * (the library's insuranceLimiter): the limit still holds, per instance, and nothing fails. Should
 * even that fail, the request is admitted: a limiter fault must not turn into a refusal or a 500.
 */
import type { Redis } from 'ioredis';
import { BurstyRateLimiter, RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import type { RateSetting } from './rate-limit-config.js';

/** How often the burst reserve refills. Longer: a burst costs more of the sustained rate's slack. */
export const BURST_REFILL_SECONDS = 10;

export type Admission = { ok: true } | { ok: false; retryAfterSeconds: number };

export interface RequestLimiterOptions {
  setting: RateSetting;
  /** Redis keys are `<prefix>:<key>` and `<prefix>-burst:<key>`; they expire with their window. */
  keyPrefix: string;
  /** null: counted in memory on this instance only. */
  redis: Redis | null;
  /** A fault of both stores (the request was admitted anyway). */
  onFault: (error: unknown) => void;
}

export class RequestLimiter {
  private readonly limiter: BurstyRateLimiter | RateLimiterAbstract;
  private readonly onFault: (error: unknown) => void;

  constructor(options: RequestLimiterOptions) {
    const { setting, keyPrefix, redis } = options;
    this.onFault = options.onFault;
    const steady = window(redis, `${keyPrefix}`, setting.perSecond, 1);
    const reserve = setting.burst - setting.perSecond;
    this.limiter = reserve > 0 ? new BurstyRateLimiter(steady, window(redis, `${keyPrefix}-burst`, reserve, BURST_REFILL_SECONDS)) : steady;
  }

  /** Spends one request of `key`'s budget, or says how long until one is back (whole seconds, rounded up). */
  async take(key: string): Promise<Admission> {
    try {
      await this.limiter.consume(key);
      return { ok: true };
    } catch (rejection) {
      if (rejection instanceof RateLimiterRes) return { ok: false, retryAfterSeconds: Math.max(1, Math.ceil(rejection.msBeforeNext / 1000)) };
      this.onFault(rejection);
      return { ok: true };
    }
  }
}

function window(redis: Redis | null, keyPrefix: string, points: number, duration: number): RateLimiterAbstract {
  const memory = new RateLimiterMemory({ keyPrefix, points, duration });
  if (!redis) return memory;
  return new RateLimiterRedis({
    storeClient: redis,
    keyPrefix,
    points,
    duration,
    // Not ready (connecting, or down): count in memory at once rather than wait for a reconnect.
    rejectIfRedisNotReady: true,
    insuranceLimiter: memory,
  });
}
