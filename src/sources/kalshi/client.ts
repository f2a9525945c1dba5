/**
 * Kalshi's REST API over undici: public market data and the signed portfolio reads. One keep-alive
 * Pool to the API's origin, a timeout on every call, and every failure classified exactly once into
 * an UpstreamError (source 'kalshi').
 *
 * Requests are paced by a client-side token bucket (default 10/s, half of Kalshi's basic read tier,
 * leaving room for other users of the same key) because Kalshi's 429 carries no Retry-After: it is
 * cheaper not to hit the limit than to guess how long to back off. With credentials configured,
 * every request is signed (signing.ts) at the moment it leaves the queue, so a request that waited
 * for a token still carries a fresh timestamp.
 *
 * This layer does not retry or break circuits; the layer that wraps it does, and it decides from
 * `category` and `retryable`:
 * - connection refused / reset / DNS / timeout / a cut-off body → network, retryable
 * - an HTTP error status → categoryForStatus (auth, rate_limit, service, data, …); a 429 has no
 *   retryAfterMs unless a proxy added Retry-After, so the retry layer backs off on its own
 * - a 2xx body that is not JSON or lacks the documented envelope → data, not retryable
 * - a portfolio call without credentials → auth, not retryable, before any request
 * An abort requested by the caller's own signal (also while queued for a token) is not an upstream
 * failure: its reason is rethrown.
 */
import { describeTransportError, jsonBodyOf, requestIdOf, retryAfterOf } from '../http-json.js';
import { Pool, type Dispatcher } from 'undici';
import { readBoundedText, UpstreamBodyTooLargeError } from '../json-limits.js';
import { systemClock, type Clock } from '../../core/clock.js';
import { InputError, UpstreamError } from '../../core/errors.js';
import type {
  BatchGetMarketCandlesticksResponse,
  CandlePeriodMinutes,
  EventPosition,
  GetBalanceResponse,
  GetMarketCandlesticksResponse,
  GetMarketsResponse,
  GetPositionsResponse,
  GetTradesResponse,
  Market,
  MarketPosition,
  MarketStatusFilter,
  OrderbookFp,
  PositionCountFilter,
} from './protocol.js';
import { signKalshiRequest, type KalshiCredentials } from './signing.js';
import { TokenBucket, TokenBucketOverflowError } from './token-bucket.js';
import {
  describeErrorBody,
  PayloadShapeError,
  readBalanceResponse,
  readCandlesticksBatch,
  readMarketCandlesticks,
  readMarketResponse,
  readMarketsPage,
  readOrderbookResponse,
  readOrderbooksResponse,
  readPositionsPage,
  readTradesPage,
} from './wire-guards.js';

/** Books per `GET /markets/orderbooks` call: the most tickers one call asks for. */
export const MAX_ORDERBOOKS_PER_CALL = 100;

/** Client-side pacing unless configured otherwise: half of Kalshi's basic tier of ≈ 20 reads/s. */
export const DEFAULT_KALSHI_RATE_LIMIT = { ratePerSecond: 10, burst: 10 } as const;

export interface KalshiRestClientOptions {
  /** The API root including its path, e.g. `https://external-api.kalshi.com/trade-api/v2`. */
  baseUrl: string;
  /** Per-call deadline covering connect, headers and body. @default 5000 */
  timeoutMs?: number;
  /** Sockets kept open to the origin. @default 4 */
  connections?: number;
  /** How long an idle keep-alive socket is kept. @default 30_000 */
  keepAliveTimeoutMs?: number;
  /**
   * Extra headers for each request, e.g. Kalshi's KALSHI-ACCESS-* signature. Receives the method
   * and the path as Kalshi signs it: from /trade-api/ on, without the query string.
   */
  requestHeaders?: (method: 'GET', path: string) => Record<string, string> | Promise<Record<string, string>>;
  /**
   * The API key (loadKalshiCredentials). When set, every request carries KALSHI-ACCESS-* headers;
   * the portfolio calls refuse to run without it. @default null (public market data only)
   */
  credentials?: KalshiCredentials | null;
  /** Time for pacing and for signature timestamps. @default systemClock */
  clock?: Clock;
  /**
   * Client-side pacing: a token bucket every request takes one token from, waiting when it is
   * empty. `false` turns pacing off (tests that need to provoke a 429). `reserve`: tokens only
   * calls with `priority` (the pollers) may spend, so client-driven reads never delay a poll by
   * more than a refill. `maxClientWaitMs`: a client-driven read that would wait longer for its
   * token is refused at once (rate_limit, `local`: no breaker counts it) instead of timing out in
   * the queue. @default { ratePerSecond: 10, burst: 10, reserve: 0 } (no bound on the wait)
   */
  rateLimit?: { ratePerSecond: number; burst: number; reserve?: number; maxClientWaitMs?: number } | false;
}

