/**
 * Keeps John's business metrics current by polling every `intervalMs` (JOHN_POLL_INTERVAL_MS) on the
 * injected clock. Polls never overlap: the next one is scheduled when the previous one has ended.
 *
 * The upstream call goes through `call`, the lead's guard (breaker + JOHN_RETRY_POLICY), so this
 * file neither retries nor measures call durations. What it owns:
 * - normalizing each agent's answer; a bad metric is skipped, logged and counted
 *   (northstar_upstream_malformed_payloads_total{source="john"}), and so is an agent answer that
 *   cannot be attributed, and a whole answer the client rejected as data (bad JSON, bad envelope);
 * - comparisonPeriodValue: the value the same agent's same metric had at the previous good poll
 *   *within the same period*. It is null on the first poll and on the first poll of a new period:
 *   John's counters (revenue, deals) restart each period, so comparing across a period boundary
 *   would show a fake collapse. A metric rejected in between keeps its older good value as the base.
 * - on failure, nothing: onMetrics is not called and the values already handed over stay served.
 */
import { PollLoop } from '../../core/poll-loop.js';
import type { UpstreamArchive } from '../upstream-archive.js';
import type { Clock } from '../../core/clock.js';
import type { BusinessMetricRecord } from '../../core/domain.js';
import { isUpstreamError } from '../../core/errors.js';
import type { Logger } from '../../core/logger.js';
import type { Metrics } from '../../core/metrics.js';
import type { JohnClient } from './client.js';
import { normalizeJohnMetrics, type NormalizedJohnMetrics } from './normalize.js';
import type { JohnMetricsResponse } from './protocol.js';

/**
 * The guard every upstream call runs through: `fn` gets the signal to honour (deadline, shutdown).
 * `options.signal` is the caller's own cancellation (the poller's stop): a call it aborts is not
 * news about the upstream, so the guard counts it neither as a success nor as a failure.
 */
export type GuardedCall = <T>(operation: string, fn: (signal: AbortSignal) => Promise<T>, options?: { signal?: AbortSignal }) => Promise<T>;

export interface JohnMetricsPollerDeps {
  client: Pick<JohnClient, 'fetchMetrics'>;
  clock: Clock;
  logger: Logger;
  metrics?: Metrics;
  /** Time between the end of one poll and the start of the next. @default 15000 */
  intervalMs?: number;
  call: GuardedCall;
  /**
   * Receives every record that normalized cleanly, all agents together, once per good poll (never
   * with an empty list). Upsert by `id`: a metric rejected this time is absent, so its previous
   * good value stays.
   */
  onMetrics: (records: BusinessMetricRecord[]) => void;
  /** Samples raw and normalized responses into the history store. */
  archive?: UpstreamArchive;
}

export type JohnPollOutcome = { ok: true; records: number; rejected: number } | { ok: false; error: unknown };

/** The operation name the guard sees (labels, logs). */
export const JOHN_FETCH_OPERATION = 'fetchMetrics';

export class JohnMetricsPoller {
  private readonly loop: PollLoop<JohnPollOutcome>;
  /** Last good value per agent + metric, with the period it belonged to. */
  private readonly previous = new Map<string, { period: string; value: number }>();
  private readonly intervalMs: number;

  constructor(private readonly deps: JohnMetricsPollerDeps) {
    this.intervalMs = deps.intervalMs ?? 15_000;
    if (!(this.intervalMs > 0)) throw new RangeError(`John poll interval must be > 0 ms, got ${this.intervalMs}`);
    this.loop = new PollLoop({ clock: deps.clock, intervalMs: this.intervalMs, poll: () => this.poll(), stopReason: 'John poller stopped' });
  }

  /** Polls at once, then every intervalMs after each poll ends. */
  start(): void {
    this.loop.start();
  }

  /**
   * Cancels the next poll and aborts the one in flight; resolves when it has ended. Until the next
   * start(), pollOnce() resolves at once with `{ ok: false }` (the stop reason).
   */
  stop(): Promise<void> {
    return this.loop.stop();
  }

  /** One poll (or the one already in flight). Never rejects. */
  pollOnce(): Promise<JohnPollOutcome> {
    return this.loop.pollOnce();
  }

  private async poll(): Promise<JohnPollOutcome> {
    const { client, clock, logger, metrics, call } = this.deps;
    const stop = this.loop.signal;
    let responses: JohnMetricsResponse[];
    try {
      // The stop goes to the guard, not only to the request: a poll cut by stop() is a cancellation,
      // not a John failure. (The request gets it too, so it ends even under a guard that ignores it.)
      responses = await call(JOHN_FETCH_OPERATION, (signal) => client.fetchMetrics({ signal: AbortSignal.any([signal, stop]) }), { signal: stop });
    } catch (error) {
      if (stop.aborted) return { ok: false, error: stop.reason };
      if (isUpstreamError(error) && error.category === 'data') metrics?.upstreamMalformedPayloads.inc({ source: 'john' });
      logger.warn({ err: error }, 'John metrics poll failed; serving the metrics already held');
      return { ok: false, error };
    }

    this.deps.archive?.raw('john', JOHN_FETCH_OPERATION, responses);
    const fetchedAt = clock.now();
    const records: BusinessMetricRecord[] = [];
    let rejectedCount = 0;
    for (const response of responses) {
      let normalized: NormalizedJohnMetrics;
      try {
        normalized = normalizeJohnMetrics(response, fetchedAt);
      } catch (error) {
        rejectedCount++;
        metrics?.upstreamMalformedPayloads.inc({ source: 'john' });
        logger.warn({ err: error }, 'John answer without a usable agent_id/period/metrics skipped; previous values kept');
        continue;
      }
      if (normalized.rejected.length > 0) {
        rejectedCount += normalized.rejected.length;
        metrics?.upstreamMalformedPayloads.inc({ source: 'john' }, normalized.rejected.length);
        logger.warn({ agentId: response.agent_id, rejected: normalized.rejected }, 'malformed John metrics skipped; previous values kept');
      }
      records.push(...normalized.records);
    }

    for (const record of records) {
      const key = `${record.agentId}\u0000${record.metricName}`;
      const before = this.previous.get(key);
      record.comparisonPeriodValue = before && before.period === record.period ? before.value : null;
      this.previous.set(key, { period: record.period, value: record.metricValue });
    }
    if (records.length > 0) {
      try {
        this.deps.archive?.normalized('john', records);
        this.deps.onMetrics(records);
      } catch (error) {
        // The consumer's failure is not John's: report it, keep polling.
        logger.error({ err: error }, 'onMetrics failed for John metrics');
      }
    }
    logger.debug({ records: records.length, rejected: rejectedCount }, 'John metrics polled');
    return { ok: true, records: records.length, rejected: rejectedCount };
  }
}
