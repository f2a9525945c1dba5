/**
 * Issue 10, section 2: books asked for are followed while asked for, bounded, least recently
 * asked leaving first; subscribers hold theirs. On a ManualClock: the idle timeout in milliseconds.
 */
import { describe, expect, test } from 'vitest';
import { ManualClock } from '../../../src/core/clock.js';
import { DemandedBooks } from '../../../src/sources/kalshi/demanded-books.js';

function setUp(max: number, idleMs = 1000) {
  const clock = new ManualClock();
  const changes: string[][] = [];
  const books = new DemandedBooks({ clock, max, idleMs, onChange: (tickers) => changes.push([...tickers].sort()) });
  return { clock, changes, books };
}

describe('DemandedBooks', () => {
  test('an asked book joins at once; asking again changes nothing', () => {
    const { books, changes } = setUp(3);
    books.ask(['A']);
    expect(changes).toEqual([['A']]);
    books.ask(['A']);
    books.ask(['A', 'A']);
    expect(changes).toEqual([['A']]);
    expect(books.current()).toEqual(['A']);
  });

  test('beyond the bound the least recently asked leaves first, in the same change', async () => {
    const { books, changes, clock } = setUp(2);
    books.ask(['A']);
    await clock.advance(10);
    books.ask(['B']);
    await clock.advance(10);
    books.ask(['A']); // A is now the most recent
    books.ask(['C']);
    expect(changes.at(-1)).toEqual(['A', 'C']);
    expect(books.current()).toEqual(['A', 'C']);
  });

  test('one ask of more books than the bound takes its first ones and keeps nothing older', () => {
    const { books, changes } = setUp(3);
    books.ask(['OLD']);
    books.ask(['A', 'B', 'C', 'D', 'E']);
    expect(books.current()).toEqual(['A', 'B', 'C']);
    expect(changes).toEqual([['OLD'], ['A', 'B', 'C']]);
    // The same fan-out again is no change at all.
    books.ask(['A', 'B', 'C', 'D', 'E']);
    expect(changes).toHaveLength(2);
  });

  test('a book not asked for idleMs leaves; asking again restarts its idle time', async () => {
    const { books, changes, clock } = setUp(5, 1000);
    books.ask(['A', 'B']);
    await clock.advance(600);
    books.ask(['B']);
    await clock.advance(399);
    expect(books.current().sort()).toEqual(['A', 'B']);
    await clock.advance(1);
    expect(books.current()).toEqual(['B']);
    await clock.advance(599);
    expect(books.current()).toEqual(['B']);
    await clock.advance(1);
    expect(books.current()).toEqual([]);
    expect(changes).toEqual([['A', 'B'], ['B'], []]);
    expect(clock.pending).toBe(0);
  });

  test('a held book never idles out; its idle time starts when the last holder lets go', async () => {
    const { books, clock } = setUp(5, 1000);
    const releaseOne = books.hold('A');
    const releaseTwo = books.hold('A');
    await clock.advance(5000);
    expect(books.current()).toEqual(['A']);
    releaseOne();
    releaseOne(); // idempotent
    await clock.advance(5000);
    expect(books.current()).toEqual(['A']);
    releaseTwo();
    await clock.advance(999);
    expect(books.current()).toEqual(['A']);
    await clock.advance(1);
    expect(books.current()).toEqual([]);
  });

  test('held books count as asked now: the unheld leave first, even when asked more recently', async () => {
    const { books, clock } = setUp(2);
    books.hold('HELD');
    await clock.advance(10);
    books.ask(['B']);
    books.ask(['C']);
    expect(books.current().sort()).toEqual(['C', 'HELD']);
  });

  test('max 0 follows nothing on demand', () => {
    const { books, changes, clock } = setUp(0);
    books.ask(['A']);
    books.hold('B')();
    expect(books.current()).toEqual([]);
    expect(changes).toEqual([]);
    expect(clock.pending).toBe(0);
  });

  test('stop() cancels the idle timer', () => {
    const { books, clock } = setUp(2);
    books.ask(['A']);
    expect(clock.pending).toBe(1);
    books.stop();
    expect(clock.pending).toBe(0);
  });
});
