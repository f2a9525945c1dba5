/** The cache's public surface: the tiered read-through, its tiers, and the wiring from Config. */
export { CacheMetrics, type CacheOperation, type TierCounts } from './cache-metrics.js';
export { openCache, type OpenCacheOptions } from './create-cache.js';
export {
  CACHE_KINDS,
  cacheKey,
  defaultTtlPolicies,
  isFresh,
  parseCacheKey,
  ttlPolicy,
  type CacheEntry,
  type CacheKind,
  type CacheTtlSettings,
  type ParsedCacheKey,
  type Served,
  type TtlPolicy,
} from './entry.js';
export { MemoryTier, type MemoryTierOptions } from './l1-memory.js';
export { RedisTier, createRedisTier, type RedisTierOptions } from './l2-redis.js';
export { DatabaseTier, type DatabaseTierOptions, type PruneJob, type PruneResult } from './l3-sqlite.js';
export { FileTier, type FileTierOptions, type LoadResult, type SnapshotJob, type SnapshotResult } from './l4-files.js';
export {
  NotLoadedError,
  TieredCache,
  type CacheWrite,
  type GetOptions,
  type LoadedValue,
  type Loader,
  type TierStatus,
  type TieredCacheOptions,
} from './tiered-cache.js';
