/**
 * Prometheus metrics (prom-client). One registry per service instance, so tests that start several
 * servers in one process do not collide on metric names.
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** Further operation names labelled first-come, beyond the allow-list (the rest are `other`). */
export const LEARNED_OPERATION_NAMES_MAX = 20;
/** A learned name longer than this is `other`: it would be repeated in every series of /metrics. */
export const OPERATION_NAME_MAX_LENGTH = 100;

/**
 * The values of the `operation_name` label. Operation names are chosen by clients, and every distinct
 * value is a new set of histogram series kept for the life of the process, so the set is bounded:
 * names on the allow-list (METRICS_OPERATION_NAMES) always keep their own label; up to
 * `learnedMax` other names keep theirs, first come first served; every further name is `other`, and
 * an operation without a name is `anonymous`. At most allow-list + learnedMax + 2 values, whatever
 * clients send. (The allow-list is what survives a flood: learned slots go to whoever comes first.)
 */
export class OperationNameLabels {
  private readonly allowed: ReadonlySet<string>;
  private readonly learned = new Set<string>();

  constructor(
    allowed: Iterable<string> = [],
    private readonly learnedMax = LEARNED_OPERATION_NAMES_MAX,
  ) {
    this.allowed = new Set(allowed);
  }

  label(name: string | null | undefined): string {
    if (!name) return 'anonymous';
    if (this.allowed.has(name) || this.learned.has(name)) return name;
    // A client naming its operation `anonymous` must not pass as an unnamed one.
    if (name === 'anonymous' || name.length > OPERATION_NAME_MAX_LENGTH || this.learned.size >= this.learnedMax) return 'other';
    this.learned.add(name);
    return name;
  }

  /** Names learned so far (not counting the allow-list). */
  get learnedCount(): number {
    return this.learned.size;
  }
}

export interface MetricsOptions {
  /** Node process metrics (CPU, heap, event loop lag). @default true */
  collectProcessMetrics?: boolean;
  /** Operation names that always keep their own `operation_name` label (METRICS_OPERATION_NAMES). @default [] */
  operationNames?: readonly string[];
  /** Further names labelled first-come. @default LEARNED_OPERATION_NAMES_MAX */
  learnedOperationNamesMax?: number;
}

export interface Metrics {
  registry: Registry;
  /** Bounds the `operation_name` label of graphqlOperationDuration (see OperationNameLabels). */
  operationNames: OperationNameLabels;
  httpRequestDuration: Histogram<'method' | 'route' | 'status_code'>;
  graphqlOperationDuration: Histogram<'operation_type' | 'operation_name' | 'outcome'>;
  upstreamCallDuration: Histogram<'source' | 'operation' | 'outcome'>;
  upstreamMalformedPayloads: Counter<'source'>;
  /** Trades the Kalshi trade channel's sequence numbers say were lost (gaps on the trade sid). */
  kalshiTradesLost: Counter;
  /** Client-driven Kalshi reads the pacer refused unsent (they would have queued past their deadline's share). */
  kalshiReadsShed: Counter;
  /** Order books the Kalshi WebSocket follows: `rank` (top N or the configured list) and `demand` (asked for by clients). */
  kalshiBooksFollowed: Gauge<'reason'>;
  sourceAvailability: Gauge<'source'>;
  aggregatesPublished: Counter;
  snapshotsWritten: Counter;
  subscriptionsActive: Gauge<'transport'>;
  breakerState: Gauge<'source'>;
  breakerTransitions: Counter<'source' | 'to'>;
  upstreamRetries: Counter<'source' | 'operation'>;
  subscriptionResults: Counter<'outcome'>;
  subscriptionSerializations: Counter<'transport' | 'outcome'>;
  slowConsumersClosed: Counter;
}

