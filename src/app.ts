/**
 * Composition root: builds every part in data-flow order (sources → state → aggregator → schema →
 * server), starts them, and stops them in reverse. Nothing else wires parts together.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { Aggregator } from './aggregate/aggregator.js';
import { LiveMarkets } from './aggregate/live-markets.js';
import { SnapshotWriter } from './aggregate/snapshot-writer.js';
import { systemClock, type Clock } from './core/clock.js';
import type { Config } from './core/config.js';
import type { SourceId } from './core/domain.js';
import { UpstreamError } from './core/errors.js';
import type { Logger } from './core/logger.js';
import { createMetrics, type Metrics } from './core/metrics.js';
import { createNorthstarPubSub, type NorthstarPubSub } from './core/pubsub.js';
import { HistoryStore, startRetentionJob, type RetentionJob } from './history/index.js';
import { findProjectRoot } from './history/migration-files.js';
import type { HealthView, HistoryReader, Services } from './schema/context.js';
import { schema } from './schema/index.js';
import { availabilityScore, SourceStatusBoard } from './sources/source-status.js';
import { KalshiRestClient } from './sources/kalshi/client.js';
import { KalshiMarketPoller } from './sources/kalshi/market-poller.js';
import { KALSHI_RETRY_POLICY } from './sources/kalshi/retry-policy.js';
import { SourceGuard, type GuardHistory } from './sources/resilience/source-guard.js';
import { UpstreamArchive } from './sources/upstream-archive.js';
import { startKalshiRestSimulator, type KalshiRestSimulator } from './sources/kalshi/simulator/rest-server.js';
import { attachGraphQLWs, type GraphQLWsServer } from './server/graphql-ws.js';
import { plainRoutes } from './server/http-endpoints.js';
import { createHttpServer } from './server/http-server.js';
import { createNorthstarYoga, GRAPHQL_PATH } from './server/yoga.js';

export interface AppOptions {
  config: Config;
  logger: Logger;
  clock?: Clock;
  /** Prometheus process metrics are process-wide; tests running several apps turn them off. */
  collectProcessMetrics?: boolean;
}

export interface App {
  readonly services: Services;
  readonly pubsub: NorthstarPubSub;
  readonly metrics: Metrics;
  /** http://host:port/graphql once started. */
  readonly url: string;
  /** The Kalshi simulator when Kalshi runs simulated (for tests and the startup log). */
  readonly kalshiSimulator: KalshiRestSimulator | null;
  start(): Promise<void>;
  /** Graceful: idempotent, resolves when everything is closed. */
  stop(): Promise<void>;
}

/** The package version, read once; works from src/ (tsx) and from dist/src/ (compiled). */
const VERSION = (JSON.parse(readFileSync(join(findProjectRoot(), 'package.json'), 'utf8')) as { version: string }).version;

