/**
 * The schedule the periodic jobs share (the pollers, the cache prune and snapshot jobs): run
 * `firstDelayMs` after start, then `intervalMs` after the previous run ended (runs never
 * overlap), on the injected clock. `pollOnce()` joins a poll in flight instead
 * of starting a second one. `stop()` cancels the next poll, aborts the one in flight through
 * `signal`, and waits for it to end.
 */
import type { Clock, TimerHandle } from './clock.js';

/**
 * How long a source waits for its first poll before the service starts listening. Long enough
 * that a healthy upstream's first answer is in the first response; short enough that a hanging
 * one (every attempt timing out, with retries: 10 to 20 s) does not keep the service shut while
 * its cache tiers hold what the last run saw.
 */
export const FIRST_POLL_WAIT_MS = 3000;

/**
 * Waits for `poll` (a first poll, which never rejects) at most `waitMs` on `clock`. Resolves true
 * when it ended in time; false leaves it running, and a loop's later pollOnce() joins it.
 */
export async function waitForFirstPoll(poll: Promise<unknown>, clock: Clock, waitMs: number = FIRST_POLL_WAIT_MS): Promise<boolean> {
  let timer: TimerHandle | null = null;
  const timedOut = new Promise<false>((resolve) => (timer = clock.setTimeout(() => resolve(false), waitMs)));
  try {
    return await Promise.race([
      poll.then(
        () => true,
        () => true,
      ),
      timedOut,
    ]);
  } finally {
    (timer as TimerHandle | null)?.cancel();
  }
}

export class PollLoop<T> {
  private timer: TimerHandle | null = null;
  private running = false;
  private inFlight: Promise<T> | null = null;
  private controller = new AbortController();

  constructor(
    private readonly options: {
      clock: Clock;
      intervalMs: number;
      /** One poll. It must not reject: a poller reports its own failures. */
      poll: (signal: AbortSignal) => Promise<T>;
      /** The abort reason stop() gives the poll in flight. @default 'poller stopped' */
      stopReason?: string;
      /** Delay of the first run after start(). @default 0 */
      firstDelayMs?: number;
      /**
       * A scheduled poll that rejected after all (breaking the contract above). The loop keeps its
       * schedule. @default a process warning (stderr), so it is seen without crashing anything
       */
      onError?: (error: unknown) => void;
    },
  ) {}

  /** Aborted by stop(): pass it to the upstream call so a stopping poller does not wait on it. */
  get signal(): AbortSignal {
    return this.controller.signal;
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    if (this.controller.signal.aborted) this.controller = new AbortController();
    this.schedule(this.options.firstDelayMs ?? 0);
  }

  async stop(): Promise<void> {
    this.running = false;
    this.timer?.cancel();
    this.timer = null;
    this.controller.abort(new Error(this.options.stopReason ?? 'poller stopped'));
    await this.inFlight?.catch(() => undefined);
  }

  pollOnce(): Promise<T> {
    this.inFlight ??= this.options.poll(this.controller.signal).finally(() => {
      this.inFlight = null;
    });
    return this.inFlight;
  }

  private reportError(error: unknown): void {
    if (this.options.onError) {
      try {
        this.options.onError(error);
        return;
      } catch {
        // Fall through to the warning: a reporter that throws must not turn into a rejection.
      }
    }
    const message = error instanceof Error ? error.message : String(error);
    process.emitWarning(`a scheduled poll rejected (the loop keeps its schedule): ${message}`, {
      type: 'PollLoopError',
      ...(error instanceof Error && error.stack ? { detail: error.stack } : {}),
    });
  }

  private schedule(delayMs: number): void {
    this.timer = this.options.clock.setTimeout(() => {
      if (!this.running) return;
      this.pollOnce()
        .finally(() => {
          if (this.running) this.schedule(this.options.intervalMs);
        })
        .catch((error: unknown) => this.reportError(error));
    }, delayMs);
  }
}
