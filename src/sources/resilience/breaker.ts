/**
 * One circuit breaker per source, every timer of it on the injected Clock: the per-call deadline
 * (CLOSED and HALF_OPEN alike), the rolling window, and the wait before the half-open trial. Tests
 * so prove 30-second behaviour in milliseconds, and no real time passes in them.
 *
 * Every finished call is classified exactly once (`classify` below, one guard per rule):
 * - the deadline passed (the call hung) → failure, also counted as a timeout;
 * - an UpstreamError that says the upstream is unwell (connection refused/reset, 5xx, 429, auth,
 *   a bad body) → failure;
 * - a 404 (no such market) → not counted: it says nothing about the upstream's health;
 * - the caller's own cancellation (its signal, or shutdown()) → not counted;
 * - anything that is not an UpstreamError (our own bug; a cancellation the caller did not tell us
 *   about) → not counted. Timeouts never depend on this: they are seen by the deadline, not by the
 *   error's type.
 * Only failures and successes enter the window: the breaker opens when at least `volumeThreshold`
 * counted calls are in it and at least `errorThresholdPercentage` % of them failed.
 *
 * The state is a discriminated union, so impossible states cannot be written. The breaker is our
 * own, with no library underneath. (Until issue 9 it was opossum, which is no longer a dependency:
 * its CLOSED-state timeout was a real setTimeout, its filtered errors counted as successes, which
 * made every timeout a success, and it opened only above the threshold, never at
 * CB_ERROR_THRESHOLD=100.)
 */
import type { Clock, TimerHandle } from '../../core/clock.js';
import type { BreakerStats, SourceId } from '../../core/domain.js';
import { isUpstreamError, UpstreamError } from '../../core/errors.js';

export type BreakerPhase = { state: 'CLOSED' } | { state: 'OPEN'; openedAt: number; trialAt: number } | { state: 'HALF_OPEN'; trialInFlight: boolean };

export interface BreakerOptions {
  /** Per-fire deadline: the whole logical call, retries included. */
  timeoutMs: number;
  errorThresholdPercentage: number;
  resetTimeoutMs: number;
  /** Counted calls (successes + failures) in the window before the breaker may open at all. */
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

export interface FireOptions {
  /** The caller's cancellation. A call it aborts ends at once and is not counted. */
  signal?: AbortSignal;
}

/** How one fire ended, as the breaker counted it. */
export type FireResult<T> =
  | { outcome: 'success'; value: T }
  /** Counted against the upstream; `timedOut` when the deadline cut it. */
  | { outcome: 'failure'; error: unknown; timedOut: boolean }
  /** Failed fast: open, or a half-open trial already in flight. The upstream was not called. */
  | { outcome: 'rejected'; error: UpstreamError }
  /** Failed without saying anything about the upstream's health (a 404, not an UpstreamError). */
  | { outcome: 'not_counted'; error: unknown }
  /** The caller (or shutdown) cancelled it. */
  | { outcome: 'cancelled'; error: unknown };

type Run<T> = (signal: AbortSignal) => Promise<T>;

/** Why a finished call failed, before it is counted. */
type Ending = { kind: 'timeout'; error: UpstreamError } | { kind: 'cancelled'; error: unknown } | { kind: 'error'; error: unknown };

/** Whether an error a call ended with counts against the upstream (timeouts and cancellations are decided before). */
export function countsAgainstUpstream(error: unknown): boolean {
  if (!isUpstreamError(error)) return false;
  if (error.status === 404) return false;
  if (error.category === 'circuit_breaker') return false;
  // Refused on our side before any request left (a read shed by the pacer): no news about the upstream.
  if (error.local) return false;
  return true;
}

/**
 * Successes and failures over the last `buckets` slices of `bucketMs`, read lazily from the clock:
 * a slice older than the window is skipped on read and reused on write, so no timer is needed.
 */
class RollingWindow {
  private readonly slots: Array<{ index: number; successes: number; failures: number }>;

  constructor(
    private readonly clock: Clock,
    private readonly bucketMs: number,
    buckets: number,
  ) {
    this.slots = Array.from({ length: buckets }, () => ({ index: Number.NEGATIVE_INFINITY, successes: 0, failures: 0 }));
  }

  add(kind: 'successes' | 'failures'): void {
    const index = this.currentIndex();
    const slot = this.slots[index % this.slots.length]!;
    if (slot.index !== index) Object.assign(slot, { index, successes: 0, failures: 0 });
    slot[kind]++;
  }

