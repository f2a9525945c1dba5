/**
 * A fake Kalshi exchange for whole-service tests, written only from the documented protocol
 * (/work/shared/reference/upstreams.md, "Kalshi (Trade API v2)") — deliberately NOT from the
 * project's own simulator (src/sources/kalshi/simulator), so a test against it checks the service
 * against the documentation rather than against our reading of it twice.
 *
 * It speaks only what is documented:
 * - REST under `/trade-api/v2`: `GET /markets` (`limit` 1..1000 default 100, `cursor`,
 *   `tickers`, `status` filter values `unopened|open|paused|closed|settled`, `event_ticker`,
 *   `series_ticker`; answer `{ markets, cursor }`, empty cursor = last page), `GET /markets/{ticker}`
 *   (`{ market }` or 404), `GET /markets/{ticker}/orderbook?depth` (`{ orderbook_fp: { yes_dollars,
 *   no_dollars } }`, bids only, each side ascending, best last), `GET /markets/orderbooks?tickers`,
 *   `GET /markets/trades?ticker&limit&cursor&min_ts&max_ts` (the trades set with setTrades, newest
 *   first), `GET /markets/candlesticks?market_tickers&start_ts&end_ts&period_interval` and
 *   `GET /series/{series}/markets/{ticker}/candlesticks?…` (the candlesticks set with setCandlesticks
 *   whose `end_period_ts` falls in [start_ts, end_ts]; period_interval 1, 60 or 1440; up to 100
 *   markets) and `GET /portfolio/positions` (always empty). Errors use
 *   the documented body `{ code, message, details, service }`. Auth headers are recorded; only the
 *   documented signed market-data route, `GET /markets/orderbooks`, requires them: KALSHI-ACCESS-KEY,
 *   -TIMESTAMP and -SIGNATURE (base64 RSA-PSS/SHA-256, salt = digest length, over
 *   `timestamp + METHOD + path`, path from /trade-api/ without the query), verified against
 *   `publicKey` when one is given; 401 otherwise.
 * - WebSocket at `/trade-api/ws/v2`: commands `{ id, cmd, params }` — `subscribe` (one
 *   `subscribed` reply with a new sid per channel; on `orderbook_delta` an `orderbook_snapshot` of
 *   each market follows), `update_subscription` (exactly one sid, error 12 otherwise;
 *   `add_markets` answers `ok` then snapshots the added books, `delete_markets`, `get_snapshot`),
 *   `unsubscribe` (`unsubscribed` per sid) and `list_subscriptions`. Data envelopes are
 *   `{ type, sid, seq, msg }`, `seq` counting per sid from 1 on `orderbook_delta` (snapshots and
 *   deltas share it); `ticker` messages carry no seq. The server pings every `pingIntervalMs`.
 *   Error codes other than the documented 10 / 12 / 25 are placeholders (1: bad command, 5: unknown
 *   command, 7: unknown sid, 8: unknown channel); tests should not depend on them.
 *
 * The test drives it: markets are wire objects (`yes_bid_dollars` etc. as dollar strings, counts as
 * `*_fp` strings, `updated_time`), set with setMarkets / setMarket. Books are set with setBook and
 * moved with pushDelta (which also streams the delta to every subscribed sid). A market's REST
 * prices are NOT derived from its book: the test says what the listing answers. `override` makes a
 * route answer a given body, a status, hang, or hold a normal answer (computed on arrival) until a
 * promise resolves — the last is "a REST answer that left the exchange before the latest delta".
 * Every request and command is recorded, and `waitFor…` helpers resolve on them.
 */
import { constants as cryptoConstants, verify as verifySignature, type KeyObject } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { WebSocket, WebSocketServer, type RawData } from 'ws';

/** A market as Kalshi's REST API sends it: documented field names, strings for money and counts. */
export interface FakeMarket {
  ticker: string;
  event_ticker?: string;
  market_type?: 'binary' | 'scalar';
  title?: string;
  yes_sub_title?: string;
  no_sub_title?: string;
  /** A response value: `initialized|inactive|active|closed|determined|disputed|amended|finalized`. */
  status?: string;
  yes_bid_dollars?: string;
  yes_ask_dollars?: string;
  no_bid_dollars?: string;
  no_ask_dollars?: string;
  last_price_dollars?: string;
  previous_price_dollars?: string;
  volume_fp?: string;
  volume_24h_fp?: string;
  open_interest_fp?: string;
  open_time?: string;
  close_time?: string;
  expected_expiration_time?: string;
  latest_expiration_time?: string;
  updated_time?: string;
  created_time?: string;
  result?: string;
  [field: string]: unknown;
}

/** `[price_dollars, count_fp]` pairs; numbers are formatted for the wire. */
export type FakeLevels = ReadonlyArray<readonly [string | number, string | number]>;
export type Side = 'yes' | 'no';

export type FakeRoute = 'markets' | 'market' | 'orderbook' | 'orderbooks' | 'trades' | 'positions' | 'candlesticks' | 'series-candlesticks';

