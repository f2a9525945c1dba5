/**
 * Anthropic's retry policy. The SDK's own retries are off (maxRetries: 0) so that one breaker fire
 * is one logical call: this loop retries 429/5xx/529/network with full jitter, waiting at least
 * what `retry-after` says.
 */
import type { RetryPolicy } from '../resilience/retry.js';

export const ANTHROPIC_RETRY_POLICY: RetryPolicy = { attempts: 3, baseDelayMs: 1000, maxDelayMs: 8000 };
