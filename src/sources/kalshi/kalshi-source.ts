/**
 * The Kalshi source assembled against an endpoint: the exchange's URLs and key from configuration,
 * or the simulators' (src/simulators/, started by the composition root). It knows URLs only. Parts:
 * - the REST client (paced by a token bucket, signed when a key is configured) and the market
 *   poller (every KALSHI_POLL_INTERVAL_MS);
 * - the WebSocket feed (when the endpoint has a WebSocket URL): local order books from
 *   snapshot + deltas for the tracked markets (KALSHI_TRACKED_TICKERS, or the KALSHI_TRACK_TOP_N
 *   most active, kept until they rank past N plus a margin: tracked-books.ts), ticker messages
 *   patching prices between polls;
 * - without a feed, order books over REST on demand (the cache tiers sit in front).
 * Books and price changes go out as `orderBookUpdated` / `marketUpdated`.
 */
import { setMaxListeners } from 'node:events';
import type { Clock } from '../../core/clock.js';
import { waitForFirstPoll } from '../../core/poll-loop.js';
import type { Config } from '../../core/config.js';
import { fromSimulator, type MarketRecord, type OrderBookRecord } from '../../core/domain.js';
import type { Logger } from '../../core/logger.js';
import type { TradeRecord } from '../../core/market-history.js';
import { UpstreamError } from '../../core/errors.js';
import type { Metrics } from '../../core/metrics.js';
import type { SourceGuard } from '../resilience/source-guard.js';
import type { UpstreamArchive } from '../upstream-archive.js';
import { KalshiRestClient, MAX_ORDERBOOKS_PER_CALL } from './client.js';
import { KalshiMarketPoller } from './market-poller.js';
import { kalshiHistoryReads, type KalshiHistoryReads } from './history-reads.js';
import { normalizeWsTrade } from './normalize-history.js';
import { KalshiPortfolioPoller, type SubaccountPosition } from './portfolio-poller.js';
import { DemandedBooks } from './demanded-books.js';
import { TrackedBooks } from './tracked-books.js';
import { parseDollars } from './money.js';
import { normalizeMarket, normalizeOrderBook } from './normalize.js';
import { KALSHI_MAX_PAGE_SIZE } from './paging.js';
import type { KalshiCredentials } from './signing.js';
import { KalshiWsFeed } from './ws/feed.js';
import type { TickerMsg, TradeMsg } from './ws/protocol.js';

/** Where the source reads from. */
export interface KalshiEndpoint {
  /** REST base including /trade-api/v2. */
  baseUrl: string;
  /** null: no feed; order books over REST on demand. */
  wsUrl: string | null;
  /** Signs the portfolio reads and the WebSocket handshake; null: public market data only. */
  credentials: KalshiCredentials | null;
  /** Portfolio subaccounts read for P&L. */
  subaccounts: number[];
  /** true when these URLs are a bundled simulator's: every record made from them is stamped `simulated`. */
  simulated: boolean;
}

export interface KalshiSource {
  readonly feed: KalshiWsFeed | null;
  readonly baseUrl: string;
  /** Candlesticks and trades over REST, through the guard (history-reads.ts). */
  readonly history: KalshiHistoryReads;
  /** The feed's book while the feed is open (LIVE), else null. */
  liveBook(ticker: string): OrderBookRecord | null;
  /** One REST read of a book through the guard; null when Kalshi has no such market. */
  fetchOrderBook(ticker: string): Promise<OrderBookRecord | null>;
  /**
   * REST reads of these books through the guard, in the order asked; null where Kalshi has no
   * such market, undefined where its book was malformed (logged, counted: the previous good copy
   * stays served). With credentials one signed `GET /markets/orderbooks` per `orderBooksPerCall`
   * books, else one `GET /markets/{ticker}/orderbook` per book.
   */
  fetchOrderBooks(tickers: readonly string[]): Promise<Array<OrderBookRecord | null | undefined>>;
  /** How many books one REST call of fetchOrderBooks reads: 100 with credentials, else 1. */
  readonly orderBooksPerCall: number;
  /** A client read these books: they join the WebSocket subscription (demanded-books.ts). */
  askBooks(tickers: readonly string[]): void;
  /** A subscriber keeps this book followed until it calls the returned function. */
  holdBook(ticker: string): () => void;
  /** One REST read of these markets through the guard (cache loader). */
  fetchMarkets(tickers: readonly string[]): Promise<MarketRecord[]>;
  stop(): Promise<void>;
}

