/** The one backoff (full jitter), as the Kalshi WebSocket's reconnects and the guard's retries use it. */
import { describe, expect, test } from 'vitest';
import { backoffDelayMs } from '../../src/core/backoff.js';
import { DEFAULT_BACKOFF } from '../../src/sources/kalshi/ws/feed.js';
import { retryDelayMs } from '../../src/sources/resilience/retry.js';

describe('backoffDelayMs (full jitter)', () => {
  test('draws uniformly below min(max, initial · 2^step)', () => {
    expect([0, 1, 2, 3, 4, 5].map((step) => backoffDelayMs(step, DEFAULT_BACKOFF, () => 0.999999))).toEqual([2999, 5999, 11_999, 23_999, 29_999, 29_999]);
    expect(backoffDelayMs(3, DEFAULT_BACKOFF, () => 0)).toBe(0);
    expect(backoffDelayMs(0, DEFAULT_BACKOFF, () => 0.5)).toBe(1500);
    // Huge step counts stay finite and capped.
    expect(backoffDelayMs(10_000, DEFAULT_BACKOFF, () => 0.5)).toBe(15_000);
  });

  test('is the same curve the retries wait on (attempt n waits as step n − 1)', () => {
    const policy = { attempts: 5, baseDelayMs: 500, maxDelayMs: 4000 };
    for (const attempt of [1, 2, 3, 4, 5, 9]) {
      expect(retryDelayMs(policy, attempt, () => 0.73)).toBe(backoffDelayMs(attempt - 1, { initialMs: 500, maxMs: 4000 }, () => 0.73));
    }
  });
});