  totals(): { calls: number; failures: number } {
    const oldest = this.currentIndex() - this.slots.length + 1;
    let calls = 0;
    let failures = 0;
    for (const slot of this.slots) {
      if (slot.index < oldest) continue;
      calls += slot.successes + slot.failures;
      failures += slot.failures;
    }
    return { calls, failures };
  }

  clear(): void {
    for (const slot of this.slots) Object.assign(slot, { index: Number.NEGATIVE_INFINITY, successes: 0, failures: 0 });
  }

  private currentIndex(): number {
    return Math.floor(this.clock.now() / this.bucketMs);
  }
}

export class SourceBreaker {
  private current: BreakerPhase = { state: 'CLOSED' };
  private readonly window: RollingWindow;
  private trialTimer: TimerHandle | null = null;
  /** The half-open trial in flight: only it may close or reopen the breaker. */
  private trialToken: object | null = null;
  private lastFailure = 'unknown failure';
  /** Aborted by shutdown(): cancels every call in flight. */
  private readonly stopping = new AbortController();
  private readonly totals: BreakerStats = { fires: 0, successes: 0, failures: 0, timeouts: 0, rejects: 0, fallbacks: 0, latencyMeanMs: null };

  constructor(
    private readonly source: SourceId,
    private readonly options: BreakerOptions,
    private readonly clock: Clock,
    private readonly onTransition: (transition: BreakerTransition) => void = () => undefined,
  ) {
    const windowMs = options.rollingWindowMs ?? 10_000;
    const buckets = options.rollingBuckets ?? 10;
    this.window = new RollingWindow(clock, Math.max(1, Math.floor(windowMs / buckets)), buckets);
  }

  get phase(): BreakerPhase {
    return this.current;
  }

  /**
   * Totals since start. `fires` counts every call, rejected ones included; `timeouts` are among
   * `failures`; a call that was not counted (404, cancellation, not an UpstreamError) is a fire
   * and nothing else. `latencyMeanMs` is the mean of successful calls, on the clock.
   */
  stats(): BreakerStats {
    return { ...this.totals };
  }

  /** One logical call. Open: fails fast with a circuit_breaker error. Half-open: one trial at a time. */
  async fire<T>(run: Run<T>, options: FireOptions = {}): Promise<T> {
    const result = await this.settle(run, options);
    if (result.outcome === 'success') return result.value;
    throw result.error;
  }

  /** fire(), with how the call was counted instead of a throw. */
  async settle<T>(run: Run<T>, options: FireOptions = {}): Promise<FireResult<T>> {
    this.totals.fires++;
    const phase = this.current;
    if (this.stopping.signal.aborted) return { outcome: 'cancelled', error: this.stopping.signal.reason };
    if (phase.state === 'OPEN') return this.reject(`last failure: ${this.lastFailure}`);
    if (phase.state === 'HALF_OPEN' && phase.trialInFlight) return this.reject('a trial call is in flight');
    const token = phase.state === 'HALF_OPEN' ? {} : null;
    if (token) {
      this.trialToken = token;
      this.current = { state: 'HALF_OPEN', trialInFlight: true };
    }

    const started = this.clock.now();
    const ended = await this.execute(run, options.signal);
    const isTrial = token !== null && this.trialToken === token;
    if (isTrial) this.trialToken = null;

    if (ended.ok) {
      this.countSuccess(this.clock.now() - started);
      if (isTrial) this.close('trial call succeeded');
      return { outcome: 'success', value: ended.value };
    }
    const outcome = this.classify(ended.ending);
    if (outcome === 'failure') {
      const timedOut = ended.ending.kind === 'timeout';
      this.countFailure(ended.ending.error, timedOut);
      if (isTrial) this.open();
      else if (this.current.state === 'CLOSED' && this.thresholdReached()) this.open();
      return { outcome, error: ended.ending.error, timedOut };
    }
    // Not news about the upstream: a trial that ended so leaves the next call to be the trial.
    if (isTrial && this.current.state === 'HALF_OPEN') this.current = { state: 'HALF_OPEN', trialInFlight: false };
    return { outcome, error: ended.ending.error };
  }

  /** Admin: close now, whatever the state. */
  reset(reason = 'reset by an operator'): void {
    this.close(reason);
  }

  /** Stops the trial timer and cancels every call in flight (not counted); later calls are cancelled at once. */
  shutdown(): void {
    this.trialTimer?.cancel();
    this.trialTimer = null;
    if (!this.stopping.signal.aborted) this.stopping.abort(new Error(`${this.source} circuit breaker shut down`));
  }

  /** The one place a failed call is classified. */
  private classify(ending: Ending): 'failure' | 'not_counted' | 'cancelled' {
    if (ending.kind === 'timeout') return 'failure';
    if (ending.kind === 'cancelled') return 'cancelled';
    return countsAgainstUpstream(ending.error) ? 'failure' : 'not_counted';
  }

