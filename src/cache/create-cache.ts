/**
 * Startup wiring of the four tiers from Config: what src/app.ts calls once. Each tier is optional
 * except L1: no REDIS_URL → no L2; no database client → no L3; CACHE_DIR always gives L4. Startup
 * never fails because Redis is down: the client keeps reconnecting and L2 joins when it answers.
 */
import type { Registry } from 'prom-client';
import type { Clock } from '../core/clock.js';
import type { Config } from '../core/config.js';
import { silentLogger, type Logger } from '../core/logger.js';
import type { HistoryClient } from '../history/database.js';
import { CacheMetrics } from './cache-metrics.js';
import { defaultTtlPolicies } from './entry.js';
import { MemoryTier } from './l1-memory.js';
import { createRedisTier } from './l2-redis.js';
import { DatabaseTier } from './l3-sqlite.js';
import { FileTier } from './l4-files.js';
import { TieredCache, type BackgroundJobOptions } from './tiered-cache.js';

export interface OpenCacheOptions {
  config: Pick<Config, 'redisUrl' | 'cache'>;
  clock: Clock;
  logger?: Logger;
  /** The service's metrics registry (createMetrics().registry). @default a private registry */
  registry?: Registry;
  /** The history store's Prisma client (HistoryStore.prisma); null runs without L3. */
  prisma: HistoryClient | null;
  /** How long startup waits for Redis before going on without it (it keeps reconnecting). @default 1000 */
  redisConnectWaitMs?: number;
  /** @default snapshot every config.cache.l4SnapshotIntervalMs (CACHE_L4_SNAPSHOT_MS), prune every 10 min */
  jobs?: BackgroundJobOptions;
}

/** Builds the tiers, connects Redis (without throwing), warms L1 from the L4 files, starts the jobs. */
export async function openCache(options: OpenCacheOptions): Promise<TieredCache> {
  const { config, clock } = options;
  const logger = options.logger ?? silentLogger;
  const metrics = new CacheMetrics(options.registry);
  const policies = defaultTtlPolicies(config.cache);
  const l2 = createRedisTier(config.redisUrl, { clock, metrics, logger });
  const cache = new TieredCache({
    l1: new MemoryTier({ clock }),
    l2,
    l3: options.prisma ? new DatabaseTier({ prisma: options.prisma, clock, metrics, logger }) : null,
    l4: new FileTier({ cacheDir: config.cache.dir, clock, metrics, logger }),
    clock,
    metrics,
    logger,
    policies: policies.byKind,
    defaultTtl: policies.fallback,
  });
  if (l2 && !(await l2.connect(options.redisConnectWaitMs ?? 1000))) {
    logger.warn('redis is not answering; starting without L2 (it joins when redis comes up)');
  }
  await cache.l3?.warmUp();
  await cache.warmFromL4();
  cache.startBackgroundJobs({ snapshotIntervalMs: config.cache.l4SnapshotIntervalMs, ...options.jobs });
  return cache;
}