export interface KalshiSourceDeps {
  config: Config;
  endpoint: KalshiEndpoint;
  clock: Clock;
  logger: Logger;
  metrics: Metrics;
  guard: SourceGuard;
  archive: UpstreamArchive;
  /** Full listings from polls; `complete` when every page was read and every market normalized. */
  onMarkets: (records: MarketRecord[], listing: { complete: boolean }) => void;
  /** Single markets patched from the feed between polls. */
  onMarketPatch: (record: MarketRecord) => void;
  currentMarket: (ticker: string) => MarketRecord | null;
  onBook: (book: OrderBookRecord) => void;
  /** Every public trade of the WebSocket trade channel (all markets), with its place on the trade sid. */
  onTrade?: (trade: TradeRecord, position: { sid: number; seq: number }) => void;
  /** The trade channel skipped `count` sequence numbers (before the next onTrade). */
  onTradesLost?: (count: number) => void;
  /** Portfolio positions per subaccount (P&L); only with credentials. */
  onPositions?: (positions: SubaccountPosition[]) => void;
}

export async function startKalshiSource(deps: KalshiSourceDeps): Promise<KalshiSource> {
  const { config, clock, logger, guard, endpoint } = deps;
  const { baseUrl, wsUrl, credentials } = endpoint;
  // Every record leaves this source through `origin`, which marks what a simulator made.
  const origin = <T extends MarketRecord | OrderBookRecord>(record: T): T => fromSimulator(record, endpoint.simulated);

  // Aborted first by stop(): the reads the cache loaders have in flight end as cancellations (not
  // counted against Kalshi, not recorded), and stop() does not wait for a hung answer.
  const stopping = new AbortController();
  // Every client-driven read in flight listens on it (through the guard): many at once are normal.
  setMaxListeners(0, stopping.signal);
  const client = new KalshiRestClient({
    baseUrl,
    timeoutMs: config.breaker.timeoutMs,
    credentials,
    clock,
    // The pollers' calls are `priority` and may spend the reserve; client-driven reads may not.
    // A client read that would queue past a quarter of the call's deadline is shed at once: timing
    // out in the queue would count against the breaker, and an open breaker stops the pollers too.
    // A quarter, not all of it: polls arriving meanwhile go first (each a token), and the request
    // itself needs the rest.
    rateLimit: {
      ratePerSecond: config.kalshi.readsPerSecond,
      burst: config.kalshi.readsPerSecond,
      reserve: config.kalshi.pollerReservedReads,
      maxClientWaitMs: Math.floor(config.breaker.timeoutMs / 4),
    },
  });
  // The markets whose books are followed: the configured list, or the most active open ones, kept
  // with hysteresis so the set does not churn at the top-N boundary (tracked-books.ts), and
  // every book a client asks for while it is asked for (demanded-books.ts; only with a feed).
  const tracker = config.kalshi.trackedTickers ? null : new TrackedBooks({ topN: config.kalshi.trackTopN });
  let feed: KalshiWsFeed | null = null;
  const demanded = wsUrl
    ? new DemandedBooks({
        clock,
        max: config.kalshi.maxTrackedBooks,
        idleMs: config.kalshi.bookIdleMs,
        onChange: () => feed?.setTickers(trackedTickers()),
      })
    : null;
  const trackedTickers = (): string[] => {
    const base = config.kalshi.trackedTickers ?? tracker?.current() ?? [];
    const all = demanded ? [...new Set([...base, ...demanded.current()])] : base;
    deps.metrics.kalshiBooksFollowed.set({ reason: 'rank' }, base.length);
    deps.metrics.kalshiBooksFollowed.set({ reason: 'demand' }, all.length - base.length);
    return all;
  };
  /** A client read the pacer refused unsent is counted, then fails as it would have. */
  const countShed = (error: unknown): never => {
    if (error instanceof UpstreamError && error.local && error.category === 'rate_limit') deps.metrics.kalshiReadsShed.inc();
    throw error;
  };
  const poller = new KalshiMarketPoller({
    client,
    clock,
    guard,
    logger: logger.child({ source: 'kalshi' }),
    metrics: deps.metrics,
    archive: deps.archive,
    intervalMs: config.kalshi.pollIntervalMs,
    onMarkets: (records, listing) => {
      tracker?.update(records);
      deps.onMarkets(records.map(origin), listing);
      feed?.setTickers(trackedTickers());
    },
  });
  // Positions for P&L: signed reads, so only with credentials.
  const portfolio =
    credentials && deps.onPositions
      ? new KalshiPortfolioPoller({
          client,
          clock,
          guard,
          logger: logger.child({ source: 'kalshi', component: 'portfolio' }),
          metrics: deps.metrics,
          subaccounts: endpoint.subaccounts,
          intervalMs: config.kalshi.portfolioPollIntervalMs,
          onPositions: deps.onPositions,
        })
      : null;
  // One poll of each before serving, so the first answer has markets and positions; a failure here
  // is not fatal, and a Kalshi that does not answer is waited for only FIRST_POLL_WAIT_MS (the cache
  // tiers answer meanwhile; the polls go on, and the loops join them).
  await waitForFirstPoll(
    poller.pollOnce().then(() => portfolio?.pollOnce()),
    clock,
  );
  poller.start();
  portfolio?.start();

  if (wsUrl) {
    feed = new KalshiWsFeed({
      url: wsUrl,
      credentials,
      clock,
      logger: logger.child({ source: 'kalshi', transport: 'ws' }),
      metrics: deps.metrics,
      tickers: trackedTickers,
      onBook: (wire) => {
        const book = origin(wire);
        deps.onBook(book);
        patchFromBook(book);
      },
      onTicker: (msg) => patchFromTicker(msg),
      onTrade: (msg, position) => tradeReceived(msg, position),
      onTradesLost: (count) => {
        deps.metrics.kalshiTradesLost.inc(count);
        logger.warn({ source: 'kalshi', lost: count }, 'Kalshi trade channel: trades lost (sequence gap); they are read back from GET /markets/trades');
        deps.onTradesLost?.(count);
      },
      onStateChange: (state, detail) => logger.info({ source: 'kalshi', transport: 'ws', state, detail }, `Kalshi WebSocket ${state}`),
      onMalformed: () => deps.metrics.upstreamMalformedPayloads.inc({ source: 'kalshi' }),
    });
    feed.start();
  }

  /**
   * The book's top is the market's bid/ask: patch the market so `marketUpdated` follows the book.
   * Observed when the book message arrived (our clock): the record does not tell a delta's `ts_ms`
   * from a snapshot's receipt time, and the listing it competes with is timed on our clock too.
   */
  function patchFromBook(book: OrderBookRecord): void {
    const market = deps.currentMarket(book.ticker);
    if (!market) return;
    const bid = book.bids[0]?.price ?? null;
    const ask = book.asks[0]?.price ?? null;
    if (bid === market.prices.bid && ask === market.prices.ask) return;
    const observed = { at: book.provenance.fetchedAt };
    deps.onMarketPatch({
      ...market,
      prices: { ...market.prices, bid, ask },
      provenance: { ...book.provenance },
      priceObservedAt: { ...market.priceObservedAt, bid: observed, ask: observed },
    });
  }

  const history = kalshiHistoryReads({
    client,
    guard,
    clock,
    logger: logger.child({ source: 'kalshi', component: 'history' }),
    metrics: deps.metrics,
    signal: stopping.signal,
  });

  /** A trade message that cannot be read is skipped, logged and counted; the next ones still count. */
  function tradeReceived(msg: TradeMsg, position: { sid: number; seq: number }): void {
    let trade: TradeRecord;
    try {
      trade = normalizeWsTrade(msg, clock.now());
    } catch (error) {
      deps.metrics.upstreamMalformedPayloads.inc({ source: 'kalshi' });
      logger.warn({ err: error, ticker: msg.market_ticker }, 'malformed Kalshi trade message ignored');
      return;
    }
    deps.onTrade?.(trade, position);
  }

  function patchFromTicker(msg: TickerMsg): void {
    const market = deps.currentMarket(msg.market_ticker);
    if (!market) return;
    try {
      const at = clock.now();
      const upstreamAt = typeof msg.ts_ms === 'number' && Number.isFinite(msg.ts_ms) ? msg.ts_ms : undefined;
      deps.onMarketPatch(
        origin({
          ...market,
          prices: { ...market.prices, last: parseDollars(msg.price_dollars) || market.prices.last },
          provenance: { originAt: Math.min(upstreamAt ?? at, at), fetchedAt: at, tier: 'LIVE' },
          priceObservedAt: { ...market.priceObservedAt, last: upstreamAt === undefined ? { at } : { at, upstreamAt } },
        }),
      );
    } catch (error) {
      deps.metrics.upstreamMalformedPayloads.inc({ source: 'kalshi' });
      logger.warn({ err: error, ticker: msg.market_ticker }, 'malformed Kalshi ticker message ignored');
    }
  }

  async function readOrderBook(ticker: string): Promise<OrderBookRecord | null> {
    try {
      const wire = await guard.call('getOrderBook', (signal) => client.getOrderBook(ticker, 0, { signal }), { signal: stopping.signal });
      return origin(normalizeOrderBook(ticker, wire, clock.now()));
    } catch (error) {
      if ((error as { status?: number }).status === 404) return null;
      return countShed(error);
    }
  }

  return {
    get feed() {
      return feed;
    },
    baseUrl,
    history,
    liveBook(ticker) {
      const book = feed?.state === 'open' ? feed.book(ticker) : null;
      return book ? origin(book) : null;
    },
    fetchOrderBook: readOrderBook,
    orderBooksPerCall: credentials ? MAX_ORDERBOOKS_PER_CALL : 1,
    async fetchOrderBooks(tickers) {
      if (!credentials) {
        // One read per book: a book whose read failed (e.g. shed by the pacer) is undefined, so its
        // previous copy covers it while the others are served; only when every read failed is
        // the failure the answer.
        const settled = await Promise.allSettled(tickers.map(readOrderBook));
        const failed = settled.find((outcome) => outcome.status === 'rejected');
        if (failed && settled.every((outcome) => outcome.status === 'rejected')) throw failed.reason;
        return settled.map((outcome) => (outcome.status === 'fulfilled' ? outcome.value : undefined));
      }
      const chunks: string[][] = [];
      for (let i = 0; i < tickers.length; i += MAX_ORDERBOOKS_PER_CALL) chunks.push(tickers.slice(i, i + MAX_ORDERBOOKS_PER_CALL));
      const read = await Promise.all(
        chunks.map((chunk) => guard.call('getOrderBooks', (signal) => client.getOrderBooks(chunk, { signal }), { signal: stopping.signal }).catch(countShed)),
      );
      const fetchedAt = clock.now();
      // Absent from the answer: Kalshi has no such market (null). Malformed: undefined.
      const byTicker = new Map<string, OrderBookRecord | undefined>();
      for (const { ticker, orderbook } of read.flat()) {
        try {
          byTicker.set(ticker, origin(normalizeOrderBook(ticker, orderbook, fetchedAt)));
        } catch (error) {
          byTicker.set(ticker, undefined);
          deps.metrics.upstreamMalformedPayloads.inc({ source: 'kalshi' });
          logger.warn({ err: error, ticker }, 'malformed Kalshi order book skipped; the previous good copy stays served');
        }
      }
      return tickers.map((ticker) => (byTicker.has(ticker) ? byTicker.get(ticker) : null));
    },
    askBooks(tickers) {
      demanded?.ask(tickers);
    },
    holdBook(ticker) {
      return demanded?.hold(ticker) ?? (() => undefined);
    },
    async fetchMarkets(tickers) {
      let requestedAt = clock.now();
      const page = await guard
        .call(
          'listMarkets',
          (signal) => {
            requestedAt = clock.now();
            return client.listMarkets({ tickers, limit: Math.min(KALSHI_MAX_PAGE_SIZE, tickers.length) }, { signal });
          },
          { signal: stopping.signal },
        )
        .catch(countShed);
      const fetchedAt = clock.now();
      const records: MarketRecord[] = [];
      for (const wire of page.markets) {
        try {
          records.push(origin(normalizeMarket(wire, fetchedAt, requestedAt)));
        } catch (error) {
          deps.metrics.upstreamMalformedPayloads.inc({ source: 'kalshi' });
          logger.warn({ err: error }, 'malformed Kalshi market skipped');
        }
      }
      return records;
    },
    /**
     * Cancels every read in flight (the pollers' and the loaders': their callers get the stop as a
     * cancellation, which the guard does not count or record), then closes the client, which cuts
     * whatever is still on the wire instead of waiting for it.
     */
    async stop() {
      if (!stopping.signal.aborted) stopping.abort(new Error('Kalshi source stopped'));
      demanded?.stop();
      await poller.stop();
      await portfolio?.stop();
      await feed?.stop();
      await client.close();
    },
  };
}
