/**
 * A local stand-in for Kalshi's REST API, on node:http: the same paths, query parameters, payloads,
 * paging and error bodies as `https://external-api.kalshi.com/trade-api/v2`, so pointing the client
 * at the real host is a configuration change only. It serves the public market data and the signed
 * portfolio reads (`/portfolio/positions`, `/portfolio/balance`) of a simulated account.
 *
 * Like Kalshi it meters requests with a token bucket (429 `{"error":"too many requests"}`, no
 * Retry-After; real time by default) and checks KALSHI-ACCESS-* signatures against the simulator's
 * clock (rest-auth.ts).
 *
 * The models are stepped lazily to the clock's now on every request, and also on a timer
 * (`stepIntervalMs`) so the state keeps moving between requests. Tests can inject faults (an error
 * status, a delay, a hang, a malformed or truncated body, a reset connection), each optionally
 * served only to a seeded-random fraction of requests, to exercise the layers above the client.
 */
import { listen } from '../../core/listen.js';
import type { KeyObject } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { systemClock, type Clock, type TimerHandle } from '../../core/clock.js';
import { silentLogger, type Logger } from '../../core/logger.js';
import {
  MARKET_STATUS_FILTERS,
  POSITION_COUNT_FILTERS,
  STATUS_FILTER_MATCHES,
  type MarketStatusFilter,
  type PositionCountFilter,
} from '../../sources/kalshi/protocol.js';
import { KALSHI_DEFAULT_PAGE_SIZE, KALSHI_MAX_PAGE_SIZE } from '../../sources/kalshi/paging.js';
import { TokenBucket } from '../../sources/kalshi/token-bucket.js';
import { SimCandleHistory } from './candle-history.js';
import { candleRoute } from './candle-routes.js';
import { DEFAULT_SEED, KalshiMarketModel, type KalshiMarketModelOptions, type SimMarket } from './market-model.js';
import {
  balancePayload,
  errorPayload,
  marketPayload,
  marketResponsePayload,
  marketsPagePayload,
  orderbookPayload,
  orderbooksPayload,
  positionsPagePayload,
  rateLimitedPayload,
  tradePayload,
  tradesPagePayload,
} from './payloads.js';
import { KalshiPortfolioModel, type KalshiPortfolioModelOptions, type SimPosition } from './portfolio-model.js';
import { Prng } from '../../core/prng.js';
import { checkSignature, needsSignature, type SimulatorAuthOptions } from './rest-auth.js';

/** Where the API lives under the origin, as on the real host. */
export const API_PREFIX = '/trade-api/v2';

export interface KalshiRestSimulatorOptions {
  /** Drives the model and the step timer. @default systemClock */
  clock?: Clock;
  /** PRNG seed of the market model. @default 0x5eed */
  seed?: number;
  /** Model tick length and step-timer period. @default 250 */
  stepIntervalMs?: number;
  logger?: Logger;
  /** @default 0 (an ephemeral port) */
  port?: number;
  /** @default '127.0.0.1' */
  host?: string;
  /** Further model settings (lifetimes, minimum active markets, …). */
  modelOptions?: Omit<KalshiMarketModelOptions, 'startAtMs' | 'seed' | 'tickMs'>;
  /** Settings of the simulated account (trade rate, deposit, subaccounts, …). */
  portfolioOptions?: Omit<KalshiPortfolioModelOptions, 'model' | 'seed'>;
  /**
   * Verifies KALSHI-ACCESS-* signatures with this key on /portfolio/* (every path with
   * `requireAuth`); 401 otherwise. Without it only the headers' presence is checked there.
   */
  publicKey?: KeyObject;
  /** With publicKey: refuse signatures made under another key id. */
  apiKeyId?: string;
  /** Every request must be signed, market data included. @default false */
  requireAuth?: boolean;
  /** Accepted distance of a signed timestamp from the simulator's clock. @default 5000 */
  maxSkewMs?: number;
  /**
   * Server-side token bucket, one token per request; an empty bucket answers 429
   * `{"error":"too many requests"}` with no Retry-After, as Kalshi does. The default is generous
   * (5× Kalshi's basic tier of ≈ 20 reads/s, 200 at once) so that only a runaway client (a retry
   * loop without backoff) meets it; pass `{ ratePerSecond: 20, burst: 20 }` to simulate the real
   * tier. It refills on `clock`, by default the real one and not the simulator's: a rate limit
   * meters requests per real second, and a test on a ManualClock that never advances would
   * otherwise be refused after `burst` requests. Pass the simulator's clock to test pacing
   * deterministically. `false` turns it off. @default { ratePerSecond: 100, burst: 200, clock: systemClock }
   */
  rateLimit?: { ratePerSecond: number; burst: number; clock?: Clock } | false;
}

