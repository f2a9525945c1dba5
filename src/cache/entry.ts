/**
 * What every cache tier stores and what the tiered cache serves. A tier copies the CacheEntry as a
 * whole (value plus provenance), so a value read from any tier still says when the upstream made it.
 */
import { SOURCE_IDS, type CacheTier, type SourceId } from '../core/domain.js';

/** One cached value as a tier holds it. Times are epoch milliseconds. */
export interface CacheEntry<T = unknown> {
  value: T;
  source: SourceId;
  /** When the upstream produced the value: freshness is measured from here. */
  originAt: number;
  /** When we received it from the upstream. */
  fetchedAt: number;
  /** When this tier's copy was written. */
  storedAt: number;
  /**
   * When this tier's copy stops being fresh. Each tier sets its own (an L1 copy of an L3 row expires
   * with L1's TTL); past it a copy is only good for stale-if-error.
   */
  expiresAt: number;
}

/** A value as the tiered cache answers it. */
export interface Served<T> {
  value: T;
  /** LIVE when the loader (the upstream) produced it during this call; otherwise the tier it came from. */
  tier: CacheTier;
  originAt: number;
  fetchedAt: number;
  /** true when the value is past its TTL in every tier and was served because the upstream failed. */
  stale: boolean;
}

/** How long a kind of data stays fresh in each tier. */
export interface TtlPolicy {
  /** Process memory. */
  l1Ms: number;
  /** Redis (its own key expiry). */
  l2Seconds: number;
  /** SQLite / PostgreSQL `cache_entries.expires_at`; rows are kept past it for stale serving. */
  l3Seconds: number;
}

/** The kinds the services cache. Keys may use other kinds; they fall back to the default policy. */
export const CACHE_KINDS = ['markets', 'orderBooks', 'insights', 'metrics'] as const;
export type CacheKind = (typeof CACHE_KINDS)[number];

/**
 * `data:{source}:{kind}:{id}:v{version}`. The seed's form is `data:{source}:{id}:{version}`; the kind
 * keeps a market and an order book with the same ticker apart. Bump `version` when the stored shape
 * of a kind changes: old entries are then simply never read again and age out.
 */
export function cacheKey(source: SourceId, kind: string, id: string, version = 1): string {
  return `data:${source}:${kind}:${id}:v${version}`;
}

export interface ParsedCacheKey {
  source: SourceId;
  kind: string;
  id: string;
  version: number;
}

/** The inverse of cacheKey, or null for a key not built by it. Ids may contain ':'. */
export function parseCacheKey(key: string): ParsedCacheKey | null {
  const parts = key.split(':');
  if (parts.length < 5 || parts[0] !== 'data') return null;
  const source = parts[1]!;
  const kind = parts[2]!;
  const versionPart = parts[parts.length - 1]!;
  const version = /^v(\d+)$/.exec(versionPart);
  if (!isSourceId(source) || kind === '' || !version) return null;
  return { source, kind, id: parts.slice(3, -1).join(':'), version: Number(version[1]) };
}

export function isSourceId(value: unknown): value is SourceId {
  return typeof value === 'string' && (SOURCE_IDS as readonly string[]).includes(value);
}

/** A copy is fresh strictly before its expiry. */
export function isFresh(entry: Pick<CacheEntry, 'expiresAt'>, nowMs: number): boolean {
  return entry.expiresAt > nowMs;
}

/**
 * Checks the shape of an entry read back from Redis or a file: those bytes may come from another
 * version of the service, or be damaged. The value itself is not checked (the cache does not know T).
 */
export function isCacheEntry(value: unknown): value is CacheEntry {
  if (typeof value !== 'object' || value === null) return false;
  const entry = value as Record<string, unknown>;
  return (
    'value' in entry &&
    isSourceId(entry.source) &&
    Number.isFinite(entry.originAt) &&
    Number.isFinite(entry.fetchedAt) &&
    Number.isFinite(entry.storedAt) &&
    Number.isFinite(entry.expiresAt)
  );
}

/** A policy whose slower tiers never expire before the faster ones (a backfill would otherwise outlive its source). */
export function ttlPolicy(l1Ms: number, l2Seconds: number, l3Seconds: number): TtlPolicy {
  const l1 = Math.max(0, l1Ms);
  const l2 = Math.max(Math.ceil(l1 / 1000), l2Seconds);
  return { l1Ms: l1, l2Seconds: l2, l3Seconds: Math.max(l2, l3Seconds) };
}

/** The config fields the default policies are built from (Config['cache'] fits). */
export interface CacheTtlSettings {
  /** CACHE_L1_TTL_MS: L1 TTL of kinds without their own policy. */
  l1TtlMs: number;
  /** CACHE_L2_TTL_S: L2 TTL of insights/metrics (clamped to the seed's 30–300 s) and of other kinds. */
  l2TtlSeconds: number;
  /** CACHE_L3_TTL_S: L3 TTL of every kind. */
  l3TtlSeconds: number;
}

const clamp = (value: number, min: number, max: number): number => Math.min(max, Math.max(min, value));

/**
 * The seed's TTLs per kind: prices go stale in seconds (L1 5 s, L2 30 s), insights and business
 * metrics change every half minute or slower (L1 30 s, L2 from config within 30–300 s). Pollers
 * refresh hot keys far more often than these TTLs through `set`, so the TTLs bound how old a value
 * may be when a poller stops, not how often the upstream is called.
 */
export function defaultTtlPolicies(settings: CacheTtlSettings): { byKind: Record<CacheKind, TtlPolicy>; fallback: TtlPolicy } {
  const slowL2 = clamp(settings.l2TtlSeconds, 30, 300);
  return {
    byKind: {
      markets: ttlPolicy(5_000, 30, settings.l3TtlSeconds),
      orderBooks: ttlPolicy(5_000, 30, settings.l3TtlSeconds),
      insights: ttlPolicy(30_000, slowL2, settings.l3TtlSeconds),
      metrics: ttlPolicy(30_000, slowL2, settings.l3TtlSeconds),
    },
    fallback: ttlPolicy(settings.l1TtlMs, settings.l2TtlSeconds, settings.l3TtlSeconds),
  };
}
