/**
 * The rate-limit variables (merged into src/core/config.ts's table, parsed there with the rest) and
 * how they resolve.
 *
 * - RATE_LIMIT_PER_KEY / RATE_LIMIT_BURST: requests a second one API key may make, and how many it
 *   may make at once (see request-limiter.ts for the exact shape). Apply only under AUTH_MODE=keys
 *   (with AUTH_MODE=off there is no key to count against). 0 turns the per-key limit off.
 * - RATE_LIMIT_PER_IP: requests a second one client address may make (burst: twice that). Unset: no
 *   per-address limit, so benchmarks on loopback are never throttled. The address is the socket's:
 *   X-Forwarded-For is not trusted (behind a proxy every client shares its address; limit there).
 * - MAX_CONNECTIONS_PER_KEY: WebSockets and open SSE streams one key may hold, counted per instance.
 */
import { z } from 'zod';
import { optionalInt } from '../../core/config-schema.js';
import { ConfigError } from '../../core/errors.js';

export const DEFAULT_RATE_PER_KEY = 100;
export const DEFAULT_MAX_CONNECTIONS_PER_KEY = 20;

/** Variable → [schema, the expected form shown when it is wrong] (config.ts's shape). */
export const rateLimitVariables = {
  RATE_LIMIT_PER_KEY: [optionalInt(0, 1_000_000), 'requests a second from 0 (no per-key limit) to 1000000'],
  RATE_LIMIT_BURST: [optionalInt(1, 10_000_000), 'requests from 1 to 10000000, at least RATE_LIMIT_PER_KEY (default: twice it)'],
  RATE_LIMIT_PER_IP: [optionalInt(1, 1_000_000), 'requests a second from 1 to 1000000, or unset for no per-address limit'],
  MAX_CONNECTIONS_PER_KEY: [optionalInt(0, 100_000), 'an integer from 0 (no limit) to 100000'],
} as const satisfies Record<string, readonly [z.ZodType, string]>;

type Parsed = { [K in keyof typeof rateLimitVariables]: z.output<(typeof rateLimitVariables)[K][0]> };

/** A rate with its burst: `perSecond` requests every second, up to `burst` at once. */
export interface RateSetting {
  perSecond: number;
  burst: number;
}

export interface RateLimitConfig {
  /** Per API key (null: no limit — AUTH_MODE=off, or RATE_LIMIT_PER_KEY=0). Shared through Redis when REDIS_URL is set. */
  perKey: RateSetting | null;
  /** Per client socket address (null: RATE_LIMIT_PER_IP unset). Shared through Redis too. */
  perIp: RateSetting | null;
  /** WebSockets + SSE streams one key may hold on one instance (null: no limit or AUTH_MODE=off). */
  maxConnectionsPerKey: number | null;
}

export function resolveRateLimit(v: Record<string, unknown>, context: { authMode: 'keys' | 'off' }): RateLimitConfig {
  const parsed = v as Parsed;
  const perSecond = parsed.RATE_LIMIT_PER_KEY ?? DEFAULT_RATE_PER_KEY;
  const burst = parsed.RATE_LIMIT_BURST ?? Math.max(1, 2 * perSecond);
  if (perSecond > 0 && burst < perSecond) {
    throw new ConfigError(
      `Invalid configuration: RATE_LIMIT_BURST must be at least RATE_LIMIT_PER_KEY (${perSecond}) (got ${JSON.stringify(String(parsed.RATE_LIMIT_BURST))})`,
    );
  }
  const keys = context.authMode === 'keys';
  const maxConnections = parsed.MAX_CONNECTIONS_PER_KEY ?? DEFAULT_MAX_CONNECTIONS_PER_KEY;
  return {
    perKey: keys && perSecond > 0 ? { perSecond, burst } : null,
    perIp: parsed.RATE_LIMIT_PER_IP === undefined ? null : { perSecond: parsed.RATE_LIMIT_PER_IP, burst: 2 * parsed.RATE_LIMIT_PER_IP },
    maxConnectionsPerKey: keys && maxConnections > 0 ? maxConnections : null,
  };
}
