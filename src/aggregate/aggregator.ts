/**
 * Builds the aggregated view from what the feeds hold in memory and publishes it when something
 * changed, at most once per AGGREGATION_INTERVAL_MS (changes in between are coalesced into the
 * next publish). It never calls an upstream itself: feeds push changes (markets, books, source
 * status, insights, metrics), so a publish costs microseconds and a slow upstream cannot stall it.
 * The loop can run on a leader only (scale-out): `current()` works whether or not the loop runs.
 */
import { randomUUID } from 'node:crypto';
import type { Clock, TimerHandle } from '../core/clock.js';
import type { AgentPnLRecord, AggregateRecord, BusinessMetricRecord, InsightRecord } from '../core/domain.js';
import type { Logger } from '../core/logger.js';
import type { Metrics } from '../core/metrics.js';
import type { NorthstarPubSub } from '../core/pubsub.js';
import { availabilityScore, type SourceStatusBoard } from '../sources/source-status.js';
import type { LiveMarkets } from './live-markets.js';

export interface AggregatorDeps {
  clock: Clock;
  pubsub: NorthstarPubSub;
  markets: LiveMarkets;
  statuses: SourceStatusBoard;
  /** The other sources' current values (memory only, like the markets). */
  businessMetrics?: () => BusinessMetricRecord[];
  insight?: () => InsightRecord | null;
  /** P&L per agent from the current positions, marks and revenue. */
  pnl?: () => AgentPnLRecord[];
  /** Sees each published aggregate (the insight engine watches for significant moves here). */
  onPublished?: (aggregate: AggregateRecord) => void;
  intervalMs: number;
  logger: Logger;
  metrics?: Metrics;
}

export class Aggregator {
  private latest: AggregateRecord | null = null;
  private timer: TimerHandle | null = null;
  private running = false;
  private dirty = false;
  private lastPublishAt = Number.NEGATIVE_INFINITY;
  private readonly watched: Array<AsyncIterator<unknown>> = [];

  constructor(private readonly deps: AggregatorDeps) {}

  /** Builds a fresh aggregate from the current state (cheap: memory only). */
  build(): AggregateRecord {
    const started = performance.now();
    const { clock, markets, statuses } = this.deps;
    const components = statuses.all();
    const aggregate: AggregateRecord = {
      takenAt: new Date(clock.now()).toISOString(),
      requestId: randomUUID(),
      markets: markets.list(),
      insight: this.deps.insight?.() ?? null,
      businessMetrics: this.deps.businessMetrics?.() ?? [],
      components,
      pnl: this.deps.pnl?.() ?? [],
      availabilityScore: availabilityScore(components),
      fetchDurationMs: 0,
    };
    aggregate.fetchDurationMs = Math.round((performance.now() - started) * 1000) / 1000;
    return aggregate;
  }

  /** The last published aggregate, or a fresh one when the loop has not ticked yet. */
  current(): AggregateRecord {
    return this.latest ?? this.build();
  }

  /**
   * Starts publishing: once now, then whenever something changed, at most once per interval.
   * Changes arrive through `markDirty()` and the pub/sub events the feeds already publish.
   */
  start(): void {
    if (this.running) return;
    this.running = true;
    for (const topic of ['marketUpdated', 'orderBookUpdated', 'sourceStatusChanged', 'insightChunk'] as const) {
      const stream = this.deps.pubsub.subscribe(topic);
      this.watched.push(stream);
      (async () => {
        for await (const event of stream) {
          // An insight's text deltas do not change the aggregate; its final chunk does.
          if (topic === 'insightChunk' && !(event as { done: boolean }).done) continue;
          this.markDirty();
        }
      })().catch((error: unknown) =>
        this.deps.logger.error({ err: error, topic }, 'aggregator: watching a topic failed; its changes no longer mark the aggregate dirty'),
      );
    }
    this.markDirty();
  }

  stop(): void {
    this.running = false;
    this.timer?.cancel();
    this.timer = null;
    for (const stream of this.watched.splice(0)) {
      stream.return?.(undefined).catch((error: unknown) => this.deps.logger.warn({ err: error }, 'aggregator: ending a watched stream failed'));
    }
  }

  /** Something the aggregate shows changed: publish at the next allowed moment. */
  markDirty(): void {
    this.dirty = true;
    if (!this.running || this.timer) return;
    const wait = Math.max(0, this.lastPublishAt + this.deps.intervalMs - this.deps.clock.now());
    this.timer = this.deps.clock.setTimeout(() => {
      this.timer = null;
      if (!this.running || !this.dirty) return;
      this.dirty = false;
      this.lastPublishAt = this.deps.clock.now();
      try {
        this.tick();
      } catch (error) {
        this.deps.logger.error({ err: error }, 'aggregation failed');
      }
    }, wait);
  }

  /** One tick: build, remember, publish. */
  tick(): AggregateRecord {
    const aggregate = this.build();
    this.latest = aggregate;
    this.deps.pubsub.publish('aggregateUpdated', aggregate);
    this.deps.metrics?.aggregatesPublished.inc();
    this.deps.onPublished?.(aggregate);
    return aggregate;
  }
}
