/**
 * How the markets table says a price's quality: its age counted from the upstream's moment (so it
 * keeps growing between updates), fresh / cached / stale, and the change against the previous
 * price in signed cents.
 */
import { describe, expect, it } from 'vitest';
import { formatAge, formatChangeCents, freshnessOf, producedAt, qualitySentence, STALE_AFTER_MS } from '../../dashboard/src/panels/quality.js';

const live = { freshnessMs: 400, cacheTier: 'LIVE', isFromCache: false, simulated: false };

describe('price quality', () => {
  it('counts the age from when the upstream produced the value, on the page clock', () => {
    const received = 1_000_000;
    expect(producedAt(live, received)).toBe(999_600);
    expect(formatAge(received + 2_000 - producedAt(live, received))).toBe('2.4 s');
  });

  it('is fresh when live and recent, cached from a cache tier, stale when old whatever the tier', () => {
    expect(freshnessOf(live, 400)).toBe('fresh');
    expect(freshnessOf({ cacheTier: 'L2', isFromCache: true }, 400)).toBe('cached');
    expect(freshnessOf({ cacheTier: 'LIVE', isFromCache: true }, 400)).toBe('cached');
    expect(freshnessOf(live, STALE_AFTER_MS + 1)).toBe('stale');
    expect(freshnessOf({ cacheTier: 'L4', isFromCache: true }, STALE_AFTER_MS + 1)).toBe('stale');
  });

  it('writes ages in one short unit', () => {
    expect([-5, 400, 9_949, 12_000, 185_000, 7_300_000, 200_000_000].map(formatAge)).toEqual(['0.0 s', '0.4 s', '9.9 s', '12 s', '3 min', '2 h', '2 d']);
  });

  it('says tier, age, staleness and simulation in the tooltip', () => {
    expect(qualitySentence(live, 400)).toBe('live · 0.4 s old');
    expect(qualitySentence({ ...live, cacheTier: 'L3', isFromCache: true, simulated: true }, 120_000)).toBe(
      'cache L3 · 2 min old · stale · simulated (invented by the bundled simulator)',
    );
  });

  it('gives the change against the previous price in signed cents, tenths where needed', () => {
    expect(formatChangeCents(0.45, 0.42)).toEqual({ text: '+3¢', direction: 'up' });
    expect(formatChangeCents(0.42, 0.425)).toEqual({ text: '−0.5¢', direction: 'down' });
    expect(formatChangeCents(0.3, 0.1 + 0.2)).toEqual({ text: '0¢', direction: 'flat' });
    expect(formatChangeCents(0.3, null)).toEqual({ text: '—', direction: 'none' });
    expect(formatChangeCents(undefined, 0.3)).toEqual({ text: '—', direction: 'none' });
  });
});
