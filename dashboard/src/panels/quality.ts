/**
 * How old and how trustworthy a value looks (pure, no DOM): the markets table and the sources
 * panel both say it the same way. A value is "fresh" when it came live and recently, "cached"
 * when a cache tier served it, "stale" when its upstream produced it long ago, whatever the tier.
 * Ages are counted on the page's clock from when the answer arrived (freshnessMs is as of then),
 * so they keep growing between updates instead of freezing at the last one.
 */
export type Freshness = 'fresh' | 'cached' | 'stale';

/** Older than this, a price is shown as stale (a live market ticks within seconds). */
export const STALE_AFTER_MS = 60_000;

export interface QualityInput {
  freshnessMs: number;
  cacheTier: string;
  isFromCache: boolean;
  simulated: boolean;
}

/** The upstream's moment for a value, on the page's clock: `receivedAt - freshnessMs`. */
export const producedAt = (quality: Pick<QualityInput, 'freshnessMs'>, receivedAt: number): number => receivedAt - quality.freshnessMs;

export function freshnessOf(quality: Pick<QualityInput, 'cacheTier' | 'isFromCache'>, ageMs: number): Freshness {
  if (ageMs > STALE_AFTER_MS) return 'stale';
  return quality.isFromCache || quality.cacheTier !== 'LIVE' ? 'cached' : 'fresh';
}

/** "0.4 s", "12 s", "3 min", "2 h", "3 d": short, one unit, never negative. */
export function formatAge(ms: number): string {
  const age = Math.max(0, ms);
  if (age < 10_000) return `${(age / 1000).toFixed(1)} s`;
  if (age < 60_000) return `${Math.floor(age / 1000)} s`;
  if (age < 3_600_000) return `${Math.floor(age / 60_000)} min`;
  if (age < 86_400_000) return `${Math.floor(age / 3_600_000)} h`;
  return `${Math.floor(age / 86_400_000)} d`;
}

/** The tier as a reader would say it: "live" or "cache L2". */
export const tierLabel = (tier: string): string => (tier === 'LIVE' ? 'live' : `cache ${tier}`);

/** The sentence a price cell's tooltip says. */
export function qualitySentence(quality: QualityInput, ageMs: number): string {
  const parts = [`${tierLabel(quality.cacheTier)}`, `${formatAge(ageMs)} old`];
  const freshness = freshnessOf(quality, ageMs);
  if (freshness === 'stale') parts.push('stale');
  if (quality.simulated) parts.push('simulated (invented by the bundled simulator)');
  return parts.join(' · ');
}

/** Change of the last price against the previous one, in cents with a sign: "+1.5¢", "−2¢", "0¢". */
export function formatChangeCents(
  last: number | null | undefined,
  previous: number | null | undefined,
): { text: string; direction: 'up' | 'down' | 'flat' | 'none' } {
  if (last == null || previous == null || !Number.isFinite(last) || !Number.isFinite(previous)) return { text: '—', direction: 'none' };
  const tenths = Math.round((last - previous) * 1000);
  if (tenths === 0) return { text: '0¢', direction: 'flat' };
  const cents = Math.abs(tenths) / 10;
  const magnitude = Number.isInteger(cents) ? cents.toFixed(0) : cents.toFixed(1);
  return tenths > 0 ? { text: `+${magnitude}¢`, direction: 'up' } : { text: `−${magnitude}¢`, direction: 'down' };
}
