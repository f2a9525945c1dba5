/**
 * Retries with exponential backoff and full jitter (backoff.ts), for retryable UpstreamErrors only. A
 * `retry-after` the upstream sent is a floor for the wait. Waiting uses the injected clock and
 * stops when the signal aborts (the breaker's deadline), so retries never outlive one breaker fire.
 */
import type { Clock } from '../../core/clock.js';
import { isUpstreamError, type UpstreamError } from '../../core/errors.js';
import { backoffDelayMs } from '../../core/backoff.js';

export interface RetryPolicy {
  /** Total attempts, the first included (1 = no retry). */
  attempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
  /** Narrows which retryable errors are retried (default: every retryable one). */
  retryOn?: (error: UpstreamError) => boolean;
}

export interface RetryContext {
  clock: Clock;
  signal?: AbortSignal;
  /** 0 ≤ x < 1; injectable so tests can pin the jitter. */
  random?: () => number;
  onRetry?: (error: UpstreamError, attempt: number, delayMs: number) => void;
}

/** The wait after failed attempt `attempt` (1 = the first): the backoff (full jitter), never below retry-after. */
export function retryDelayMs(policy: RetryPolicy, attempt: number, random: () => number, retryAfterMs?: number): number {
  const jittered = backoffDelayMs(attempt - 1, { initialMs: policy.baseDelayMs, maxMs: policy.maxDelayMs }, random);
  return retryAfterMs === undefined ? jittered : Math.max(jittered, retryAfterMs);
}

export async function withRetries<T>(fn: (attempt: number) => Promise<T>, policy: RetryPolicy, context: RetryContext): Promise<T> {
  const random = context.random ?? Math.random;
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn(attempt);
    } catch (error) {
      const retry = isUpstreamError(error) && error.retryable && (policy.retryOn?.(error) ?? true) && attempt < policy.attempts && !context.signal?.aborted;
      if (!retry) throw error;
      const delayMs = retryDelayMs(policy, attempt, random, error.retryAfterMs);
      context.onRetry?.(error, attempt, delayMs);
      try {
        await context.clock.sleep(delayMs, context.signal);
      } catch {
        // The deadline passed while waiting: the failure that made us wait is the answer.
        throw error;
      }
    }
  }
}