/** A public trade as `GET /markets/trades` sends it. */
export interface FakeTrade {
  trade_id: string;
  ticker: string;
  count_fp: string;
  yes_price_dollars: string;
  no_price_dollars: string;
  taker_side?: Side;
  taker_outcome_side: Side;
  taker_book_side?: 'bid' | 'ask';
  created_time: string;
  is_block_trade?: boolean;
  [field: string]: unknown;
}

/** A candlestick as Kalshi sends it (`end_period_ts` Unix seconds, the period's inclusive end); any JSON for malformed cases. */
export type FakeCandlestick = Record<string, unknown>;

/**
 * How an overridden route answers:
 * - `{ body }` (optionally with `status`): that JSON, as is;
 * - `{ status }`: that status with the documented error body;
 * - `{ hang: true }`: never answers (the socket is destroyed on close());
 * - `{ hold }`: the normal answer, computed when the request arrives, sent once `hold` resolves.
 * `times` limits how many requests it applies to (default: until cleared).
 */
export type FakeOverride =
  | { body: unknown; status?: number; times?: number }
  | { /** Sent as is: bodies JSON.stringify cannot write (100k levels deep) or not JSON at all. */ rawBody: string; status?: number; times?: number }
  | { status: number; body?: undefined; times?: number }
  | { hang: true; times?: number }
  | { hold: Promise<unknown>; times?: number };

export interface RecordedRequest {
  method: string;
  route: FakeRoute | 'unknown';
  /** Path without the query, e.g. `/trade-api/v2/markets`. */
  path: string;
  query: Record<string, string>;
  headers: Record<string, string | string[] | undefined>;
  at: number;
}

export interface RecordedCommand {
  /** Which WebSocket connection (1, 2, … in connect order). */
  connection: number;
  id: unknown;
  cmd: unknown;
  params: Record<string, unknown>;
  at: number;
}

export interface FakeSubscription {
  connection: number;
  sid: number;
  channel: string;
  /** Empty on `ticker` / `trade` means every market. */
  tickers: ReadonlySet<string>;
  seq: number;
}

export interface FakeKalshiOptions {
  markets?: FakeMarket[];
  /** Verifies the signature of signed routes (`GET /markets/orderbooks`) with this key. @default only the headers' presence is checked */
  publicKey?: KeyObject;
  /** Server WebSocket ping period. @default 10_000 (as documented) */
  pingIntervalMs?: number;
  /**
   * Whether `add_markets` on an order-book sid is followed by a snapshot of each added market. The
   * documentation says to expect one, and to ask with `get_snapshot` if none comes: false plays
   * the exchange whose snapshot does not come. @default true
   */
  snapshotsOnAdd?: boolean;
}

export interface FakeKalshi {
  /** `http://127.0.0.1:<port>/trade-api/v2` — for KALSHI_BASE_URL. */
  readonly baseUrl: string;
  /** `ws://127.0.0.1:<port>/trade-api/ws/v2` — for KALSHI_WS_URL. */
  readonly wsUrl: string;
  /** KALSHI_BASE_URL + KALSHI_WS_URL pointing here. */
  env(): Record<string, string>;

  /** Replaces the listing (in this order). */
  setMarkets(markets: FakeMarket[]): void;
  /** Adds a market, or merges these fields into the one with this ticker. */
  setMarket(market: FakeMarket): void;
  removeMarket(ticker: string): void;
  market(ticker: string): FakeMarket | undefined;

  /** Replaces a book (creates it). Streams a snapshot to subscribed sids when `push` is set. */
  setBook(ticker: string, book: { yes?: FakeLevels; no?: FakeLevels }, options?: { push?: boolean }): void;
  /** The book as the REST orderbook sends it: each side ascending, best bid last. */
  book(ticker: string): { yes_dollars: Array<[string, string]>; no_dollars: Array<[string, string]> };
  /**
   * Adds `delta` (signed contracts) at `price` on `side` (a level at ≤ 0 is removed) and sends an
   * `orderbook_delta` to every orderbook_delta sid holding the market. Returns its `ts_ms` and how
   * many sids it went to.
   */
  pushDelta(ticker: string, side: Side, price: string | number, delta: string | number, options?: { tsMs?: number }): { tsMs: number; sent: number };
  /** Sends a `ticker` message (fields default to the market's REST fields) to every ticker sid holding it. */
  pushTicker(
    ticker: string,
    fields?: { price_dollars?: string; yes_bid_dollars?: string; yes_ask_dollars?: string; volume_fp?: string; open_interest_fp?: string; ts_ms?: number },
  ): number;
  /**
   * Sends a `trade` message to every trade sid covering the market, with that sid's next seq
   * (`skipSeq` skips that many numbers first: trades "lost" on the way). Returns how many sids it went to.
   */
  pushTrade(
    trade: { trade_id: string; market_ticker: string; yes_price_dollars: string; count_fp: string; taker_outcome_side: Side; ts_ms?: number },
    options?: { skipSeq?: number },
  ): number;
  /** Replaces the trades GET /markets/trades answers (any order; served newest first). */
  setTrades(trades: FakeTrade[]): void;
  /** Replaces a market's candlesticks for one period_interval (1, 60 or 1440 minutes). */
  setCandlesticks(ticker: string, periodMinutes: 1 | 60 | 1440, candlesticks: FakeCandlestick[]): void;
  /** Sends any frame to every open connection (for protocol edge cases). */
  sendRaw(frame: unknown): void;
  /** Sends this text as one frame to every open connection (frames JSON.stringify cannot write). */
  sendRawText(text: string): void;
  /** Terminates every WebSocket connection. */
  dropConnections(): void;

