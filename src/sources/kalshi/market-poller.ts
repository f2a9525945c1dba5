/**
 * Keeps the market list current by polling Kalshi's REST listing every KALSHI_POLL_INTERVAL_MS
 * (the WebSocket feed adds order books and tickers when KALSHI_WS_URL is set). Each poll is one
 * logical call through the source guard (breaker + retries; it reports the outcome). A malformed
 * market is logged, counted and skipped: the previous good value stays served. After a failed
 * poll the markets already held stay served, and say their age through `quality`.
 */
import type { Clock } from '../../core/clock.js';
import type { MarketRecord } from '../../core/domain.js';
import { UpstreamError } from '../../core/errors.js';
import type { Logger } from '../../core/logger.js';
import type { Metrics } from '../../core/metrics.js';
import { PollLoop } from '../../core/poll-loop.js';
import type { SourceGuard } from '../resilience/source-guard.js';
import type { UpstreamArchive } from '../upstream-archive.js';
import type { KalshiRestClient } from './client.js';
import { normalizeMarket } from './normalize.js';
import { MARKET_LISTING } from './paging.js';

export interface KalshiMarketPollerDeps {
  client: KalshiRestClient;
  clock: Clock;
  guard: Pick<SourceGuard, 'call'>;
  logger: Logger;
  metrics?: Metrics;
  intervalMs: number;
  /**
   * Receives every market that normalized cleanly, once per poll. `complete`: every page was read
   * (not cut by `maxPages`), so a market missing from it is not listed at all.
   */
  onMarkets: (markets: MarketRecord[], listing: { complete: boolean }) => void;
  /** Samples raw and normalized responses into the history store. */
  archive?: UpstreamArchive;
  /** Page size and page cap per poll: a bound on what one poll may cost the upstream. @default MARKET_LISTING (paging.ts) */
  pageLimit?: number;
  maxPages?: number;
}

export class KalshiMarketPoller {
  private readonly loop: PollLoop<void>;

  constructor(private readonly deps: KalshiMarketPollerDeps) {
    this.loop = new PollLoop({ clock: deps.clock, intervalMs: deps.intervalMs, poll: () => this.poll() });
  }

  start(): void {
    this.loop.start();
  }

  stop(): Promise<void> {
    return this.loop.stop();
  }

  /** One poll (joins one in flight); resolves when it has ended. Never rejects. */
  pollOnce(): Promise<void> {
    return this.loop.pollOnce();
  }

  private async poll(): Promise<void> {
    const { client, clock, guard, logger, metrics } = this.deps;
    try {
      // The stop goes to the guard: a poll cut by stop() is a cancellation, not a Kalshi failure.
      // `priority`: the poll goes ahead of every client-driven read for the pacer's tokens.
      // (The request gets it too, so it ends even under a guard that ignores it.)
      // When the (last) attempt's first request left: no page of its answer can be older, so this
      // times the listing's prices against the WebSocket's (normalizeMarket, LiveMarkets).
      let requestedAt = clock.now();
      const scan = await guard.call(
        'listMarkets',
        (signal) => {
          requestedAt = clock.now();
          return client.listAllMarkets(
            { limit: this.deps.pageLimit ?? MARKET_LISTING.pageSize },
            { maxPages: this.deps.maxPages ?? MARKET_LISTING.maxPages, signal: AbortSignal.any([signal, this.loop.signal]), priority: true },
          );
        },
        { signal: this.loop.signal },
      );
      const fetchedAt = clock.now();
      const markets: MarketRecord[] = [];
      for (const wire of scan.markets) {
        try {
          markets.push(normalizeMarket(wire, fetchedAt, requestedAt));
        } catch (error) {
          metrics?.upstreamMalformedPayloads.inc({ source: 'kalshi' });
          logger.warn({ err: error, ticker: (wire as { ticker?: unknown }).ticker }, 'malformed Kalshi market skipped; previous value kept');
        }
      }
      this.deps.archive?.raw('kalshi', '/markets', { markets: scan.markets, cursor: scan.cursor, pages: scan.pages });
      this.deps.archive?.normalized('kalshi', markets);
      // A malformed market counts as listed-but-unreadable, not as delisted: it keeps its old value.
      this.deps.onMarkets(markets, { complete: scan.cursor === '' && markets.length === scan.markets.length });
    } catch (error) {
      if (this.loop.signal.aborted) return;
      // A listing that is not the documented shape (or too big, or too deep) is a malformed payload like a bad market.
      if (error instanceof UpstreamError && error.category === 'data') metrics?.upstreamMalformedPayloads.inc({ source: 'kalshi' });
      logger.warn({ err: error }, 'Kalshi market poll failed; serving the markets already held');
    }
  }
}
