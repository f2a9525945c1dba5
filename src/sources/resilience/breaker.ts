/**
 * One circuit breaker per source: opossum counts outcomes over its rolling window and decides when
 * to open (error threshold %, volume threshold, per-call timeout). Time-driven parts run on the
 * injected Clock instead of opossum's own timers, so tests prove 30-second behaviour in
 * milliseconds: the rolling window rotates on clock ticks, and the wait before the half-open trial
 * is a clock timer. The state is a discriminated union, so impossible states cannot be written.
 */
import { EventEmitter } from 'node:events';
import CircuitBreaker from 'opossum';
import type { Clock, TimerHandle } from '../../core/clock.js';
import type { BreakerStats, SourceId } from '../../core/domain.js';
import { isUpstreamError, UpstreamError } from '../../core/errors.js';

export type BreakerPhase =
  | { state: 'CLOSED' }
  | { state: 'OPEN'; openedAt: number; trialAt: number }
  | { state: 'HALF_OPEN'; trialInFlight: boolean };

export interface BreakerOptions {
  /** Per-fire deadline: the whole logical call, retries included. */
  timeoutMs: number;
  errorThresholdPercentage: number;
  resetTimeoutMs: number;
  /** Fires in the window before the breaker may open at all. */
  volumeThreshold: number;
  /** @default 10000 */
  rollingWindowMs?: number;
  /** @default 10 */
  rollingBuckets?: number;
}

export interface BreakerTransition {
  from: BreakerPhase;
  to: BreakerPhase;
  /** The failure that opened it, or why it changed. */
  reason: string;
}

/** opossum's longest safe timer (2^31 − 1 ms): its own half-open timer never fires; ours does. */
const NEVER_MS = 2_147_483_647;

type Run<T> = (signal: AbortSignal) => Promise<T>;

export class SourceBreaker {
  private current: BreakerPhase = { state: 'CLOSED' };
  private readonly breaker: CircuitBreaker<[Run<unknown>, AbortController], unknown>;
  private readonly rotate = new EventEmitter();
  private rotateTimer: TimerHandle | null = null;
  private trialTimer: TimerHandle | null = null;
  private lastFailure = 'unknown failure';
  private readonly totals: BreakerStats = { fires: 0, successes: 0, failures: 0, timeouts: 0, rejects: 0, fallbacks: 0, latencyMeanMs: null };
  private latencyCount = 0;

  constructor(
    private readonly source: SourceId,
    private readonly options: BreakerOptions,
    private readonly clock: Clock,
    private readonly onTransition: (transition: BreakerTransition) => void = () => undefined,
  ) {
    const windowMs = options.rollingWindowMs ?? 10_000;
    const buckets = options.rollingBuckets ?? 10;
    this.breaker = new CircuitBreaker((run: Run<unknown>, controller: AbortController) => run(controller.signal), {
      name: source,
      timeout: options.timeoutMs,
      errorThresholdPercentage: options.errorThresholdPercentage,
      resetTimeout: NEVER_MS,
      volumeThreshold: options.volumeThreshold,
      rollingCountTimeout: windowMs,
      rollingCountBuckets: buckets,
      rotateBucketController: this.rotate,
      enableSnapshots: false,
      // A 404 (no such market) says nothing about the upstream's health.
      errorFilter: (error: unknown) => !isUpstreamError(error) || error.status === 404,
    });
    this.breaker.on('fire', () => this.totals.fires++);
    this.breaker.on('success', (_result: unknown, latencyMs: number) => this.countSuccess(latencyMs));
    this.breaker.on('failure', (error: unknown) => {
      this.totals.failures++;
      this.lastFailure = error instanceof Error ? error.message : String(error);
    });
    // opossum passes the fire's arguments with 'timeout': abort that call's controller, so the
    // request (and any retry waiting inside it) stops instead of running on unobserved.
    this.breaker.on('timeout', ((_error: unknown, _latency: number, args: [Run<unknown>, AbortController]) => {
      this.totals.timeouts++;
      args[1].abort(new Error(`deadline of ${options.timeoutMs} ms passed`));
    }) as (...args: unknown[]) => void);
    this.breaker.on('reject', () => this.totals.rejects++);
    this.breaker.on('open', () => this.opened());
    this.scheduleRotation(Math.max(1, Math.floor(windowMs / buckets)));
  }

