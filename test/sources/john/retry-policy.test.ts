/** JOHN_RETRY_POLICY: the reference's numbers, and exactly the failures it says to retry. */
import { describe, expect, it } from 'vitest';
import { UpstreamError, type ErrorCategory } from '../../../src/core/errors.js';
import { JOHN_RETRY_POLICY } from '../../../src/sources/john/retry-policy.js';

const failure = (category: ErrorCategory, retryable: boolean) => new UpstreamError(category, { source: 'john', category, retryable });

describe('JOHN_RETRY_POLICY', () => {
  it('is 1 call + 3 retries with 1 s → 4 s backoff ceilings', () => {
    expect(JOHN_RETRY_POLICY).toMatchObject({ attempts: 4, baseDelayMs: 1000, maxDelayMs: 4000 });
    const ceilings = [1, 2, 3].map((attempt) => Math.min(JOHN_RETRY_POLICY.maxDelayMs, JOHN_RETRY_POLICY.baseDelayMs * 2 ** (attempt - 1)));
    expect(ceilings).toEqual([1000, 2000, 4000]);
    expect(Object.isFrozen(JOHN_RETRY_POLICY)).toBe(true);
  });

  it.each<[ErrorCategory, boolean, boolean]>([
    ['service', true, true],
    ['network', true, true],
    ['service', false, false],
    ['auth', false, false],
    ['data', false, false],
    ['rate_limit', true, false],
    ['circuit_breaker', true, false],
  ])('%s (retryable %s) → retried %s', (category, retryable, retried) => {
    expect(JOHN_RETRY_POLICY.retryOn(failure(category, retryable))).toBe(retried);
  });
});