/**
 * Generous on purpose: tests fire dozens of requests in a few hundred milliseconds, and the client
 * paces itself at 10/s anyway. Only a client that hammers the simulator meets this limit.
 */
export const DEFAULT_SIMULATOR_RATE_LIMIT: Readonly<{ ratePerSecond: number; burst: number; clock?: Clock }> = { ratePerSecond: 100, burst: 200 };

/**
 * A failure the simulator serves instead of the real answer, `times` times (default: until
 * cleared), each time with probability `rate` (default 1; drawn from a PRNG seeded by the
 * simulator's seed, so a run is repeatable). Requests the dice spare are answered normally and do
 * not count against `times`.
 * - status: that HTTP status with `body` (default: Kalshi's error body; `{"error":"too many requests"}` for 429)
 * - delay: the real answer, `delayMs` later on the simulator's clock
 * - hang: no answer at all until the simulator closes
 * - malformed: a 200 whose body is not JSON
 * - truncated: a 200 whose content-length promises more than is sent before the socket is destroyed
 * - reset: the socket is destroyed without an answer
 * KALSHI_SIM_FAULT is read into one by rest-faults.ts.
 */
export type SimulatorFault = (
  | { kind: 'status'; status: number; body?: unknown }
  | { kind: 'delay'; delayMs: number }
  | { kind: 'hang' }
  | { kind: 'malformed' }
  | { kind: 'truncated' }
  | { kind: 'reset' }
) & { times?: number; rate?: number };

export interface KalshiRestSimulator {
  /** e.g. `http://127.0.0.1:54321/trade-api/v2` */
  readonly baseUrl: string;
  readonly port: number;
  readonly model: KalshiMarketModel;
  /** The simulated account behind /portfolio/*; stepping it steps the market model too. */
  readonly portfolio: KalshiPortfolioModel;
  /** Requests received so far (fault-served ones included): lets tests prove caching and batching. */
  requestCount(): number;
  injectFault(fault: SimulatorFault): void;
  clearFault(): void;
  /** Stops the timer, drops keep-alive sockets and closes the listener. */
  close(): Promise<void>;
}

interface Reply {
  status: number;
  body: unknown;
}

type Query = URLSearchParams;

interface Exchange {
  model: KalshiMarketModel;
  portfolio: KalshiPortfolioModel;
}

const badRequest = (message: string, details = ''): Reply => ({ status: 400, body: errorPayload('bad_request', message, details) });
const notFound = (message: string, details = ''): Reply => ({ status: 404, body: errorPayload('not_found', message, details) });

/** The whole routing table. `segments` is the path after /trade-api/v2, split on '/'. */
function route({ model, portfolio }: Exchange, method: string, segments: string[], query: Query): Reply {
  if (method !== 'GET') return { status: 405, body: errorPayload('method_not_allowed', `${method} is not supported here`) };
  const [root, ticker, leaf, ...rest] = segments;
  if (root === 'portfolio' && leaf === undefined) {
    if (ticker === 'positions') return listPositions(portfolio, query);
    if (ticker === 'balance') return getBalance(portfolio, query);
    return notFound('route not found');
  }
  if (root !== 'markets' || rest.length > 0) return notFound('route not found');
  if (ticker === undefined) return listMarkets(model, query);
  if (ticker === 'trades' && leaf === undefined) return listTrades(model, query);
  if (ticker === 'orderbooks' && leaf === undefined) return listOrderbooks(model, query);
  const market = model.getState(ticker);
  if (leaf === undefined) return market ? { status: 200, body: marketResponsePayload(marketPayload(market)) } : notFound('market not found', ticker);
  if (leaf === 'orderbook') {
    const depth = intParam(query, 'depth', 0, 100, 0);
    if (typeof depth !== 'number') return depth;
    return market ? { status: 200, body: orderbookPayload(market, depth) } : notFound('market not found', ticker);
  }
  return notFound('route not found');
}