  get phase(): BreakerPhase {
    return this.current;
  }

  stats(): BreakerStats {
    return { ...this.totals };
  }

  /** One logical call. Open: fails fast with a circuit_breaker error. Half-open: one trial at a time. */
  async fire<T>(run: Run<T>): Promise<T> {
    const phase = this.current;
    if (phase.state === 'HALF_OPEN') {
      if (phase.trialInFlight) {
        this.totals.rejects++;
        throw this.rejection('a trial call is in flight');
      }
      return this.trial(run);
    }
    try {
      return (await this.breaker.fire(run as Run<unknown>, new AbortController())) as T;
    } catch (error) {
      throw this.translate(error);
    }
  }

  /** Admin: close now, whatever the state. */
  reset(reason = 'reset by an operator'): void {
    this.trialTimer?.cancel();
    this.trialTimer = null;
    this.breaker.close();
    this.move({ state: 'CLOSED' }, reason);
  }

  shutdown(): void {
    this.rotateTimer?.cancel();
    this.trialTimer?.cancel();
    this.breaker.shutdown();
  }

  private async trial<T>(run: Run<T>): Promise<T> {
    this.current = { state: 'HALF_OPEN', trialInFlight: true };
    this.totals.fires++;
    const started = this.clock.now();
    const controller = new AbortController();
    const deadline = this.clock.setTimeout(() => controller.abort(new Error(`deadline of ${this.options.timeoutMs} ms passed`)), this.options.timeoutMs);
    try {
      const result = await run(controller.signal);
      this.countSuccess(this.clock.now() - started);
      this.breaker.close();
      this.move({ state: 'CLOSED' }, 'trial call succeeded');
      return result;
    } catch (error) {
      if (controller.signal.aborted) this.totals.timeouts++;
      this.totals.failures++;
      this.lastFailure = error instanceof Error ? error.message : String(error);
      this.opened();
      throw this.translate(error);
    } finally {
      deadline.cancel();
    }
  }

  private opened(): void {
    const now = this.clock.now();
    this.trialTimer?.cancel();
    this.trialTimer = this.clock.setTimeout(() => {
      this.trialTimer = null;
      if (this.current.state === 'OPEN') this.move({ state: 'HALF_OPEN', trialInFlight: false }, 'reset timeout elapsed');
    }, this.options.resetTimeoutMs);
    this.move({ state: 'OPEN', openedAt: now, trialAt: now + this.options.resetTimeoutMs }, this.lastFailure);
  }

  private move(to: BreakerPhase, reason: string): void {
    const from = this.current;
    this.current = to;
    if (from.state !== to.state) this.onTransition({ from, to, reason });
  }

  private countSuccess(latencyMs: number): void {
    this.totals.successes++;
    this.latencyCount++;
    const mean = this.totals.latencyMeanMs ?? 0;
    this.totals.latencyMeanMs = mean + (latencyMs - mean) / this.latencyCount;
  }

  private rejection(why: string): UpstreamError {
    const trialAt = this.current.state === 'OPEN' ? ` (next trial at ${new Date(this.current.trialAt).toISOString()})` : '';
    return new UpstreamError(`${this.source} circuit breaker is ${this.current.state}: ${why}${trialAt}`, {
      source: this.source,
      category: 'circuit_breaker',
      retryable: false,
    });
  }

  /** opossum's own errors become UpstreamErrors; upstream errors pass through unchanged. */
  private translate(error: unknown): unknown {
    const code = (error as { code?: string } | null)?.code;
    if (code === 'EOPENBREAKER') return this.rejection(`last failure: ${this.lastFailure}`);
    if (code === 'ETIMEDOUT' && !isUpstreamError(error)) {
      return new UpstreamError(`${this.source} call timed out after ${this.options.timeoutMs} ms`, {
        source: this.source,
        category: 'network',
        retryable: true,
        cause: error,
      });
    }
    return error;
  }

  private scheduleRotation(everyMs: number): void {
    this.rotateTimer = this.clock.setTimeout(() => {
      this.rotate.emit('rotate');
      this.scheduleRotation(everyMs);
    }, everyMs);
  }
}
