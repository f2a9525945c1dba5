/**
 * How trustworthy a served value is. Reliability starts from the source's base (the seed's numbers)
 * and is lowered by the tier it came from and by its age, so a day-old L4 value says so.
 */
import type { CacheTier, DataQuality, Provenance, SourceId } from './domain.js';

/** The seed's per-source reliability when a value is fetched live. */
export const BASE_RELIABILITY: Record<SourceId, number> = {
  kalshi: 0.95,
  anthropic: 0.9,
  john: 0.98,
};

/** Multiplier per tier: the further from the upstream, the less we vouch for it. */
const TIER_FACTOR: Record<CacheTier, number> = {
  LIVE: 1,
  L1: 0.98,
  L2: 0.95,
  L3: 0.85,
  L4: 0.7,
};

/** Age at which reliability has halved. Market data older than a few minutes is a different thing. */
const AGE_HALF_LIFE_MS = 5 * 60_000;

export function reliabilityOf(source: SourceId, tier: CacheTier, ageMs: number): number {
  const ageFactor = Math.pow(0.5, Math.max(0, ageMs) / AGE_HALF_LIFE_MS);
  const value = BASE_RELIABILITY[source] * TIER_FACTOR[tier] * ageFactor;
  return Math.round(value * 1000) / 1000;
}

/** The quality stamp of a value as served now. */
export function qualityOf(source: SourceId, provenance: Provenance, nowMs: number): DataQuality {
  const freshnessMs = Math.max(0, nowMs - provenance.originAt);
  return {
    freshnessMs,
    sourceReliability: reliabilityOf(source, provenance.tier, freshnessMs),
    isFromCache: provenance.tier !== 'LIVE',
    cacheTier: provenance.tier,
    fetchedAt: new Date(provenance.fetchedAt),
    // A copy stored before the stamp existed has none: it is reported as the real upstream's.
    simulated: provenance.simulated === true,
    isStreaming: provenance.streaming === true,
  };
}