/** Most markets one `GET /markets/orderbooks` may name. */
const MAX_ORDERBOOKS_TICKERS = 100;

/** `tickers` as a comma list (as documented) or repeated (as kalshi-typescript sends an array); unknown markets are left out. */
function listOrderbooks(model: KalshiMarketModel, query: Query): Reply {
  const tickers = [
    ...new Set(
      query
        .getAll('tickers')
        .flatMap((value) => value.split(','))
        .map((t) => t.trim())
        .filter(Boolean),
    ),
  ];
  if (tickers.length === 0) return badRequest('tickers is required');
  if (tickers.length > MAX_ORDERBOOKS_TICKERS) return badRequest(`at most ${MAX_ORDERBOOKS_TICKERS} tickers`, `got ${tickers.length}`);
  const markets = tickers.map((ticker) => model.getState(ticker)).filter((m) => m !== undefined && m !== null);
  return { status: 200, body: orderbooksPayload(markets) };
}

function listMarkets(model: KalshiMarketModel, query: Query): Reply {
  const limit = intParam(query, 'limit', 1, KALSHI_MAX_PAGE_SIZE, KALSHI_DEFAULT_PAGE_SIZE);
  if (typeof limit !== 'number') return limit;
  const after = cursorParam(query, 'm');
  if (typeof after !== 'number') return after;
  const status = param(query, 'status');
  if (status !== undefined && !(MARKET_STATUS_FILTERS as readonly string[]).includes(status)) {
    return badRequest('invalid status filter', `status must be one of ${MARKET_STATUS_FILTERS.join(', ')}`);
  }
  const mve = param(query, 'mve_filter');
  if (mve !== undefined && mve !== 'only' && mve !== 'exclude') return badRequest('invalid mve_filter', 'mve_filter must be only or exclude');
  const tickersParam = param(query, 'tickers');
  const tickers =
    tickersParam === undefined
      ? undefined
      : new Set(
          tickersParam
            .split(',')
            .map((t) => t.trim())
            .filter(Boolean),
        );
  const eventTicker = param(query, 'event_ticker');
  const seriesTicker = param(query, 'series_ticker');
  const statuses = status === undefined ? undefined : (STATUS_FILTER_MATCHES[status as MarketStatusFilter] as readonly string[]);

  const matches = (m: SimMarket): boolean =>
    m.seq > after &&
    (statuses === undefined || statuses.includes(m.status)) &&
    (tickers === undefined || tickers.has(m.ticker)) &&
    (eventTicker === undefined || m.eventTicker === eventTicker) &&
    (seriesTicker === undefined || m.seriesTicker === seriesTicker) &&
    // The simulator lists no multivariate (combo) markets.
    mve !== 'only';
  const selected = model.listStates().filter(matches);
  const page = selected.slice(0, limit);
  const last = page.at(-1);
  const cursor = selected.length > limit && last ? encodeCursor('m', last.seq) : '';
  return { status: 200, body: marketsPagePayload(page.map(marketPayload), cursor) };
}

