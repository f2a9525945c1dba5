/**
 * L2: Redis, shared by every instance. Each key holds a CacheEntry as JSON with Redis's own expiry
 * (SET … PX), so an expired entry is simply gone here; stale serving relies on L1, L3 and L4.
 *
 * Redis is an accelerator, never a dependency: the client is configured so a dead or hung Redis
 * costs milliseconds. Commands fail at once while disconnected (no offline queue), a hung command
 * gives up after `commandTimeoutMs`, and the client keeps reconnecting in the background with a
 * capped backoff. A Redis that is connected but not answering (paused, partitioned: no socket close
 * to notice) would cost every request the command timeout, so after `failureThreshold` failures in a
 * row the tier stops asking for `cooldownMs`, then lets requests probe again. Every failure becomes a
 * miss (reads) or a skipped write, counted, never thrown.
 */
import { Redis } from 'ioredis';
import type { Clock } from '../core/clock.js';
import { silentLogger, type Logger } from '../core/logger.js';
import type { CacheMetrics } from './cache-metrics.js';
import { isCacheEntry, type CacheEntry } from './entry.js';

export interface RedisTierOptions {
  /** redis:// or rediss:// URL. */
  url: string;
  /** Computes PX from each entry's expiresAt, and checks expiry on read (a ManualClock drives both). */
  clock: Clock;
  /** Prepended to every key in Redis (tests, or several deployments on one server). @default '' */
  namespace?: string;
  /** A command not answered within this fails (and counts as a miss). @default 50 */
  commandTimeoutMs?: number;
  /** A TCP connect not established within this is abandoned and retried. @default 1000 */
  connectTimeoutMs?: number;
  /** Reconnect backoff is min(attempt × 100 ms, this). @default 2000 */
  reconnectMaxDelayMs?: number;
  /** Failed commands in a row (timeouts while connected) after which the tier stops asking. @default 3 */
  failureThreshold?: number;
  /** How long it stops asking, on the clock; then requests probe again. @default 1000 */
  cooldownMs?: number;
  metrics?: CacheMetrics;
  logger?: Logger;
}

/** A hit as Redis returned it: the entry and its JSON length (L1 sizes the backfilled copy by it). */
export interface RedisHit {
  entry: CacheEntry;
  bytes: number;
}

export class RedisTier {
  private readonly redis: Redis;
  private readonly clock: Clock;
  private readonly namespace: string;
  private readonly failureThreshold: number;
  private readonly cooldownMs: number;
  private consecutiveFailures = 0;
  /** Logs a hang once, not at every re-pause. */
  private reportedHung = false;
  /** Clock time before which the tier does not send commands (a connected Redis that stopped answering). */
  private pausedUntil = 0;
  private readonly metrics: CacheMetrics | undefined;
  private readonly logger: Logger;
  /** Logs the outage once, not on every reconnect attempt. */
  private reportedDown = false;
  private closed = false;

  constructor(options: RedisTierOptions) {
    this.clock = options.clock;
    this.namespace = options.namespace ?? '';
    this.failureThreshold = Math.max(1, options.failureThreshold ?? 3);
    this.cooldownMs = options.cooldownMs ?? 1000;
    this.metrics = options.metrics;
    this.logger = options.logger ?? silentLogger;
    const maxDelay = options.reconnectMaxDelayMs ?? 2000;
    this.redis = new Redis(options.url, {
      lazyConnect: true,
      // Fail fast instead of queueing while disconnected: a queued read would wait for a reconnect.
      enableOfflineQueue: false,
      // Commands in flight when the connection drops fail at once rather than being replayed later.
      maxRetriesPerRequest: 0,
      commandTimeout: options.commandTimeoutMs ?? 50,
      connectTimeout: options.connectTimeoutMs ?? 1000,
      // Never give up: Redis coming back must bring L2 back without a restart.
      retryStrategy: (attempt) => Math.min(attempt * 100, maxDelay),
      // A READONLY replica after failover: reconnect to find the new primary.
      reconnectOnError: (error) => error.message.startsWith('READONLY'),
    });
    this.redis.on('ready', () => {
      if (this.reportedDown) this.logger.info('redis cache tier reconnected');
      this.reportedDown = false;
      // A new connection is a new chance.
      this.consecutiveFailures = 0;
      this.pausedUntil = 0;
    });
    // Without a listener ioredis would print every failed reconnect; one warning per outage is enough.
    this.redis.on('error', (error: unknown) => this.reportDown(error));
    this.redis.on('close', () => this.reportDown(null));
  }

  private reportDown(error: unknown): void {
    if (this.reportedDown || this.closed) return;
    this.reportedDown = true;
    this.logger.warn({ err: error ?? undefined }, 'redis cache tier unavailable; serving from the other tiers while reconnecting');
  }

