/**
 * A local stand-in for Kalshi's public REST market data, on node:http: the same paths, query
 * parameters, payloads, paging and error bodies as `https://external-api.kalshi.com/trade-api/v2`,
 * so pointing the client at the real host is a configuration change only.
 *
 * The market model is stepped lazily to the clock's now on every request, and also on a timer
 * (`stepIntervalMs`) so the state keeps moving between requests. Tests can inject faults (an error
 * status, a delay, a malformed body, a reset connection) to exercise the layers above the client.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { systemClock, type Clock, type TimerHandle } from '../../../core/clock.js';
import { silentLogger, type Logger } from '../../../core/logger.js';
import { MARKET_STATUS_FILTERS, STATUS_FILTER_MATCHES, type MarketStatusFilter } from '../protocol.js';
import { KalshiMarketModel, type KalshiMarketModelOptions, type SimMarket } from './market-model.js';
import {
  errorPayload,
  marketPayload,
  marketResponsePayload,
  marketsPagePayload,
  orderbookPayload,
  tradePayload,
  tradesPagePayload,
} from './payloads.js';

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
}

/** A failure the simulator serves instead of the real answer, `times` times (default: until cleared). */
export type SimulatorFault =
  | { kind: 'status'; status: number; body?: unknown; times?: number }
  | { kind: 'delay'; delayMs: number; times?: number }
  | { kind: 'malformed'; times?: number }
  | { kind: 'reset'; times?: number };

export interface KalshiRestSimulator {
  /** e.g. `http://127.0.0.1:54321/trade-api/v2` */
  readonly baseUrl: string;
  readonly port: number;
  readonly model: KalshiMarketModel;
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

const badRequest = (message: string, details = ''): Reply => ({ status: 400, body: errorPayload('bad_request', message, details) });
const notFound = (message: string, details = ''): Reply => ({ status: 404, body: errorPayload('not_found', message, details) });

/** The whole routing table. `segments` is the path after /trade-api/v2, split on '/'. */
function route(model: KalshiMarketModel, method: string, segments: string[], query: Query): Reply {
  if (method !== 'GET') return { status: 405, body: errorPayload('method_not_allowed', `${method} is not supported here`) };
  const [root, ticker, leaf, ...rest] = segments;
  if (root !== 'markets' || rest.length > 0) return notFound('route not found');
  if (ticker === undefined) return listMarkets(model, query);
  if (ticker === 'trades' && leaf === undefined) return listTrades(model, query);
  const market = model.getState(ticker);
  if (leaf === undefined) return market ? { status: 200, body: marketResponsePayload(marketPayload(market)) } : notFound('market not found', ticker);
  if (leaf === 'orderbook') {
    const depth = intParam(query, 'depth', 0, 100, 0);
    if (typeof depth !== 'number') return depth;
    return market ? { status: 200, body: orderbookPayload(market, depth) } : notFound('market not found', ticker);
  }
  return notFound('route not found');
}

function listMarkets(model: KalshiMarketModel, query: Query): Reply {
  const limit = intParam(query, 'limit', 1, 1000, 100);
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
  const tickers = tickersParam === undefined ? undefined : new Set(tickersParam.split(',').map((t) => t.trim()).filter(Boolean));
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
  const limit = intParam(query, 'limit', 1, 1000, 100);
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
function encodeCursor(kind: 'm' | 't', seq: number): string {
  return Buffer.from(`${kind}:${seq}`).toString('base64url');
}

function cursorParam(query: Query, kind: 'm' | 't'): number | Reply {
  const raw = param(query, 'cursor');
  if (raw === undefined) return 0;
  const match = /^([mt]):(\d{1,15})$/.exec(Buffer.from(raw, 'base64url').toString('utf8'));
  if (!match || match[1] !== kind) return badRequest('invalid cursor');
  return Number(match[2]);
}

export async function startKalshiRestSimulator(options: KalshiRestSimulatorOptions = {}): Promise<KalshiRestSimulator> {
  const clock = options.clock ?? systemClock;
  const logger = options.logger ?? silentLogger;
  const stepIntervalMs = options.stepIntervalMs ?? 250;
  const model = new KalshiMarketModel({
    ...options.modelOptions,
    startAtMs: clock.now(),
    tickMs: stepIntervalMs,
    ...(options.seed === undefined ? {} : { seed: options.seed }),
  });
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

  const answer = (req: IncomingMessage, res: ServerResponse, requestId: string): void => {
    model.step(clock.now());
    const url = new URL(req.url ?? '/', 'http://simulator.invalid');
    const path = url.pathname.replace(/\/+$/, '');
    let reply: Reply;
    if (path !== API_PREFIX && !path.startsWith(`${API_PREFIX}/`)) {
      reply = notFound('route not found');
    } else {
      let segments: string[] | null;
      try {
        segments = path.slice(API_PREFIX.length).split('/').filter(Boolean).map(decodeURIComponent);
      } catch {
        segments = null;
      }
      reply = segments ? route(model, req.method ?? 'GET', segments, url.searchParams) : badRequest('malformed path');
    }
    logger.debug({ method: req.method, url: req.url, status: reply.status, requestId }, 'kalshi simulator request');
    send(res, reply, requestId);
  };

  /** Serves the pending fault, if any. Returns true when the request was answered by it. */
  const serveFault = (req: IncomingMessage, res: ServerResponse, requestId: string): boolean => {
    if (!fault) return false;
    const current = fault.fault;
    if (--fault.remaining <= 0) fault = null;
    switch (current.kind) {
      case 'status':
        send(res, { status: current.status, body: current.body ?? errorPayload('injected_fault', `injected ${current.status}`) }, requestId);
        return true;
      case 'malformed':
        res.writeHead(200, { 'content-type': 'application/json', 'x-request-id': requestId });
        res.end('{"markets": [ this is not json');
        return true;
      case 'reset':
        req.socket.destroy();
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
      model.step(clock.now());
      scheduleStep();
    }, stepIntervalMs);
  };
  scheduleStep();

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const host = options.host ?? '127.0.0.1';
  const baseUrl = `http://${host.includes(':') ? `[${host}]` : host}:${port}${API_PREFIX}`;
  logger.info({ baseUrl }, 'kalshi REST simulator listening');

  return {
    baseUrl,
    port,
    model,
    requestCount: () => requests,
    injectFault(next) {
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