function listTrades(model: KalshiMarketModel, query: Query): Reply {
  const limit = intParam(query, 'limit', 1, KALSHI_MAX_PAGE_SIZE, KALSHI_DEFAULT_PAGE_SIZE);
  if (typeof limit !== 'number') return limit;
  const before = cursorParam(query, 't');
  if (typeof before !== 'number') return before;
  const minTs = intParam(query, 'min_ts', 0, Number.MAX_SAFE_INTEGER, 0);
  if (typeof minTs !== 'number') return minTs;
  const maxTs = intParam(query, 'max_ts', 0, Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER);
  if (typeof maxTs !== 'number') return maxTs;
  const ticker = param(query, 'ticker');
  // Newest first; the cursor is the sequence number below which the next page starts.
  const selected = model
    .recentTrades()
    .filter((t) => (before === 0 || t.seq < before) && (ticker === undefined || t.ticker === ticker))
    .filter((t) => t.at / 1000 >= minTs && t.at / 1000 <= maxTs);
  const page = selected.slice(0, limit);
  const last = page.at(-1);
  const cursor = selected.length > limit && last ? encodeCursor('t', last.seq) : '';
  return { status: 200, body: tradesPagePayload(page.map(tradePayload), cursor) };
}

/** `subaccount`: 0 (primary, the default) to 63. */
function subaccountParam(query: Query): number | Reply {
  return intParam(query, 'subaccount', 0, 63, 0);
}

function listPositions(portfolio: KalshiPortfolioModel, query: Query): Reply {
  const limit = intParam(query, 'limit', 1, KALSHI_MAX_PAGE_SIZE, KALSHI_DEFAULT_PAGE_SIZE);
  if (typeof limit !== 'number') return limit;
  const after = cursorParam(query, 'p');
  if (typeof after !== 'number') return after;
  const subaccount = subaccountParam(query);
  if (typeof subaccount !== 'number') return subaccount;
  // One exchange shard (index 0) in the simulator.
  const exchangeIndex = intParam(query, 'exchange_index', 0, 1000, 0);
  if (typeof exchangeIndex !== 'number') return exchangeIndex;
  const countFilterParam = param(query, 'count_filter');
  const countFilters = countFilterParam
    ?.split(',')
    .map((f) => f.trim())
    .filter(Boolean);
  if (countFilters?.some((f) => !(POSITION_COUNT_FILTERS as readonly string[]).includes(f))) {
    return badRequest('invalid count_filter', `count_filter must be a comma-separated list of ${POSITION_COUNT_FILTERS.join(', ')}`);
  }
  const ticker = param(query, 'ticker');
  const eventTicker = param(query, 'event_ticker');
  const nonZero: Record<PositionCountFilter, (p: SimPosition) => boolean> = {
    position: (p) => p.positionHundredths !== 0,
    total_traded: (p) => p.totalTradedMicros !== 0,
  };
  const selected = portfolio
    .listPositions(subaccount)
    .filter(
      (p) =>
        exchangeIndex === 0 &&
        p.seq > after &&
        (ticker === undefined || p.ticker === ticker) &&
        (eventTicker === undefined || p.eventTicker === eventTicker) &&
        (countFilters === undefined || countFilters.length === 0 || countFilters.some((f) => nonZero[f as PositionCountFilter](p))),
    );
  const page = selected.slice(0, limit);
  const last = page.at(-1);
  const cursor = selected.length > limit && last ? encodeCursor('p', last.seq) : '';
  return { status: 200, body: positionsPagePayload(page, cursor) };
}

function getBalance(portfolio: KalshiPortfolioModel, query: Query): Reply {
  const subaccount = subaccountParam(query);
  if (typeof subaccount !== 'number') return subaccount;
  const account = portfolio.account(subaccount);
  if (!account) return notFound('subaccount not found', String(subaccount));
  return { status: 200, body: balancePayload(account, portfolio.portfolioValueMicros(subaccount)) };
}

/** A query parameter; an empty value counts as absent, as it does on the real API. */
function param(query: Query, name: string): string | undefined {
  const value = query.get(name);
  return value === null || value === '' ? undefined : value;
}

function intParam(query: Query, name: string, min: number, max: number, fallback: number): number | Reply {
  const raw = param(query, name);
  if (raw === undefined) return fallback;
  const value = /^\d{1,16}$/.test(raw) ? Number(raw) : Number.NaN;
  if (!Number.isSafeInteger(value) || value < min || value > max) {
    return badRequest(`invalid ${name}`, `${name} must be an integer from ${min} to ${max}`);
  }
  return value;
}