export interface CallOptions {
  /** The caller's cancellation; combined with the per-call timeout. */
  signal?: AbortSignal;
  /** Overrides the client's timeoutMs for this call. */
  timeoutMs?: number;
  /**
   * A poller's call: ahead of every client-driven read for the pacer's tokens, and allowed the
   * reserve (token-bucket.ts). @default false (a read a GraphQL client caused)
   */
  priority?: boolean;
}

export interface ListMarketsParams {
  /** 1..1000. @default 100 (server side) */
  limit?: number;
  cursor?: string;
  eventTicker?: string;
  seriesTicker?: string;
  tickers?: readonly string[];
  status?: MarketStatusFilter;
  mveFilter?: 'only' | 'exclude';
}

export interface ListTradesParams {
  limit?: number;
  cursor?: string;
  ticker?: string;
  /** Unix seconds. */
  minTs?: number;
  maxTs?: number;
}

/** Kalshi's candlestick range: periods whose inclusive end falls in [startTs, endTs]. */
export interface CandlesticksParams {
  /** Unix seconds. */
  startTs: number;
  /** Unix seconds. */
  endTs: number;
  /** Minutes per candle: 1, 60 or 1440. */
  periodInterval: CandlePeriodMinutes;
}

/** Kalshi answers at most this many markets per batch candlestick call. */
export const MAX_CANDLESTICK_MARKETS = 100;

export interface GetPositionsParams {
  cursor?: string;
  /** 1..1000. @default 100 (server side) */
  limit?: number;
  /** Only this market's position. */
  ticker?: string;
  eventTicker?: string;
  /** Only positions with a non-zero value in any of these fields. */
  countFilter?: readonly PositionCountFilter[];
  /** 0 = the primary account, 1..63 = a subaccount. @default 0 (server side) */
  subaccount?: number;
}

/** Every page of `GET /portfolio/positions`. `cursor` is '' when the listing was read to its end. */
export interface PositionsScan {
  marketPositions: MarketPosition[];
  eventPositions: EventPosition[];
  pages: number;
  cursor: string;
}

/** The result of following cursors. `cursor` is '' when the listing was read to its end. */
export interface MarketsScan {
  markets: Market[];
  pages: number;
  cursor: string;
}

type QueryValue = string | number | undefined;
type IncomingHttpHeaders = Dispatcher.ResponseData['headers'];

export class KalshiRestClient {
  private readonly pool: Pool;
  private readonly basePath: string;
  private readonly timeoutMs: number;
  private readonly requestHeaders: KalshiRestClientOptions['requestHeaders'];
  private readonly credentials: KalshiCredentials | null;
  private readonly clock: Clock;
  private readonly pacer: TokenBucket | null;
  private readonly maxClientWaitMs: number | undefined;
  /** Aborted by close(): cuts the requests in flight, so close() never waits for a hung answer. */
  private readonly closing = new AbortController();

  constructor(options: KalshiRestClientOptions) {
    const url = new URL(options.baseUrl);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new InputError(`Kalshi baseUrl must be http(s): ${options.baseUrl}`);
    this.basePath = url.pathname.replace(/\/+$/, '');
    this.timeoutMs = options.timeoutMs ?? 5000;
    this.requestHeaders = options.requestHeaders;
    this.credentials = options.credentials ?? null;
    this.clock = options.clock ?? systemClock;
    const rateLimit = options.rateLimit ?? DEFAULT_KALSHI_RATE_LIMIT;
    this.pacer = rateLimit === false ? null : new TokenBucket({ ...rateLimit, clock: this.clock });
    this.maxClientWaitMs = rateLimit === false || !('maxClientWaitMs' in rateLimit) ? undefined : rateLimit.maxClientWaitMs;
    this.pool = new Pool(url.origin, {
      connections: options.connections ?? 4,
      keepAliveTimeout: options.keepAliveTimeoutMs ?? 30_000,
    });
  }