  /**
   * Runs the call against its deadline and its cancellations. Whichever comes first ends it: the
   * call's own answer, the deadline (the call's signal aborts with the timeout error, so the
   * request in flight and any retry wait stop), or a cancellation (the signal aborts with its
   * reason). A call that ignores its signal is left behind, never waited for.
   */
  private execute<T>(run: Run<T>, caller: AbortSignal | undefined): Promise<{ ok: true; value: T } | { ok: false; ending: Ending }> {
    return new Promise((resolve) => {
      const controller = new AbortController();
      const cancellations = caller ? [caller, this.stopping.signal] : [this.stopping.signal];
      let done = false;
      let deadline: TimerHandle | null = null;
      const onCancel = (event: Event): void => {
        const reason = (event.target as AbortSignal).reason as unknown;
        controller.abort(reason);
        finish({ ok: false, ending: { kind: 'cancelled', error: reason } });
      };
      const finish = (ended: { ok: true; value: T } | { ok: false; ending: Ending }): void => {
        if (done) return;
        done = true;
        deadline?.cancel();
        for (const signal of cancellations) signal.removeEventListener('abort', onCancel);
        resolve(ended);
      };

      const cancelled = cancellations.find((signal) => signal.aborted);
      if (cancelled) {
        finish({ ok: false, ending: { kind: 'cancelled', error: cancelled.reason } });
        return;
      }
      for (const signal of cancellations) signal.addEventListener('abort', onCancel, { once: true });
      deadline = this.clock.setTimeout(() => {
        const error = this.timeoutError();
        controller.abort(error);
        finish({ ok: false, ending: { kind: 'timeout', error } });
      }, this.options.timeoutMs);

      // A synchronous throw of run() becomes this promise's rejection, like an async one.
      const promise = new Promise<T>((resolve) => resolve(run(controller.signal)));
      promise.then(
        (value) => finish({ ok: true, value }),
        (error: unknown) => {
          const by = cancellations.find((signal) => signal.aborted);
          finish({ ok: false, ending: by ? { kind: 'cancelled', error: by.reason } : { kind: 'error', error } });
        },
      );
    });
  }

  private thresholdReached(): boolean {
    const { calls, failures } = this.window.totals();
    return calls >= this.options.volumeThreshold && failures * 100 >= this.options.errorThresholdPercentage * calls;
  }

  private open(): void {
    const now = this.clock.now();
    this.trialTimer?.cancel();
    this.trialTimer = this.clock.setTimeout(() => {
      this.trialTimer = null;
      if (this.current.state === 'OPEN') this.move({ state: 'HALF_OPEN', trialInFlight: false }, 'reset timeout elapsed');
    }, this.options.resetTimeoutMs);
    this.move({ state: 'OPEN', openedAt: now, trialAt: now + this.options.resetTimeoutMs }, this.lastFailure);
  }

  /** Closed starts afresh: the failures that opened it do not count towards opening it again. */
  private close(reason: string): void {
    this.trialTimer?.cancel();
    this.trialTimer = null;
    this.trialToken = null;
    this.window.clear();
    this.move({ state: 'CLOSED' }, reason);
  }

  private move(to: BreakerPhase, reason: string): void {
    const from = this.current;
    this.current = to;
    if (from.state !== to.state) this.onTransition({ from, to, reason });
  }

  private countSuccess(latencyMs: number): void {
    this.totals.successes++;
    this.window.add('successes');
    const mean = this.totals.latencyMeanMs ?? 0;
    this.totals.latencyMeanMs = mean + (latencyMs - mean) / this.totals.successes;
  }

  private countFailure(error: unknown, timedOut: boolean): void {
    this.totals.failures++;
    if (timedOut) this.totals.timeouts++;
    this.window.add('failures');
    this.lastFailure = error instanceof Error ? error.message : String(error);
  }

  private reject(why: string): { outcome: 'rejected'; error: UpstreamError } {
    this.totals.rejects++;
    const trialAt = this.current.state === 'OPEN' ? ` (next trial at ${new Date(this.current.trialAt).toISOString()})` : '';
    const error = new UpstreamError(`${this.source} circuit breaker is ${this.current.state}: ${why}${trialAt}`, {
      source: this.source,
      category: 'circuit_breaker',
      retryable: false,
    });
    return { outcome: 'rejected', error };
  }

  private timeoutError(): UpstreamError {
    return new UpstreamError(`${this.source} call timed out after ${this.options.timeoutMs} ms`, {
      source: this.source,
      category: 'network',
      retryable: true,
    });
  }
}