  /**
   * Starts connecting and waits up to `waitMs` for the connection. Never throws: with Redis down the
   * service starts without L2 and the client keeps trying in the background. Resolves healthy().
   */
  async connect(waitMs = 1000): Promise<boolean> {
    if (this.redis.status === 'wait') this.redis.connect().catch(() => {});
    if (this.healthy()) return true;
    await new Promise<void>((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        // Whichever came first, the other is undone: a timed-out wait must not leave its listener on
        // the long-lived client (one more per call, for as long as Redis stays away).
        this.redis.off('ready', done);
        resolve();
      };
      const timer = setTimeout(done, waitMs);
      timer.unref();
      this.redis.once('ready', done);
    });
    return this.healthy();
  }

  /** true while the connection is up and answering (not paused after repeated timeouts). */
  healthy(): boolean {
    return this.redis.status === 'ready' && this.clock.now() >= this.pausedUntil;
  }

  private succeeded(): void {
    this.consecutiveFailures = 0;
    if (this.reportedHung) this.logger.info('redis cache tier answering again');
    this.reportedHung = false;
  }

  /** Counts a failed command; enough in a row pause the tier for cooldownMs. */
  private failed(error: unknown): void {
    this.consecutiveFailures += 1;
    if (this.consecutiveFailures < this.failureThreshold) return;
    this.pausedUntil = this.clock.now() + this.cooldownMs;
    // After the pause one more failure pauses again at once; one success clears the count.
    this.consecutiveFailures = this.failureThreshold - 1;
    if (!this.reportedHung) this.logger.warn({ err: error, cooldownMs: this.cooldownMs }, 'redis cache tier not answering; skipping it for a while');
    this.reportedHung = true;
  }

  private fullKey(key: string): string {
    return this.namespace + key;
  }

  /**
   * One MGET for all keys. Returns the entries Redis holds and that are fresh by the injected clock
   * (Redis's own expiry uses wall time; both must agree). Any error is an empty answer.
   */
  async getMany(keys: readonly string[]): Promise<Map<string, RedisHit>> {
    const found = new Map<string, RedisHit>();
    if (keys.length === 0) return found;
    if (!this.healthy()) {
      // Not even attempted: the answer would be an immediate error anyway.
      this.metrics?.error('L2', 'get');
      return found;
    }
    const startedAt = performance.now();
    let raw: Array<string | null>;
    try {
      raw = await this.redis.mget(keys.map((key) => this.fullKey(key)));
      this.succeeded();
    } catch (error) {
      this.failed(error);
      this.metrics?.error('L2', 'get');
      this.logger.debug({ err: error, keys: keys.length }, 'redis cache read failed; treated as a miss');
      return found;
    } finally {
      this.metrics?.observe('L2', 'get', startedAt);
    }
    const now = this.clock.now();
    keys.forEach((key, index) => {
      const json = raw[index];
      if (json == null) return;
      const entry = parseEntry(json);
      if (!entry) {
        this.metrics?.error('L2', 'get');
        this.logger.warn({ key }, 'unreadable redis cache entry ignored');
        return;
      }
      if (entry.expiresAt > now) found.set(key, { entry, bytes: json.length });
    });
    return found;
  }

  /**
   * One pipeline of SET … PX for all entries; PX is what is left until each entry's expiresAt
   * (entries already expired are skipped). Resolves the number written; never throws.
   */
  async setMany(entries: ReadonlyArray<readonly [string, CacheEntry]>): Promise<number> {
    if (entries.length === 0) return 0;
    if (!this.healthy()) {
      this.metrics?.error('L2', 'set');
      return 0;
    }
    const now = this.clock.now();
    const pipeline = this.redis.pipeline();
    let queued = 0;
    for (const [key, entry] of entries) {
      const ttlMs = Math.ceil(entry.expiresAt - now);
      if (ttlMs < 1) continue;
      pipeline.set(this.fullKey(key), JSON.stringify(entry), 'PX', ttlMs);
      queued += 1;
    }
    if (queued === 0) return 0;
    const startedAt = performance.now();
    try {
      const results = (await pipeline.exec()) ?? [];
      const failures = results.filter(([error]) => error);
      if (failures.length > 0) {
        this.failed(failures[0]![0]);
        this.metrics?.error('L2', 'set');
      } else {
        this.succeeded();
      }
      return queued - failures.length;
    } catch (error) {
      this.failed(error);
      this.metrics?.error('L2', 'set');
      this.logger.debug({ err: error, keys: queued }, 'redis cache write failed; skipped');
      return 0;
    } finally {
      this.metrics?.observe('L2', 'set', startedAt);
    }
  }

  /** Closes the connection and stops reconnecting. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.healthy()) {
      // QUIT lets Redis answer what is in flight; bounded, since a hung server would never answer.
      const quit = this.redis.quit().catch(() => {});
      const timeout = new Promise<void>((resolve) => setTimeout(resolve, 500).unref());
      await Promise.race([quit, timeout]);
    }
    this.redis.disconnect();
  }
}

function parseEntry(json: string): CacheEntry | null {
  try {
    const value: unknown = JSON.parse(json);
    return isCacheEntry(value) ? value : null;
  } catch {
    return null;
  }
}

/** The L2 tier for REDIS_URL, or null when it is unset (the service runs without L2). */
export function createRedisTier(url: string | null | undefined, options: Omit<RedisTierOptions, 'url'>): RedisTier | null {
  return url ? new RedisTier({ ...options, url }) : null;
}