  /** One page of `GET /markets`. */
  async listMarkets(params: ListMarketsParams = {}, options: CallOptions = {}): Promise<GetMarketsResponse> {
    const body = await this.get(
      '/markets',
      {
        limit: params.limit,
        cursor: params.cursor,
        event_ticker: params.eventTicker,
        series_ticker: params.seriesTicker,
        tickers: params.tickers && params.tickers.length > 0 ? params.tickers.join(',') : undefined,
        status: params.status,
        mve_filter: params.mveFilter,
      },
      options,
    );
    return this.read(body, readMarketsPage);
  }

  /**
   * Follows cursors until the last page or `maxPages` (default 10). A market seen twice (the
   * listing can shift while it is paged) is kept once, with its latest copy.
   */
  async listAllMarkets(params: Omit<ListMarketsParams, 'cursor'> = {}, options: CallOptions & { maxPages?: number } = {}): Promise<MarketsScan> {
    const maxPages = options.maxPages ?? 10;
    const byTicker = new Map<string, Market>();
    const unnamed: Market[] = [];
    let cursor = '';
    let pages = 0;
    do {
      const page = await this.listMarkets({ ...params, ...(cursor ? { cursor } : {}) }, options);
      pages++;
      for (const market of page.markets) {
        // A market without a ticker is kept for normalizeMarket to reject (and count) downstream.
        if (typeof market.ticker === 'string') byTicker.set(market.ticker, market);
        else unnamed.push(market);
      }
      cursor = page.cursor;
    } while (cursor !== '' && pages < maxPages);
    return { markets: [...byTicker.values(), ...unnamed], pages, cursor };
  }

  /** `GET /markets/{ticker}`; null when Kalshi answers 404. */
  async getMarket(ticker: string, options: CallOptions = {}): Promise<Market | null> {
    const body = await this.get(`/markets/${encodeTicker(ticker)}`, {}, options, { notFoundIsNull: true });
    return body === NOT_FOUND ? null : this.read(body, readMarketResponse);
  }

  /**
   * `GET /markets/orderbooks?tickers=A,B,…` (signed: needs credentials): up to
   * MAX_ORDERBOOKS_PER_CALL books in one call. Markets Kalshi does not know are absent from the answer.
   */
  async getOrderBooks(tickers: readonly string[], options: CallOptions = {}): Promise<Array<{ ticker: string; orderbook: OrderbookFp }>> {
    const path = '/markets/orderbooks';
    this.requireCredentials(path);
    if (tickers.length === 0 || tickers.length > MAX_ORDERBOOKS_PER_CALL) {
      throw new InputError(`order books are read for 1 to ${MAX_ORDERBOOKS_PER_CALL} markets at a time (got ${tickers.length})`);
    }
    for (const ticker of tickers) encodeTicker(ticker);
    const body = await this.get(path, { tickers: tickers.join(',') }, options);
    return this.read(body, readOrderbooksResponse);
  }

  /** `GET /markets/{ticker}/orderbook`; depth 0 (default) = every level. A 404 throws (category data). */
  async getOrderBook(ticker: string, depth = 0, options: CallOptions = {}): Promise<OrderbookFp> {
    const body = await this.get(`/markets/${encodeTicker(ticker)}/orderbook`, { depth: depth > 0 ? depth : undefined }, options);
    return this.read(body, readOrderbookResponse);
  }

  /** One page of `GET /markets/trades`, newest first. */
  async listTrades(params: ListTradesParams = {}, options: CallOptions = {}): Promise<GetTradesResponse> {
    const body = await this.get(
      '/markets/trades',
      { limit: params.limit, cursor: params.cursor, ticker: params.ticker, min_ts: params.minTs, max_ts: params.maxTs },
      options,
    );
    return this.read(body, readTradesPage);
  }

  /**
   * `GET /markets/candlesticks` for up to 100 markets at once (Kalshi caps the answer at 10,000
   * candles in all). The candlesticks inside are checked one by one by normalizeCandlestick.
   */
  async getCandlesticksBatch(tickers: readonly string[], params: CandlesticksParams, options: CallOptions = {}): Promise<BatchGetMarketCandlesticksResponse> {
    if (tickers.length === 0 || tickers.length > MAX_CANDLESTICK_MARKETS) {
      throw new InputError(`candlesticks are read for 1 to ${MAX_CANDLESTICK_MARKETS} markets at a time (got ${tickers.length})`);
    }
    for (const ticker of tickers) encodeTicker(ticker);
    const body = await this.get(
      '/markets/candlesticks',
      { market_tickers: tickers.join(','), start_ts: params.startTs, end_ts: params.endTs, period_interval: params.periodInterval },
      options,
    );
    return this.read(body, readCandlesticksBatch);
  }

