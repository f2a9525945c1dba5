/**
 * The order books clients ask for, followed over the WebSocket while they are asked for: what
 * CCXT's `watchOrderBook` does, one shared connection for every book any client watches.
 *
 * - `ask(tickers)`: a query read these books. They join at once (the feed sends `add_markets`)
 *   and stay `idleMs` after the last ask.
 * - `hold(ticker)`: a subscriber keeps the book asked for until it lets go (the release function);
 *   the idle time starts then.
 * - At most `max` books. Beyond it the least recently asked leave first (`delete_markets`); held
 *   books count as asked now, so they leave only when every book is held. One ask of more than
 *   `max` books takes its first `max`: a request fanning out over a thousand markets must not turn
 *   the whole set over (and then again on the next such request).
 *
 * `onChange` gets the new set whenever membership changes (never for a re-ask of a held book), so
 * the feed's subscription follows with one add and one delete per change. Time is the injected
 * Clock: the idle timeout is proved on a ManualClock.
 */
import type { Clock, TimerHandle } from '../../core/clock.js';

export interface DemandedBooksOptions {
  clock: Clock;
  /** The most books followed on demand; 0 turns demand tracking off. */
  max: number;
  /** An unheld book leaves this long after it was last asked for. */
  idleMs: number;
  /** The set changed: the tickers followed on demand now, least recently asked first. */
  onChange: (tickers: string[]) => void;
}

interface Demand {
  /** When it was last asked for (for a held book: when it was last asked or let go). */
  askedAt: number;
  /** Subscribers holding it. */
  holds: number;
}

export class DemandedBooks {
  /** Insertion order is recency: a book asked again is moved to the end. */
  private readonly demands = new Map<string, Demand>();
  private timer: TimerHandle | null = null;
  private timerDueAt = Number.POSITIVE_INFINITY;
  private stopped = false;

  constructor(private readonly options: DemandedBooksOptions) {
    if (!(Number.isSafeInteger(options.max) && options.max >= 0)) throw new RangeError(`max must be a non-negative integer, got ${options.max}`);
    if (!(Number.isFinite(options.idleMs) && options.idleMs > 0)) throw new RangeError(`idleMs must be positive, got ${options.idleMs}`);
  }

  /** The books followed on demand, least recently asked first. */
  current(): string[] {
    return [...this.demands.keys()];
  }

  has(ticker: string): boolean {
    return this.demands.has(ticker);
  }

  /** These books were just asked for. */
  ask(tickers: readonly string[]): void {
    if (this.stopped || this.options.max === 0) return;
    const batch = [...new Set(tickers)].slice(0, this.options.max);
    if (batch.length === 0) return;
    const now = this.options.clock.now();
    let changed = false;
    for (const ticker of batch) {
      const held = this.demands.get(ticker);
      if (!held) changed = true;
      this.demands.delete(ticker);
      this.demands.set(ticker, { askedAt: now, holds: held?.holds ?? 0 });
    }
    if (this.evict(new Set(batch))) changed = true;
    if (changed) this.notify();
    this.schedule();
  }

  /** Keeps the book asked for until the returned function is called (once; later calls do nothing). */
  hold(ticker: string): () => void {
    if (this.stopped || this.options.max === 0) return () => undefined;
    this.ask([ticker]);
    const demand = this.demands.get(ticker);
    if (demand) demand.holds += 1;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const current = this.demands.get(ticker);
      // Evicted meanwhile (every book held and more asked for): nothing to let go.
      if (!current || current.holds === 0) return;
      current.holds -= 1;
      if (current.holds === 0) {
        // Asked for until now: the idle time starts at the release.
        this.demands.delete(ticker);
        this.demands.set(ticker, { askedAt: this.options.clock.now(), holds: 0 });
        this.schedule();
      }
    };
  }

  /** Cancels the idle timer; later asks and holds do nothing. */
  stop(): void {
    this.stopped = true;
    this.timer?.cancel();
    this.timer = null;
  }

  /** Drops books beyond `max`, unheld ones first, least recently asked first; never one of `keep`. */
  private evict(keep: ReadonlySet<string>): boolean {
    let evicted = false;
    for (const heldToo of [false, true]) {
      for (const [ticker, demand] of this.demands) {
        if (this.demands.size <= this.options.max) return evicted;
        if (keep.has(ticker) || (demand.holds > 0 && !heldToo)) continue;
        this.demands.delete(ticker);
        evicted = true;
      }
    }
    return evicted;
  }

  /** Arms the timer for the first unheld book's idle deadline, unless it is already armed for earlier. */
  private schedule(): void {
    if (this.stopped) return;
    const dueAt = this.nextExpiry();
    if (dueAt === null || dueAt >= this.timerDueAt) return;
    this.timer?.cancel();
    this.timerDueAt = dueAt;
    this.timer = this.options.clock.setTimeout(() => this.expire(), Math.max(0, dueAt - this.options.clock.now()));
  }

  private nextExpiry(): number | null {
    // Recency order: the first unheld book is the one asked for longest ago.
    for (const demand of this.demands.values()) if (demand.holds === 0) return demand.askedAt + this.options.idleMs;
    return null;
  }

  private expire(): void {
    this.timer = null;
    this.timerDueAt = Number.POSITIVE_INFINITY;
    const now = this.options.clock.now();
    let changed = false;
    for (const [ticker, demand] of this.demands) {
      if (demand.holds === 0 && demand.askedAt + this.options.idleMs <= now) {
        this.demands.delete(ticker);
        changed = true;
      }
    }
    if (changed) this.notify();
    this.schedule();
  }

  private notify(): void {
    this.options.onChange(this.current());
  }
}
