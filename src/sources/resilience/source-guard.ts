/**
 * The one way a source calls its upstream: a breaker fire around a retry loop (one fire = one
 * logical call, its retries inside, bounded by the breaker's timeout), with every outcome reported
 * once: to the status board (and so `sources`, `health`, `sourceStatusChanged`), to Prometheus, and,
 * for state changes and failures, to the history store (`audit_log`, `data_freshness`).
 */
import type { Clock } from '../../core/clock.js';
import type { BreakerState, SourceId } from '../../core/domain.js';
import { isUpstreamError } from '../../core/errors.js';
import type { Logger } from '../../core/logger.js';
import type { Metrics } from '../../core/metrics.js';
import type { SourceStatusBoard } from '../source-status.js';
import { SourceBreaker, type BreakerOptions, type BreakerPhase, type BreakerTransition, type FireResult } from './breaker.js';
import { withRetries, type RetryPolicy } from './retry.js';

/** What the guard writes to the history store. Failures there are logged, never thrown. */
export interface GuardHistory {
  recordAudit(input: { eventType: string; source?: string | null; details?: unknown; errorMessage?: string | null }): Promise<void>;
  upsertFreshness(input: {
    source: string;
    lastSuccessAt?: Date | null;
    lastFailureAt?: Date | null;
    consecutiveFailures: number;
    breakerState: BreakerState;
    lastError?: string | null;
  }): Promise<void>;
}

export interface SourceGuardDeps {
  source: SourceId;
  clock: Clock;
  logger: Logger;
  statuses: SourceStatusBoard;
  breaker: BreakerOptions;
  retry: RetryPolicy;
  metrics?: Metrics;
  history?: GuardHistory | null;
  random?: () => number;
  /** Successful calls refresh `data_freshness` at most this often (failures always write). @default 10000 */
  freshnessWriteIntervalMs?: number;
}

const STATE_GAUGE: Record<BreakerState, number> = { CLOSED: 0, OPEN: 1, HALF_OPEN: 2 };
/** `outcome` label of northstar_upstream_call_duration_seconds. */
const OUTCOME_LABEL: Record<FireResult<unknown>['outcome'], string> = {
  success: 'ok',
  failure: 'error',
  not_counted: 'error',
  rejected: 'rejected',
  cancelled: 'cancelled',
};
const AUDIT_EVENT: Record<BreakerState, string> = {
  CLOSED: 'CIRCUIT_BREAKER_CLOSE',
  OPEN: 'CIRCUIT_BREAKER_OPEN',
  HALF_OPEN: 'CIRCUIT_BREAKER_HALF_OPEN',
};

export class SourceGuard {
  readonly source: SourceId;
  private readonly breaker: SourceBreaker;
  private lastFreshnessWriteAt = Number.NEGATIVE_INFINITY;
  private pendingWrites = new Set<Promise<void>>();

  constructor(private readonly deps: SourceGuardDeps) {
    this.source = deps.source;
    this.breaker = new SourceBreaker(deps.source, deps.breaker, deps.clock, (transition) => this.onTransition(transition));
    deps.metrics?.breakerState.set({ source: deps.source }, 0);
  }

  get phase(): BreakerPhase {
    return this.breaker.phase;
  }

  /**
   * One logical upstream call. Throws the classified UpstreamError of the last attempt, the
   * deadline's timeout error, or a `circuit_breaker` error (fast) while the breaker is open.
   *
   * What reaches the status board follows what the breaker counted: a failure is recorded; a fast
   * rejection, a 404 and a cancellation (`options.signal`, or shutdown()) are not news about the
   * upstream and leave its last error and consecutive failures as they were. An error that is not
   * an UpstreamError (our own bug) is recorded on the board, so `sources` shows it, but the breaker
   * does not count it.
   */
  async call<T>(operation: string, fn: (signal: AbortSignal) => Promise<T>, options: { retry?: RetryPolicy; signal?: AbortSignal } = {}): Promise<T> {
    const { source, clock, metrics, statuses, logger } = this.deps;
    const policy = options.retry ?? this.deps.retry;
    const started = performance.now();
    const result = await this.breaker.settle(
      (signal) =>
        withRetries(() => fn(signal), policy, {
          clock,
          signal,
          ...(this.deps.random ? { random: this.deps.random } : {}),
          onRetry: (error, attempt, delayMs) => {
            metrics?.upstreamRetries.inc({ source, operation });
            logger.debug({ source, operation, attempt, delayMs, err: error.message }, 'retrying upstream call');
          },
        }),
      options.signal ? { signal: options.signal } : {},
    );
    const elapsedMs = performance.now() - started;
    metrics?.upstreamCallDuration.observe({ source, operation, outcome: OUTCOME_LABEL[result.outcome] }, elapsedMs / 1000);
    if (result.outcome === 'success') {
      statuses.recordSuccess(source, elapsedMs);
      this.syncBoard();
      if (clock.now() - this.lastFreshnessWriteAt >= (this.deps.freshnessWriteIntervalMs ?? 10_000)) this.writeFreshness();
      return result.value;
    }
    if (result.outcome === 'failure' || (result.outcome === 'not_counted' && !isUpstreamError(result.error))) {
      statuses.recordFailure(source, result.error);
      this.writeFreshness();
    }
    this.syncBoard();
    throw result.error;
  }

  /** Admin: close the breaker now (`resetBreaker`). */
  reset(reason?: string): void {
    this.breaker.reset(reason);
  }

  stats() {
    return this.breaker.stats();
  }

  /** Stops the breaker's timers, cancels the calls in flight (not counted), and waits for history writes in flight. */
  async shutdown(): Promise<void> {
    this.breaker.shutdown();
    await Promise.all([...this.pendingWrites]);
  }

  private syncBoard(): void {
    this.deps.statuses.setBreaker(this.source, this.breaker.phase.state, this.breaker.stats());
  }

  private onTransition({ from, to, reason }: BreakerTransition): void {
    const { source, logger, metrics } = this.deps;
    const log = to.state === 'OPEN' ? logger.warn.bind(logger) : logger.info.bind(logger);
    log({ source, from: from.state, to: to.state, reason }, `circuit breaker ${source}: ${from.state} → ${to.state}`);
    metrics?.breakerState.set({ source }, STATE_GAUGE[to.state]);
    metrics?.breakerTransitions.inc({ source, to: to.state });
    this.syncBoard();
    this.track(
      this.deps.history?.recordAudit({
        eventType: AUDIT_EVENT[to.state],
        source,
        details: { from: from.state, to: to.state, reason, at: new Date(this.deps.clock.now()).toISOString() },
        errorMessage: to.state === 'OPEN' ? reason : null,
      }),
    );
    this.writeFreshness();
  }

  private writeFreshness(): void {
    const status = this.deps.statuses.get(this.source);
    this.lastFreshnessWriteAt = this.deps.clock.now();
    this.track(
      this.deps.history?.upsertFreshness({
        source: this.source,
        lastSuccessAt: status.lastSuccessAt ? new Date(status.lastSuccessAt) : null,
        lastFailureAt: status.lastFailureAt ? new Date(status.lastFailureAt) : null,
        consecutiveFailures: status.consecutiveFailures,
        breakerState: this.breaker.phase.state,
        lastError: status.lastError,
      }),
    );
  }

  private track(write: Promise<void> | undefined): void {
    if (!write) return;
    const tracked = write
      .catch((error: unknown) => this.deps.logger.warn({ err: error, source: this.source }, 'could not record source state in the history store'))
      .finally(() => this.pendingWrites.delete(tracked));
    this.pendingWrites.add(tracked);
  }
}