  /** Overrides a route; returns a function that removes this override. */
  override(route: FakeRoute, answer: FakeOverride): () => void;
  clearOverrides(): void;

  readonly requests: readonly RecordedRequest[];
  readonly commands: readonly RecordedCommand[];
  /** The live subscriptions of every open connection. */
  subscriptions(): FakeSubscription[];
  /** WebSocket connections currently open. */
  readonly openConnections: number;
  /** Handshake headers of every WebSocket connection, in connect order. */
  readonly handshakes: ReadonlyArray<Record<string, string | string[] | undefined>>;

  /** Resolves once `predicate` holds (checked now and after every request, command and send). */
  waitFor<T>(predicate: () => T | undefined | null | false, timeoutMs?: number, what?: string): Promise<T>;
  /** Resolves with the request, once one matching has arrived (also one that already has). */
  waitForRequest(match: (request: RecordedRequest) => boolean, timeoutMs?: number): Promise<RecordedRequest>;
  /** Resolves once some open connection holds `ticker` on a `channel` sid (after its snapshot was sent). */
  waitForSubscribed(ticker: string, channel?: string, timeoutMs?: number): Promise<FakeSubscription>;
  close(): Promise<void>;
}

const REST_PREFIX = '/trade-api/v2';
const WS_PATH = '/trade-api/ws/v2';
const DOCUMENTED_CHANNELS = new Set(['orderbook_delta', 'ticker', 'trade', 'market_lifecycle_v2']);
const STATUS_FILTER: Record<string, readonly string[]> = {
  unopened: ['initialized'],
  open: ['active'],
  paused: ['inactive'],
  closed: ['closed'],
  settled: ['determined', 'disputed', 'amended', 'finalized'],
};

// ---- fixed-point strings: prices in micro-dollars, counts in hundredths ----

function toScaled(value: string | number, decimals: number, what: string): number {
  const text = typeof value === 'number' ? value.toFixed(decimals) : value.trim();
  const match = /^([+-])?(\d+)(?:\.(\d+))?$/.exec(text);
  if (!match) throw new Error(`fake-kalshi: ${what} ${JSON.stringify(value)} is not a decimal`);
  const fraction = (match[3] ?? '').padEnd(decimals, '0');
  if (fraction.length > decimals && /[^0]/.test(fraction.slice(decimals)))
    throw new Error(`fake-kalshi: ${what} ${JSON.stringify(value)} has more than ${decimals} decimals`);
  const scaled = Number(match[2]) * 10 ** decimals + Number(fraction.slice(0, decimals) || '0');
  return match[1] === '-' ? -scaled : scaled;
}

const priceMicros = (value: string | number): number => toScaled(value, 6, 'price');
const countHundredths = (value: string | number): number => toScaled(value, 2, 'count');

/** `"0.5600"`: four decimals, six when the price is sub-penny. */
function dollars(micros: number): string {
  const text = (micros / 1e6).toFixed(6);
  return micros % 100 === 0 ? text.slice(0, -2) : text;
}