export function createMetrics(options: MetricsOptions = {}): Metrics {
  const registry = new Registry();
  if (options.collectProcessMetrics ?? true) collectDefaultMetrics({ register: registry });
  const registers = [registry];
  return {
    registry,
    operationNames: new OperationNameLabels(options.operationNames, options.learnedOperationNamesMax),
    httpRequestDuration: new Histogram({
      name: 'northstar_http_request_duration_seconds',
      help: 'HTTP request duration by route and status',
      labelNames: ['method', 'route', 'status_code'],
      buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers,
    }),
    graphqlOperationDuration: new Histogram({
      name: 'northstar_graphql_operation_duration_seconds',
      help: 'GraphQL operation execution time (subscriptions: time to set up the stream); operation_name is allow-listed or one of the first names seen, else other',
      labelNames: ['operation_type', 'operation_name', 'outcome'],
      buckets: [0.0005, 0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers,
    }),
    upstreamCallDuration: new Histogram({
      name: 'northstar_upstream_call_duration_seconds',
      help: 'Upstream call duration by source, operation and outcome',
      labelNames: ['source', 'operation', 'outcome'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    }),
    upstreamMalformedPayloads: new Counter({
      name: 'northstar_upstream_malformed_payloads_total',
      help: 'Upstream payloads rejected by a normalizer (the previous good value was kept)',
      labelNames: ['source'],
      registers,
    }),
    kalshiTradesLost: new Counter({
      name: 'northstar_kalshi_trades_lost_total',
      help: 'Trades missed on the Kalshi WebSocket trade channel (sequence gaps on its sid); candles over them lack those prints',
      registers,
    }),
    sourceAvailability: new Gauge({
      name: 'northstar_source_availability',
      help: '1 when the source answers live, 0.5 when served from cache, 0 when unavailable',
      labelNames: ['source'],
      registers,
    }),
    aggregatesPublished: new Counter({ name: 'northstar_aggregates_published_total', help: 'Aggregates published to subscribers', registers }),
    snapshotsWritten: new Counter({ name: 'northstar_snapshots_written_total', help: 'pnl_snapshots rows written', registers }),
    subscriptionsActive: new Gauge({
      name: 'northstar_subscriptions_active',
      help: 'Open GraphQL subscriptions by transport',
      labelNames: ['transport'],
      registers,
    }),
    breakerState: new Gauge({
      name: 'northstar_circuit_breaker_state',
      help: 'Circuit breaker state per source (0 = CLOSED, 1 = OPEN, 2 = HALF_OPEN)',
      labelNames: ['source'],
      registers,
    }),
    breakerTransitions: new Counter({
      name: 'northstar_circuit_breaker_transitions_total',
      help: 'Circuit breaker state changes per source and target state',
      labelNames: ['source', 'to'],
      registers,
    }),
    slowConsumersClosed: new Counter({
      name: 'northstar_slow_consumers_closed_total',
      help: 'WebSocket clients closed with 4013 for staying behind past SLOW_CONSUMER_DEADLINE_MS',
      registers,
    }),
    subscriptionResults: new Counter({
      name: 'northstar_subscription_results_total',
      help: 'Subscription event results: executed once per distinct selection, shared with the other subscribers',
      labelNames: ['outcome'],
      registers,
    }),
    subscriptionSerializations: new Counter({
      name: 'northstar_subscription_serializations_total',
      help: 'JSON texts of shared subscription results: printed once, reused by the other subscribers and transports',
      labelNames: ['transport', 'outcome'],
      registers,
    }),
    kalshiReadsShed: new Counter({
      name: 'northstar_kalshi_reads_shed_total',
      help: 'Client-driven Kalshi REST reads refused unsent by the client-side pacer (its queue was longer than the read may wait)',
      registers,
    }),
    kalshiBooksFollowed: new Gauge({
      name: 'northstar_kalshi_books_followed',
      help: 'Order books the Kalshi WebSocket follows, by why: rank (top N, or KALSHI_TRACKED_TICKERS) or demand (asked for by clients)',
      labelNames: ['reason'],
      registers,
    }),
    upstreamRetries: new Counter({
      name: 'northstar_upstream_retries_total',
      help: 'Retries of retryable upstream failures (inside one breaker fire)',
      labelNames: ['source', 'operation'],
      registers,
    }),
  };
}
