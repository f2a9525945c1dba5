/**
 * The one place that reads the environment. Every variable is parsed once, by zod, into a typed
 * Config whose field names carry their unit. An invalid value stops startup with one line naming
 * the variable and the form it expects.
 */
import { z } from 'zod';
import type { SourceId } from './domain.js';
import { blankToUndefined, int, optionalChoice, optionalInt, optionalString, optionalUrl, ratio } from './config-schema.js';
import { ConfigError } from './errors.js';
import { accessVariables, resolveAccess, type AccessConfig } from '../server/access/access-config.js';
import { limitsVariables, resolveLimits, type LimitsConfig } from '../server/limits/limits-config.js';
import { rateLimitVariables, resolveRateLimit, type RateLimitConfig } from '../server/rate-limit/rate-limit-config.js';

/** Variable → [schema, the expected form shown when it is wrong]. */
const variables = {
  NODE_ENV: [z.preprocess(blankToUndefined, z.enum(['development', 'production', 'test']).default('development')), 'one of development, production, test'],
  HOST: [z.preprocess(blankToUndefined, z.string().default('127.0.0.1')), 'a host name or IP address'],
  PORT: [int(0, 65535, 4000), 'an integer port from 0 to 65535'],
  LOG_LEVEL: [
    z.preprocess(blankToUndefined, z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info')),
    'one of fatal, error, warn, info, debug, trace, silent',
  ],
  LOG_FORMAT: [optionalChoice(['json', 'pretty']), 'json or pretty'],
  DATABASE_URL: [
    z.preprocess(
      blankToUndefined,
      z
        .string()
        .regex(/^(file:.+|postgres(ql)?:\/\/.+)$/)
        .default('file:./data/northstar.db'),
    ),
    'file:<path> (SQLite) or postgresql://… (PostgreSQL)',
  ],
  REDIS_URL: [optionalUrl(['redis:', 'rediss:']), 'a redis:// or rediss:// URL, or unset to turn the Redis tier off'],
  CACHE_L1_TTL_MS: [int(100, 3_600_000, 15_000), 'milliseconds from 100 to 3600000'],
  CACHE_L2_TTL_S: [int(1, 86_400, 60), 'seconds from 1 to 86400'],
  CACHE_L3_TTL_S: [int(1, 30 * 86_400, 3600), 'seconds from 1 to 2592000'],
  CACHE_DIR: [z.preprocess(blankToUndefined, z.string().default('./cache')), 'a directory path'],
  CACHE_L4_SNAPSHOT_MS: [int(100, 3_600_000, 60_000), 'milliseconds from 100 to 3600000'],
  CB_TIMEOUT_MS: [int(10, 600_000, 10_000), 'milliseconds from 10 to 600000'],
  CB_ERROR_THRESHOLD: [int(1, 100, 50), 'a percentage from 1 to 100'],
  CB_RESET_TIMEOUT_MS: [int(10, 3_600_000, 30_000), 'milliseconds from 10 to 3600000'],
  CB_VOLUME_THRESHOLD: [int(1, 1000, 5), 'an integer from 1 to 1000'],
  AGGREGATION_INTERVAL_MS: [int(10, 3_600_000, 500), 'milliseconds from 10 to 3600000'],
  AVAILABILITY_THRESHOLD: [ratio(0.5), 'a number from 0 to 1'],
  SNAPSHOT_INTERVAL_MS: [int(10, 86_400_000, 5000), 'milliseconds from 10 to 86400000'],
  RETENTION_DAYS: [int(1, 3650, 90), 'days from 1 to 3650'],
  RETENTION_INTERVAL_MS: [int(1000, 86_400_000, 3_600_000), 'milliseconds from 1000 to 86400000'],
  RAW_RESPONSE_TTL_SECONDS: [int(1, 315_360_000, 3600), 'seconds from 1 to 315360000'],
  SHUTDOWN_TIMEOUT_MS: [int(100, 120_000, 10_000), 'milliseconds from 100 to 120000'],
  KEEPALIVE_INTERVAL_MS: [int(100, 300_000, 12_000), 'milliseconds from 100 to 300000'],
  SLOW_CONSUMER_BUFFER_BYTES: [int(1024, 1_073_741_824, 1_048_576), 'bytes from 1024 to 1073741824'],
  SLOW_CONSUMER_DEADLINE_MS: [int(100, 3_600_000, 30_000), 'milliseconds from 100 to 3600000'],
  METRICS_OPERATION_NAMES: [
    z.preprocess(
      blankToUndefined,
      z
        .string()
        .regex(/^[_A-Za-z][_0-9A-Za-z]*(,[_A-Za-z][_0-9A-Za-z]*)*$/)
        .optional(),
    ),
    'a comma-separated list of GraphQL operation names, e.g. CurrentAggregate,HealthAndSources',
  ],
  SIMULATORS: [
    z.preprocess(
      blankToUndefined,
      z
        .string()
        .regex(/^(all|none|(kalshi|anthropic|john)(,(kalshi|anthropic|john))*)$/)
        .optional(),
    ),
    'all, none, or a comma-separated list of kalshi, anthropic, john',
  ],
  KALSHI_BASE_URL: [optionalUrl(['http:', 'https:']), 'an http(s) URL including /trade-api/v2, or unset for the simulator'],
  KALSHI_WS_URL: [optionalUrl(['ws:', 'wss:']), 'a ws(s) URL such as wss://…/trade-api/ws/v2'],
  KALSHI_API_KEY: [optionalString, 'a Kalshi API key id'],
  KALSHI_PRIVATE_KEY_PATH: [optionalString, 'a path to a PEM private key'],
  KALSHI_PRIVATE_KEY: [optionalString, 'an inline PEM private key'],
  KALSHI_POLL_INTERVAL_MS: [int(50, 600_000, 1000), 'milliseconds from 50 to 600000'],
  KALSHI_TRACKED_TICKERS: [
    z.preprocess(
      blankToUndefined,
      z
        .string()
        .regex(/^[A-Za-z0-9._-]+(,[A-Za-z0-9._-]+)*$/)
        .optional(),
    ),
    'a comma-separated list of market tickers',
  ],
  KALSHI_TRACK_TOP_N: [int(1, 500, 20), 'an integer from 1 to 500'],
  KALSHI_SUBACCOUNTS: [
    z.preprocess(
      blankToUndefined,
      z
        .string()
        .regex(/^\d{1,2}(,\d{1,2})*$/)
        .optional(),
    ),
    'a comma-separated list of subaccount numbers, e.g. 0,1,2',
  ],
  KALSHI_PORTFOLIO_POLL_INTERVAL_MS: [int(1000, 3_600_000, 30_000), 'milliseconds from 1000 to 3600000'],
  AGENT_ATTRIBUTION: [optionalString, 'rules such as subaccount:1=agent:kalshi:macro,prefix:KXNBA=agent:kalshi:sports'],
  KALSHI_READS_PER_SECOND: [int(1, 100, 10), 'reads per second from 1 to 100'],
  KALSHI_POLLER_RESERVED_READS: [optionalInt(0, 99), 'an integer from 0 to 99, below KALSHI_READS_PER_SECOND'],
  KALSHI_MAX_TRACKED_BOOKS: [int(0, 1000, 50), 'an integer from 0 to 1000'],
  KALSHI_BOOK_IDLE_MS: [int(100, 86_400_000, 60_000), 'milliseconds from 100 to 86400000'],
  KALSHI_BOOK_READS_PER_REQUEST: [int(0, 1000, 10), 'an integer from 0 to 1000'],
  KALSHI_UNKNOWN_TICKER_TTL_MS: [int(0, 600_000, 5000), 'milliseconds from 0 to 600000'],
  KALSHI_SIM_EVENTS_PER_SERIES: [int(1, 6, 1), 'an integer from 1 to 6'],
  KALSHI_SIM_FAULT: [optionalString, 'a simulator fault such as status:503, hang, malformed, truncated, delay:200 (see README)'],
  KALSHI_WS_SIM_FAULT: [optionalString, 'a WebSocket simulator fault such as drop, seq-gap, error-code:25, silence (see README)'],
  ANTHROPIC_BASE_URL: [optionalUrl(['http:', 'https:']), 'an http(s) origin such as https://api.anthropic.com, or unset for the simulator'],
  ANTHROPIC_API_KEY: [optionalString, 'an Anthropic API key'],
  ANTHROPIC_MODEL: [z.preprocess(blankToUndefined, z.string().default('claude-haiku-4-5')), 'a model id'],
  ANTHROPIC_TIMEOUT_MS: [int(100, 600_000, 30_000), 'milliseconds from 100 to 600000'],
  INSIGHT_INTERVAL_MS: [int(1000, 86_400_000, 60_000), 'milliseconds from 1000 to 86400000'],
  INSIGHT_MOVE_THRESHOLD: [z.preprocess(blankToUndefined, z.coerce.number().min(0.001).max(1).default(0.05)), 'dollars from 0.001 to 1'],
  INSIGHT_BUDGET_CALLS_PER_HOUR: [int(0, 100_000, 60), 'an integer from 0 to 100000'],
  INSIGHT_BUDGET_OUTPUT_TOKENS_PER_HOUR: [int(0, 100_000_000, 100_000), 'an integer from 0 to 100000000'],
  ANTHROPIC_SIM_FAULT: [optionalString, 'a simulator fault such as status:529, hang, truncated, sse-error (see README)'],
  JOHN_BASE_URL: [optionalUrl(['http:', 'https:']), 'an http(s) origin (metrics at /api/john/metrics), or unset for the simulator'],
  JOHN_API_TOKEN: [optionalString, 'a bearer token'],
  JOHN_POLL_INTERVAL_MS: [int(1000, 600_000, 15_000), 'milliseconds from 1000 to 600000'],
  JOHN_ENDPOINT: [
    z.preprocess(
      blankToUndefined,
      z
        .string()
        .regex(/^(single|all|[^\s,]+(,[^\s,]+)*)$/)
        .optional(),
    ),
    "single (the documented /api/john/metrics), all (the simulator's /api/john/metrics/all), or a comma-separated list of agent ids",
  ],
  JOHN_SIM_FAULT: [optionalString, 'a simulator fault such as status:503, hang, malformed (see README)'],
  ...accessVariables,
  ...limitsVariables,
  ...rateLimitVariables,
} as const satisfies Record<string, readonly [z.ZodType, string]>;

type VariableName = keyof typeof variables;
type Parsed = { [K in VariableName]: z.output<(typeof variables)[K][0]> };

export type NodeEnv = Parsed['NODE_ENV'];

export interface Config {
  nodeEnv: NodeEnv;
  host: string;
  port: number;
  logLevel: Parsed['LOG_LEVEL'];
  logFormat: 'json' | 'pretty';
  databaseUrl: string;
  /** null turns the Redis tier off. */
  redisUrl: string | null;
  /** `l4SnapshotIntervalMs`: how often L1 is written to the L4 files (and once more at shutdown). */
  cache: { l1TtlMs: number; l2TtlSeconds: number; l3TtlSeconds: number; dir: string; l4SnapshotIntervalMs: number };
  breaker: { timeoutMs: number; errorThresholdPercentage: number; resetTimeoutMs: number; volumeThreshold: number };
  aggregationIntervalMs: number;
  availabilityThreshold: number;
  snapshotIntervalMs: number;
  retentionDays: number;
  retentionIntervalMs: number;
  /** raw_api_responses.ttl_seconds of each sampled upstream response: retention drops it after that. */
  rawResponseTtlSeconds: number;
  shutdownTimeoutMs: number;
  keepAliveIntervalMs: number;
  /** A WebSocket whose unsent data stays above this many bytes for longer than the deadline is closed (4013). */
  slowConsumer: { bufferBytes: number; deadlineMs: number };
  /** Operation names that always keep their own `operation_name` label (the rest: see OperationNameLabels). */
  metrics: { operationNames: string[] };
  /**
   * Which sources run against the bundled simulators (src/simulators/, started by the composition
   * root). A source with a base URL is never simulated; one with neither refuses startup.
   */
  simulators: Record<SourceId, boolean>;
  /** A null base URL means: the source runs against its simulator (see `simulators`). */
  kalshi: {
    baseUrl: string | null;
    wsUrl: string | null;
    apiKeyId: string | null;
    privateKeyPath: string | null;
    privateKeyPem: string | null;
    pollIntervalMs: number;
    /** Markets whose order books are followed; null: the N most active. */
    trackedTickers: string[] | null;
    trackTopN: number;
    readsPerSecond: number;
    /** Tokens of the REST pacer only the pollers may spend (client-driven reads leave them). */
    pollerReservedReads: number;
    /** Books followed over the WebSocket because a client asked for them (beyond the top N); 0: none. */
    maxTrackedBooks: number;
    /** A book asked for (and not subscribed to) leaves the WebSocket after this long without being asked again. */
    bookIdleMs: number;
    /** REST book calls one GraphQL operation may cause; books beyond are answered from what is held. */
    bookReadsPerRequest: number;
    /** How long a ticker Kalshi does not know is answered as unknown without asking again; 0: not remembered. */
    unknownTickerTtlMs: number;
    /** Portfolio subaccounts read for P&L; null: 0,1,2 on the simulator, 0 against the exchange. */
    subaccounts: number[] | null;
    portfolioPollIntervalMs: number;
    /** Raw AGENT_ATTRIBUTION rules (parsed by the P&L attribution). */
    agentAttribution: string | null;
    /** Applied to the bundled simulator at startup (a test and demo aid). */
    simulatorFault: string | null;
    /** Events the bundled simulator lists per series at start (23 markets each). */
    simulatorEventsPerSeries: number;
    wsSimulatorFault: string | null;
  };
  anthropic: {
    baseUrl: string | null;
    apiKey: string | null;
    model: string;
    timeoutMs: number;
    insightIntervalMs: number;
    moveThreshold: number;
    budget: { callsPerHour: number; outputTokensPerHour: number };
    simulatorFault: string | null;
  };
  john: {
    baseUrl: string | null;
    apiToken: string | null;
    pollIntervalMs: number;
    /**
     * What the client reads: the documented one-agent endpoint, the simulator's every-agent
     * extension, or these agents one by one (`?agent_id=`, which the simulator understands).
     * null: `single` against a John at a URL, `all` on the simulator (which has the extension).
     */
    endpoint: JohnEndpoint | null;
    simulatorFault: string | null;
  };
  /** API keys, AUTH_MODE, GraphiQL, the per-key insight budget (server/access/access-config.ts). */
  access: AccessConfig;
  /** Query shape and cost, body and message sizes, origins, introspection, persisted operations (server/limits/limits-config.ts). */
  limits: LimitsConfig;
  /** Per-key and per-address request rates, connections per key (server/rate-limit/rate-limit-config.ts). */
  rateLimit: RateLimitConfig;
}

export type JohnEndpoint = { kind: 'single' } | { kind: 'all' } | { kind: 'agents'; agentIds: string[] };

const SOURCE_VARIABLES: Record<SourceId, string> = { kalshi: 'KALSHI_BASE_URL', anthropic: 'ANTHROPIC_BASE_URL', john: 'JOHN_BASE_URL' };

/**
 * SIMULATORS resolved per source. Default: every source without a URL outside production, none in
 * production (where invented prices must never be served by accident). A URL always wins over a
 * simulator; a source with neither cannot run, and says so naming both variables.
 */
function resolveSimulators(text: string | undefined, nodeEnv: NodeEnv, urls: Record<SourceId, string | undefined>): Record<SourceId, boolean> {
  const setting = text ?? (nodeEnv === 'production' ? 'none' : 'all');
  const listed = new Set<string>(setting === 'all' ? Object.keys(SOURCE_VARIABLES) : setting === 'none' ? [] : setting.split(','));
  const simulated = {} as Record<SourceId, boolean>;
  for (const source of Object.keys(SOURCE_VARIABLES) as SourceId[]) {
    if (urls[source] === undefined && !listed.has(source)) {
      throw new ConfigError(
        `Invalid configuration: ${source} has no upstream: set ${SOURCE_VARIABLES[source]}, or add ${source} to SIMULATORS to run it on its simulator (SIMULATORS is ${JSON.stringify(setting)}${text === undefined ? `, the ${nodeEnv} default` : ''})`,
      );
    }
    simulated[source] = urls[source] === undefined;
  }
  return simulated;
}

function johnEndpoint(text: string | undefined): JohnEndpoint | null {
  if (text === undefined) return null;
  if (text === 'single' || text === 'all') return { kind: text };
  return { kind: 'agents', agentIds: text.split(',') };
}

/**
 * The pacer's tokens kept for the pollers: as set (below the bucket's size, KALSHI_READS_PER_SECOND,
 * or client reads could never go), else a quarter of it, at least one while the bucket holds two.
 */
function pollerReserve(text: number | undefined, readsPerSecond: number): number {
  if (text === undefined) return Math.min(readsPerSecond - 1, Math.max(1, Math.floor(readsPerSecond / 4)));
  if (text >= readsPerSecond) {
    throw new ConfigError(
      `Invalid configuration: KALSHI_POLLER_RESERVED_READS must be below KALSHI_READS_PER_SECOND (${readsPerSecond}), or client reads could never be paid (got ${JSON.stringify(String(text))})`,
    );
  }
  return text;
}

/** Parses the environment. Throws ConfigError naming the first invalid variable. */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const parsed = {} as Record<string, unknown>;
  for (const [name, [schema, expected]] of Object.entries(variables)) {
    const result = (schema as z.ZodType).safeParse(env[name]);
    if (!result.success) {
      throw new ConfigError(`Invalid configuration: ${name} must be ${expected} (got ${JSON.stringify(env[name])})`);
    }
    parsed[name] = result.data;
  }
  const v = parsed as Parsed;
  const config: Omit<Config, 'rateLimit'> = {
    nodeEnv: v.NODE_ENV,
    host: v.HOST,
    port: v.PORT,
    logLevel: v.LOG_LEVEL,
    logFormat: v.LOG_FORMAT ?? (v.NODE_ENV === 'development' ? 'pretty' : 'json'),
    databaseUrl: v.DATABASE_URL,
    redisUrl: v.REDIS_URL ?? null,
    cache: {
      l1TtlMs: v.CACHE_L1_TTL_MS,
      l2TtlSeconds: v.CACHE_L2_TTL_S,
      l3TtlSeconds: v.CACHE_L3_TTL_S,
      dir: v.CACHE_DIR,
      l4SnapshotIntervalMs: v.CACHE_L4_SNAPSHOT_MS,
    },
    breaker: {
      timeoutMs: v.CB_TIMEOUT_MS,
      errorThresholdPercentage: v.CB_ERROR_THRESHOLD,
      resetTimeoutMs: v.CB_RESET_TIMEOUT_MS,
      volumeThreshold: v.CB_VOLUME_THRESHOLD,
    },
    aggregationIntervalMs: v.AGGREGATION_INTERVAL_MS,
    availabilityThreshold: v.AVAILABILITY_THRESHOLD,
    snapshotIntervalMs: v.SNAPSHOT_INTERVAL_MS,
    retentionDays: v.RETENTION_DAYS,
    retentionIntervalMs: v.RETENTION_INTERVAL_MS,
    rawResponseTtlSeconds: v.RAW_RESPONSE_TTL_SECONDS,
    shutdownTimeoutMs: v.SHUTDOWN_TIMEOUT_MS,
    keepAliveIntervalMs: v.KEEPALIVE_INTERVAL_MS,
    slowConsumer: { bufferBytes: v.SLOW_CONSUMER_BUFFER_BYTES, deadlineMs: v.SLOW_CONSUMER_DEADLINE_MS },
    metrics: { operationNames: v.METRICS_OPERATION_NAMES?.split(',') ?? [] },
    simulators: resolveSimulators(v.SIMULATORS, v.NODE_ENV, { kalshi: v.KALSHI_BASE_URL, anthropic: v.ANTHROPIC_BASE_URL, john: v.JOHN_BASE_URL }),
    kalshi: {
      baseUrl: v.KALSHI_BASE_URL?.replace(/\/+$/, '') ?? null,
      wsUrl: v.KALSHI_WS_URL ?? null,
      apiKeyId: v.KALSHI_API_KEY ?? null,
      privateKeyPath: v.KALSHI_PRIVATE_KEY_PATH ?? null,
      privateKeyPem: v.KALSHI_PRIVATE_KEY ?? null,
      pollIntervalMs: v.KALSHI_POLL_INTERVAL_MS,
      trackedTickers: v.KALSHI_TRACKED_TICKERS?.split(',') ?? null,
      trackTopN: v.KALSHI_TRACK_TOP_N,
      readsPerSecond: v.KALSHI_READS_PER_SECOND,
      pollerReservedReads: pollerReserve(v.KALSHI_POLLER_RESERVED_READS, v.KALSHI_READS_PER_SECOND),
      maxTrackedBooks: v.KALSHI_MAX_TRACKED_BOOKS,
      bookIdleMs: v.KALSHI_BOOK_IDLE_MS,
      bookReadsPerRequest: v.KALSHI_BOOK_READS_PER_REQUEST,
      unknownTickerTtlMs: v.KALSHI_UNKNOWN_TICKER_TTL_MS,
      subaccounts: v.KALSHI_SUBACCOUNTS?.split(',').map(Number) ?? null,
      portfolioPollIntervalMs: v.KALSHI_PORTFOLIO_POLL_INTERVAL_MS,
      agentAttribution: v.AGENT_ATTRIBUTION ?? null,
      simulatorFault: v.KALSHI_SIM_FAULT ?? null,
      simulatorEventsPerSeries: v.KALSHI_SIM_EVENTS_PER_SERIES,
      wsSimulatorFault: v.KALSHI_WS_SIM_FAULT ?? null,
    },
    anthropic: {
      baseUrl: v.ANTHROPIC_BASE_URL?.replace(/\/+$/, '') ?? null,
      apiKey: v.ANTHROPIC_API_KEY ?? null,
      model: v.ANTHROPIC_MODEL,
      timeoutMs: v.ANTHROPIC_TIMEOUT_MS,
      insightIntervalMs: v.INSIGHT_INTERVAL_MS,
      moveThreshold: v.INSIGHT_MOVE_THRESHOLD,
      budget: { callsPerHour: v.INSIGHT_BUDGET_CALLS_PER_HOUR, outputTokensPerHour: v.INSIGHT_BUDGET_OUTPUT_TOKENS_PER_HOUR },
      simulatorFault: v.ANTHROPIC_SIM_FAULT ?? null,
    },
    john: {
      baseUrl: v.JOHN_BASE_URL?.replace(/\/+$/, '') ?? null,
      apiToken: v.JOHN_API_TOKEN ?? null,
      pollIntervalMs: v.JOHN_POLL_INTERVAL_MS,
      endpoint: johnEndpoint(v.JOHN_ENDPOINT),
      simulatorFault: v.JOHN_SIM_FAULT ?? null,
    },
    access: resolveAccess(parsed, { nodeEnv: v.NODE_ENV, insightCallsPerHour: v.INSIGHT_BUDGET_CALLS_PER_HOUR }),
    limits: resolveLimits(parsed, { nodeEnv: v.NODE_ENV }),
  };
  // After the rest (access included): which variable is wrong is reported in the table's order.
  return { ...config, rateLimit: resolveRateLimit(parsed, { authMode: config.access.mode }) };
}

/** Every variable with its expected form: the README's configuration table is checked against it. */
export const CONFIG_VARIABLES: ReadonlyArray<{ name: string; expected: string }> = Object.entries(variables).map(([name, [, expected]]) => ({
  name,
  expected,
}));
