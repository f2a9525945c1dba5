import { describe, expect, it } from 'vitest';
import { MemoryTier } from '../../src/cache/l1-memory.js';
import { ManualClock } from '../../src/core/clock.js';
import { makeEntry } from './helpers.js';

describe('MemoryTier', () => {
  it('serves an entry until its expiresAt on the injected clock, then keeps it for peekStale', async () => {
    const clock = new ManualClock();
    const l1 = new MemoryTier({ clock });
    l1.set('k', makeEntry({ price: 1 }, clock.now(), { ttlMs: 5000 }));

    await clock.advance(4999);
    expect(l1.get('k')?.entry.value).toEqual({ price: 1 });

    await clock.advance(1);
    expect(l1.get('k')).toBeUndefined();
    expect(l1.peekStale('k')?.entry.value).toEqual({ price: 1 });
    expect(l1.size).toBe(1);
  });

  it('labels entries L1 unless told otherwise (values warmed from L4 keep their label)', () => {
    const clock = new ManualClock();
    const l1 = new MemoryTier({ clock });
    l1.set('a', makeEntry(1, clock.now()));
    l1.set('b', makeEntry(2, clock.now()), { label: 'L4' });
    expect(l1.get('a')?.label).toBe('L1');
    expect(l1.get('b')?.label).toBe('L4');
  });

  it('evicts the least recently used entry when full; a read makes an entry recent', () => {
    const clock = new ManualClock();
    const l1 = new MemoryTier({ clock, maxEntries: 3 });
    for (const key of ['a', 'b', 'c']) l1.set(key, makeEntry(key, clock.now()));
    l1.get('a');
    l1.set('d', makeEntry('d', clock.now()));
    expect(l1.peekStale('b')).toBeUndefined();
    expect([...l1.entries()].map(([key]) => key).sort()).toEqual(['a', 'c', 'd']);
  });

  it('bounds memory by estimated bytes and refuses an entry larger than the bound', () => {
    const clock = new ManualClock();
    const l1 = new MemoryTier({ clock, maxBytes: 10_000 });
    for (let i = 0; i < 10; i++) l1.set(`k${i}`, makeEntry('x'.repeat(2000), clock.now()));
    expect(l1.bytes).toBeLessThanOrEqual(10_000);
    expect(l1.size).toBeLessThan(10);
    expect(l1.peekStale('k9')).toBeDefined();

    l1.set('huge', makeEntry('y'.repeat(20_000), clock.now()));
    expect(l1.peekStale('huge')).toBeUndefined();
  });

  it('lists stale entries too (the L4 snapshot wants them)', async () => {
    const clock = new ManualClock();
    const l1 = new MemoryTier({ clock });
    l1.set('old', makeEntry(1, clock.now(), { ttlMs: 10 }));
    await clock.advance(1000);
    expect([...l1.entries()].map(([key]) => key)).toEqual(['old']);
  });
});
