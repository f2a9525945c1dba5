/**
 * What the cache counts. Prometheus series on the registry the service already exposes (so
 * /metrics shows them), plus plain in-memory counts that `TieredCache.status()` reports in
 * `health.cache` without reading prom-client's async API.
 */
import { Counter, Histogram, Registry } from 'prom-client';
import type { CacheTier } from '../core/domain.js';

/** The tier operations that are timed and can fail. */
export type CacheOperation = 'get' | 'set' | 'prune' | 'snapshot' | 'load';

export interface TierCounts {
  hits: number;
  misses: number;
  errors: number;
}

export class CacheMetrics {
  readonly registry: Registry;
  private readonly counts = new Map<CacheTier, TierCounts>();
  private readonly hitsTotal: Counter<'tier'>;
  private readonly missesTotal: Counter<'tier'>;
  private readonly errorsTotal: Counter<'tier' | 'operation'>;
  private readonly staleServedTotal: Counter<'tier'>;
  private readonly singleFlightJoinsTotal: Counter;
  private readonly duration: Histogram<'tier' | 'operation'>;

  /** @param registry the service's registry (createMetrics().registry); a private one when omitted. */
  constructor(registry: Registry = new Registry()) {
    this.registry = registry;
    const registers = [registry];
    this.hitsTotal = new Counter({
      name: 'northstar_cache_hits_total',
      help: 'Keys answered fresh by a cache tier (LIVE: loaded from the upstream)',
      labelNames: ['tier'],
      registers,
    });
    this.missesTotal = new Counter({
      name: 'northstar_cache_misses_total',
      help: 'Keys a cache tier was asked for and did not hold fresh',
      labelNames: ['tier'],
      registers,
    });
    this.errorsTotal = new Counter({
      name: 'northstar_cache_errors_total',
      help: 'Failed cache tier operations (a failed read counts as a miss as well)',
      labelNames: ['tier', 'operation'],
      registers,
    });
    this.staleServedTotal = new Counter({
      name: 'northstar_cache_stale_served_total',
      help: 'Keys served past their TTL because the upstream failed (stale-if-error), by the tier that held them',
      labelNames: ['tier'],
      registers,
    });
    this.singleFlightJoinsTotal = new Counter({
      name: 'northstar_cache_single_flight_joins_total',
      help: 'Keys that waited on an upstream load another request had already started',
      registers,
    });
    this.duration = new Histogram({
      name: 'northstar_cache_operation_duration_seconds',
      help: 'Cache tier operation latency (one batched call per operation)',
      labelNames: ['tier', 'operation'],
      buckets: [0.0001, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
      registers,
    });
  }

  private tierCounts(tier: CacheTier): TierCounts {
    let counts = this.counts.get(tier);
    if (!counts) {
      counts = { hits: 0, misses: 0, errors: 0 };
      this.counts.set(tier, counts);
    }
    return counts;
  }

  hit(tier: CacheTier, keys = 1): void {
    if (keys <= 0) return;
    this.tierCounts(tier).hits += keys;
    this.hitsTotal.inc({ tier }, keys);
  }

  miss(tier: CacheTier, keys = 1): void {
    if (keys <= 0) return;
    this.tierCounts(tier).misses += keys;
    this.missesTotal.inc({ tier }, keys);
  }

  error(tier: CacheTier, operation: CacheOperation): void {
    this.tierCounts(tier).errors += 1;
    this.errorsTotal.inc({ tier, operation });
  }

  staleServed(tier: CacheTier): void {
    this.staleServedTotal.inc({ tier });
  }

  singleFlightJoined(keys = 1): void {
    if (keys > 0) this.singleFlightJoinsTotal.inc(keys);
  }

  /** Records how long one operation took, from a `performance.now()` taken before it. */
  observe(tier: CacheTier, operation: CacheOperation, startedAt: number): void {
    this.duration.observe({ tier, operation }, (performance.now() - startedAt) / 1000);
  }

  /** A copy of the in-memory counts of one tier. */
  countsOf(tier: CacheTier): TierCounts {
    return { ...this.tierCounts(tier) };
  }
}
