/**
 * Composition root: builds every part in data-flow order (simulators when asked → sources → state
 * → aggregator → schema → server, the README's sketch), starts them, and stops them in reverse.
 * Nothing else wires parts together, and nothing here decides anything: state and rules live in
 * their layers (P&L in aggregate/portfolio-pnl.ts, insight tiers in aggregate/live-insights.ts,
 * health in server/health-policy.ts, endpoints in sources/endpoints.ts).
 */
import { listen } from './core/listen.js';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Aggregator } from './aggregate/aggregator.js';
import { MarketHistory } from './aggregate/market-history.js';
import { ServiceCoverage } from './aggregate/service-coverage.js';
import { ReadModel } from './aggregate/read-model.js';
import { LiveInsights } from './aggregate/live-insights.js';
import { attributionRules, PortfolioPnl } from './aggregate/portfolio-pnl.js';
import { openCache } from './cache/create-cache.js';
import type { TieredCache } from './cache/tiered-cache.js';
import { LiveBusinessMetrics } from './aggregate/live-metrics.js';
import { LiveMarkets } from './aggregate/live-markets.js';
import { SnapshotWriter } from './aggregate/snapshot-writer.js';
import { systemClock, type Clock } from './core/clock.js';
import type { Config } from './core/config.js';
import { SOURCE_IDS, type SourceId } from './core/domain.js';
import { UpstreamError } from './core/errors.js';
import type { Logger } from './core/logger.js';
import { createMetrics, type Metrics } from './core/metrics.js';
import { createNorthstarPubSub, type NorthstarPubSub } from './core/pubsub.js';
import { HistoryStore, MarketTickRecorder, startRetentionJob, type RetentionJob } from './history/index.js';
import { findProjectRoot } from './history/migration-files.js';
import type { HistoryReader, Services } from './schema/context.js';
import { schema } from './schema/index.js';
import { startAnthropicSource, type AnthropicSource } from './sources/anthropic/anthropic-source.js';
import { startJohnSource, type JohnSource } from './sources/john/john-source.js';
import { startKalshiSource, type KalshiSource } from './sources/kalshi/kalshi-source.js';
import type { GuardHistory } from './sources/resilience/source-guard.js';
import { createSourceGuards } from './sources/resilience/source-guards.js';
import { resolveEndpoints } from './sources/endpoints.js';
import { SourceStatusBoard } from './sources/source-status.js';
import { UpstreamArchive } from './sources/upstream-archive.js';
import { Access } from './server/access/access.js';
import { RateLimits } from './server/rate-limit/rate-limits.js';
import { dashboardStatic } from './server/dashboard-static.js';
import { attachGraphQLWs, type GraphQLWsServer } from './server/graphql-ws.js';
import { HealthPolicy } from './server/health-policy.js';
import { plainRoutes } from './server/http-endpoints.js';
import { createHttpServer, type NorthstarHttpServer } from './server/http-server.js';
import { SharedResultJson } from './server/result-json.js';
import { runShutdown, type ShutdownReport } from './server/shutdown.js';
import { createNorthstarYoga, GRAPHQL_PATH } from './server/yoga.js';
import type { AnthropicSimulator } from './simulators/anthropic/index.js';
import type { Simulators } from './simulators/index.js';
import type { JohnSimulator } from './simulators/john/server.js';
import type { KalshiRestSimulator } from './simulators/kalshi/rest-server.js';

export interface AppOptions {
  config: Config;
  logger: Logger;
  clock?: Clock;
  /** Prometheus process metrics are process-wide; tests running several apps turn them off. */
  collectProcessMetrics?: boolean;
  /** Where the built dashboard is (default: dist/dashboard/ of the project); tests point it elsewhere. */
  dashboardDir?: string;
}

export interface App {
  readonly services: Services;
  readonly pubsub: NorthstarPubSub;
  readonly metrics: Metrics;
  /** http://host:port/graphql once started. */
  readonly url: string;
  /** The bundled simulators of the sources that run simulated (tests inject faults through them). */
  readonly simulators: {
    kalshi: KalshiRestSimulator | null;
    anthropic: AnthropicSimulator | null;
    john: JohnSimulator | null;
  };
  start(): Promise<void>;
  /**
   * Graceful and bounded (SHUTDOWN_TIMEOUT_MS, plus the stores' own bounds); idempotent. Resolves
   * with what each step did once the stores are closed; never rejects.
   */
  stop(): Promise<ShutdownReport>;
}

