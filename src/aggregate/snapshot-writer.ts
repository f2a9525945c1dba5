/**
 * Writes a pnl_snapshots row every SNAPSHOT_INTERVAL_MS from the current aggregate. Writes never
 * overlap; a failed write is logged and retried at the next interval (the aggregate moves on, the
 * service keeps answering). `flush()` writes the pending snapshot on graceful shutdown.
 */
import type { Clock, TimerHandle } from '../core/clock.js';
import type { AggregateRecord } from '../core/domain.js';
import type { Logger } from '../core/logger.js';
import type { Metrics } from '../core/metrics.js';

export interface SnapshotRowInput {
  takenAt: Date;
  agentId: string | null;
  availabilityScore: number;
  aggregate: unknown;
  kalshi?: unknown;
  anthropic?: unknown;
  john?: unknown;
  metadata?: unknown;
  pnl?: { revenueUsd: string; realizedPnlUsd: string; unrealizedPnlUsd: string; totalPnlUsd: string };
}

export interface SnapshotSink {
  writeSnapshots(rows: SnapshotRowInput[]): Promise<void>;
}

export interface SnapshotWriterDeps {
  clock: Clock;
  sink: SnapshotSink;
  current: () => AggregateRecord;
  intervalMs: number;
  logger: Logger;
  metrics?: Metrics;
}

/** One row for the whole view (agentId null) plus one per agent with P&L. */
export function snapshotRows(aggregate: AggregateRecord): SnapshotRowInput[] {
  const takenAt = new Date(aggregate.takenAt);
  const metadata = {
    version: 1,
    requestId: aggregate.requestId,
    sources: aggregate.components.map((c) => ({ source: c.source, availability: c.availability, breaker: c.breaker })),
  };
  const whole: SnapshotRowInput = {
    takenAt,
    agentId: null,
    availabilityScore: aggregate.availabilityScore,
    aggregate,
    kalshi: aggregate.markets,
    anthropic: aggregate.insight,
    john: aggregate.businessMetrics,
    metadata,
  };
  const perAgent = aggregate.pnl.map((pnl): SnapshotRowInput => ({
    takenAt,
    agentId: pnl.agentId,
    availabilityScore: aggregate.availabilityScore,
    aggregate: { ...aggregate, pnl: [pnl] },
    metadata,
    pnl: {
      revenueUsd: pnl.revenueUsd,
      realizedPnlUsd: pnl.realizedPnlUsd,
      unrealizedPnlUsd: pnl.unrealizedPnlUsd,
      totalPnlUsd: pnl.totalPnlUsd,
    },
  }));
  return [whole, ...perAgent];
}

export class SnapshotWriter {
  private timer: TimerHandle | null = null;
  private running = false;
  private inFlight: Promise<void> | null = null;
  private lastWrittenAt: string | null = null;

  constructor(private readonly deps: SnapshotWriterDeps) {}

  start(): void {
    if (this.running) return;
    this.running = true;
    this.schedule();
  }

  /** Stops the timer and writes the pending snapshot (unless the latest aggregate is already stored). */
  async stop(): Promise<void> {
    this.running = false;
    this.timer?.cancel();
    this.timer = null;
    await this.inFlight;
    await this.writeNow();
  }

  /** Writes the current aggregate now; resolves when it is stored (or logged as failed). */
  writeNow(): Promise<void> {
    if (this.inFlight) return this.inFlight;
    const aggregate = this.deps.current();
    if (aggregate.takenAt === this.lastWrittenAt) return Promise.resolve();
    this.inFlight = this.deps.sink
      .writeSnapshots(snapshotRows(aggregate))
      .then(() => {
        this.lastWrittenAt = aggregate.takenAt;
        this.deps.metrics?.snapshotsWritten.inc(1 + aggregate.pnl.length);
      })
      .catch((error: unknown) => {
        this.deps.logger.error({ err: error }, 'snapshot write failed; will retry at the next interval');
      })
      .finally(() => {
        this.inFlight = null;
      });
    return this.inFlight;
  }

  private schedule(): void {
    this.timer = this.deps.clock.setTimeout(() => {
      if (!this.running) return;
      // writeNow() logs its own failures; this catches a throw in the rescheduling itself.
      this.writeNow()
        .finally(() => {
          if (this.running) this.schedule();
        })
        .catch((error: unknown) => this.deps.logger.error({ err: error }, 'snapshot schedule failed; snapshots stopped'));
    }, this.deps.intervalMs);
  }
}