export async function createApp(options: AppOptions): Promise<App> {
  const { config, logger } = options;
  const clock = options.clock ?? systemClock;
  const startedAt = clock.now();
  const metrics = createMetrics({ collectProcessMetrics: options.collectProcessMetrics ?? true });
  const pubsub = createNorthstarPubSub();

  const statuses = new SourceStatusBoard(
    clock,
    pubsub,
    [
      { source: 'kalshi', simulated: config.kalshi.baseUrl === null, enabled: true },
      // Anthropic and John have no client in this build yet: they say so instead of pretending.
      { source: 'anthropic', simulated: config.anthropic.baseUrl === null, enabled: false, disabledReason: 'no Anthropic client in this build yet' },
      { source: 'john', simulated: config.john.baseUrl === null, enabled: false, disabledReason: 'no John client in this build yet' },
    ],
    metrics,
  );
  // Guards write breaker transitions and freshness to the history store once it is open.
  const guardHistory: GuardHistory = {
    recordAudit: (input) => history?.recordAudit(input) ?? Promise.resolve(),
    upsertFreshness: (input) => history?.upsertFreshness(input) ?? Promise.resolve(),
  };
  const breakerOptions = {
    timeoutMs: config.breaker.timeoutMs,
    errorThresholdPercentage: config.breaker.errorThresholdPercentage,
    resetTimeoutMs: config.breaker.resetTimeoutMs,
    volumeThreshold: config.breaker.volumeThreshold,
  };
  const guards: Partial<Record<SourceId, SourceGuard>> = {
    kalshi: new SourceGuard({
      source: 'kalshi',
      clock,
      logger: logger.child({ source: 'kalshi' }),
      statuses,
      breaker: breakerOptions,
      retry: KALSHI_RETRY_POLICY,
      metrics,
      history: guardHistory,
    }),
  };
  const archive = new UpstreamArchive({ store: () => history, clock, logger });
  const markets = new LiveMarkets(pubsub, () => statuses.get('kalshi').availability === 'LIVE');
  const aggregator = new Aggregator({ clock, pubsub, markets, statuses, intervalMs: config.aggregationIntervalMs, logger, metrics });

  let history: HistoryStore | null = null;
  let simulator: KalshiRestSimulator | null = null;
  let kalshiClient: KalshiRestClient | null = null;
  let poller: KalshiMarketPoller | null = null;
  let snapshots: SnapshotWriter | null = null;
  let retention: RetentionJob | null = null;
  let server: Server | null = null;
  let ws: GraphQLWsServer | null = null;
  let url = '';
  let stopping: Promise<void> | null = null;

  const requireHistory = (): HistoryStore => {
    if (!history) throw new Error('history store is not open');
    return history;
  };
  const historyReader: HistoryReader = {
    listSnapshots: (query) => requireHistory().listSnapshots({ ...query, agentId: query.agentId ?? undefined }),
    cursorOf: (row) => requireHistory().cursorOf(row),
    getSnapshot: (id) => requireHistory().getSnapshot(id),
    dailySnapshots: (query) => requireHistory().dailySnapshots({ ...query, agentId: query.agentId ?? undefined }),
    pnlHistory: (query) => requireHistory().pnlHistory(query),
  };

  const health = async (): Promise<HealthView> => {
    const sources = statuses.all();
    const databaseUp = history ? await history.ping() : false;
    const usable = sources.some((s) => s.availability !== 'UNAVAILABLE');
    const score = availabilityScore(sources);
    return {
      status: !databaseUp || !usable ? 'down' : score < config.availabilityThreshold ? 'degraded' : 'ok',
      version: VERSION,
      uptimeSeconds: Math.round((clock.now() - startedAt) / 100) / 10,
      sources,
      // The cache tiers arrive with the cache work; until then there is no tier to report on.
      cache: [],
    };
  };

  const services: Services = {
    config,
    clock,
    logger,
    pubsub,
    markets,
    aggregator,
    history: historyReader,
    sources: {
      all: () => statuses.all(),
      get: (source) => statuses.get(source),
      resetBreaker: async (source) => {
        guards[source]?.reset('reset through the resetBreaker mutation');
        return statuses.get(source);
      },
    },
    orderBooks: { get: async () => null },
    insights: {
      latest: async () => null,
      list: async () => [],
      request: async () => {
        throw new UpstreamError('Anthropic analysis is not available in this build yet', { source: 'anthropic', category: 'service', retryable: false });
      },
    },
    businessMetrics: { list: async () => [] },
    health,
  };

  async function start(): Promise<void> {
    history = await HistoryStore.open(config.databaseUrl, { clock, logger });
    logger.info({ database: config.databaseUrl.startsWith('file:') ? config.databaseUrl : 'postgresql' }, 'history store ready (migrations applied)');

    let kalshiBaseUrl = config.kalshi.baseUrl;
    if (kalshiBaseUrl === null) {
      simulator = await startKalshiRestSimulator({ clock, logger: logger.child({ component: 'kalshi-simulator' }) });
      kalshiBaseUrl = simulator.baseUrl;
    }
    logger.info({ source: 'kalshi', mode: simulator ? 'simulated' : 'live', baseUrl: kalshiBaseUrl }, 'source kalshi');
    for (const source of ['anthropic', 'john'] as const) {
      logger.info({ source, mode: 'not connected', reason: statuses.get(source).lastError }, `source ${source}`);
    }

    kalshiClient = new KalshiRestClient({ baseUrl: kalshiBaseUrl, timeoutMs: config.breaker.timeoutMs });
    poller = new KalshiMarketPoller({
      client: kalshiClient,
      clock,
      guard: guards.kalshi!,
      logger: logger.child({ source: 'kalshi' }),
      metrics,
      archive,
      intervalMs: config.kalshi.pollIntervalMs,
      onMarkets: (records) => markets.upsert(records),
    });
    // One poll before serving, so the first answer has markets; a failure here is not fatal.
    await poller.pollOnce();
    poller.start();

    aggregator.start();
    snapshots = new SnapshotWriter({
      clock,
      sink: history,
      current: () => aggregator.current(),
      intervalMs: config.snapshotIntervalMs,
      logger,
      metrics,
    });
    snapshots.start();
    retention = startRetentionJob({
      prisma: history.prisma,
      clock,
      retentionDays: config.retentionDays,
      intervalMs: config.retentionIntervalMs,
      logger,
    });

    const yoga = createNorthstarYoga({ schema, services, logger, metrics, graphiql: config.nodeEnv !== 'production' });
    const routes = plainRoutes({ services, metrics, readiness: { databaseReachable: () => history?.ping() ?? Promise.resolve(false) } });
    server = createHttpServer({ yoga, routes, metrics, logger });
    ws = attachGraphQLWs({ server, yoga, logger, metrics, keepAliveIntervalMs: config.keepAliveIntervalMs });
    const listening = server;
    await new Promise<void>((resolve, reject) => {
      listening.once('error', reject);
      listening.listen(config.port, config.host, () => {
        listening.off('error', reject);
        resolve();
      });
    });
    const address = listening.address() as AddressInfo;
    const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
    url = `http://${host}:${address.port}${GRAPHQL_PATH}`;
    logger.info(
      { graphql: url, subscriptions: url.replace(/^http/, 'ws'), graphiql: config.nodeEnv !== 'production' ? url : null, health: url.replace(GRAPHQL_PATH, '/health') },
      `Northstar ${VERSION} listening on ${url}`,
    );
  }

  async function shutdown(): Promise<void> {
    const deadline = config.shutdownTimeoutMs;
    const began = performance.now();
    const step = (name: string): void => logger.debug({ step: name, atMs: Math.round(performance.now() - began) }, 'shutdown step done');
    // 1. Stop accepting: no new connections or upgrades.
    const closed = server ? new Promise<void>((resolve) => server?.close(() => resolve())) : Promise.resolve();
    server?.closeIdleConnections();
    // 2. Stop the producers so nothing new is published.
    aggregator.stop();
    await poller?.stop();
    await retention?.stop();
    step('producers stopped');
    // 3. Complete every subscription (SSE and graphql-ws), then close sockets with 1001.
    await pubsub.completeAll();
    step('subscriptions completed');
    await ws?.close();
    step('websockets closed');
    // 4. Let in-flight requests finish, bounded; then cut what is left. Keep-alive sockets become
    //    idle as their last response ends (SSE streams just completed): close them as they do.
    const sweep = setInterval(() => server?.closeIdleConnections(), 25);
    const timer = setTimeout(() => server?.closeAllConnections(), deadline);
    await closed;
    clearInterval(sweep);
    clearTimeout(timer);
    step('http closed');
    // 5. The pending snapshot, then the stores and the simulator.
    await snapshots?.stop();
    await archive.flush();
    await Promise.all(Object.values(guards).map((guard) => guard.shutdown()));
    await kalshiClient?.close();
    await simulator?.close();
    await history?.close();
    step('stores closed');
  }

  return {
    services,
    pubsub,
    metrics,
    get url() {
      return url;
    },
    get kalshiSimulator() {
      return simulator;
    },
    start,
    stop() {
      stopping ??= shutdown();
      return stopping;
    },
  };
}
