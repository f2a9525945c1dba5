/**
 * Which markets an analysis looks at, and when two inputs count as the same. Calls cost money, so
 * the slice is small (the most active markets) and its fingerprint ignores noise below a cent and
 * small volume changes: identical fingerprints within the cache TTL are served without a call.
 */
import { createHash } from 'node:crypto';
import type { MarketRecord } from '../../core/domain.js';

/** The YES mid when both sides are quoted, else the last price, else null. */
export function midOf(market: MarketRecord): number | null {
  const { bid, ask, last } = market.prices;
  if (bid !== null && ask !== null) return (bid + ask) / 2;
  return last;
}

/**
 * The `size` most active ACTIVE markets by 24h volume (ties by ticker, so the choice is stable).
 * `first` tickers (e.g. the markets that just moved) are included ahead of the rest when active.
 */
export function selectSlice(markets: readonly MarketRecord[], size: number, first: ReadonlySet<string> = new Set()): MarketRecord[] {
  const active = markets.filter((m) => m.status === 'ACTIVE');
  const byActivity = [...active].sort((a, b) => b.volume.volume24h - a.volume.volume24h || (a.ticker < b.ticker ? -1 : a.ticker > b.ticker ? 1 : 0));
  const pinned = byActivity.filter((m) => first.has(m.ticker));
  const rest = byActivity.filter((m) => !first.has(m.ticker));
  return [...pinned, ...rest].slice(0, Math.max(0, size));
}

const cents = (value: number | null): number | null => (value === null ? null : Math.round(value * 100));

/** Two significant digits: 12_345 and 12_401 contracts are the same input; 12_000 and 13_000 are not. */
function coarseVolume(volume: number): number {
  if (!Number.isFinite(volume) || volume <= 0) return 0;
  const magnitude = 10 ** Math.max(0, Math.floor(Math.log10(volume)) - 1);
  return Math.round(volume / magnitude) * magnitude;
}

/** SHA-256 of the normalized slice: tickers (sorted), prices in whole cents, volumes to two significant digits. */
export function sliceFingerprint(markets: readonly MarketRecord[]): string {
  const normalized = [...markets]
    .map((m) => [m.ticker, cents(m.prices.bid), cents(m.prices.ask), cents(m.prices.last), cents(m.prices.previous), coarseVolume(m.volume.volume24h)] as const)
    .sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  return createHash('sha256').update(JSON.stringify(normalized)).digest('hex');
}
