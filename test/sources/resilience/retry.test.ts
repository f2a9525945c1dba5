import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../../src/core/clock.js';
import { UpstreamError } from '../../../src/core/errors.js';
import { retryDelayMs, withRetries, type RetryPolicy } from '../../../src/sources/resilience/retry.js';

const policy: RetryPolicy = { attempts: 4, baseDelayMs: 1000, maxDelayMs: 4000 };
const serviceError = (retryAfterMs?: number) =>
  new UpstreamError('HTTP 503', { source: 'john', category: 'service', retryable: true, status: 503, ...(retryAfterMs ? { retryAfterMs } : {}) });

describe('retryDelayMs', () => {
  it('is full jitter under an exponential, capped ceiling, never below retry-after', () => {
    expect(retryDelayMs(policy, 1, () => 0.999)).toBe(999);
    expect(retryDelayMs(policy, 2, () => 0.999)).toBe(1998);
    expect(retryDelayMs(policy, 5, () => 0.999)).toBe(3996); // capped at 4000
    expect(retryDelayMs(policy, 3, () => 0)).toBe(0);
    expect(retryDelayMs(policy, 1, () => 0.5, 7000)).toBe(7000);
  });
});

describe('withRetries', () => {
  it('retries retryable failures with backoff on the clock, then succeeds', async () => {
    const clock = new ManualClock();
    const calls: number[] = [];
    const delays: number[] = [];
    const result = withRetries(
      (attempt) => {
        calls.push(clock.now());
        return attempt < 3 ? Promise.reject(serviceError()) : Promise.resolve('ok');
      },
      policy,
      { clock, random: () => 0.5, onRetry: (_e, _a, delay) => delays.push(delay) },
    );
    await clock.advance(0);
    expect(calls).toHaveLength(1);
    await clock.advance(499);
    expect(calls).toHaveLength(1); // 500 ms wait after the first failure
    await clock.advance(1);
    expect(calls).toHaveLength(2);
    await clock.advance(1000);
    await expect(result).resolves.toBe('ok');
    expect(delays).toEqual([500, 1000]);
    expect(calls.map((t) => t - calls[0]!)).toEqual([0, 500, 1500]);
  });

  it('never retries what is not retryable (auth, data) or not an UpstreamError', async () => {
    const clock = new ManualClock();
    for (const error of [
      new UpstreamError('401', { source: 'john', category: 'auth', retryable: false, status: 401 }),
      new UpstreamError('bad json', { source: 'john', category: 'data', retryable: false }),
      new TypeError('bug'),
    ]) {
      let calls = 0;
      await expect(
        withRetries(
          () => {
            calls++;
            return Promise.reject(error);
          },
          policy,
          { clock },
        ),
      ).rejects.toBe(error);
      expect(calls).toBe(1);
    }
  });

  it('honours retry-after as the minimum wait, and gives up after the last attempt', async () => {
    const clock = new ManualClock();
    let calls = 0;
    const result = withRetries(
      () => {
        calls++;
        return Promise.reject(serviceError(3000));
      },
      { ...policy, attempts: 2 },
      { clock, random: () => 0 },
    );
    const settled = result.catch((error: unknown) => error);
    await clock.advance(2999);
    expect(calls).toBe(1);
    await clock.advance(1);
    expect(await settled).toBeInstanceOf(UpstreamError);
    expect(calls).toBe(2);
  });

  it('stops waiting when the deadline signal aborts and reports the last failure', async () => {
    const clock = new ManualClock();
    const controller = new AbortController();
    const failure = serviceError();
    const result = withRetries(() => Promise.reject(failure), policy, { clock, signal: controller.signal, random: () => 0.9 }).catch((error: unknown) => error);
    await clock.advance(100);
    controller.abort();
    expect(await result).toBe(failure);
  });

  it('respects a narrower retryOn', async () => {
    const clock = new ManualClock();
    let calls = 0;
    const rateLimited = new UpstreamError('429', { source: 'kalshi', category: 'rate_limit', retryable: true, status: 429 });
    await expect(
      withRetries(
        () => {
          calls++;
          return Promise.reject(rateLimited);
        },
        { ...policy, retryOn: (e) => e.category === 'service' },
        { clock },
      ),
    ).rejects.toBe(rateLimited);
    expect(calls).toBe(1);
  });
});
