/** Domain records for unit tests, with only what a test varies as parameters. */
import type { MarketRecord } from '../../src/core/domain.js';

/** An active market quoted at `bid` (ask two cents above), fetched live at `at`. */
export function market(ticker: string, bid: number, at: number): MarketRecord {
  return {
    id: `kalshi:${ticker}`,
    source: 'kalshi',
    ticker,
    eventTicker: 'EV',
    title: ticker,
    type: 'PREDICTION',
    status: 'ACTIVE',
    prices: { bid, ask: bid + 0.02, last: bid, previous: null, high: null, low: null },
    volume: { volume24h: 10, volume: 10, openInterest: 5 },
    eventDate: null,
    expiryDate: null,
    updatedAt: new Date(at).toISOString(),
    provenance: { originAt: at, fetchedAt: at, tier: 'LIVE' },
  };
}