/** Cursors are opaque to clients: base64url of `<kind>:<sequence>`. 0 = from the start. */
type CursorKind = 'm' | 't' | 'p';

function encodeCursor(kind: CursorKind, seq: number): string {
  return Buffer.from(`${kind}:${seq}`).toString('base64url');
}

function cursorParam(query: Query, kind: CursorKind): number | Reply {
  const raw = param(query, 'cursor');
  if (raw === undefined) return 0;
  const match = /^([mtp]):(\d{1,15})$/.exec(Buffer.from(raw, 'base64url').toString('utf8'));
  if (!match || match[1] !== kind) return badRequest('invalid cursor');
  return Number(match[2]);
}

export async function startKalshiRestSimulator(options: KalshiRestSimulatorOptions = {}): Promise<KalshiRestSimulator> {
  const clock = options.clock ?? systemClock;
  const logger = options.logger ?? silentLogger;
  const stepIntervalMs = options.stepIntervalMs ?? 250;
  const seed = options.seed ?? DEFAULT_SEED;
  const model = new KalshiMarketModel({
    ...options.modelOptions,
    startAtMs: clock.now(),
    tickMs: stepIntervalMs,
    ...(options.seed === undefined ? {} : { seed: options.seed }),
  });
  // The account and the fault dice draw from PRNGs of their own, so the market model's state
  // for a seed is the same whether or not anyone reads the portfolio or injects faults.
  const portfolio = new KalshiPortfolioModel({ ...options.portfolioOptions, model, seed: seed ^ 0x9e3779b9 });
  // Candlesticks consistent with the model: recorded as it runs, generated backwards before it started.
  const candleHistory = new SimCandleHistory(model, seed);
  candleHistory.observe(clock.now());
  const faultDice = new Prng(seed ^ 0x0fa17);
  const auth: SimulatorAuthOptions = {
    ...(options.publicKey === undefined ? {} : { publicKey: options.publicKey }),
    ...(options.apiKeyId === undefined ? {} : { apiKeyId: options.apiKeyId }),
    ...(options.requireAuth === undefined ? {} : { requireAuth: options.requireAuth }),
    ...(options.maxSkewMs === undefined ? {} : { maxSkewMs: options.maxSkewMs }),
  };
  const rateLimit = options.rateLimit ?? DEFAULT_SIMULATOR_RATE_LIMIT;
  const bucket =
    rateLimit === false ? null : new TokenBucket({ ratePerSecond: rateLimit.ratePerSecond, burst: rateLimit.burst, clock: rateLimit.clock ?? systemClock });
  let requests = 0;
  let fault: { fault: SimulatorFault; remaining: number } | null = null;
  const delays = new Set<TimerHandle>();
  let closed = false;

  const send = (res: ServerResponse, reply: Reply, requestId: string): void => {
    const body = JSON.stringify(reply.body);
    res.writeHead(reply.status, {
      'content-type': 'application/json; charset=utf-8',
      'content-length': Buffer.byteLength(body),
      'x-request-id': requestId,
    });
    res.end(body);
  };

  /** Metering, then authentication, then the route: the order a request meets them at Kalshi's edge. */
  const admitAndRoute = (req: IncomingMessage, url: URL, path: string): Reply => {
    if (bucket && !bucket.tryTake(1)) return { status: 429, body: rateLimitedPayload() };
    if (path !== API_PREFIX && !path.startsWith(`${API_PREFIX}/`)) return notFound('route not found');
    const method = req.method ?? 'GET';
    let segments: string[];
    try {
      segments = path.slice(API_PREFIX.length).split('/').filter(Boolean).map(decodeURIComponent);
    } catch {
      return badRequest('malformed path');
    }
    // Decided on the decoded path, so a percent-encoded "portfolio" cannot slip past the check.
    if (needsSignature(segments, auth)) {
      // The signed path is the one the client sent, percent-encoding and all, without the query.
      const failure = checkSignature(req.headers, method, url.pathname, clock.now(), auth);
      if (failure) return failure;
    }
    return (
      candleRoute(candleHistory, model, method, segments, url.searchParams, clock.now()) ?? route({ model, portfolio }, method, segments, url.searchParams)
    );
  };

  const answer = (req: IncomingMessage, res: ServerResponse, requestId: string): void => {
    portfolio.step(clock.now());
    candleHistory.observe(clock.now());
    const url = new URL(req.url ?? '/', 'http://simulator.invalid');
    const path = url.pathname.replace(/\/+$/, '');
    const reply = admitAndRoute(req, url, path);
    logger.debug({ method: req.method, url: req.url, status: reply.status, requestId }, 'kalshi simulator request');
    send(res, reply, requestId);
  };

  /** Serves the pending fault, if any and if its dice say so. Returns true when the request was answered by it. */
  const serveFault = (req: IncomingMessage, res: ServerResponse, requestId: string): boolean => {
    if (!fault) return false;
    const current = fault.fault;
    if (current.rate !== undefined && current.rate < 1 && !(faultDice.next() < current.rate)) return false;
    if (--fault.remaining <= 0) fault = null;
    switch (current.kind) {
      case 'status':
        send(
          res,
          {
            status: current.status,
            body: current.body ?? (current.status === 429 ? rateLimitedPayload() : errorPayload('injected_fault', `injected ${current.status}`)),
          },
          requestId,
        );
        return true;
      case 'malformed':
        res.writeHead(200, { 'content-type': 'application/json', 'x-request-id': requestId });
        res.end('{"markets": [ this is not json');
        return true;
      case 'truncated': {
        // Promise more than is sent, then cut the connection: the client sees a body that ends early.
        const partial = '{"markets":[{"ticker":"KX';
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': partial.length + 1024, 'x-request-id': requestId });
        res.write(partial, () => req.socket.destroy());
        return true;
      }
      case 'reset':
        req.socket.destroy();
        return true;
      case 'hang':
        // Never answered: the socket is dropped by the client's timeout or by close().
        return true;
      case 'delay': {
        const handle = clock.setTimeout(() => {
          delays.delete(handle);
          if (!res.destroyed) answer(req, res, requestId);
        }, current.delayMs);
        delays.add(handle);
        return true;
      }
    }
  };

  const server = createServer((req, res) => {
    requests++;
    const requestId = `sim-${requests}`;
    try {
      if (!serveFault(req, res, requestId)) answer(req, res, requestId);
    } catch (error) {
      logger.error({ err: error, url: req.url }, 'kalshi simulator failed to answer');
      if (!res.headersSent) send(res, { status: 500, body: errorPayload('internal_server_error', 'internal error') }, requestId);
    }
  });

  // Keep the state moving between requests. systemClock timers are unref'd: this never holds the process.
  let stepTimer: TimerHandle | null = null;
  const scheduleStep = (): void => {
    stepTimer = clock.setTimeout(() => {
      if (closed) return;
      portfolio.step(clock.now());
      candleHistory.observe(clock.now());
      scheduleStep();
    }, stepIntervalMs);
  };
  scheduleStep();

  const { port, authority } = await listen(server, options.port ?? 0, options.host ?? '127.0.0.1');
  const baseUrl = `http://${authority}${API_PREFIX}`;
  logger.info({ baseUrl }, 'kalshi REST simulator listening');

  return {
    baseUrl,
    port,
    model,
    portfolio,
    requestCount: () => requests,
    injectFault(next) {
      if (next.rate !== undefined && !(next.rate >= 0 && next.rate <= 1)) throw new RangeError(`fault rate must be from 0 to 1, got ${next.rate}`);
      fault = { fault: next, remaining: next.times ?? Number.POSITIVE_INFINITY };
    },
    clearFault() {
      fault = null;
    },
    async close() {
      if (closed) return;
      closed = true;
      stepTimer?.cancel();
      for (const handle of delays) handle.cancel();
      delays.clear();
      await new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        // close() only stops accepting; idle keep-alive and in-flight sockets must be dropped too.
        server.closeAllConnections();
      });
    },
  };
}
