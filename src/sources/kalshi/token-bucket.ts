/**
 * A token bucket on an injected clock: `burst` tokens at most, refilled continuously at
 * `ratePerSecond`. Kalshi meters its API with buckets like this and answers 429 (with no
 * Retry-After) when one runs dry, so the client paces itself with one (`take` waits for tokens)
 * and the simulator enforces one (`tryTake` never waits).
 *
 * Waiters are served first come, first served: a small request cannot overtake a large one that is
 * already waiting, so nobody starves. Time comes from the Clock, so tests prove pacing with a
 * ManualClock instead of sleeping.
 *
 * Two lanes share the tokens. `priority` takes (the pollers: the market list every interval) are
 * served before every ordinary take (reads a GraphQL client caused), and ordinary takes may never
 * spend the last `reserve` tokens. So a burst of client reads cannot push the next poll back: the
 * poll finds the reserve waiting for it, or is first in line for the next token. Within a lane the
 * order stays first come, first served.
 *
 * An ordinary take may also bound its wait (`maxWaitMs`): when the tokens owed to everyone queued
 * ahead of it (and the reserve) would take longer than that to refill, it is refused at once with
 * a TokenBucketOverflowError instead of queueing. A burst of client reads is so shed at the door,
 * rather than timing out inside the caller's deadline, where each timeout would count against the
 * upstream's breaker and could open it for the pollers too.
 */
import type { Clock, TimerHandle } from '../../core/clock.js';

export interface TokenBucketOptions {
  /** Tokens added per second. */
  ratePerSecond: number;
  /** Capacity: the most tokens that can be spent at once. The bucket starts full. */
  burst: number;
  /**
   * Tokens only priority takes may spend: an ordinary take waits until the bucket holds its cost
   * plus this many. Below `burst`. @default 0
   */
  reserve?: number;
  clock: Clock;
}

export interface TakeOptions {
  /** The caller's cancellation: an aborted waiter takes nothing. */
  signal?: AbortSignal;
  /** Served before ordinary takes, and may spend the reserve. @default false */
  priority?: boolean;
  /** Ordinary takes only: refuse at once (TokenBucketOverflowError) when the wait would be longer. @default no bound */
  maxWaitMs?: number;
}

/** An ordinary take refused because it would have waited longer than its `maxWaitMs`. */
export class TokenBucketOverflowError extends Error {
  override readonly name = 'TokenBucketOverflowError';
  constructor(
    /** The wait it would have had, at least. */
    readonly waitMs: number,
    readonly maxWaitMs: number,
  ) {
    super(`the pacer's queue is ${waitMs} ms long, over the ${maxWaitMs} ms a read may wait`);
  }
}

interface Waiter {
  cost: number;
  priority: boolean;
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
  readonly reserve: number;
  private readonly clock: Clock;
  private tokens: number;
  private refilledAt: number;
  /** Priority waiters, then ordinary ones: each first come, first served. */
  private readonly priorityQueue: Waiter[] = [];
  private readonly queue: Waiter[] = [];
  private timer: TimerHandle | null = null;
  /** Set by close(): the reason every later take() is refused with. */
  private closedWith: { reason: unknown } | null = null;

  constructor(options: TokenBucketOptions) {
    if (!(Number.isFinite(options.ratePerSecond) && options.ratePerSecond > 0))
      throw new RangeError(`ratePerSecond must be a positive number, got ${options.ratePerSecond}`);
    if (!(Number.isFinite(options.burst) && options.burst >= 1)) throw new RangeError(`burst must be at least 1, got ${options.burst}`);
    const reserve = options.reserve ?? 0;
    if (!(Number.isFinite(reserve) && reserve >= 0 && reserve < options.burst))
      throw new RangeError(`reserve must be from 0 to below burst (${options.burst}), got ${reserve}`);
    this.ratePerSecond = options.ratePerSecond;
    this.burst = options.burst;
    this.reserve = reserve;
    this.clock = options.clock;
    this.tokens = options.burst;
    this.refilledAt = options.clock.now();
  }

  /** Tokens available now (fractional), not counting what queued waiters are owed. */
  available(): number {
    this.refill();
    return this.tokens;
  }

  /** Callers waiting in `take`, both lanes. */
  get waiting(): number {
    return this.priorityQueue.length + this.queue.length;
  }

  /**
   * Takes `cost` tokens now if they are there and nobody is queued ahead (in its lane or a
   * priority lane); never waits. A server answers 429 when this returns false.
   */
  tryTake(cost = 1, options: Pick<TakeOptions, 'priority'> = {}): boolean {
    const priority = options.priority === true;
    this.checkCost(cost, priority);
    if (this.closedWith) return false;
    this.refill();
    const queuedAhead = priority ? this.priorityQueue.length > 0 : this.waiting > 0;
    if (queuedAhead || !this.affords(cost, priority)) return false;
    this.tokens -= cost;
    return true;
  }

