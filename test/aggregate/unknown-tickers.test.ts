import { describe, expect, test } from 'vitest';
import { ManualClock } from '../../src/core/clock.js';
import { UnknownTickers } from '../../src/aggregate/unknown-tickers.js';

describe('UnknownTickers (the negative cache of issue 10, section 3)', () => {
  test('remembered for ttlMs on the clock, then forgotten', async () => {
    const clock = new ManualClock();
    const unknown = new UnknownTickers({ clock, ttlMs: 5000 });
    unknown.add('NOPE');
    await clock.advance(4999);
    expect(unknown.has('NOPE')).toBe(true);
    await clock.advance(1);
    expect(unknown.has('NOPE')).toBe(false);
    expect(unknown.size).toBe(0);
    expect(clock.pending).toBe(0);
  });

  test('bounded: the least recently used leaves first', () => {
    const clock = new ManualClock();
    const unknown = new UnknownTickers({ clock, ttlMs: 5000, max: 2 });
    unknown.add('A');
    unknown.add('B');
    expect(unknown.has('A')).toBe(true);
    unknown.add('C');
    expect([unknown.has('A'), unknown.has('B'), unknown.has('C')]).toEqual([true, false, true]);
  });

  test('forget() believes a listing at once; ttl 0 remembers nothing', () => {
    const clock = new ManualClock();
    const unknown = new UnknownTickers({ clock, ttlMs: 5000 });
    unknown.add('A');
    unknown.forget('A');
    expect(unknown.has('A')).toBe(false);
    const off = new UnknownTickers({ clock, ttlMs: 0 });
    off.add('A');
    expect(off.has('A')).toBe(false);
  });
});