  /** `GET /series/{series_ticker}/markets/{ticker}/candlesticks`: one market's candlesticks. */
  async getMarketCandlesticks(
    seriesTicker: string,
    ticker: string,
    params: CandlesticksParams,
    options: CallOptions = {},
  ): Promise<GetMarketCandlesticksResponse> {
    const body = await this.get(
      `/series/${encodeTicker(seriesTicker)}/markets/${encodeTicker(ticker)}/candlesticks`,
      { start_ts: params.startTs, end_ts: params.endTs, period_interval: params.periodInterval },
      options,
    );
    return this.read(body, readMarketCandlesticks);
  }

  // ---- portfolio (signed) ----

  /** One page of `GET /portfolio/positions`. Needs credentials. */
  async getPositions(params: GetPositionsParams = {}, options: CallOptions = {}): Promise<GetPositionsResponse> {
    const path = '/portfolio/positions';
    this.requireCredentials(path);
    const body = await this.get(
      path,
      {
        cursor: params.cursor,
        limit: params.limit,
        ticker: params.ticker,
        event_ticker: params.eventTicker,
        count_filter: params.countFilter && params.countFilter.length > 0 ? params.countFilter.join(',') : undefined,
        subaccount: params.subaccount,
      },
      options,
    );
    return this.read(body, readPositionsPage);
  }

  /**
   * Follows position cursors until the last page or `maxPages` (default 20). A ticker seen twice
   * (the listing moved while it was paged) is kept once, with its latest copy, so positions are
   * never counted twice in P&L.
   */
  async getAllPositions(params: Omit<GetPositionsParams, 'cursor'> = {}, options: CallOptions & { maxPages?: number } = {}): Promise<PositionsScan> {
    this.requireCredentials('/portfolio/positions');
    const maxPages = options.maxPages ?? 20;
    const byTicker = new Map<string, MarketPosition>();
    const byEvent = new Map<string, EventPosition>();
    const unnamed: MarketPosition[] = [];
    let cursor = '';
    let pages = 0;
    do {
      const page = await this.getPositions({ ...params, ...(cursor ? { cursor } : {}) }, options);
      pages++;
      for (const position of page.market_positions) {
        // A position without a ticker is kept for normalizePositions to reject.
        if (typeof position.ticker === 'string') byTicker.set(position.ticker, position);
        else unnamed.push(position);
      }
      for (const event of page.event_positions) byEvent.set(event.event_ticker, event);
      cursor = page.cursor;
    } while (cursor !== '' && pages < maxPages);
    return { marketPositions: [...byTicker.values(), ...unnamed], eventPositions: [...byEvent.values()], pages, cursor };
  }

  /** `GET /portfolio/balance`. Needs credentials. */
  async getBalance(params: { subaccount?: number } = {}, options: CallOptions = {}): Promise<GetBalanceResponse> {
    const path = '/portfolio/balance';
    this.requireCredentials(path);
    const body = await this.get(path, { subaccount: params.subaccount }, options);
    return this.read(body, readBalanceResponse);
  }

  /**
   * Aborts the requests in flight, closes the pool's sockets and stops the pacer: calls in flight,
   * calls waiting for a token and calls after close fail as network errors (not retryable; a caller
   * whose own signal was aborted first gets its reason instead), and no pacing timer is left on the
   * clock. It does not wait for an answer still on the wire.
   */
  async close(): Promise<void> {
    const closed = new UpstreamError('Kalshi client closed', { source: 'kalshi', category: 'network', retryable: false });
    if (!this.closing.signal.aborted) this.closing.abort(closed);
    this.pacer?.close(closed);
    if (!this.pool.closed && !this.pool.destroyed) await this.pool.close();
  }

  // ---- transport and classification ----

