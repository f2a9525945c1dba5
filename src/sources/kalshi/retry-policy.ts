/**
 * Kalshi's retry policy. A 429 carries no Retry-After: back off exponentially with full jitter
 * (the client's token bucket keeps us under the limit in the first place).
 */
import type { RetryPolicy } from '../resilience/retry.js';

export const KALSHI_RETRY_POLICY: RetryPolicy = { attempts: 3, baseDelayMs: 500, maxDelayMs: 4000 };
