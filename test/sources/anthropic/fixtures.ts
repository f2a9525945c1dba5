/**
 * Markets to feed the analysis: normalized MarketRecords as the Kalshi normalizer produces them,
 * with the prices chosen by the test so the expected direction of the analysis is known.
 */
import type { MarketRecord, MarketStatus } from '../../../src/core/domain.js';

export interface MarketShape {
  last: number;
  previous: number;
  /** Half the bid-ask spread around `last`. @default 0.01 */
  halfSpread?: number;
  volume24h?: number;
  title?: string;
  status?: MarketStatus;
}

export function market(ticker: string, shape: MarketShape): MarketRecord {
  const half = shape.halfSpread ?? 0.01;
  const round = (value: number): number => Math.round(value * 10_000) / 10_000;
  return {
    id: `kalshi:${ticker}`,
    source: 'kalshi',
    ticker,
    eventTicker: ticker.split('-')[0] ?? null,
    title: shape.title ?? `Will ${ticker} resolve YES?`,
    type: 'PREDICTION',
    status: shape.status ?? 'ACTIVE',
    prices: { bid: round(shape.last - half), ask: round(shape.last + half), last: shape.last, previous: shape.previous, high: null, low: null },
    volume: { volume24h: shape.volume24h ?? 1_000, volume: null, openInterest: 5_000 },
    eventDate: null,
    expiryDate: '2026-12-31T23:59:59Z',
    updatedAt: '2026-11-24T12:00:00.000Z',
    provenance: { originAt: Date.UTC(2026, 10, 24, 12), fetchedAt: Date.UTC(2026, 10, 24, 12), tier: 'LIVE' },
  };
}

/** `count` markets whose price rose over the day (by 4 to 12 cents). */
export function risingMarkets(count: number, prefix = 'KXUP'): MarketRecord[] {
  return Array.from({ length: count }, (_, i) =>
    market(`${prefix}-26DEC-T${i + 1}`, { previous: 0.4, last: 0.44 + (i % 5) * 0.02, volume24h: 1_000 + 100 * i }),
  );
}

/** `count` markets whose price fell over the day (by 4 to 12 cents). */
export function fallingMarkets(count: number, prefix = 'KXDOWN'): MarketRecord[] {
  return Array.from({ length: count }, (_, i) =>
    market(`${prefix}-26DEC-T${i + 1}`, { previous: 0.6, last: 0.56 - (i % 5) * 0.02, volume24h: 1_000 + 100 * i }),
  );
}

/** The same markets with every price moved by `delta` dollars. */
export function shifted(markets: readonly MarketRecord[], delta: number, only?: string): MarketRecord[] {
  return markets.map((m) => {
    if (only !== undefined && m.ticker !== only) return m;
    const move = (value: number | null): number | null => (value === null ? null : Math.round((value + delta) * 10_000) / 10_000);
    return { ...m, prices: { ...m.prices, bid: move(m.prices.bid), ask: move(m.prices.ask), last: move(m.prices.last) } };
  });
}
