/**
 * The tracked order-book set: the top N markets by 24 h volume, each kept until its rank passes
 * N + margin, so two markets trading places at the boundary do not churn subscriptions every poll.
 */
import { describe, expect, it } from 'vitest';
import type { MarketRecord } from '../../../src/core/domain.js';
import { defaultTrackMargin, TrackedBooks } from '../../../src/sources/kalshi/tracked-books.js';
import { market } from '../../support/records.js';

/** A listing where each market has the given 24 h volume (all active unless said otherwise). */
function listing(volumes: Record<string, number>, status: Partial<Record<string, MarketRecord['status']>> = {}): MarketRecord[] {
  return Object.entries(volumes).map(([ticker, volume24h]) => ({
    ...market(ticker, 0.5, 0),
    status: status[ticker] ?? 'ACTIVE',
    volume: { volume24h, volume: volume24h, openInterest: 1 },
  }));
}

describe('TrackedBooks', () => {
  it('two markets trading places at rank N: both stay followed, nothing churns', () => {
    const books = new TrackedBooks({ topN: 2, margin: 1 });
    expect(books.update(listing({ A: 300, B: 200, C: 199, D: 10 }))).toEqual(['A', 'B']);
    // C overtakes B: C joins (it is top 2), B (rank 2 < 2 + 1) stays.
    expect(books.update(listing({ A: 300, B: 199, C: 200, D: 10 }))).toEqual(['A', 'C', 'B']);
    // And back, and again: the set no longer changes.
    for (let i = 0; i < 5; i++) {
      expect(new Set(books.update(listing({ A: 300, B: 200 + (i % 2), C: 201 - (i % 2), D: 10 })))).toEqual(new Set(['A', 'B', 'C']));
    }
  });

  it('a market leaves once its rank passes N + margin, or when it is no longer active or listed', () => {
    const books = new TrackedBooks({ topN: 2, margin: 1 });
    books.update(listing({ A: 300, B: 200, C: 100 }));
    books.update(listing({ A: 300, B: 100, C: 200 }));
    expect(books.current()).toEqual(['A', 'C', 'B']);
    // E jumps to the top: B falls to rank 3 (not < 3) and leaves; C at rank 2 stays.
    expect(books.update(listing({ E: 999, A: 300, C: 200, B: 100 }))).toEqual(['E', 'A', 'C']);
    // Once out, a market comes back only through the top N: B at rank 2 is not followed again,
    // while C, pushed to rank 3, leaves.
    expect(books.update(listing({ E: 999, A: 300, B: 250, C: 200 }))).toEqual(['E', 'A']);
    expect(books.update(listing({ E: 999, B: 400, A: 300, C: 200 }))).toEqual(['E', 'B', 'A']);
    // Closed or delisted markets leave at once, whatever their rank.
    expect(books.update(listing({ E: 999, B: 400, A: 300 }, { E: 'CLOSED' }))).toEqual(['B', 'A']);
    expect(books.update(listing({ A: 300 }))).toEqual(['A']);
  });

  it('every top-N market is always followed, and the set never holds more than N + margin', () => {
    const books = new TrackedBooks({ topN: 3 });
    expect(books.margin).toBe(defaultTrackMargin(3));
    const tickers = ['A', 'B', 'C', 'D', 'E', 'F', 'G', 'H'];
    let seed = 7;
    const random = (): number => (seed = (seed * 48271) % 2147483647) / 2147483647;
    for (let poll = 0; poll < 200; poll++) {
      const volumes = Object.fromEntries(tickers.map((t) => [t, Math.floor(random() * 1000)]));
      const followed = books.update(listing(volumes));
      const top = Object.entries(volumes)
        .sort(([a, x], [b, y]) => y - x || a.localeCompare(b))
        .slice(0, 3)
        .map(([t]) => t);
      for (const ticker of top) expect(followed).toContain(ticker);
      expect(followed.length).toBeLessThanOrEqual(3 + books.margin);
    }
  });

  it('the default margin is a quarter of N, at least one', () => {
    expect([1, 4, 5, 20, 500].map(defaultTrackMargin)).toEqual([1, 1, 2, 5, 125]);
    expect(() => new TrackedBooks({ topN: 0 })).toThrow(RangeError);
    expect(() => new TrackedBooks({ topN: 2, margin: -1 })).toThrow(RangeError);
  });
});