function fp(hundredths: number): string {
  const sign = hundredths < 0 ? '-' : '';
  const abs = Math.abs(hundredths);
  return `${sign}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
}

type BookSide = Map<number, number>;
interface Book {
  yes: BookSide;
  no: BookSide;
}

interface Connection {
  readonly number: number;
  readonly socket: WebSocket;
  nextSid: number;
  readonly subs: Map<number, { channel: string; tickers: Set<string>; seq: number }>;
}

export async function startFakeKalshi(options: FakeKalshiOptions = {}): Promise<FakeKalshi> {
  const markets = new Map<string, FakeMarket>();
  const books = new Map<string, Book>();
  let trades: FakeTrade[] = [];
  const candlesticks = new Map<string, FakeCandlestick[]>();
  const overrides = new Map<FakeRoute, Array<{ answer: FakeOverride; left: number }>>();
  const requests: RecordedRequest[] = [];
  const commands: RecordedCommand[] = [];
  const handshakes: Array<Record<string, string | string[] | undefined>> = [];
  const connections = new Set<Connection>();
  const hanging = new Set<ServerResponse>();
  const sockets = new Set<Socket>();
  const changes = new EventEmitter();
  changes.setMaxListeners(0);
  let connectionCount = 0;
  let closed = false;
  const changed = (): void => {
    changes.emit('change');
  };

  const bookOf = (ticker: string): Book => {
    let book = books.get(ticker);
    if (!book) {
      book = { yes: new Map(), no: new Map() };
      books.set(ticker, book);
    }
    return book;
  };
  const ascending = (side: BookSide | undefined): Array<[string, string]> =>
    [...(side ?? new Map<number, number>())].sort(([a], [b]) => a - b).map(([price, count]) => [dollars(price), fp(count)]);
  const restBook = (ticker: string, depth = 0) => {
    const book = books.get(ticker);
    const yes = ascending(book?.yes);
    const no = ascending(book?.no);
    // Depth keeps the best levels, which are the last ones.
    return depth > 0 ? { yes_dollars: yes.slice(-depth), no_dollars: no.slice(-depth) } : { yes_dollars: yes, no_dollars: no };
  };

  for (const market of options.markets ?? []) markets.set(market.ticker, { ...market });

  // ---- REST ----

  const errorBody = (status: number, message: string) => ({ code: String(status), message, details: '', service: 'fake-kalshi' });
  const sendJson = (response: ServerResponse, status: number, body: unknown): void => {
    if (response.destroyed) return;
    const text = JSON.stringify(body);
    response.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
    response.end(text);
  };

  function routeOf(method: string, path: string): { route: FakeRoute | 'unknown'; ticker?: string } {
    if (method !== 'GET' || !path.startsWith(`${REST_PREFIX}/`)) return { route: 'unknown' };
    const rest = path.slice(REST_PREFIX.length);
    if (rest === '/markets') return { route: 'markets' };
    if (rest === '/markets/trades') return { route: 'trades' };
    if (rest === '/markets/candlesticks') return { route: 'candlesticks' };
    const seriesCandles = /^\/series\/([^/]+)\/markets\/([^/]+)\/candlesticks$/.exec(rest);
    if (seriesCandles) return { route: 'series-candlesticks', ticker: decodeURIComponent(seriesCandles[2]!) };
    if (rest === '/markets/orderbooks') return { route: 'orderbooks' };
    if (rest === '/portfolio/positions') return { route: 'positions' };
    const book = /^\/markets\/([^/]+)\/orderbook$/.exec(rest);
    if (book) return { route: 'orderbook', ticker: decodeURIComponent(book[1]!) };
    const market = /^\/markets\/([^/]+)$/.exec(rest);
    if (market) return { route: 'market', ticker: decodeURIComponent(market[1]!) };
    return { route: 'unknown' };
  }

  /** The documented answer: [status, body]. */
  function answer(route: FakeRoute | 'unknown', ticker: string | undefined, query: Record<string, string>): [number, unknown] {
    switch (route) {
      case 'markets': {
        const limit = query.limit === undefined ? 100 : Number(query.limit);
        if (!Number.isInteger(limit) || limit < 1 || limit > 1000) return [400, errorBody(400, 'limit must be 1..1000')];
        let offset = 0;
        if (query.cursor) {
          const decoded = /^o:(\d+)$/.exec(Buffer.from(query.cursor, 'base64url').toString('utf8'));
          if (!decoded) return [400, errorBody(400, 'invalid cursor')];
          offset = Number(decoded[1]);
        }
        let list = [...markets.values()];
        if (query.tickers) {
          const wanted = new Set(query.tickers.split(',').filter(Boolean));
          list = list.filter((m) => wanted.has(m.ticker));
        }
        if (query.status) {
          const statuses = query.status.split(',').map((s) => STATUS_FILTER[s]);
          if (statuses.some((s) => s === undefined)) return [400, errorBody(400, `invalid status filter ${query.status}`)];
          const allowed = new Set(statuses.flat());
          list = list.filter((m) => allowed.has(String(m.status ?? '')));
        }
        if (query.event_ticker) list = list.filter((m) => m.event_ticker === query.event_ticker);
        if (query.series_ticker) {
          list = list.filter(
            (m) => (typeof m.series_ticker === 'string' ? m.series_ticker : String(m.event_ticker ?? '').split('-')[0]) === query.series_ticker,
          );
        }
        const page = list.slice(offset, offset + limit);
        const next = offset + limit < list.length ? Buffer.from(`o:${offset + limit}`).toString('base64url') : '';
        return [200, { markets: page.map((m) => ({ ...m })), cursor: next }];
      }
      case 'market': {
        const market = markets.get(ticker!);
        return market ? [200, { market: { ...market } }] : [404, errorBody(404, 'market not found')];
      }
      case 'orderbook': {
        if (!markets.has(ticker!) && !books.has(ticker!)) return [404, errorBody(404, 'market not found')];
        const depth = query.depth === undefined ? 0 : Number(query.depth);
        if (!Number.isInteger(depth) || depth < 0 || depth > 100) return [400, errorBody(400, 'depth must be 0..100')];
        return [200, { orderbook_fp: restBook(ticker!, depth) }];
      }
      case 'orderbooks': {
        const tickers = (query.tickers ?? '').split(',').filter(Boolean);
        return [200, { orderbooks: tickers.filter((t) => markets.has(t) || books.has(t)).map((t) => ({ ticker: t, orderbook_fp: restBook(t) })) }];
      }
      case 'trades': {
        const limit = query.limit === undefined ? 100 : Number(query.limit);
        if (!Number.isInteger(limit) || limit < 1 || limit > 1000) return [400, errorBody(400, 'limit must be 1..1000')];
        let offset = 0;
        if (query.cursor) {
          const decoded = /^t:(\d+)$/.exec(Buffer.from(query.cursor, 'base64url').toString('utf8'));
          if (!decoded) return [400, errorBody(400, 'invalid cursor')];
          offset = Number(decoded[1]);
        }
        const seconds = (trade: FakeTrade): number => Math.floor(Date.parse(trade.created_time) / 1000);
        const list = [...trades]
          .sort((a, b) => Date.parse(b.created_time) - Date.parse(a.created_time))
          .filter((t) => (query.ticker ? t.ticker === query.ticker : true))
          .filter((t) => (query.min_ts ? seconds(t) >= Number(query.min_ts) : true))
          .filter((t) => (query.max_ts ? seconds(t) <= Number(query.max_ts) : true));
        const page = list.slice(offset, offset + limit);
        const next = offset + limit < list.length ? Buffer.from(`t:${offset + limit}`).toString('base64url') : '';
        return [200, { trades: page.map((t) => ({ ...t })), cursor: next }];
      }
      case 'candlesticks':
      case 'series-candlesticks': {
        const period = Number(query.period_interval);
        if (![1, 60, 1440].includes(period)) return [400, errorBody(400, 'period_interval must be 1, 60 or 1440')];
        if (!/^\d+$/.test(query.start_ts ?? '') || !/^\d+$/.test(query.end_ts ?? '')) return [400, errorBody(400, 'start_ts and end_ts are required')];
        const start = Number(query.start_ts);
        const end = Number(query.end_ts);
        const of = (t: string): FakeCandlestick[] =>
          (candlesticks.get(`${t}/${period}`) ?? []).filter((c) => typeof c.end_period_ts !== 'number' || (c.end_period_ts >= start && c.end_period_ts <= end));
        if (route === 'series-candlesticks') {
          if (!markets.has(ticker!)) return [404, errorBody(404, 'market not found')];
          return [200, { ticker, candlesticks: of(ticker!) }];
        }
        const tickers = (query.market_tickers ?? '').split(',').filter(Boolean);
        if (tickers.length === 0 || tickers.length > 100) return [400, errorBody(400, 'market_tickers: 1 to 100 tickers')];
        return [200, { markets: tickers.filter((t) => markets.has(t)).map((t) => ({ market_ticker: t, candlesticks: of(t) })) }];
      }
      case 'positions':
        return [200, { market_positions: [], event_positions: [], cursor: '' }];
      default:
        return [404, errorBody(404, 'not found')];
    }
  }

  function takeOverride(route: FakeRoute | 'unknown'): FakeOverride | null {
    if (route === 'unknown') return null;
    const list = overrides.get(route);
    const entry = list?.[0];
    if (!entry) return null;
    entry.left -= 1;
    if (entry.left <= 0) list.shift();
    return entry.answer;
  }

  /** Why a signed route's request is refused (documented: KALSHI-ACCESS-* over timestamp + METHOD + path), or null. */
  function signatureProblem(request: IncomingMessage, method: string, path: string): string | null {
    const header = (name: string): string | undefined => {
      const value = request.headers[name];
      return typeof value === 'string' && value !== '' ? value : undefined;
    };
    const key = header('kalshi-access-key');
    const timestamp = header('kalshi-access-timestamp');
    const signature = header('kalshi-access-signature');
    if (!key || !timestamp || !signature) return 'missing KALSHI-ACCESS-* headers';
    if (!options.publicKey) return null;
    const valid = verifySignature(
      'sha256',
      Buffer.from(`${timestamp}${method}${path}`),
      { key: options.publicKey, padding: cryptoConstants.RSA_PKCS1_PSS_PADDING, saltLength: cryptoConstants.RSA_PSS_SALTLEN_DIGEST },
      Buffer.from(signature, 'base64'),
    );
    return valid ? null : 'bad signature';
  }

  function onRequest(request: IncomingMessage, response: ServerResponse): void {
    const url = new URL(request.url ?? '/', 'http://fake');
    const method = request.method ?? 'GET';
    const { route, ticker } = routeOf(method, url.pathname);
    const query = Object.fromEntries(url.searchParams);
    requests.push({ method, route, path: url.pathname, query, headers: { ...request.headers }, at: Date.now() });
    request.resume();
    if (route === 'orderbooks') {
      const problem = signatureProblem(request, method, url.pathname);
      if (problem) {
        changed();
        sendJson(response, 401, errorBody(401, `authentication failed: ${problem}`));
        return;
      }
    }
    const override = takeOverride(route);
    changed();
    if (override && 'hang' in override) {
      hanging.add(response);
      response.once('close', () => hanging.delete(response));
      return;
    }
    if (override && 'hold' in override) {
      const [status, body] = answer(route, ticker, query);
      hanging.add(response);
      response.once('close', () => hanging.delete(response));
      void override.hold.then(
        () => sendJson(response, status, body),
        () => sendJson(response, status, body),
      );
      return;
    }
    if (override && 'rawBody' in override) {
      response.writeHead(override.status ?? 200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(override.rawBody) });
      response.end(override.rawBody);
      return;
    }
    if (override) {
      const status = override.status ?? 200;
      sendJson(response, status, override.body !== undefined ? override.body : errorBody(status, status === 429 ? 'too many requests' : 'fake failure'));
      return;
    }
    const [status, body] = answer(route, ticker, query);
    sendJson(response, status, body);
  }

  // ---- WebSocket ----

  const send = (connection: Connection, frame: unknown): void => {
    if (connection.socket.readyState === WebSocket.OPEN) connection.socket.send(JSON.stringify(frame));
  };
  const marketIdOf = (ticker: string): string => `fake-${ticker}`;

  function sendSnapshot(connection: Connection, sid: number, ticker: string): void {
    const sub = connection.subs.get(sid);
    if (!sub) return;
    const book = restBook(ticker);
    sub.seq += 1;
    send(connection, {
      type: 'orderbook_snapshot',
      sid,
      seq: sub.seq,
      msg: {
        market_ticker: ticker,
        market_id: marketIdOf(ticker),
        // A side's key is absent when that side is empty.
        ...(book.yes_dollars.length > 0 ? { yes_dollars_fp: book.yes_dollars } : {}),
        ...(book.no_dollars.length > 0 ? { no_dollars_fp: book.no_dollars } : {}),
      },
    });
  }

  /** A `ws` message as text (a Buffer, an ArrayBuffer or, fragmented, an array of Buffers). */
  function rawText(data: RawData): string {
    if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
    return Buffer.isBuffer(data) ? data.toString('utf8') : Buffer.from(data).toString('utf8');
  }

  function onCommand(connection: Connection, data: RawData): void {
    let command: { id?: unknown; cmd?: unknown; params?: unknown };
    try {
      command = JSON.parse(rawText(data)) as typeof command;
    } catch {
      send(connection, { type: 'error', msg: { code: 1, msg: 'Unable to process message' } });
      return;
    }
    const params = (typeof command.params === 'object' && command.params !== null ? command.params : {}) as Record<string, unknown>;
    commands.push({ connection: connection.number, id: command.id, cmd: command.cmd, params, at: Date.now() });
    const id = command.id;
    const fail = (code: number, msg: string): void => send(connection, { type: 'error', id, msg: { code, msg } });
    const tickersOf = (value: unknown): string[] => (Array.isArray(value) ? value.filter((t): t is string => typeof t === 'string') : []);
    switch (command.cmd) {
      case 'subscribe': {
        const channels = tickersOf(params.channels);
        if (channels.length === 0) return fail(1, 'Channels required');
        const unknown = channels.find((c) => !DOCUMENTED_CHANNELS.has(c));
        if (unknown) return fail(8, `Unknown channel name ${unknown}`);
        const tickers = tickersOf(params.market_tickers ?? (typeof params.market_ticker === 'string' ? [params.market_ticker] : []));
        for (const channel of channels) {
          const sid = connection.nextSid++;
          connection.subs.set(sid, { channel, tickers: new Set(tickers), seq: 0 });
          send(connection, { type: 'subscribed', id, msg: { channel, sid } });
          if (channel === 'orderbook_delta') for (const ticker of tickers) sendSnapshot(connection, sid, ticker);
        }
        break;
      }
      case 'update_subscription': {
        const sids = Array.isArray(params.sids) ? params.sids : params.sid !== undefined ? [params.sid] : [];
        if (sids.length !== 1) return fail(12, 'Exactly one subscription ID is required');
        const sid = Number(sids[0]);
        const sub = connection.subs.get(sid);
        if (!sub) return fail(7, 'Unknown subscription ID');
        const tickers = tickersOf(params.market_tickers);
        const action = params.action;
        if (action === 'add_markets') {
          for (const ticker of tickers) sub.tickers.add(ticker);
          send(connection, { type: 'ok', id, sid, seq: sub.seq, msg: { market_tickers: [...sub.tickers] } });
          if (sub.channel === 'orderbook_delta' && options.snapshotsOnAdd !== false) for (const ticker of tickers) sendSnapshot(connection, sid, ticker);
        } else if (action === 'delete_markets') {
          for (const ticker of tickers) sub.tickers.delete(ticker);
          send(connection, { type: 'ok', id, sid, seq: sub.seq, msg: { market_tickers: [...sub.tickers] } });
        } else if (action === 'get_snapshot') {
          send(connection, { type: 'ok', id, sid, seq: sub.seq, msg: { market_tickers: tickers } });
          if (sub.channel === 'orderbook_delta') for (const ticker of tickers) if (sub.tickers.has(ticker)) sendSnapshot(connection, sid, ticker);
        } else {
          return fail(1, `Unsupported action ${String(action)}`);
        }
        break;
      }
      case 'unsubscribe': {
        const sids = Array.isArray(params.sids) ? params.sids.map(Number) : [];
        if (sids.length === 0) return fail(1, 'Subscription IDs required');
        for (const sid of sids) {
          if (connection.subs.delete(sid)) send(connection, { type: 'unsubscribed', id, sid });
          else fail(7, 'Unknown subscription ID');
        }
        break;
      }
      case 'list_subscriptions':
        send(connection, { type: 'ok', id, msg: [...connection.subs].map(([sid, sub]) => ({ channel: sub.channel, sid })) });
        break;
      default:
        fail(5, 'Unknown command');
    }
    changed();
  }

  const server: Server = createServer(onRequest);
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  const wss = new WebSocketServer({ noServer: true });
  server.on('upgrade', (request, socket, head) => {
    const path = new URL(request.url ?? '/', 'http://fake').pathname;
    if (path !== WS_PATH || closed) {
      socket.end('HTTP/1.1 404 Not Found\r\ncontent-length: 0\r\n\r\n');
      return;
    }
    handshakes.push({ ...request.headers });
    wss.handleUpgrade(request, socket, head, (ws) => {
      const connection: Connection = { number: ++connectionCount, socket: ws, nextSid: 1, subs: new Map() };
      connections.add(connection);
      const ping = setInterval(() => ws.readyState === WebSocket.OPEN && ws.ping(), options.pingIntervalMs ?? 10_000);
      ping.unref();
      ws.on('message', (data) => onCommand(connection, data));
      ws.on('error', () => undefined);
      ws.on('close', () => {
        clearInterval(ping);
        connections.delete(connection);
        changed();
      });
      changed();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const baseUrl = `http://127.0.0.1:${port}${REST_PREFIX}`;
  const wsUrl = `ws://127.0.0.1:${port}${WS_PATH}`;

  const subsHolding = (channel: string, ticker: string): Array<[Connection, number, { channel: string; tickers: Set<string>; seq: number }]> => {
    const out: Array<[Connection, number, { channel: string; tickers: Set<string>; seq: number }]> = [];
    for (const connection of connections) {
      for (const [sid, sub] of connection.subs) {
        if (sub.channel !== channel) continue;
        // Without market tickers, ticker and trade cover every market.
        if (sub.tickers.has(ticker) || (sub.tickers.size === 0 && channel !== 'orderbook_delta')) out.push([connection, sid, sub]);
      }
    }
    return out;
  };

  const fake: FakeKalshi = {
    baseUrl,
    wsUrl,
    env: () => ({ KALSHI_BASE_URL: baseUrl, KALSHI_WS_URL: wsUrl }),

    setMarkets(list) {
      markets.clear();
      for (const market of list) markets.set(market.ticker, { ...market });
    },
    setMarket(market) {
      markets.set(market.ticker, { ...markets.get(market.ticker), ...market });
    },
    removeMarket(ticker) {
      markets.delete(ticker);
    },
    market: (ticker) => {
      const market = markets.get(ticker);
      return market && { ...market };
    },

    setBook(ticker, book, setOptions = {}) {
      const side = (levels: FakeLevels | undefined): BookSide => {
        const out: BookSide = new Map();
        for (const [price, count] of levels ?? []) {
          const hundredths = countHundredths(count);
          if (hundredths > 0) out.set(priceMicros(price), hundredths);
        }
        return out;
      };
      books.set(ticker, { yes: side(book.yes), no: side(book.no) });
      if (setOptions.push) for (const [connection, sid] of subsHolding('orderbook_delta', ticker)) sendSnapshot(connection, sid, ticker);
      changed();
    },
    book: (ticker) => restBook(ticker),

    pushDelta(ticker, side, price, delta, deltaOptions = {}) {
      const micros = priceMicros(price);
      const change = countHundredths(delta);
      const levels = bookOf(ticker)[side];
      const size = (levels.get(micros) ?? 0) + change;
      if (size <= 0) levels.delete(micros);
      else levels.set(micros, size);
      const tsMs = deltaOptions.tsMs ?? Date.now();
      const targets = subsHolding('orderbook_delta', ticker);
      for (const [connection, sid, sub] of targets) {
        sub.seq += 1;
        send(connection, {
          type: 'orderbook_delta',
          sid,
          seq: sub.seq,
          msg: { market_ticker: ticker, market_id: marketIdOf(ticker), price_dollars: dollars(micros), delta_fp: fp(change), side, ts_ms: tsMs },
        });
      }
      changed();
      return { tsMs, sent: targets.length };
    },

    pushTicker(ticker, fields = {}) {
      const market = markets.get(ticker);
      const msg = {
        market_ticker: ticker,
        market_id: marketIdOf(ticker),
        price_dollars: market?.last_price_dollars ?? '0.0000',
        yes_bid_dollars: market?.yes_bid_dollars ?? '0.0000',
        yes_ask_dollars: market?.yes_ask_dollars ?? '1.0000',
        volume_fp: market?.volume_fp ?? '0.00',
        open_interest_fp: market?.open_interest_fp ?? '0.00',
        ts_ms: Date.now(),
        ...fields,
      };
      const targets = subsHolding('ticker', ticker);
      for (const [connection, sid] of targets) send(connection, { type: 'ticker', sid, msg });
      changed();
      return targets.length;
    },

    pushTrade(trade, tradeOptions = {}) {
      const micros = priceMicros(trade.yes_price_dollars);
      const msg = { ...trade, no_price_dollars: dollars(1_000_000 - micros), ts_ms: trade.ts_ms ?? Date.now() };
      const targets = subsHolding('trade', trade.market_ticker);
      for (const [connection, sid, sub] of targets) {
        sub.seq += 1 + (tradeOptions.skipSeq ?? 0);
        send(connection, { type: 'trade', sid, seq: sub.seq, msg });
      }
      changed();
      return targets.length;
    },
    setTrades(list) {
      trades = list.map((trade) => ({ ...trade }));
    },
    setCandlesticks(ticker, periodMinutes, list) {
      candlesticks.set(
        `${ticker}/${periodMinutes}`,
        list.map((c) => ({ ...c })),
      );
    },

    sendRaw(frame) {
      for (const connection of connections) send(connection, frame);
    },
    sendRawText(text) {
      for (const connection of connections) if (connection.socket.readyState === WebSocket.OPEN) connection.socket.send(text);
      changed();
    },
    dropConnections() {
      for (const connection of connections) connection.socket.terminate();
    },

    override(route, overrideAnswer) {
      const entry = { answer: overrideAnswer, left: overrideAnswer.times ?? Number.POSITIVE_INFINITY };
      const list = overrides.get(route) ?? [];
      list.push(entry);
      overrides.set(route, list);
      return () => {
        const current = overrides.get(route);
        const index = current?.indexOf(entry) ?? -1;
        if (index >= 0) current!.splice(index, 1);
      };
    },
    clearOverrides() {
      overrides.clear();
    },

    requests,
    commands,
    subscriptions: () =>
      [...connections].flatMap((connection) =>
        [...connection.subs].map(([sid, sub]) => ({ connection: connection.number, sid, channel: sub.channel, tickers: new Set(sub.tickers), seq: sub.seq })),
      ),
    get openConnections() {
      return connections.size;
    },
    handshakes,

    waitFor(predicate, timeoutMs = 5000, what = 'condition') {
      return new Promise((resolve, reject) => {
        const check = (): boolean => {
          const value = predicate();
          if (value === undefined || value === null || value === false) return false;
          cleanup();
          resolve(value);
          return true;
        };
        const timer = setTimeout(() => {
          cleanup();
          reject(new Error(`fake-kalshi: timed out after ${timeoutMs} ms waiting for ${what}`));
        }, timeoutMs);
        const onChange = (): void => void check();
        const cleanup = (): void => {
          clearTimeout(timer);
          changes.off('change', onChange);
        };
        changes.on('change', onChange);
        check();
      });
    },
    waitForRequest(match, timeoutMs) {
      return fake.waitFor(() => requests.find(match), timeoutMs, 'a matching request');
    },
    waitForSubscribed(ticker, channel = 'orderbook_delta', timeoutMs) {
      return fake.waitFor(
        () => fake.subscriptions().find((sub) => sub.channel === channel && sub.tickers.has(ticker)),
        timeoutMs,
        `a ${channel} subscription holding ${ticker}`,
      );
    },

    async close() {
      if (closed) return;
      closed = true;
      for (const connection of connections) connection.socket.terminate();
      for (const response of hanging) response.destroy();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
      const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const socket of sockets) socket.destroy();
      await stopped;
    },
  };
  return fake;
}

