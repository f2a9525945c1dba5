/**
 * John's documented retry policy, as data for the generic retry runner
 * (src/sources/resilience/retry.ts): "retry 5xx up to 3 times with backoff; 401/403 are not retried".
 *
 * - 4 attempts = the first call + 3 retries.
 * - Backoff ceilings 1 s, 2 s, 4 s (base · 2^(attempt−1), capped at 4 s); the runner adds jitter.
 * - Only service (5xx) and network (refused, reset, truncated, timed out) failures are retried.
 *   auth (401/403) and data (bad JSON, bad shape) never heal by asking again; rate_limit (429) is
 *   left to the breaker and the next poll rather than hammering a John that asked us to slow down.
 */
import type { UpstreamError } from '../../core/errors.js';
import type { RetryPolicy } from '../resilience/retry.js';

export const JOHN_RETRY_POLICY: Readonly<Required<RetryPolicy>> = Object.freeze({
  attempts: 4,
  baseDelayMs: 1000,
  maxDelayMs: 4000,
  retryOn: (error: UpstreamError): boolean => error.retryable && (error.category === 'service' || error.category === 'network'),
});
