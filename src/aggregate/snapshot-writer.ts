/**
 * Writes a snapshot tick every SNAPSHOT_INTERVAL_MS from the current aggregate: the aggregate once
 * (the history store keeps it as one document) and a money-only row per agent with P&L, plus one for
 * the whole book. Writes never overlap (the shared PollLoop schedules them); a failed write is logged
 * and retried at the next interval (the aggregate moves on, the service keeps answering). `stop()`
 * writes the pending snapshot on graceful shutdown.
 */
import type { Clock } from '../core/clock.js';
import type { AggregateRecord, MarketRecord } from '../core/domain.js';
import type { Logger } from '../core/logger.js';
import type { Metrics } from '../core/metrics.js';
import { PollLoop } from '../core/poll-loop.js';
import type { SnapshotTickInput } from '../history/index.js';

export type { SnapshotTickInput };

export interface SnapshotSink {
  writeSnapshotTick(tick: SnapshotTickInput): Promise<void>;
}

export interface SnapshotWriterDeps {
  clock: Clock;
  sink: SnapshotSink;
  current: () => AggregateRecord;
  intervalMs: number;
  logger: Logger;
  metrics?: Metrics;
}

/** The whole view with its per-source payloads, and each agent's P&L. */
function withoutBookkeeping(market: MarketRecord): MarketRecord {
  const stored = { ...market };
  delete stored.priceObservedAt;
  return stored;
}

export function snapshotTick(live: AggregateRecord): SnapshotTickInput {
  // `priceObservedAt` is the live state's bookkeeping (which observation of each price is newest,
  // for merging the next one), not part of the market as served: six timestamps per market that
  // changed on every listing made up about half of each tick's compressed document.
  const aggregate: AggregateRecord = { ...live, markets: live.markets.map(withoutBookkeeping) };
  return {
    takenAt: new Date(aggregate.takenAt),
    availabilityScore: aggregate.availabilityScore,
    aggregate,
    kalshi: aggregate.markets,
    anthropic: aggregate.insight,
    john: aggregate.businessMetrics,
    metadata: {
      version: 1,
      requestId: aggregate.requestId,
      sources: aggregate.components.map((c) => ({ source: c.source, availability: c.availability, breaker: c.breaker })),
    },
    agents: aggregate.pnl.map((pnl) => ({
      agentId: pnl.agentId,
      pnl: { revenueUsd: pnl.revenueUsd, realizedPnlUsd: pnl.realizedPnlUsd, unrealizedPnlUsd: pnl.unrealizedPnlUsd, totalPnlUsd: pnl.totalPnlUsd },
    })),
  };
}

export class SnapshotWriter {
  private readonly loop: PollLoop<void>;
  private lastWrittenAt: string | null = null;

  constructor(private readonly deps: SnapshotWriterDeps) {
    this.loop = new PollLoop({ clock: deps.clock, intervalMs: deps.intervalMs, firstDelayMs: deps.intervalMs, poll: () => this.write() });
  }

  start(): void {
    this.loop.start();
  }

  /** Stops the timer and writes the pending snapshot (unless the latest aggregate is already stored). */
  async stop(): Promise<void> {
    await this.loop.stop();
    await this.writeNow();
  }

  /** Writes the current aggregate now (joining a write in flight); resolves when it is stored or logged as failed. */
  writeNow(): Promise<void> {
    return this.loop.pollOnce();
  }

  private async write(): Promise<void> {
    const aggregate = this.deps.current();
    if (aggregate.takenAt === this.lastWrittenAt) return;
    try {
      await this.deps.sink.writeSnapshotTick(snapshotTick(aggregate));
      this.lastWrittenAt = aggregate.takenAt;
      this.deps.metrics?.snapshotsWritten.inc(1 + aggregate.pnl.length);
    } catch (error) {
      this.deps.logger.error({ err: error }, 'snapshot write failed; will retry at the next interval');
    }
  }
}