  /** Portfolio calls are refused before any request when no key is configured: Kalshi would 401. */
  private requireCredentials(path: string): void {
    if (this.credentials === null) {
      throw new UpstreamError(`Kalshi GET ${path} needs API credentials (KALSHI_API_KEY and a private key)`, {
        source: 'kalshi',
        category: 'auth',
        retryable: false,
      });
    }
  }

  /** Waits for a token; a client-driven read that would wait past maxClientWaitMs is refused at once. */
  private async paced(pacer: TokenBucket, what: string, options: CallOptions): Promise<void> {
    const priority = options.priority === true;
    try {
      await pacer.take(1, { signal: options.signal, priority, maxWaitMs: priority ? undefined : this.maxClientWaitMs });
    } catch (error) {
      if (!(error instanceof TokenBucketOverflowError)) throw error;
      throw new UpstreamError(`${what}: not sent, the client-side pacer is saturated (${error.message})`, {
        source: 'kalshi',
        category: 'rate_limit',
        retryable: false,
        local: true,
        cause: error,
      });
    }
  }

  private read<T>(body: unknown, reader: (body: unknown) => T): T {
    try {
      return reader(body);
    } catch (error) {
      if (error instanceof PayloadShapeError) {
        throw new UpstreamError(`Kalshi answered with an unexpected shape: ${error.message}`, {
          source: 'kalshi',
          category: 'data',
          retryable: false,
          cause: error,
        });
      }
      throw error;
    }
  }

  private async get(path: string, query: Record<string, QueryValue>, options: CallOptions, behaviour: { notFoundIsNull?: boolean } = {}): Promise<unknown> {
    const search = new URLSearchParams();
    for (const [name, value] of Object.entries(query)) if (value !== undefined) search.set(name, String(value));
    const fullPath = `${this.basePath}${path}`;
    const requestPath = search.size > 0 ? `${fullPath}?${search}` : fullPath;
    const what = `Kalshi GET ${path}`;

    // Wait for a token first (only the caller's signal can cut this short: the per-call timeout
    // covers the upstream, not our own queue), then sign, so the timestamp is taken at departure.
    if (this.pacer) await this.paced(this.pacer, what, options);

    let extraHeaders: Record<string, string> = {};
    try {
      if (this.credentials) extraHeaders = signKalshiRequest(this.credentials, 'GET', fullPath, this.clock.now());
      if (this.requestHeaders) extraHeaders = { ...extraHeaders, ...(await this.requestHeaders('GET', fullPath)) };
    } catch (error) {
      throw new UpstreamError(`${what}: could not sign the request`, { source: 'kalshi', category: 'auth', retryable: false, cause: error });
    }

    const timeoutMs = options.timeoutMs ?? this.timeoutMs;
    const timeout = AbortSignal.timeout(timeoutMs);
    const signal = AbortSignal.any(options.signal ? [options.signal, timeout, this.closing.signal] : [timeout, this.closing.signal]);

    let status: number;
    let headers: IncomingHttpHeaders;
    let text: string;
    try {
      const response = await this.pool.request({
        method: 'GET',
        path: requestPath,
        headers: { accept: 'application/json', ...extraHeaders },
        signal,
      });
      status = response.statusCode;
      headers = response.headers;
      text = await readBoundedText(response.body, response.headers);
    } catch (error) {
      if (options.signal?.aborted) throw options.signal.reason;
      if (this.closing.signal.aborted) throw this.closing.signal.reason;
      if (error instanceof UpstreamBodyTooLargeError) {
        throw new UpstreamError(`${what}: ${error.message}`, { source: 'kalshi', category: 'data', retryable: false, cause: error });
      }
      const reason = timeout.aborted ? `timed out after ${timeoutMs} ms` : describeTransportError(error);
      throw new UpstreamError(`${what}: ${reason}`, { source: 'kalshi', category: 'network', retryable: true, cause: error });
    }

    if (status === 404 && behaviour.notFoundIsNull) return NOT_FOUND;
    return jsonBodyOf({
      source: 'kalshi',
      what,
      status,
      text,
      requestId: requestIdOf(headers),
      retryAfterMs: retryAfterOf(headers, Date.now()),
      describeErrorBody,
    });
  }
}

/** Marks a 404 the caller asked to see as "absent" rather than as an error. */
const NOT_FOUND = Symbol('not found');

function encodeTicker(ticker: string): string {
  if (ticker.trim() === '') throw new InputError('a Kalshi ticker must not be empty');
  return encodeURIComponent(ticker);
}
