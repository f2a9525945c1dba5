/**
 * A token bucket on an injected clock: `burst` tokens at most, refilled continuously at
 * `ratePerSecond`. Kalshi meters its API with buckets like this and answers 429 (with no
 * Retry-After) when one runs dry, so the client paces itself with one (`take` waits for tokens)
 * and the simulator enforces one (`tryTake` never waits).
 *
 * Waiters are served first come, first served: a small request cannot overtake a large one that is
 * already waiting, so nobody starves. Time comes from the Clock, so tests prove pacing with a
 * ManualClock instead of sleeping.
 */
import type { Clock, TimerHandle } from '../../core/clock.js';

export interface TokenBucketOptions {
  /** Tokens added per second. */
  ratePerSecond: number;
  /** Capacity: the most tokens that can be spent at once. The bucket starts full. */
  burst: number;
  clock: Clock;
}

interface Waiter {
  cost: number;
  resolve: () => void;
  reject: (reason: unknown) => void;
  signal: AbortSignal | undefined;
  onAbort: () => void;
}

// Refill arithmetic is in floating point; this absorbs rounding so a waiter woken exactly on time
// is not sent back to sleep for a fraction of a millisecond.
const EPSILON = 1e-9;

export class TokenBucket {
  readonly ratePerSecond: number;
  readonly burst: number;
  private readonly clock: Clock;
  private tokens: number;
  private refilledAt: number;
  private readonly queue: Waiter[] = [];
  private timer: TimerHandle | null = null;
  /** Set by close(): the reason every later take() is refused with. */
  private closedWith: { reason: unknown } | null = null;

  constructor(options: TokenBucketOptions) {
    if (!(Number.isFinite(options.ratePerSecond) && options.ratePerSecond > 0))
      throw new RangeError(`ratePerSecond must be a positive number, got ${options.ratePerSecond}`);
    if (!(Number.isFinite(options.burst) && options.burst >= 1)) throw new RangeError(`burst must be at least 1, got ${options.burst}`);
    this.ratePerSecond = options.ratePerSecond;
    this.burst = options.burst;
    this.clock = options.clock;
    this.tokens = options.burst;
    this.refilledAt = options.clock.now();
  }

  /** Tokens available now (fractional), not counting what queued waiters are owed. */
  available(): number {
    this.refill();
    return this.tokens;
  }

  /** Callers waiting in `take`. */
  get waiting(): number {
    return this.queue.length;
  }

  /**
   * Takes `cost` tokens now if they are there and nobody is queued ahead; never waits. A server
   * answers 429 when this returns false.
   */
  tryTake(cost = 1): boolean {
    this.checkCost(cost);
    if (this.closedWith) return false;
    this.refill();
    if (this.queue.length > 0 || this.tokens + EPSILON < cost) return false;
    this.tokens -= cost;
    return true;
  }

  /**
   * Resolves once `cost` tokens were taken, in arrival order. Rejects with the signal's reason if
   * it aborts first; an aborted waiter takes nothing.
   */
  take(cost = 1, signal?: AbortSignal): Promise<void> {
    this.checkCost(cost);
    // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors -- rejects with the reason close() was given, as is: callers match it by identity
    if (this.closedWith) return Promise.reject(this.closedWith.reason);
    // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors -- an abort rejects with the signal's own reason, whatever it is (the AbortSignal convention); callers match it by identity
    if (signal?.aborted) return Promise.reject(signal.reason);
    if (this.tryTake(cost)) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      const waiter: Waiter = {
        cost,
        resolve,
        reject,
        signal,
        onAbort: () => this.abandon(waiter),
      };
      signal?.addEventListener('abort', waiter.onAbort, { once: true });
      this.queue.push(waiter);
      this.schedule();
    });
  }

  /**
   * Stops the bucket for good: its refill timer is cancelled (a client that is closed leaves no
   * timer behind on the clock), every queued waiter is rejected with `reason`, and every later
   * take() too. Idempotent; the first reason stays.
   */
  close(reason: unknown = new Error('token bucket closed')): void {
    if (this.closedWith) return;
    this.closedWith = { reason };
    this.timer?.cancel();
    this.timer = null;
    for (const waiter of this.queue.splice(0)) {
      waiter.signal?.removeEventListener('abort', waiter.onAbort);
      waiter.reject(reason);
    }
  }

  get closed(): boolean {
    return this.closedWith !== null;
  }

  private checkCost(cost: number): void {
    // A cost above the capacity could never be paid: fail loudly instead of waiting forever.
    if (!(Number.isFinite(cost) && cost > 0 && cost <= this.burst)) throw new RangeError(`cost must be in (0, ${this.burst}], got ${cost}`);
  }

  private refill(): void {
    const now = this.clock.now();
    if (now > this.refilledAt) {
      this.tokens = Math.min(this.burst, this.tokens + ((now - this.refilledAt) * this.ratePerSecond) / 1000);
      this.refilledAt = now;
    }
  }

  /** Serves the head of the queue while tokens last, then sleeps until the head can be paid. */
  private schedule(): void {
    if (this.timer !== null) return;
    this.refill();
    let head = this.queue[0];
    while (head !== undefined && this.tokens + EPSILON >= head.cost) {
      this.queue.shift();
      this.tokens -= head.cost;
      head.signal?.removeEventListener('abort', head.onAbort);
      head.resolve();
      head = this.queue[0];
    }
    if (head === undefined) return;
    const waitMs = Math.max(1, Math.ceil(((head.cost - this.tokens) * 1000) / this.ratePerSecond));
    this.timer = this.clock.setTimeout(() => {
      this.timer = null;
      this.schedule();
    }, waitMs);
  }

  private abandon(waiter: Waiter): void {
    const index = this.queue.indexOf(waiter);
    if (index === -1) return;
    this.queue.splice(index, 1);
    waiter.reject(waiter.signal?.reason);
    // The head changed: the next waiter may need a different wait (or none).
    if (index === 0) {
      this.timer?.cancel();
      this.timer = null;
      this.schedule();
    }
  }
}