/** A wire market with sensible defaults: an active binary market, the given fields on top. */
export function fakeMarket(ticker: string, fields: Partial<FakeMarket> = {}): FakeMarket {
  return {
    ticker,
    event_ticker: ticker.split('-').slice(0, 2).join('-') || ticker,
    market_type: 'binary',
    title: `Fake market ${ticker}`,
    yes_sub_title: 'Yes',
    no_sub_title: 'No',
    status: 'active',
    yes_bid_dollars: '0.4500',
    yes_ask_dollars: '0.4700',
    no_bid_dollars: '0.5300',
    no_ask_dollars: '0.5500',
    last_price_dollars: '0.4600',
    previous_price_dollars: '0.4400',
    volume_fp: '1000.00',
    volume_24h_fp: '100.00',
    open_interest_fp: '500.00',
    open_time: '2026-01-01T00:00:00Z',
    close_time: '2027-01-01T00:00:00Z',
    expected_expiration_time: '2027-01-01T00:00:00Z',
    latest_expiration_time: '2027-01-08T00:00:00Z',
    updated_time: new Date().toISOString(),
    created_time: '2026-01-01T00:00:00Z',
    result: '',
    ...fields,
  };
}

/**
 * One market quoted 0.41 / 0.45 (NO 0.55 / 0.59) whose book agrees (best YES bid 0.41): the
 * starting point of the tests where a listing held at the exchange races a book delta.
 */
export async function startOneMarketExchange(ticker: string): Promise<FakeKalshi> {
  const fake = await startFakeKalshi({
    markets: [
      fakeMarket(ticker, {
        yes_bid_dollars: '0.4100',
        yes_ask_dollars: '0.4500',
        no_bid_dollars: '0.5500',
        no_ask_dollars: '0.5900',
        volume_24h_fp: '300.00',
      }),
    ],
  });
  fake.setBook(ticker, {
    yes: [
      ['0.4000', '5.00'],
      ['0.4100', '12.00'],
    ],
    no: [['0.5500', '3.00']],
  });
  return fake;
}
