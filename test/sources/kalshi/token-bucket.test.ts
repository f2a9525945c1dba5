import { describe, expect, test } from 'vitest';
import { ManualClock } from '../../../src/core/clock.js';
import { TokenBucket, TokenBucketOverflowError } from '../../../src/sources/kalshi/token-bucket.js';

/** A take whose settlement can be inspected without awaiting it. */
function track(promise: Promise<void>): { readonly state: 'pending' | 'resolved' | 'rejected'; readonly reason: unknown } {
  const tracked = { state: 'pending' as 'pending' | 'resolved' | 'rejected', reason: undefined as unknown };
  promise.then(
    () => (tracked.state = 'resolved'),
    (reason: unknown) => {
      tracked.state = 'rejected';
      tracked.reason = reason;
    },
  );
  return tracked;
}

describe('TokenBucket', () => {
  test('a burst goes through at once; then one take per 1/rate seconds, exactly', async () => {
    const clock = new ManualClock();
    const bucket = new TokenBucket({ ratePerSecond: 10, burst: 3, clock });
    const burst = [track(bucket.take()), track(bucket.take()), track(bucket.take())];
    const fourth = track(bucket.take());
    const fifth = track(bucket.take());
    await clock.advance(0);
    expect(burst.map((t) => t.state)).toEqual(['resolved', 'resolved', 'resolved']);
    expect(fourth.state).toBe('pending');
    expect(bucket.waiting).toBe(2);

    await clock.advance(99);
    expect(fourth.state).toBe('pending');
    await clock.advance(1);
    expect(fourth.state).toBe('resolved');
    expect(fifth.state).toBe('pending');
    await clock.advance(99);
    expect(fifth.state).toBe('pending');
    await clock.advance(1);
    expect(fifth.state).toBe('resolved');
    expect(bucket.waiting).toBe(0);
    expect(clock.pending).toBe(0);
  });

  test('the n-th take of a long queue resolves at (n − burst) / rate seconds', async () => {
    const clock = new ManualClock();
    const bucket = new TokenBucket({ ratePerSecond: 4, burst: 2, clock });
    const takes = Array.from({ length: 10 }, () => track(bucket.take()));
    const resolvedAt: number[] = [];
    const start = clock.now();
    for (let ms = 0; ms <= 2500; ms += 50) {
      await clock.advance(ms === 0 ? 0 : 50);
      takes.forEach((t, i) => {
        if (t.state === 'resolved' && resolvedAt[i] === undefined) resolvedAt[i] = clock.now() - start;
      });
    }
    expect(resolvedAt).toEqual([0, 0, 250, 500, 750, 1000, 1250, 1500, 1750, 2000]);
  });

  test('waiters are served in order: a small take does not overtake a large one', async () => {
    const clock = new ManualClock();
    const bucket = new TokenBucket({ ratePerSecond: 1, burst: 3, clock });
    await bucket.take(3);
    const big = track(bucket.take(2));
    const small = track(bucket.take(1));
    expect(bucket.tryTake(1)).toBe(false);
    await clock.advance(1000);
    expect(big.state).toBe('pending');
    expect(small.state).toBe('pending');
    await clock.advance(1000);
    expect(big.state).toBe('resolved');
    expect(small.state).toBe('pending');
    await clock.advance(1000);
    expect(small.state).toBe('resolved');
  });

  test('an aborted waiter rejects with the reason and takes nothing; the next one moves up', async () => {
    const clock = new ManualClock();
    const bucket = new TokenBucket({ ratePerSecond: 10, burst: 1, clock });
    await bucket.take();
    const controller = new AbortController();
    const aborted = track(bucket.take(1, controller.signal));
    const next = track(bucket.take());
    await clock.advance(50);
    const reason = new Error('caller went away');
    controller.abort(reason);
    await clock.advance(0);
    expect(aborted.state).toBe('rejected');
    expect(aborted.reason).toBe(reason);
    // The token due at 100 ms goes to the next waiter, not to the one that left.
    await clock.advance(49);
    expect(next.state).toBe('pending');
    await clock.advance(1);
    expect(next.state).toBe('resolved');
  });

  test('an already aborted signal rejects at once', async () => {
    const bucket = new TokenBucket({ ratePerSecond: 10, burst: 5, clock: new ManualClock() });
    const reason = new Error('already gone');
    await expect(bucket.take(1, AbortSignal.abort(reason))).rejects.toBe(reason);
    expect(bucket.available()).toBe(5);
  });

  test('tryTake never waits; refill is capped at the burst', async () => {
    const clock = new ManualClock();
    const bucket = new TokenBucket({ ratePerSecond: 20, burst: 2, clock });
    expect(bucket.tryTake()).toBe(true);
    expect(bucket.tryTake()).toBe(true);
    expect(bucket.tryTake()).toBe(false);
    await clock.advance(50);
    expect(bucket.tryTake()).toBe(true);
    expect(bucket.tryTake()).toBe(false);
    await clock.advance(3_600_000);
    expect(bucket.available()).toBe(2);
  });

  test('nonsense settings and costs above the burst are refused', () => {
    const clock = new ManualClock();
    expect(() => new TokenBucket({ ratePerSecond: 0, burst: 1, clock })).toThrow(RangeError);
    expect(() => new TokenBucket({ ratePerSecond: 1, burst: 0.5, clock })).toThrow(RangeError);
    expect(() => new TokenBucket({ ratePerSecond: Number.NaN, burst: 1, clock })).toThrow(RangeError);
    const bucket = new TokenBucket({ ratePerSecond: 1, burst: 2, clock });
    expect(() => bucket.take(3)).toThrow(RangeError);
    expect(() => bucket.tryTake(0)).toThrow(RangeError);
  });
  test('close() cancels the refill timer, rejects every waiter and every later take', async () => {
    const clock = new ManualClock();
    const bucket = new TokenBucket({ ratePerSecond: 1, burst: 1, clock });
    await bucket.take();
    const waiting = [track(bucket.take()), track(bucket.take())];
    expect(clock.pending).toBe(1);
    const reason = new Error('client closed');
    bucket.close(reason);
    await clock.advance(0);
    expect(clock.pending).toBe(0);
    expect(waiting.map((t) => [t.state, t.reason])).toEqual([
      ['rejected', reason],
      ['rejected', reason],
    ]);
    expect(bucket.waiting).toBe(0);
    await expect(bucket.take()).rejects.toBe(reason);
    expect(bucket.tryTake()).toBe(false);
    // Time passing afterwards wakes nothing and schedules nothing.
    await clock.advance(10_000);
    expect(clock.pending).toBe(0);
  });
  describe('reserve and priority lane (issue 10: client reads cannot starve the pollers)', () => {
    test('ordinary takes leave the reserve: with 5 tokens and a reserve of 2, the fourth ordinary take waits', async () => {
      const clock = new ManualClock();
      const bucket = new TokenBucket({ ratePerSecond: 10, burst: 5, reserve: 2, clock });
      const ordinary = Array.from({ length: 4 }, () => track(bucket.take()));
      await clock.advance(0);
      expect(ordinary.map((t) => t.state)).toEqual(['resolved', 'resolved', 'resolved', 'pending']);
      // The reserve is there for a priority take at once.
      const poll = track(bucket.take(1, { priority: true }));
      const poll2 = track(bucket.take(1, { priority: true }));
      await clock.advance(0);
      expect([poll.state, poll2.state]).toEqual(['resolved', 'resolved']);
      expect(bucket.tryTake()).toBe(false);
    });

    test('a priority take overtakes every queued ordinary take and gets the next token', async () => {
      const clock = new ManualClock();
      const bucket = new TokenBucket({ ratePerSecond: 10, burst: 3, reserve: 1, clock });
      // A burst of 20 client reads: 2 go at once (the third token is the reserve), 18 queue.
      const reads = Array.from({ length: 20 }, () => track(bucket.take()));
      await clock.advance(0);
      expect(reads.filter((t) => t.state === 'resolved')).toHaveLength(2);
      // The reserve is untouched: the poll goes at once, though 18 reads are queued ahead of it.
      const poll = track(bucket.take(1, { priority: true }));
      await clock.advance(0);
      expect(poll.state).toBe('resolved');
      // The next poll finds the bucket empty: it waits one refill (100 ms), not for the 18 reads.
      const next = track(bucket.take(1, { priority: true }));
      await clock.advance(99);
      expect(next.state).toBe('pending');
      await clock.advance(1);
      expect(next.state).toBe('resolved');
      expect(reads.filter((t) => t.state === 'resolved')).toHaveLength(2);
      // Ordinary reads resume only above the reserve: one more token (the reserve) must refill first.
      await clock.advance(100);
      expect(reads.filter((t) => t.state === 'resolved')).toHaveLength(2);
      await clock.advance(100);
      expect(reads.filter((t) => t.state === 'resolved')).toHaveLength(3);
    });

    test('without the reserve and the lane, the poll waits behind the whole burst (what the old bucket did)', async () => {
      const clock = new ManualClock();
      const bucket = new TokenBucket({ ratePerSecond: 10, burst: 3, clock });
      const reads = Array.from({ length: 20 }, () => track(bucket.take()));
      const poll = track(bucket.take());
      await clock.advance(1799);
      expect(poll.state).toBe('pending');
      await clock.advance(1);
      expect(poll.state).toBe('resolved');
      expect(reads.every((t) => t.state === 'resolved')).toBe(true);
    });

    test('an aborted priority waiter hands the head back to the ordinary lane', async () => {
      const clock = new ManualClock();
      const bucket = new TokenBucket({ ratePerSecond: 10, burst: 2, reserve: 1, clock });
      await bucket.take(2, { priority: true });
      const read = track(bucket.take());
      const abort = new AbortController();
      const poll = track(bucket.take(1, { priority: true, signal: abort.signal }));
      abort.abort(new Error('poller stopped'));
      await clock.advance(0);
      expect(poll.state).toBe('rejected');
      // The read needs its token plus the reserve: 2 tokens, 200 ms.
      await clock.advance(199);
      expect(read.state).toBe('pending');
      await clock.advance(1);
      expect(read.state).toBe('resolved');
      expect(clock.pending).toBe(0);
    });

    test('an ordinary take that would wait longer than maxWaitMs is refused at once; priority takes are never refused', async () => {
      const clock = new ManualClock();
      const bucket = new TokenBucket({ ratePerSecond: 10, burst: 3, reserve: 1, clock });
      const now = [track(bucket.take(1, { maxWaitMs: 300 })), track(bucket.take(1, { maxWaitMs: 300 }))];
      // The third ordinary take needs 1 + the reserve: 100 ms of refill, then 200, 300; the next 400.
      const queued = [1, 2, 3].map(() => track(bucket.take(1, { maxWaitMs: 300 })));
      const refused = track(bucket.take(1, { maxWaitMs: 300 }));
      const poll = track(bucket.take(1, { priority: true, maxWaitMs: 0 }));
      await clock.advance(0);
      expect(now.map((t) => t.state)).toEqual(['resolved', 'resolved']);
      expect(refused.state).toBe('rejected');
      expect(refused.reason).toBeInstanceOf(TokenBucketOverflowError);
      expect((refused.reason as TokenBucketOverflowError).waitMs).toBe(400);
      expect(poll.state).toBe('resolved');
      expect(bucket.waiting).toBe(3);
      // The refused take took nothing: the queued ones are served on their schedule (the poll took the reserve: +100 ms).
      await clock.advance(400);
      expect(queued.map((t) => t.state)).toEqual(['resolved', 'resolved', 'resolved']);
    });

    test('a reserve must stay below the burst, and an ordinary cost above burst − reserve is refused', () => {
      const clock = new ManualClock();
      expect(() => new TokenBucket({ ratePerSecond: 1, burst: 2, reserve: 2, clock })).toThrow(RangeError);
      expect(() => new TokenBucket({ ratePerSecond: 1, burst: 2, reserve: -1, clock })).toThrow(RangeError);
      const bucket = new TokenBucket({ ratePerSecond: 1, burst: 3, reserve: 1, clock });
      expect(() => bucket.take(3)).toThrow(RangeError);
      expect(bucket.tryTake(3, { priority: true })).toBe(true);
    });
  });
});
