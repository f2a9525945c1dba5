/**
 * Kalshi's public REST market data over undici: one keep-alive Pool to the API's origin, a timeout
 * on every call, and every failure classified exactly once into an UpstreamError (source 'kalshi').
 *
 * This layer does not retry, pace or break circuits; the layer that wraps it does, and it decides
 * from `category` and `retryable`:
 * - connection refused / reset / DNS / timeout → network, retryable
 * - an HTTP error status → categoryForStatus (auth, rate_limit, service, data, …)
 * - a 2xx body that is not JSON or lacks the documented envelope → data, not retryable
 * An abort requested by the caller's own signal is not an upstream failure: its reason is rethrown.
 */
import { Pool, type Dispatcher } from 'undici';
import { categoryForStatus, InputError, UpstreamError } from '../../core/errors.js';
import type { GetMarketsResponse, GetTradesResponse, Market, MarketStatusFilter, OrderbookFp } from './protocol.js';
import {
  describeErrorBody,
  PayloadShapeError,
  readMarketResponse,
  readMarketsPage,
  readOrderbookResponse,
  readTradesPage,
} from './wire-guards.js';

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
}

export interface CallOptions {
  /** The caller's cancellation; combined with the per-call timeout. */
  signal?: AbortSignal;
  /** Overrides the client's timeoutMs for this call. */
  timeoutMs?: number;
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

/** The result of following cursors. `cursor` is '' when the listing was read to its end. */
export interface MarketsScan {
  markets: Market[];
  pages: number;
  cursor: string;
}

type QueryValue = string | number | undefined;
type IncomingHttpHeaders = Dispatcher.ResponseData['headers'];

/** Headers that carry a request id on Kalshi or the proxies in front of it, in order of preference. */
const REQUEST_ID_HEADERS = ['x-request-id', 'request-id', 'x-amzn-requestid', 'cf-ray'] as const;

export class KalshiRestClient {
  private readonly pool: Pool;
  private readonly basePath: string;
  private readonly timeoutMs: number;
  private readonly requestHeaders: KalshiRestClientOptions['requestHeaders'];

  constructor(options: KalshiRestClientOptions) {
    const url = new URL(options.baseUrl);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new InputError(`Kalshi baseUrl must be http(s): ${options.baseUrl}`);
    this.basePath = url.pathname.replace(/\/+$/, '');
    this.timeoutMs = options.timeoutMs ?? 5000;
    this.requestHeaders = options.requestHeaders;
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
  async listAllMarkets(
    params: Omit<ListMarketsParams, 'cursor'> = {},
    options: CallOptions & { maxPages?: number } = {},
  ): Promise<MarketsScan> {
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

  /** Closes the pool's sockets. Calls after close fail as network errors. */
  async close(): Promise<void> {
    if (!this.pool.closed && !this.pool.destroyed) await this.pool.close();
  }

  // ---- transport and classification ----

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

  private async get(
    path: string,
    query: Record<string, QueryValue>,
    options: CallOptions,
    behaviour: { notFoundIsNull?: boolean } = {},
  ): Promise<unknown> {
    const search = new URLSearchParams();
    for (const [name, value] of Object.entries(query)) if (value !== undefined) search.set(name, String(value));
    const fullPath = `${this.basePath}${path}`;
    const requestPath = search.size > 0 ? `${fullPath}?${search}` : fullPath;
    const what = `Kalshi GET ${path}`;

    let extraHeaders: Record<string, string> = {};
    if (this.requestHeaders) {
      try {
        extraHeaders = await this.requestHeaders('GET', fullPath);
      } catch (error) {
        throw new UpstreamError(`${what}: could not sign the request`, { source: 'kalshi', category: 'auth', retryable: false, cause: error });
      }
    }

    const timeoutMs = options.timeoutMs ?? this.timeoutMs;
    const timeout = AbortSignal.timeout(timeoutMs);
    const signal = options.signal ? AbortSignal.any([options.signal, timeout]) : timeout;

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
      text = await response.body.text();
    } catch (error) {
      if (options.signal?.aborted) throw options.signal.reason;
      const reason = timeout.aborted ? `timed out after ${timeoutMs} ms` : describeTransportError(error);
      throw new UpstreamError(`${what}: ${reason}`, { source: 'kalshi', category: 'network', retryable: true, cause: error });
    }

    const requestId = requestIdOf(headers);
    const parsed = parseJson(text);
    if (status < 200 || status >= 300) {
      if (status === 404 && behaviour.notFoundIsNull) return NOT_FOUND;
      const { category, retryable } = categoryForStatus(status);
      const detail = describeErrorBody(parsed.ok ? parsed.value : undefined);
      const retryAfterMs = retryAfterOf(headers);
      throw new UpstreamError(`${what}: HTTP ${status}${detail ? ` (${detail})` : ''}`, {
        source: 'kalshi',
        category,
        retryable,
        status,
        ...(requestId === undefined ? {} : { requestId }),
        ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
      });
    }
    if (!parsed.ok) {
      throw new UpstreamError(`${what}: HTTP ${status} with a body that is not JSON`, {
        source: 'kalshi',
        category: 'data',
        retryable: false,
        status,
        ...(requestId === undefined ? {} : { requestId }),
        cause: parsed.error,
      });
    }
    return parsed.value;
  }
}

/** Marks a 404 the caller asked to see as "absent" rather than as an error. */
const NOT_FOUND = Symbol('not found');

function encodeTicker(ticker: string): string {
  if (ticker.trim() === '') throw new InputError('a Kalshi ticker must not be empty');
  return encodeURIComponent(ticker);
}

function parseJson(text: string): { ok: true; value: unknown } | { ok: false; error: unknown } {
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch (error) {
    return { ok: false, error };
  }
}

function header(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  const first = Array.isArray(value) ? value[0] : value;
  return first === undefined || first === '' ? undefined : first;
}

function requestIdOf(headers: IncomingHttpHeaders): string | undefined {
  for (const name of REQUEST_ID_HEADERS) {
    const value = header(headers, name);
    if (value !== undefined) return value;
  }
  return undefined;
}

/** Kalshi sends no Retry-After on 429, but a proxy in front of it might: seconds or an HTTP date. */
function retryAfterOf(headers: IncomingHttpHeaders): number | undefined {
  const value = header(headers, 'retry-after');
  if (value === undefined) return undefined;
  if (/^\d+(\.\d+)?$/.test(value)) return Math.round(Number(value) * 1000);
  const at = Date.parse(value);
  return Number.isFinite(at) ? Math.max(0, at - Date.now()) : undefined;
}

function describeTransportError(error: unknown): string {
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    return typeof code === 'string' ? `${code} ${error.message}` : error.message;
  }
  return String(error);
}
