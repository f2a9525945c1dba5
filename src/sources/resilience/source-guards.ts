/**
 * One guard per source (breaker + that source's retry policy, source-guard.ts), configured from
 * CB_*: every call a source makes goes through its guard. The per-call deadline is CB_TIMEOUT_MS,
 * and ANTHROPIC_TIMEOUT_MS for Anthropic, whose analyses stream for longer.
 */
import type { Clock } from '../../core/clock.js';
import type { Config } from '../../core/config.js';
import type { SourceId } from '../../core/domain.js';
import type { Logger } from '../../core/logger.js';
import type { Metrics } from '../../core/metrics.js';
import { ANTHROPIC_RETRY_POLICY } from '../anthropic/retry-policy.js';
import { JOHN_RETRY_POLICY } from '../john/retry-policy.js';
import { KALSHI_RETRY_POLICY } from '../kalshi/retry-policy.js';
import type { SourceStatusBoard } from '../source-status.js';
import type { RetryPolicy } from './retry.js';
import { SourceGuard, type GuardHistory } from './source-guard.js';

export interface SourceGuardsDeps {
  config: Config;
  clock: Clock;
  logger: Logger;
  statuses: SourceStatusBoard;
  metrics: Metrics;
  /** Where breaker transitions and freshness are written (the history store, once open). */
  history: GuardHistory;
}

export function createSourceGuards(deps: SourceGuardsDeps): Record<SourceId, SourceGuard> {
  const { config } = deps;
  const guardFor = (source: SourceId, retry: RetryPolicy, timeoutMs: number): SourceGuard =>
    new SourceGuard({
      source,
      clock: deps.clock,
      logger: deps.logger.child({ source }),
      statuses: deps.statuses,
      breaker: {
        timeoutMs,
        errorThresholdPercentage: config.breaker.errorThresholdPercentage,
        resetTimeoutMs: config.breaker.resetTimeoutMs,
        volumeThreshold: config.breaker.volumeThreshold,
      },
      retry,
      metrics: deps.metrics,
      history: deps.history,
    });
  return {
    kalshi: guardFor('kalshi', KALSHI_RETRY_POLICY, config.breaker.timeoutMs),
    anthropic: guardFor('anthropic', ANTHROPIC_RETRY_POLICY, config.anthropic.timeoutMs),
    john: guardFor('john', JOHN_RETRY_POLICY, config.breaker.timeoutMs),
  };
}
