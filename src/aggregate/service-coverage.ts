/**
 * The service's own coverage: which times this service was running to record trades and quotes.
 * Each run is a `service_runs` row, opened at start and kept alive by a heartbeat every
 * HEARTBEAT_MS on the shared PollLoop (and once more at shutdown). A SIGKILL leaves the row at its
 * last heartbeat: the time after it counts as not covered, and so does every time between runs.
 * The market history reads what no run covers from the exchange (market-history.ts).
 */
import type { Clock } from '../core/clock.js';
import type { Logger } from '../core/logger.js';
import type { TimeRange } from '../core/market-history.js';
import { PollLoop } from '../core/poll-loop.js';

/** How often a run says it is alive: after a crash, up to this much of the run reads as not covered (read from the exchange). */
export const HEARTBEAT_MS = 2000;

/** What this needs of the history store. */
export interface ServiceRunStore {
  startServiceRun(at: Date): Promise<number>;
  serviceRunAlive(id: number, at: Date): Promise<void>;
  serviceRunsBetween(from: Date, to: Date): Promise<TimeRange[]>;
  firstServiceRunStart(): Promise<Date | null>;
}

export interface Coverage {
  /** The first remembered run's start: before it the service kept no record of its runs, so nothing there is told uncovered. */
  sinceMs: number;
  /** The runs overlapping the range asked for, this one up to now. */
  runs: TimeRange[];
}

export interface ServiceCoverageOptions {
  store: () => ServiceRunStore | null;
  clock: Clock;
  logger: Logger;
  heartbeatMs?: number;
}

export class ServiceCoverage {
  private run: { id: number; startedAtMs: number } | null = null;
  private sinceMs: number | null = null;
  private readonly loop: PollLoop<void>;

  constructor(private readonly options: ServiceCoverageOptions) {
    this.loop = new PollLoop({
      clock: options.clock,
      intervalMs: options.heartbeatMs ?? HEARTBEAT_MS,
      firstDelayMs: options.heartbeatMs ?? HEARTBEAT_MS,
      stopReason: 'service coverage stopped',
      poll: () => this.beat(),
    });
  }

  /** Opens this run (the history store must be open). */
  async start(): Promise<void> {
    const store = this.options.store();
    if (!store || this.run) return;
    const now = this.options.clock.now();
    this.run = { id: await store.startServiceRun(new Date(now)), startedAtMs: now };
    this.loop.start();
  }

  /** The last heartbeat: the run covers up to now. */
  async stop(): Promise<void> {
    await this.loop.stop();
    await this.beat();
  }

  /**
   * The runs covering parts of [fromMs, toMs), possibly overlapping; null when this process
   * keeps no record of its runs (no store, or not started): then nothing can be told uncovered.
   */
  async covered(fromMs: number, toMs: number): Promise<Coverage | null> {
    const store = this.options.store();
    const run = this.run;
    if (!store || !run) return null;
    // Never changes once known: runs are not pruned (one small row per start of the process).
    this.sinceMs ??= (await store.firstServiceRunStart())?.getTime() ?? run.startedAtMs;
    const runs = await store.serviceRunsBetween(new Date(fromMs), new Date(toMs));
    // This run is alive now, whatever its last heartbeat says.
    runs.push({ fromMs: run.startedAtMs, toMs: Math.max(this.options.clock.now(), run.startedAtMs) + 1 });
    return { sinceMs: Math.min(this.sinceMs, run.startedAtMs), runs };
  }

  private async beat(): Promise<void> {
    const store = this.options.store();
    if (!store || !this.run) return;
    try {
      await store.serviceRunAlive(this.run.id, new Date(this.options.clock.now()));
    } catch (error) {
      this.options.logger.warn({ err: error }, 'service run heartbeat failed (the time since the last one will read as not covered)');
    }
  }
}
