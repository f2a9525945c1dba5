/**
 * Keeps the market list current by polling Kalshi's REST listing every KALSHI_POLL_INTERVAL_MS
 * (the WebSocket feed adds order books and tickers when KALSHI_WS_URL is set). Each poll is one
 * logical call through the source guard (breaker + retries; it reports the outcome). A malformed
 * market is logged, counted and skipped: the previous good value stays served. After a failed
 * poll the markets already held stay served, and say their age through `quality`.
 */
import type { Clock, TimerHandle } from '../../core/clock.js';
import type { MarketRecord } from '../../core/domain.js';
import type { Logger } from '../../core/logger.js';
import type { Metrics } from '../../core/metrics.js';
import type { SourceGuard } from '../resilience/source-guard.js';
import type { UpstreamArchive } from '../upstream-archive.js';
import type { KalshiRestClient } from './client.js';
import { normalizeMarket } from './normalize.js';

export interface KalshiMarketPollerDeps {
  client: KalshiRestClient;
  clock: Clock;
  guard: Pick<SourceGuard, 'call'>;
  logger: Logger;
  metrics?: Metrics;
  intervalMs: number;
  /** Receives every market that normalized cleanly, once per poll. */
  onMarkets: (markets: MarketRecord[]) => void;
  /** Samples raw and normalized responses into the history store. */
  archive?: UpstreamArchive;
  /** Page size and page cap per poll: a bound on what one poll may cost the upstream. */
  pageLimit?: number;
  maxPages?: number;
}

export class KalshiMarketPoller {
  private timer: TimerHandle | null = null;
  private running = false;
  private inFlight: Promise<void> | null = null;
  private readonly abort = new AbortController();

  constructor(private readonly deps: KalshiMarketPollerDeps) {}

  start(): void {
    if (this.running) return;
    this.running = true;
    this.schedule(0);
  }

  async stop(): Promise<void> {
    this.running = false;
    this.timer?.cancel();
    this.abort.abort(new Error('poller stopped'));
    await this.inFlight?.catch(() => undefined);
  }

  /** One poll; resolves when its markets are handed over (or its failure recorded). Never rejects. */
  pollOnce(): Promise<void> {
    this.inFlight ??= this.poll().finally(() => {
      this.inFlight = null;
    });
    return this.inFlight;
  }

  private async poll(): Promise<void> {
    const { client, clock, guard, logger, metrics } = this.deps;
    try {
      const scan = await guard.call('listMarkets', (signal) =>
        client.listAllMarkets(
          { limit: this.deps.pageLimit ?? 200 },
          { maxPages: this.deps.maxPages ?? 5, signal: AbortSignal.any([signal, this.abort.signal]) },
        ),
      );
      const fetchedAt = clock.now();
      const markets: MarketRecord[] = [];
      for (const wire of scan.markets) {
        try {
          markets.push(normalizeMarket(wire, fetchedAt));
        } catch (error) {
          metrics?.upstreamMalformedPayloads.inc({ source: 'kalshi' });
          logger.warn({ err: error, ticker: (wire as { ticker?: unknown }).ticker }, 'malformed Kalshi market skipped; previous value kept');
        }
      }
      this.deps.archive?.raw('kalshi', '/markets', { markets: scan.markets, cursor: scan.cursor, pages: scan.pages });
      this.deps.archive?.normalized('kalshi', markets);
      this.deps.onMarkets(markets);
    } catch (error) {
      if (this.abort.signal.aborted) return;
      logger.warn({ err: error }, 'Kalshi market poll failed; serving the markets already held');
    }
  }

  private schedule(delayMs: number): void {
    this.timer = this.deps.clock.setTimeout(() => {
      if (!this.running) return;
      void this.pollOnce().finally(() => {
        if (this.running) this.schedule(this.deps.intervalMs);
      });
    }, delayMs);
  }
}
