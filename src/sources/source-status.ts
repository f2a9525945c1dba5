/**
 * The status board: what each upstream is doing right now (last success/failure, consecutive
 * failures, last error, breaker state). Sources report outcomes here; `sources`, `health`,
 * aggregates and `sourceStatusChanged` read from it.
 */
import type { Clock } from '../core/clock.js';
import type { Availability, BreakerState, BreakerStats, SourceId, SourceStatusRecord } from '../core/domain.js';
import { isUpstreamError } from '../core/errors.js';
import type { Metrics } from '../core/metrics.js';
import type { NorthstarPubSub } from '../core/pubsub.js';

const EMPTY_STATS: BreakerStats = { fires: 0, successes: 0, failures: 0, timeouts: 0, rejects: 0, fallbacks: 0, latencyMeanMs: null };

interface Entry {
  record: SourceStatusRecord;
  /** Whether any good value from this source is held somewhere we can serve it from. */
  hasData: boolean;
}

export interface SourceRegistration {
  source: SourceId;
  simulated: boolean;
  /** When false the source has no client in this build: it is reported UNAVAILABLE with this reason. */
  enabled: boolean;
  disabledReason?: string;
}

export class SourceStatusBoard {
  private readonly entries = new Map<SourceId, Entry>();

  constructor(
    private readonly clock: Clock,
    private readonly pubsub: NorthstarPubSub,
    registrations: SourceRegistration[],
    private readonly metrics?: Metrics,
  ) {
    for (const registration of registrations) {
      this.entries.set(registration.source, {
        hasData: false,
        record: {
          source: registration.source,
          breaker: 'CLOSED',
          availability: 'UNAVAILABLE',
          simulated: registration.simulated,
          lastSuccessAt: null,
          lastFailureAt: null,
          consecutiveFailures: 0,
          lastError: registration.enabled ? null : (registration.disabledReason ?? 'source not enabled'),
          stats: { ...EMPTY_STATS },
        },
      });
      this.metrics?.sourceAvailability.set({ source: registration.source }, 0);
    }
  }

  all(): SourceStatusRecord[] {
    return [...this.entries.values()].map((entry) => structuredClone(entry.record));
  }

  get(source: SourceId): SourceStatusRecord {
    return structuredClone(this.entry(source).record);
  }

  /** The availability alone, without copying the record: asked per served value. */
  availability(source: SourceId): Availability {
    return this.entry(source).record.availability;
  }

  recordSuccess(source: SourceId, latencyMs?: number): void {
    const entry = this.entry(source);
    entry.hasData = true;
    this.update(entry, (record) => {
      record.lastSuccessAt = new Date(this.clock.now()).toISOString();
      record.consecutiveFailures = 0;
      record.lastError = null;
      record.lastErrorCategory = null;
      record.stats.fires += 1;
      record.stats.successes += 1;
      if (latencyMs !== undefined) {
        const previous = record.stats.latencyMeanMs ?? latencyMs;
        record.stats.latencyMeanMs = previous + (latencyMs - previous) / record.stats.successes;
      }
    });
  }

  recordFailure(source: SourceId, error: unknown): void {
    const entry = this.entry(source);
    this.update(entry, (record) => {
      record.lastFailureAt = new Date(this.clock.now()).toISOString();
      record.consecutiveFailures += 1;
      record.lastError = error instanceof Error ? error.message : String(error);
      record.lastErrorCategory = isUpstreamError(error) ? error.category : 'unknown';
      record.stats.fires += 1;
      record.stats.failures += 1;
    });
  }

  setBreaker(source: SourceId, breaker: BreakerState, stats?: BreakerStats): void {
    this.update(this.entry(source), (record) => {
      record.breaker = breaker;
      if (stats) record.stats = { ...stats };
    });
  }

  private entry(source: SourceId): Entry {
    const entry = this.entries.get(source);
    if (!entry) throw new Error(`unknown source ${source}`);
    return entry;
  }

  private update(entry: Entry, change: (record: SourceStatusRecord) => void): void {
    const before = { availability: entry.record.availability, breaker: entry.record.breaker, lastError: entry.record.lastError };
    change(entry.record);
    entry.record.availability = availabilityOf(entry);
    this.metrics?.sourceAvailability.set(
      { source: entry.record.source },
      entry.record.availability === 'LIVE' ? 1 : entry.record.availability === 'CACHED' ? 0.5 : 0,
    );
    const changed =
      before.availability !== entry.record.availability ||
      before.breaker !== entry.record.breaker ||
      (before.lastError === null) !== (entry.record.lastError === null);
    if (changed) this.pubsub.publish('sourceStatusChanged', structuredClone(entry.record));
  }
}

function availabilityOf(entry: Entry): Availability {
  const { record } = entry;
  const failingNow = record.breaker === 'OPEN' || record.consecutiveFailures > 0;
  if (!failingNow && record.lastSuccessAt !== null) return 'LIVE';
  return entry.hasData ? 'CACHED' : 'UNAVAILABLE';
}

/** Share of sources answering live, 0.0 to 1.0 (the seed's availability score). */
export function availabilityScore(statuses: SourceStatusRecord[]): number {
  if (statuses.length === 0) return 0;
  const live = statuses.filter((status) => status.availability === 'LIVE').length;
  return Math.round((live / statuses.length) * 1000) / 1000;
}
