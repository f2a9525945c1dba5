/** qualityOf: the stamp every served value carries, from its provenance and the time of the answer. */
import { describe, expect, it } from 'vitest';
import type { Provenance } from '../../src/core/domain.js';
import { qualityOf } from '../../src/core/quality.js';

const NOW = Date.UTC(2026, 10, 24, 12);

describe('qualityOf', () => {
  it('stamps a live value as not from cache, and lowers reliability by tier and age', () => {
    const live: Provenance = { tier: 'LIVE', originAt: NOW - 1000, fetchedAt: NOW - 900 };
    expect(qualityOf('kalshi', live, NOW)).toMatchObject({
      freshnessMs: 1000,
      sourceReliability: 0.948,
      isFromCache: false,
      cacheTier: 'LIVE',
      fetchedAt: new Date(NOW - 900),
      simulated: false,
    });
    const fromFiles = qualityOf('kalshi', { ...live, tier: 'L4', originAt: NOW - 600_000 }, NOW);
    expect(fromFiles).toMatchObject({ isFromCache: true, cacheTier: 'L4', freshnessMs: 600_000 });
    expect(fromFiles.sourceReliability).toBeLessThan(qualityOf('kalshi', { ...live, tier: 'L1' }, NOW).sourceReliability);
    expect(fromFiles.sourceReliability).toBeCloseTo(0.95 * 0.7 * 0.25, 3);
  });

  it('says simulated exactly when the provenance was stamped so (a copy stored without the stamp: the real upstream)', () => {
    const stored: Provenance = { tier: 'L3', originAt: NOW - 5000, fetchedAt: NOW - 5000 };
    expect(qualityOf('john', { ...stored, simulated: true }, NOW).simulated).toBe(true);
    expect(qualityOf('john', { ...stored, simulated: false }, NOW).simulated).toBe(false);
    expect(qualityOf('john', stored, NOW).simulated).toBe(false);
  });

  it('says isStreaming only when the copy served is stamped streaming (a WebSocket book as served)', () => {
    const book: Provenance = { tier: 'LIVE', originAt: NOW - 10, fetchedAt: NOW - 10 };
    expect(qualityOf('kalshi', { ...book, streaming: true }, NOW).isStreaming).toBe(true);
    expect(qualityOf('kalshi', book, NOW).isStreaming).toBe(false);
    expect(qualityOf('kalshi', { ...book, tier: 'L1', streaming: false }, NOW)).toMatchObject({ isStreaming: false, isFromCache: true });
  });
});