/** The package version, read once; works from src/ (tsx) and from dist/src/ (compiled). */
const VERSION = (JSON.parse(readFileSync(join(findProjectRoot(), 'package.json'), 'utf8')) as { version: string }).version;
/**
 * The most each shutdown step may take, as a share of SHUTDOWN_TIMEOUT_MS. The steps share that
 * budget (each is also cut to what is left of it), so what one does not use the next may.
 */
const SHUTDOWN_SHARE = { drain: 0.5, subscriptions: 0.2, connections: 0.1, producers: 0.2, breakers: 0.05, flush: 0.2 } as const;
/**
 * The stores close after the budget, in a `finally`, each with its own bound (or what is left of the
 * budget, if more): together with it, a shutdown ends within SHUTDOWN_TIMEOUT_MS + 1.2 s.
 */
const STORE_CLOSE_MS = { cache: 700, history: 500 } as const;

const NO_SIMULATORS: Simulators = { kalshi: null, anthropic: null, john: null, simulated: [], close: () => Promise.resolve() };

/** Wires the service; a bad setting found while wiring (AGENT_ATTRIBUTION) rejects, like every other startup failure. */
export function createApp(options: AppOptions): Promise<App> {
  return new Promise((resolve) => resolve(wireApp(options)));
}

function wireApp(options: AppOptions): App {
  const { config, logger } = options;
  const clock = options.clock ?? systemClock;
  const metrics = createMetrics({ collectProcessMetrics: options.collectProcessMetrics ?? true, operationNames: config.metrics.operationNames });
  const pubsub = createNorthstarPubSub();

  const statuses = new SourceStatusBoard(
    clock,
    pubsub,
    SOURCE_IDS.map((source) => ({ source, simulated: config.simulators[source], enabled: true })),
    metrics,
  );
  // Guards write breaker transitions and freshness to the history store once it is open.
  const guardHistory: GuardHistory = {
    recordAudit: (input) => history?.recordAudit(input) ?? Promise.resolve(),
    upsertFreshness: (input) => history?.upsertFreshness(input) ?? Promise.resolve(),
  };
  const guards = createSourceGuards({ config, clock, logger, statuses, metrics, history: guardHistory });
  const isLive = (source: SourceId) => () => statuses.availability(source) === 'LIVE';
  const archive = new UpstreamArchive({ store: () => history, clock, logger, ttlSeconds: config.rawResponseTtlSeconds });
  // Each market's quote into market_ticks when it changes, at most once a second (candles read them).
  const marketTicks = new MarketTickRecorder({ clock, sink: () => history, current: (ticker) => markets.get(ticker), logger });
  const markets = new LiveMarkets(pubsub, isLive('kalshi'));
  // Candles and trades: the trade channel's prints published and stored, the exchange's history before ours.
  // The service's own runs (service_runs, a heartbeat): times no run covers are read from the exchange.
  const coverage = new ServiceCoverage({ store: () => history, clock, logger });
  const marketHistory = new MarketHistory({ store: () => history, exchange: () => kalshi?.history ?? null, pubsub, clock, logger, coverage });
  const businessMetrics = new LiveBusinessMetrics(isLive('john'));

  let simulators: Simulators | null = null;
  let history: HistoryStore | null = null;
  let cache: TieredCache | null = null;
  let readModel: ReadModel | null = null;
  let kalshi: KalshiSource | null = null;
  let anthropic: AnthropicSource | null = null;
  let john: JohnSource | null = null;
  let snapshots: SnapshotWriter | null = null;
  let retention: RetentionJob | null = null;
  let http: NorthstarHttpServer | null = null;
  let ws: GraphQLWsServer | null = null;
  let rateLimits: RateLimits | null = null;
  let url = '';
  let stopping: Promise<ShutdownReport> | null = null;

  const insights = new LiveInsights(() => anthropic?.engine ?? null, isLive('anthropic'));
  const pnl = new PortfolioPnl({ marks: (ticker) => markets.get(ticker)?.prices ?? null, revenue: () => businessMetrics.list() });
  // AGENT_ATTRIBUTION is read here, so a bad value rejects createApp before anything starts.
  pnl.attributeBy(attributionRules(config.kalshi.agentAttribution, null));

  const aggregator = new Aggregator({
    clock,
    pubsub,
    markets,
    statuses,
    pnl: () => pnl.current(),
    businessMetrics: () => businessMetrics.list(),
    insight: () => insights.latest(null),
    onPublished: (aggregate) => anthropic?.engine.noteMarkets(aggregate.markets),
    intervalMs: config.aggregationIntervalMs,
    logger,
    metrics,
  });

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

  const health = new HealthPolicy({
    clock,
    version: VERSION,
    availabilityThreshold: config.availabilityThreshold,
    sources: () => statuses.all(),
    databaseUp: () => history?.ping() ?? Promise.resolve(false),
    cache: () => cache?.status() ?? [],
  });

  const requireReadModel = (): ReadModel => {
    if (!readModel) throw new Error('the service is not started');
    return readModel;
  };

  const notStarted = (source: SourceId) => new UpstreamError(`${source} is not started`, { source, category: 'service', retryable: true });

  const services: Services = {
    config,
    clock,
    logger,
    pubsub,
    markets: {
      list: (filter) => markets.list(filter),
      get: (ticker) => markets.get(ticker),
      getMany: (tickers) => requireReadModel().marketsByTicker(tickers),
    },
    aggregator,
    history: historyReader,
    sources: {
      all: () => statuses.all(),
      get: (source) => statuses.get(source),
      resetBreaker: (source) => {
        guards[source].reset('reset through the resetBreaker mutation');
        return Promise.resolve(statuses.get(source));
      },
    },
    orderBooks: { getMany: (tickers, budget) => requireReadModel().orderBooks(tickers, budget), hold: (ticker) => requireReadModel().holdBook(ticker) },
    insights: {
      latest: async (ticker) => (await requireReadModel().latestInsights([ticker]))[0] ?? null,
      latestMany: (tickers) => requireReadModel().latestInsights(tickers),
      list: (ticker, limit) => Promise.resolve(insights.list(ticker, limit)),
      request: async (tickers) => {
        if (!anthropic) throw notStarted('anthropic');
        return anthropic.engine.request(tickers);
      },
    },
    marketHistory,
    businessMetrics: {
      list: (agentId, limit) => Promise.resolve(businessMetrics.list(agentId, limit)),
    },
    health: () => health.health(),
  };

  async function start(): Promise<void> {
    // The simulators first, only those SIMULATORS asks for: the sources below get their URLs.
    // Loaded only when some source runs simulated: with SIMULATORS=none no simulator code is even imported.
    simulators = Object.values(config.simulators).some(Boolean)
      ? await (await import('./simulators/index.js')).startSimulators({ config, clock, logger })
      : NO_SIMULATORS;
    const sims = simulators;
    pnl.attributeBy(attributionRules(config.kalshi.agentAttribution, sims.kalshi?.attribution ?? null));
    const endpoints = resolveEndpoints(config, sims, logger);

    history = await HistoryStore.open(config.databaseUrl, { clock, logger });
    logger.info({ database: config.databaseUrl.startsWith('file:') ? config.databaseUrl : 'postgresql' }, 'history store ready (migrations applied)');
    await coverage.start();
    cache = await openCache({ config, clock, logger: logger.child({ component: 'cache' }), registry: metrics.registry, prisma: history.prisma });
    const model = new ReadModel({
      cache,
      clock,
      logger,
      unknownTickerTtlMs: config.kalshi.unknownTickerTtlMs,
      markets,
      businessMetrics,
      sources: {
        fetchMarkets: (tickers) => (kalshi ? kalshi.fetchMarkets(tickers) : Promise.reject(notStarted('kalshi'))),
        liveBook: (ticker) => kalshi?.liveBook(ticker) ?? null,
        fetchOrderBooks: (tickers) => (kalshi ? kalshi.fetchOrderBooks(tickers) : Promise.reject(notStarted('kalshi'))),
        get orderBooksPerCall() {
          return kalshi?.orderBooksPerCall ?? 1;
        },
        askBooks: (tickers) => kalshi?.askBooks(tickers),
        holdBook: (ticker) => kalshi?.holdBook(ticker) ?? (() => undefined),
        latestInsight: (ticker) => insights.latest(ticker),
      },
    });
    readModel = model;
    // Before any upstream answers, the aggregate already has what the tiers kept (labelled as such).
    const warmed = await model.warm();
    logger.info(warmed, 'in-memory state warmed from the cache tiers');

    // The sources start side by side; each serves what it has even when its first call fails. If one
    // cannot start at all (bad configuration), the others are kept so that stop() closes them.
    const [k, a, j] = await Promise.allSettled([
      startKalshiSource({
        config,
        endpoint: endpoints.kalshi,
        clock,
        logger,
        metrics,
        guard: guards.kalshi,
        archive,
        onMarkets: (records, listing) => {
          const forgotten = markets.listingReceived(records, listing, clock.now());
          if (forgotten.length > 0) logger.info({ source: 'kalshi', tickers: forgotten }, 'markets no longer listed by the exchange forgotten');
          marketTicks.observe(records);
          model.marketsRefreshed(records);
        },
        onMarketPatch: (record) => {
          markets.upsert([record], 'patch');
          marketTicks.observe([record]);
          model.marketPatched(record.ticker);
        },
        currentMarket: (ticker) => markets.get(ticker),
        onTrade: (trade, position) => marketHistory.tradeReceived(trade, position),
        onTradesLost: (count) => marketHistory.tradesLost(count),
        onPositions: (latest) => {
          pnl.positionsPolled(latest);
          aggregator.markDirty();
        },
        onBook: (book) => {
          pubsub.publish('orderBookUpdated', book);
          model.bookUpdated(book);
        },
      }),
      startAnthropicSource({
        config,
        endpoint: endpoints.anthropic,
        clock,
        logger,
        metrics,
        guard: guards.anthropic,
        pubsub,
        statuses,
        onInsight: (insight) => model.insightPublished(insight),
      }),
      startJohnSource({
        config,
        endpoint: endpoints.john,
        clock,
        logger,
        metrics,
        guard: guards.john,
        archive,
        onMetrics: (records) => {
          businessMetrics.upsert(records);
          model.metricsPolled(records);
          aggregator.markDirty();
        },
      }),
    ]);
    kalshi = k.status === 'fulfilled' ? k.value : null;
    anthropic = a.status === 'fulfilled' ? a.value : null;
    john = j.status === 'fulfilled' ? j.value : null;
    const failed = [k, a, j].find((result) => result.status === 'rejected');
    if (failed) throw failed.reason;
    // stop() began while the sources were starting (a signal during a slow startup): go no further,
    // so nothing is scheduled or served after the shutdown. (The process exits when stop() ends.)
    if (stopping) throw new Error('stopped while starting');

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
    marketTicks.start();
    retention = startRetentionJob({
      prisma: history.prisma,
      clock,
      retentionDays: config.retentionDays,
      intervalMs: config.retentionIntervalMs,
      logger,
    });

    const resultJson = new SharedResultJson(metrics.subscriptionSerializations);
    const access = new Access(config.access, { clock, audit: (entry) => requireHistory().recordAudit(entry) });
    if (access.mode === 'off')
      logger.warn(
        { authMode: 'off', reason: config.access.reason },
        'AUTH_MODE=off: every caller may query, analyze and reset breakers without a key (set API_KEYS to require keys)',
      );
    // Redis (when set) is waited for briefly, so instances share counts from their first request.
    rateLimits = new RateLimits({ config: config.rateLimit, redisUrl: config.redisUrl, logger: logger.child({ component: 'rate-limit' }) });
    await rateLimits.connect();
    const yoga = createNorthstarYoga({
      schema,
      services,
      logger,
      metrics,
      graphiql: config.access.graphiql,
      access,
      limits: config.limits,
      resultJson,
      rateLimits,
      simulatedSources: SOURCE_IDS.filter((source) => config.simulators[source]),
    });
    const routes = plainRoutes({ services, metrics, readiness: { databaseReachable: () => history?.ping() ?? Promise.resolve(false) } });
    http = createHttpServer({
      yoga,
      routes,
      metrics,
      logger,
      dashboard: dashboardStatic(options.dashboardDir ?? join(findProjectRoot(), 'dist', 'dashboard')),
    });
    ws = attachGraphQLWs({
      server: http.server,
      yoga,
      logger,
      metrics,
      keepAliveIntervalMs: config.keepAliveIntervalMs,
      slowConsumer: config.slowConsumer,
      resultJson,
      access,
      limits: config.limits,
      rateLimits,
    });
    const { authority } = await listen(http.server, config.port, config.host);
    url = `http://${authority}${GRAPHQL_PATH}`;
    logger.info(
      {
        graphql: url,
        subscriptions: url.replace(/^http/, 'ws'),
        graphiql: config.access.graphiql ? url : null,
        authMode: config.access.mode,
        health: url.replace(GRAPHQL_PATH, '/health'),
      },
      `Northstar ${VERSION} listening on ${url}`,
    );
  }

  /**
   * Stop accepting → drain the requests in flight (their upstreams still running) → complete the
   * subscriptions (their streams end) → cut what is left → stop the producers → flush; then, in
   * a finally, close the stores. Each step is bounded (server/shutdown.ts); one that throws or
   * times out is logged and the rest still run.
   */
  function shutdown(): Promise<ShutdownReport> {
    const budgetMs = config.shutdownTimeoutMs;
    const share = (name: keyof typeof SHUTDOWN_SHARE): number => Math.round(budgetMs * SHUTDOWN_SHARE[name]);
    return runShutdown(
      {
        steps: [
          // No new connections; a request still arriving on a kept-alive one is answered 503.
          { name: 'stop accepting', timeoutMs: budgetMs, run: () => http?.stopAccepting() },
          // Ordinary requests finish with their loaders' upstreams still running. Subscription
          // streams are not waited for: they end in the next step.
          { name: 'drain in-flight requests', timeoutMs: share('drain'), run: () => http?.drained() },
          {
            name: 'complete subscriptions',
            timeoutMs: share('subscriptions'),
            run: async () => {
              // SSE clients get `complete` and their responses end; graphql-ws clients get `complete`, then 1001.
              await pubsub.completeAll();
              await Promise.all([ws?.close(share('subscriptions') / 2), http?.streamsEnded()]);
            },
          },
          {
            name: 'close connections',
            timeoutMs: share('connections'),
            run: () => {
              ws?.terminate();
              return http?.close();
            },
          },
          {
            name: 'stop producers',
            timeoutMs: share('producers'),
            run: async () => {
              aggregator.stop();
              // The rate limiter's Redis connection too: nothing is served any more.
              await Promise.all([kalshi?.stop(), anthropic?.stop(), john?.stop(), retention?.stop(), marketTicks.stop(), rateLimits?.close()]);
              await simulators?.close();
            },
          },
          {
            // Their timers, and the audit and freshness writes they still have in flight.
            name: 'stop breakers',
            timeoutMs: share('breakers'),
            run: async () => {
              await Promise.all(Object.values(guards).map((guard) => guard.shutdown()));
            },
          },
          {
            // The pending snapshot, the archive's samples and the books waiting for their write.
            name: 'flush',
            timeoutMs: share('flush'),
            run: async () => {
              const results = await Promise.allSettled([
                snapshots?.stop(),
                archive.flush(),
                marketHistory.stop(),
                coverage.stop(),
                readModel?.flush(),
                marketTicks.flush(),
              ]);
              const failures = results.flatMap((result) => (result.status === 'rejected' ? [result.reason as unknown] : []));
              if (failures.length > 0) throw new AggregateError(failures, `${failures.length} of ${results.length} flushes failed`);
            },
          },
        ],
        finally: [
          // A last L4 snapshot and the pending tier writes, before the database closes.
          { name: 'close cache', timeoutMs: STORE_CLOSE_MS.cache, run: () => cache?.close() },
          { name: 'close history store', timeoutMs: STORE_CLOSE_MS.history, run: () => history?.close() },
        ],
      },
      // Real time, not the injected clock: these bounds are on I/O.
      { budgetMs, logger },
    );
  }

  return {
    services,
    pubsub,
    metrics,
    get url() {
      return url;
    },
    get simulators() {
      return { kalshi: simulators?.kalshi?.rest ?? null, anthropic: simulators?.anthropic?.server ?? null, john: simulators?.john?.server ?? null };
    },
    start,
    stop() {
      stopping ??= shutdown();
      return stopping;
    },
  };
}