  /**
   * Resolves once `cost` tokens were taken, in arrival order within the lane (priority first).
   * Rejects with the signal's reason if it aborts first; an aborted waiter takes nothing. A bare
   * AbortSignal as the second argument is the signal (ordinary lane).
   */
  take(cost = 1, options: TakeOptions | AbortSignal = {}): Promise<void> {
    const { signal, priority = false, maxWaitMs } = options instanceof AbortSignal ? { signal: options } : options;
    this.checkCost(cost, priority);
    // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors -- rejects with the reason close() was given, as is: callers match it by identity
    if (this.closedWith) return Promise.reject(this.closedWith.reason);
    // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors -- an abort rejects with the signal's own reason, whatever it is (the AbortSignal convention); callers match it by identity
    if (signal?.aborted) return Promise.reject(signal.reason);
    if (this.tryTake(cost, { priority })) return Promise.resolve();
    if (!priority && maxWaitMs !== undefined) {
      const waitMs = this.ordinaryWaitMs(cost);
      if (waitMs > maxWaitMs) return Promise.reject(new TokenBucketOverflowError(waitMs, maxWaitMs));
    }
    return new Promise<void>((resolve, reject) => {
      const waiter: Waiter = {
        cost,
        priority,
        resolve,
        reject,
        signal,
        onAbort: () => this.abandon(waiter),
      };
      signal?.addEventListener('abort', waiter.onAbort, { once: true });
      (priority ? this.priorityQueue : this.queue).push(waiter);
      // A new priority head may be payable sooner than the ordinary head the timer waits for.
      if (priority) this.reschedule();
      else this.schedule();
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
    for (const waiter of [...this.priorityQueue.splice(0), ...this.queue.splice(0)]) {
      waiter.signal?.removeEventListener('abort', waiter.onAbort);
      waiter.reject(reason);
    }
  }

  get closed(): boolean {
    return this.closedWith !== null;
  }

  private checkCost(cost: number, priority: boolean): void {
    // A cost above what the lane can ever hold could never be paid: fail loudly instead of waiting forever.
    const most = priority ? this.burst : this.burst - this.reserve;
    if (!(Number.isFinite(cost) && cost > 0 && cost <= most)) throw new RangeError(`cost must be in (0, ${most}], got ${cost}`);
  }

  /**
   * The least an ordinary take of `cost` joining the queue now would wait: until the tokens owed
   * to every waiter ahead (both lanes), its own and the reserve have refilled. Priority takes that
   * arrive later can only make it longer.
   */
  private ordinaryWaitMs(cost: number): number {
    const owed = [...this.priorityQueue, ...this.queue].reduce((sum, waiter) => sum + waiter.cost, 0);
    return Math.max(0, Math.ceil(((owed + cost + this.reserve - this.tokens) * 1000) / this.ratePerSecond));
  }

  /** Whether the tokens held now pay `cost` in this lane (an ordinary take leaves the reserve). */
  private affords(cost: number, priority: boolean): boolean {
    return this.tokens + EPSILON >= cost + (priority ? 0 : this.reserve);
  }

  private refill(): void {
    const now = this.clock.now();
    if (now > this.refilledAt) {
      this.tokens = Math.min(this.burst, this.tokens + ((now - this.refilledAt) * this.ratePerSecond) / 1000);
      this.refilledAt = now;
    }
  }

  /**
   * Serves the heads while tokens last (priority first; ordinary waiters only while no priority
   * waiter is queued, and never from the reserve), then sleeps until the next head can be paid.
   */
  private schedule(): void {
    if (this.timer !== null) return;
    this.refill();
    for (;;) {
      const head = this.priorityQueue[0] ?? this.queue[0];
      if (head === undefined) return;
      if (!this.affords(head.cost, head.priority)) {
        const needed = head.cost + (head.priority ? 0 : this.reserve);
        const waitMs = Math.max(1, Math.ceil(((needed - this.tokens) * 1000) / this.ratePerSecond));
        this.timer = this.clock.setTimeout(() => {
          this.timer = null;
          this.schedule();
        }, waitMs);
        return;
      }
      (head.priority ? this.priorityQueue : this.queue).shift();
      this.tokens -= head.cost;
      head.signal?.removeEventListener('abort', head.onAbort);
      head.resolve();
    }
  }

  /** The head may have changed: drop the wait computed for the old one and schedule afresh. */
  private reschedule(): void {
    this.timer?.cancel();
    this.timer = null;
    this.schedule();
  }

  private abandon(waiter: Waiter): void {
    const lane = waiter.priority ? this.priorityQueue : this.queue;
    const index = lane.indexOf(waiter);
    if (index === -1) return;
    lane.splice(index, 1);
    waiter.reject(waiter.signal?.reason);
    // The head changed: the next waiter may need a different wait (or none).
    if (index === 0) this.reschedule();
  }
}
