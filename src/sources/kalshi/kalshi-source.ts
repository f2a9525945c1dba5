/**
 * The Kalshi source assembled: the real exchange when KALSHI_BASE_URL is set, the bundled
 * simulator otherwise; the REST client (paced by a token bucket, signed when a key is configured),
 * the market poller, and order books on demand (REST, cached for one poll interval) — the
 * WebSocket feed supersedes them when it runs.
 */
import type { Clock } from '../../core/clock.js';
import type { Config } from '../../core/config.js';
import type { MarketRecord, OrderBookRecord } from '../../core/domain.js';
import type { Logger } from '../../core/logger.js';
import type { Metrics } from '../../core/metrics.js';
import type { SourceGuard } from '../resilience/source-guard.js';
import { parseSimulatorFault } from '../simulator-fault.js';
import type { UpstreamArchive } from '../upstream-archive.js';
import { KalshiRestClient } from './client.js';
import { KalshiMarketPoller } from './market-poller.js';
import { normalizeOrderBook } from './normalize.js';
import { parseKalshiRestFault, startKalshiRestSimulator, type KalshiRestSimulator } from './simulator/rest-server.js';

export interface KalshiSource {
  readonly restSimulator: KalshiRestSimulator | null;
  readonly baseUrl: string;
  orderBook(ticker: string): Promise<OrderBookRecord | null>;
  stop(): Promise<void>;
}

export interface KalshiSourceDeps {
  config: Config;
  clock: Clock;
  logger: Logger;
  metrics: Metrics;
  guard: SourceGuard;
  archive: UpstreamArchive;
  onMarkets: (records: MarketRecord[]) => void;
}

export async function startKalshiSource(deps: KalshiSourceDeps): Promise<KalshiSource> {
  const { config, clock, logger, guard } = deps;
  const fault = parseSimulatorFault('KALSHI_SIM_FAULT', config.kalshi.simulatorFault, parseKalshiRestFault);
  const restSimulator = config.kalshi.baseUrl ? null : await startKalshiRestSimulator({ clock, logger: logger.child({ component: 'kalshi-simulator' }) });
  if (restSimulator && fault) restSimulator.injectFault(fault);
  const baseUrl = config.kalshi.baseUrl ?? restSimulator!.baseUrl;
  logger.info({ source: 'kalshi', mode: restSimulator ? 'simulated' : 'live', baseUrl }, 'source kalshi');

  const client = new KalshiRestClient({ baseUrl, timeoutMs: config.breaker.timeoutMs });
  const poller = new KalshiMarketPoller({
    client,
    clock,
    guard,
    logger: logger.child({ source: 'kalshi' }),
    metrics: deps.metrics,
    archive: deps.archive,
    intervalMs: config.kalshi.pollIntervalMs,
    onMarkets: deps.onMarkets,
  });
  // One poll before serving, so the first answer has markets; a failure here is not fatal.
  await poller.pollOnce();
  poller.start();

  const books = new Map<string, { record: OrderBookRecord; at: number }>();
  return {
    restSimulator,
    baseUrl,
    async orderBook(ticker) {
      const cached = books.get(ticker);
      if (cached && clock.now() - cached.at < config.kalshi.pollIntervalMs) return cached.record;
      try {
        const wire = await guard.call('getOrderBook', (signal) => client.getOrderBook(ticker, 0, { signal }));
        const record = normalizeOrderBook(ticker, wire, clock.now());
        books.set(ticker, { record, at: clock.now() });
        return record;
      } catch (error) {
        if ((error as { status?: number }).status === 404) return null;
        // Stale-if-error: the last book we had, served as what it is (memory, with its age).
        if (cached) return { ...cached.record, provenance: { ...cached.record.provenance, tier: 'L1' } };
        throw error;
      }
    },
    async stop() {
      await poller.stop();
      await client.close();
      await restSimulator?.close();
    },
  };
}
