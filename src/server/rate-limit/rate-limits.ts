/**
 * The service's request limits, for both transports: per API key and per client address (requests
 * and graphql-ws `subscribe` messages alike count one each), and the per-key connection cap.
 * With nothing configured (`active` false: AUTH_MODE=off and no RATE_LIMIT_PER_IP) it checks nothing
 * and costs nothing, so loopback benchmarks are never throttled.
 */
import type { Logger } from '../../core/logger.js';
import type { Principal } from '../access/principal.js';
import { ConnectionCounter } from './connection-counter.js';
import { createLimiterRedis, type LimiterRedis } from './limiter-redis.js';
import type { RateLimitConfig } from './rate-limit-config.js';
import type { Limited } from './rate-limit-errors.js';
import { RequestLimiter } from './request-limiter.js';

export type RateAdmission = { ok: true } | { ok: false; limited: Limited; retryAfterSeconds: number };

export interface RateLimitsOptions {
  config: RateLimitConfig;
  /** Shares the per-key and per-address counts between instances; null: each instance counts alone. */
  redisUrl: string | null;
  logger: Logger;
  /** Redis key prefix (tests use one of their own). */
  keyPrefix?: string;
}

const NO_LIMITS: RateLimitConfig = { perKey: null, perIp: null, maxConnectionsPerKey: null };
const noRelease = (): void => undefined;

export class RateLimits {
  /** Whether any request is checked at all. */
  readonly active: boolean;
  readonly config: RateLimitConfig;
  private readonly redis: LimiterRedis | null;
  private readonly perKey: RequestLimiter | null;
  private readonly perIp: RequestLimiter | null;
  private readonly connections: ConnectionCounter | null;

  constructor(options: RateLimitsOptions) {
    const { config, logger } = options;
    const keyPrefix = options.keyPrefix ?? 'northstar:rate';
    this.config = config;
    this.active = config.perKey !== null || config.perIp !== null;
    this.redis = this.active && options.redisUrl ? createLimiterRedis(options.redisUrl, logger) : null;
    const client = this.redis?.client ?? null;
    let faultLogged = false;
    const onFault = (error: unknown): void => {
      if (faultLogged) return;
      faultLogged = true;
      logger.warn({ err: error }, 'rate limiter fault: admitting requests unchecked');
    };
    this.perKey = config.perKey ? new RequestLimiter({ setting: config.perKey, keyPrefix: `${keyPrefix}:key`, redis: client, onFault }) : null;
    this.perIp = config.perIp ? new RequestLimiter({ setting: config.perIp, keyPrefix: `${keyPrefix}:ip`, redis: client, onFault }) : null;
    this.connections = config.maxConnectionsPerKey === null ? null : new ConnectionCounter(config.maxConnectionsPerKey);
  }

  /** No limits at all: for benches and tests that build a server of their own. */
  static none(logger: Logger): RateLimits {
    return new RateLimits({ config: NO_LIMITS, redisUrl: null, logger });
  }

  /** Waits (bounded) for Redis, so instances share counts from their first request. Never throws. */
  async connect(waitMs = 1000): Promise<void> {
    await this.redis?.connect(waitMs);
  }

  /**
   * One request (HTTP, SSE) or one graphql-ws `subscribe`. The address is checked first: a request it
   * refuses spends nothing of the key's budget.
   */
  async admit(principal: Principal | null, address: string | undefined): Promise<RateAdmission> {
    if (this.perIp && address !== undefined) {
      const admission = await this.perIp.take(address);
      if (!admission.ok) return { ok: false, limited: { kind: 'ip' }, retryAfterSeconds: admission.retryAfterSeconds };
    }
    if (this.perKey && principal) {
      const admission = await this.perKey.take(principal.keyId);
      if (!admission.ok) return { ok: false, limited: { kind: 'key', keyId: principal.keyId }, retryAfterSeconds: admission.retryAfterSeconds };
    }
    return { ok: true };
  }

  /** A release function for a new WebSocket or SSE stream, or null when its key is at MAX_CONNECTIONS_PER_KEY. */
  openConnection(principal: Principal | null): (() => void) | null {
    if (!this.connections || !principal) return noRelease;
    return this.connections.tryOpen(principal.keyId);
  }

  async close(): Promise<void> {
    await this.redis?.close();
  }
}
