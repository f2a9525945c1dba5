/**
 * Kalshi's WebSocket feed: ONE connection carrying every channel for every tracked market, and a
 * local order book per market kept from snapshot + deltas.
 *
 * - The handshake is signed (KALSHI-ACCESS-* over `GET <url path>`) on every (re)connect, because
 *   the timestamp must be fresh.
 * - One `subscribe` per connection covers all channels and tickers; later ticker changes go out as
 *   `update_subscription` add_markets / delete_markets, never as more connections.
 * - Sequence numbers are checked per sid. A gap on the order-book sid means a delta for SOME market
 *   on it was lost, and a sid spans every tracked market, so every book on that sid is dropped and
 *   re-requested with one `get_snapshot`; deltas for a dropped book are ignored until its snapshot.
 * - Error codes 10 and 25 end a subscription: the channel is subscribed again.
 * - A heartbeat watchdog: no frame and no ping for `heartbeatTimeoutMs` (≈ 3 missed 10 s pings)
 *   means a dead connection, which is terminated. Any loss of the connection reconnects after an
 *   exponential, fully jittered delay (backoff.ts) on the injected Clock, then subscribes afresh.
 * - Malformed frames are logged, counted and skipped; a malformed delta still advances the sid's
 *   sequence, and its book is resynced since a change to it could not be applied.
 * - Nothing on the frame path can throw out of the socket's handlers (which would be an uncaught
 *   exception): a callback that throws (onBook, onTicker, …) is logged and counted, and the frame's
 *   processing goes on; a frame whose processing throws anyway is logged and counted, its book (if
 *   it was a book's) resynced, and the connection kept for the next frames.
 *
 * Books exist only while they are known to be current: they are dropped on a gap (until the
 * snapshot) and on a lost connection (until the new subscription's snapshots).
 */
import { WebSocket, type RawData } from 'ws';
import type { Clock, TimerHandle } from '../../../core/clock.js';
import type { OrderBookRecord } from '../../../core/domain.js';
import type { Logger } from '../../../core/logger.js';
import type { Metrics } from '../../../core/metrics.js';
import { signKalshiRequest, type KalshiCredentials } from '../signing.js';
import { backoffDelayMs, type BackoffOptions } from '../../../core/backoff.js';
import { BookUpdateError, KalshiOrderBook } from './order-book.js';
import { readServerMessage, WsMessageShapeError } from './parse.js';
import {
  KALSHI_WS_CHANNELS,
  SEQUENCED_CHANNELS,
  TERMINAL_ERROR_CODES,
  type KalshiWsChannel,
  type KalshiWsCommand,
  type KalshiWsServerMessage,
  type OrderbookDeltaMessage,
  type OrderbookSnapshotMessage,
  type TickerMsg,
  type TradeMessage,
  type TradeMsg,
  type UpdateAction,
} from './protocol.js';

/** Reconnect waits: the first below 3 s, doubling to at most 30 s. */
export const DEFAULT_BACKOFF: BackoffOptions = { initialMs: 3000, maxMs: 30_000 };

export type KalshiWsFeedState = 'connecting' | 'open' | 'closed';

export interface KalshiWsFeedOptions {
  /** e.g. `wss://external-api-ws.kalshi.com/trade-api/ws/v2`, or the simulator's url. */
  url: string;
  /** Signs the handshake when set. @default null (unsigned) */
  credentials?: KalshiCredentials | null;
  clock: Clock;
  logger: Logger;
  /** Malformed frames are counted on `upstreamMalformedPayloads{source="kalshi"}`. */
  metrics?: Metrics;
  /** The markets to track; a function is called again on every (re)connect. */
  tickers: readonly string[] | (() => readonly string[]);
  /** @default ['orderbook_delta', 'ticker', 'trade'] */
  channels?: readonly KalshiWsChannel[];
  /** No frame and no ping for this long → the connection is dead. @default 35_000 (≈ 3 missed pings) */
  heartbeatTimeoutMs?: number;
  /** Reconnect delays. @default { initialMs: 3000, maxMs: 30_000 } */
  backoff?: BackoffOptions;
  /** A failed subscribe command is retried after this long. @default backoff.initialMs */
  subscribeRetryMs?: number;
  /**
   * A market added to the order-book sid whose snapshot has not come this long after add_markets
   * is asked for with `get_snapshot` (Kalshi documents the snapshot, but a lost one would leave the
   * book unserved for good). @default 5000
   */
  snapshotTimeoutMs?: number;
  /** Source of the jitter, in [0, 1). @default Math.random */
  random?: () => number;
  /** Every book after each snapshot or delta applied to it. */
  onBook?: (record: OrderBookRecord) => void;
  onTicker?: (msg: TickerMsg) => void;
  /** A trade of any market (the trade channel is subscribed for every market), with its place on the trade sid. */
  onTrade?: (msg: TradeMsg, position: { sid: number; seq: number }) => void;
  /** A gap on the trade sid: this many trades were lost. */
  onTradesLost?: (count: number) => void;
  onStateChange?: (state: KalshiWsFeedState, detail?: string) => void;
  /** A market's book was dropped (sequence gap, unusable delta) and a snapshot requested. */
  onResync?: (ticker: string) => void;
  onMalformed?: (text: string, error: Error) => void;
}

export interface KalshiWsFeedStats {
  /** Connections opened (the first included). */
  connects: number;
  /** Frames received. */
  messages: number;
  /** Server pings received (the heartbeat). */
  pings: number;
  malformed: number;
  /** Sequence gaps seen, on any sid. */
  seqGaps: number;
  /** Books dropped and re-requested (one per market per gap). */
  resyncs: number;
  /** Markets asked for with get_snapshot because no snapshot followed their add_markets. */
  snapshotRequests: number;
  /** Subscriptions renewed after a terminal error (10, 25). */
  resubscribes: number;
  /** Connections the watchdog terminated. */
  heartbeatTimeouts: number;
  /** Trades known lost: the sum of the gaps on the trade sid (the books are not affected). */
  tradesLost: number;
  /** Frames whose processing threw (a bug, not the upstream's fault): logged and skipped. */
  frameErrors: number;
  /** Other socket events and timers whose handling threw: logged; the feed went on. */
  handlerErrors: number;
  /** Calls to the `on…` callbacks that threw: logged; the feed went on. */
  callbackErrors: number;
}

/** The callbacks of KalshiWsFeedOptions, by name. */
type Callbacks = Required<Pick<KalshiWsFeedOptions, 'onBook' | 'onTicker' | 'onTrade' | 'onTradesLost' | 'onStateChange' | 'onResync' | 'onMalformed'>>;

/** Which counter a guarded handler's failure goes to. */
type HandlerKind = 'frameErrors' | 'handlerErrors';

type PendingCommand =
  | { cmd: 'subscribe'; channels: Set<KalshiWsChannel>; tickers: string[] }
  | { cmd: 'update_subscription'; sid: number; action: UpdateAction; tickers: string[] }
  | { cmd: 'unsubscribe' | 'list_subscriptions' };

interface LiveSubscription {
  channel: KalshiWsChannel;
  /** The subscribe command that created it: a terminal error may name the command, not the sid. */
  commandId: number;
  /** The markets the server holds on this sid, as far as our commands tell. */
  markets: Set<string>;
  /** Last sequence number seen; 0 before the first. */
  lastSeq: number;
}

/** Everything that lives and dies with one socket. */
interface Connection {
  readonly socket: WebSocket;
  opened: boolean;
  lastActivityAt: number;
  watchdog: TimerHandle | null;
  nextId: number;
  readonly pending: Map<number, PendingCommand>;
  readonly subs: Map<number, LiveSubscription>;
  readonly sidOf: Map<KalshiWsChannel, number>;
  /** Channels with a subscribe in flight. */
  readonly subscribing: Set<KalshiWsChannel>;
  /** Timers waiting for the snapshots of markets just added (cancelled with the connection). */
  readonly snapshotTimers: Set<TimerHandle>;
  lastError: string | null;
}

interface LocalBook {
  readonly book: KalshiOrderBook;
  seq: number;
  originAt: number;
}

export class KalshiWsFeed {
  private readonly clock: Clock;
  private readonly logger: Logger;
  private readonly channels: readonly KalshiWsChannel[];
  /** The trade channel is subscribed apart, for every market: see reconcileTradeChannel. */
  private readonly tradeChannel: boolean;
  private readonly heartbeatTimeoutMs: number;
  private readonly backoff: BackoffOptions;
  private readonly subscribeRetryMs: number;
  private readonly snapshotTimeoutMs: number;
  private readonly random: () => number;
  private readonly path: string;
  /** The markets we want tracked; the server's view per sid is in Connection.subs. */
  private desired = new Set<string>();
  private readonly local = new Map<string, LocalBook>();
  private connection: Connection | null = null;
  private reconnectTimer: TimerHandle | null = null;
  private retryTimer: TimerHandle | null = null;
  private attempt = 0;
  private running = false;
  private currentState: KalshiWsFeedState = 'closed';
  private readonly counters: KalshiWsFeedStats = {
    connects: 0,
    messages: 0,
    pings: 0,
    malformed: 0,
    seqGaps: 0,
    resyncs: 0,
    snapshotRequests: 0,
    resubscribes: 0,
    heartbeatTimeouts: 0,
    tradesLost: 0,
    frameErrors: 0,
    handlerErrors: 0,
    callbackErrors: 0,
  };

  constructor(private readonly options: KalshiWsFeedOptions) {
    this.clock = options.clock;
    this.logger = options.logger;
    const channels = [...new Set(options.channels ?? KALSHI_WS_CHANNELS)];
    this.tradeChannel = channels.includes('trade');
    this.channels = channels.filter((channel) => channel !== 'trade');
    this.heartbeatTimeoutMs = options.heartbeatTimeoutMs ?? 35_000;
    this.backoff = options.backoff ?? DEFAULT_BACKOFF;
    this.subscribeRetryMs = options.subscribeRetryMs ?? this.backoff.initialMs;
    this.snapshotTimeoutMs = options.snapshotTimeoutMs ?? 5000;
    this.random = options.random ?? Math.random;
    // The handshake is signed over the URL's path (`/trade-api/ws/v2` on the real host).
    this.path = new URL(options.url).pathname;
    if (typeof options.tickers !== 'function') this.desired = new Set(options.tickers);
  }

  get state(): KalshiWsFeedState {
    return this.currentState;
  }

  stats(): KalshiWsFeedStats {
    return { ...this.counters };
  }

  /** Opens the connection; it is kept open (reconnecting as needed) until stop(). */
  start(): void {
    if (this.running) return;
    this.running = true;
    this.connect();
  }

  /** Closes the connection; no reconnect follows. Resolves once the socket is closed. */
  async stop(): Promise<void> {
    this.running = false;
    this.reconnectTimer?.cancel();
    this.reconnectTimer = null;
    this.retryTimer?.cancel();
    this.retryTimer = null;
    const connection = this.connection;
    if (!connection) return;
    const closed = new Promise<void>((resolve) => connection.socket.once('close', () => resolve()));
    if (connection.socket.readyState === WebSocket.OPEN) {
      connection.socket.close(1000, 'client stopping');
      // A peer that never answers the close frame must not hold stop() up: real time, not the
      // injected clock, because this bounds I/O rather than modelling upstream behaviour.
      const fallback = setTimeout(() => connection.socket.terminate(), 2000);
      fallback.unref();
      await closed;
      clearTimeout(fallback);
    } else if (connection.socket.readyState !== WebSocket.CLOSED) {
      connection.socket.terminate();
      await closed;
    }
  }

  /** Replaces the tracked markets; the open connection's subscriptions follow with add/delete_markets. */
  setTickers(tickers: readonly string[]): void {
    this.desired = new Set(tickers);
    for (const ticker of this.local.keys()) if (!this.desired.has(ticker)) this.local.delete(ticker);
    this.reconcile();
  }

  /** Every book currently in sync with the exchange. */
  books(): OrderBookRecord[] {
    return [...this.local].map(([ticker, local]) => this.record(ticker, local));
  }

  book(ticker: string): OrderBookRecord | undefined {
    const local = this.local.get(ticker);
    return local && this.record(ticker, local);
  }

  /** The local book itself (read-only use): lets tests compare levels exactly. */
  localBook(ticker: string): KalshiOrderBook | undefined {
    return this.local.get(ticker)?.book;
  }

  // ---- connection lifecycle ----

  private setState(state: KalshiWsFeedState, detail?: string): void {
    this.currentState = state;
    this.notify('onStateChange', state, detail);
  }

  private connect(): void {
    this.reconnectTimer = null;
    if (!this.running) return;
    // A function is the source of truth and is asked again on every connect; a fixed list is
    // replaced only by setTickers().
    this.refreshDesired();
    const credentials = this.options.credentials ?? null;
    this.setState('connecting');
    let socket: WebSocket;
    try {
      // Signed afresh on every attempt: Kalshi rejects a timestamp more than a few seconds old.
      const headers = credentials ? signKalshiRequest(credentials, 'GET', this.path, this.clock.now()) : {};
      socket = new WebSocket(this.options.url, { headers });
    } catch (error) {
      // A URL `ws` refuses or a key that cannot sign: it will not get better by itself, but this
      // runs from a timer, so log it and keep the contract (retry later) rather than throw.
      this.logger.error({ err: error, url: this.options.url }, 'kalshi ws: cannot open socket');
      this.setState('closed', describe(error));
      this.scheduleReconnect();
      return;
    }
    const connection: Connection = {
      socket,
      opened: false,
      lastActivityAt: this.clock.now(),
      watchdog: null,
      nextId: 1,
      pending: new Map(),
      subs: new Map(),
      sidOf: new Map(),
      subscribing: new Set(),
      snapshotTimers: new Set(),
      lastError: null,
    };
    this.connection = connection;
    // Armed now, not at open: a handshake that hangs is as dead as a silent socket.
    this.armWatchdog(connection, this.heartbeatTimeoutMs);

    // Every handler runs through guard(): a throw in one must not become an uncaught exception.
    socket.on(
      'open',
      this.guard('open', () => {
        if (this.connection !== connection) return;
        connection.opened = true;
        connection.lastActivityAt = this.clock.now();
        this.attempt = 0;
        this.counters.connects += 1;
        this.logger.info({ url: this.options.url, markets: this.desired.size }, 'kalshi ws: connected');
        this.setState('open');
        this.reconcile();
      }),
    );
    socket.on(
      'message',
      this.guard(
        'message',
        (data: RawData, isBinary: boolean) => {
          if (this.connection !== connection) return;
          connection.lastActivityAt = this.clock.now();
          this.onFrame(connection, isBinary ? '' : rawText(data));
        },
        'frameErrors',
      ),
    );
    socket.on('ping', () => {
      // `ws` answers with a pong by itself; a ping is proof of life for the watchdog.
      if (this.connection !== connection) return;
      this.counters.pings += 1;
      connection.lastActivityAt = this.clock.now();
    });
    socket.on('error', (error) => {
      // 'close' always follows; the error only explains it (e.g. "Unexpected server response: 401").
      connection.lastError = describe(error);
      this.logger.warn({ err: error, url: this.options.url }, 'kalshi ws: socket error');
    });
    socket.on(
      'close',
      this.guard('close', (code: number, reason: Buffer) => {
        if (this.connection !== connection) return;
        connection.watchdog?.cancel();
        for (const timer of connection.snapshotTimers) timer.cancel();
        connection.snapshotTimers.clear();
        this.connection = null;
        this.retryTimer?.cancel();
        this.retryTimer = null;
        // Without the connection nothing keeps these books current.
        this.local.clear();
        const detail = connection.lastError ?? `closed with code ${code}${reason.length > 0 ? `: ${reason.toString('utf8')}` : ''}`;
        this.logger.info({ detail, running: this.running }, 'kalshi ws: disconnected');
        this.setState('closed', detail);
        if (this.running) this.scheduleReconnect();
      }),
    );
  }

  /**
   * Wraps an event handler or timer callback so that whatever it throws is logged and counted
   * instead of escaping into the event emitter (an uncaught exception).
   */
  private guard<A extends unknown[]>(what: string, handler: (...args: A) => void, counter: HandlerKind = 'handlerErrors'): (...args: A) => void {
    return (...args: A) => {
      try {
        handler(...args);
      } catch (error) {
        this.counters[counter] += 1;
        this.logger.error({ err: error, handler: what }, `kalshi ws: ${what} handler failed; the feed goes on`);
      }
    };
  }

  /** Asks a `tickers` function for the markets to track; if it throws, the current ones are kept. */
  private refreshDesired(): void {
    const tickers = this.options.tickers;
    if (typeof tickers !== 'function') return;
    try {
      this.desired = new Set(tickers());
    } catch (error) {
      this.counters.callbackErrors += 1;
      this.logger.error({ err: error, callback: 'tickers' }, 'kalshi ws: tickers callback threw; the tracked markets stay as they were');
    }
  }

  /** Calls a consumer's callback; one that throws is logged and counted, and the feed goes on. */
  private notify<K extends keyof Callbacks>(name: K, ...args: Parameters<Callbacks[K]>): void {
    const callback = this.options[name] as ((...a: Parameters<Callbacks[K]>) => void) | undefined;
    if (!callback) return;
    try {
      callback(...args);
    } catch (error) {
      this.counters.callbackErrors += 1;
      this.logger.error({ err: error, callback: name }, `kalshi ws: ${name} callback threw; the feed goes on`);
    }
  }

  private scheduleReconnect(): void {
    const delayMs = backoffDelayMs(this.attempt, this.backoff, this.random);
    this.attempt += 1;
    this.logger.info({ delayMs, attempt: this.attempt }, 'kalshi ws: reconnecting after a delay');
    this.reconnectTimer = this.clock.setTimeout(
      this.guard('reconnect', () => this.connect()),
      delayMs,
    );
  }

  private armWatchdog(connection: Connection, delayMs: number): void {
    connection.watchdog = this.clock.setTimeout(
      this.guard('watchdog', () => {
        if (this.connection !== connection) return;
        const idleMs = this.clock.now() - connection.lastActivityAt;
        if (idleMs < this.heartbeatTimeoutMs) {
          // Activity since arming: look again when the quiet period could next run out.
          this.armWatchdog(connection, this.heartbeatTimeoutMs - idleMs);
          return;
        }
        this.counters.heartbeatTimeouts += 1;
        connection.lastError = `no frame or ping for ${idleMs} ms`;
        this.logger.warn({ idleMs }, 'kalshi ws: heartbeat lost, terminating the connection');
        connection.socket.terminate();
      }),
      delayMs,
    );
  }

  // ---- commands ----

  private send(connection: Connection, command: Omit<KalshiWsCommand, 'id'>, pending: PendingCommand): number {
    const id = connection.nextId++;
    connection.pending.set(id, pending);
    connection.socket.send(JSON.stringify({ id, ...command }));
    this.logger.debug({ id, cmd: command.cmd }, 'kalshi ws: command sent');
    return id;
  }

  /**
   * Brings the server's subscriptions in line with the tracked markets: a subscribe for every
   * channel that has none (one command for all of them), add/delete_markets for the others.
   */
  private reconcile(): void {
    const connection = this.connection;
    if (!connection?.opened || connection.socket.readyState !== WebSocket.OPEN) return;
    const missing: KalshiWsChannel[] = [];
    for (const channel of this.channels) {
      const sid = connection.sidOf.get(channel);
      const sub = sid === undefined ? undefined : connection.subs.get(sid);
      if (sid === undefined || !sub) {
        if (!connection.subscribing.has(channel)) missing.push(channel);
        continue;
      }
      const add = [...this.desired].filter((ticker) => !sub.markets.has(ticker));
      const remove = [...sub.markets].filter((ticker) => !this.desired.has(ticker));
      if (add.length > 0) {
        for (const ticker of add) sub.markets.add(ticker);
        this.send(
          connection,
          { cmd: 'update_subscription', params: { sid, action: 'add_markets', market_tickers: add } },
          { cmd: 'update_subscription', sid, action: 'add_markets', tickers: add },
        );
        if (channel === 'orderbook_delta') this.awaitSnapshots(connection, sid, add);
      }
      if (remove.length > 0) {
        for (const ticker of remove) sub.markets.delete(ticker);
        this.send(
          connection,
          { cmd: 'update_subscription', params: { sid, action: 'delete_markets', market_tickers: remove } },
          { cmd: 'update_subscription', sid, action: 'delete_markets', tickers: remove },
        );
      }
    }
    // Nothing to ask for: without market_tickers, ticker and trade would mean "every market".
    if (missing.length === 0 || this.desired.size === 0) return this.reconcileTradeChannel(connection);
    const tickers = [...this.desired];
    for (const channel of missing) connection.subscribing.add(channel);
    this.send(
      connection,
      { cmd: 'subscribe', params: { channels: missing, market_tickers: tickers } },
      { cmd: 'subscribe', channels: new Set(missing), tickers },
    );
    this.reconcileTradeChannel(connection);
  }

  /**
   * Trades are followed for every market, not only the tracked books: one `subscribe` to `trade`
   * without market_tickers, a sid of its own that add/delete_markets never touch. (Candles and the
   * `trades` query need every market's prints.)
   */
  private reconcileTradeChannel(connection: Connection): void {
    if (!this.tradeChannel || connection.sidOf.has('trade') || connection.subscribing.has('trade')) return;
    connection.subscribing.add('trade');
    this.send(connection, { cmd: 'subscribe', params: { channels: ['trade'] } }, { cmd: 'subscribe', channels: new Set(['trade']), tickers: [] });
  }

  /**
   * A trade: forwarded with its place on the sid. A gap on the trade sid means trades were lost
   * (logged by checkSeq, counted here); no book depends on this sid, so nothing is resynced.
   */
  private onTradeMessage(connection: Connection, message: TradeMessage): void {
    const expected = (connection.subs.get(message.sid)?.lastSeq ?? 0) + 1;
    const verdict = this.checkSeq(connection, message.sid, message.seq);
    if (verdict === 'unknown') return;
    if (verdict === 'gap' && message.seq > expected) {
      this.counters.tradesLost += message.seq - expected;
      this.notify('onTradesLost', message.seq - expected);
    }
    this.notify('onTrade', message.msg, { sid: message.sid, seq: message.seq });
  }

  /**
   * After add_markets the server owes a snapshot of each added market; any still missing after
   * snapshotTimeoutMs (and still wanted) is asked for once with get_snapshot. Until then, and
   * after, the book is simply not held here, and the read model serves REST for it.
   */
  private awaitSnapshots(connection: Connection, sid: number, tickers: readonly string[]): void {
    const timer = this.clock.setTimeout(
      this.guard('snapshot wait', () => {
        connection.snapshotTimers.delete(timer);
        const sub = connection.subs.get(sid);
        if (this.connection !== connection || !sub) return;
        const late = tickers.filter((ticker) => this.desired.has(ticker) && sub.markets.has(ticker) && !this.local.has(ticker));
        if (late.length === 0) return;
        this.counters.snapshotRequests += late.length;
        this.logger.warn({ sid, markets: late.length }, 'kalshi ws: no snapshot after add_markets, requesting them');
        this.send(
          connection,
          { cmd: 'update_subscription', params: { sid, action: 'get_snapshot', market_tickers: late } },
          { cmd: 'update_subscription', sid, action: 'get_snapshot', tickers: late },
        );
      }),
      this.snapshotTimeoutMs,
    );
    connection.snapshotTimers.add(timer);
  }

  /** Drops the books of `tickers` and asks the order-book sid for fresh snapshots of them. */
  private resync(connection: Connection, sid: number, tickers: readonly string[], reason: string): void {
    const wanted = tickers.filter((ticker) => this.desired.has(ticker));
    for (const ticker of wanted) {
      this.local.delete(ticker);
      this.counters.resyncs += 1;
      this.notify('onResync', ticker);
    }
    if (wanted.length === 0) return;
    this.logger.warn({ sid, markets: wanted.length, reason }, 'kalshi ws: books dropped, requesting snapshots');
    this.send(
      connection,
      { cmd: 'update_subscription', params: { sid, action: 'get_snapshot', market_tickers: wanted } },
      { cmd: 'update_subscription', sid, action: 'get_snapshot', tickers: wanted },
    );
  }

  // ---- frames ----

  private onFrame(connection: Connection, text: string): void {
    this.counters.messages += 1;
    let message: KalshiWsServerMessage | null;
    try {
      message = readServerMessage(text);
    } catch (error) {
      this.malformed(connection, text, error instanceof Error ? error : new Error(String(error)));
      return;
    }
    if (message === null) return;
    try {
      this.dispatch(connection, message);
    } catch (error) {
      this.frameFailed(connection, message, text, asError(error));
    }
  }

  /**
   * A well-formed frame whose processing threw: a bug on our side. Logged and counted; a book it
   * was changing is in doubt, so it is dropped and asked for again. The connection is kept.
   */
  private frameFailed(connection: Connection, message: KalshiWsServerMessage, text: string, error: Error): void {
    this.counters.frameErrors += 1;
    this.logger.error({ err: error, type: message.type, frame: text.slice(0, 200) }, 'kalshi ws: processing a frame failed; frame skipped');
    if ((message.type === 'orderbook_snapshot' || message.type === 'orderbook_delta') && connection.subs.has(message.sid)) {
      this.resync(connection, message.sid, [message.msg.market_ticker], 'processing the frame failed');
    }
  }

  private dispatch(connection: Connection, message: KalshiWsServerMessage): void {
    switch (message.type) {
      case 'subscribed':
        return this.onSubscribed(connection, message.id, message.msg.channel, message.msg.sid);
      case 'ok':
      case 'unsubscribed':
        connection.pending.delete(message.id);
        return;
      case 'error':
        return this.onError(connection, message.id, message.sid, message.msg.code, message.msg.msg);
      case 'orderbook_snapshot':
      case 'orderbook_delta':
        return this.onBookMessage(connection, message);
      case 'ticker':
        if (connection.subs.has(message.sid)) this.notify('onTicker', message.msg);
        return;
      case 'trade':
        return this.onTradeMessage(connection, message);
    }
  }

  private malformed(connection: Connection, text: string, error: Error): void {
    this.counters.malformed += 1;
    this.options.metrics?.upstreamMalformedPayloads.inc({ source: 'kalshi' });
    this.notify('onMalformed', text, error);
    this.logger.warn({ err: error, frame: text.slice(0, 200) }, 'kalshi ws: malformed frame skipped');
    // A sequenced frame we could not use is a lost one: keep the count straight and, on the
    // order-book sid, resync (its content may have been a change to any of the sid's books).
    if (error instanceof WsMessageShapeError && error.sid !== undefined && error.seq !== undefined) {
      const sub = connection.subs.get(error.sid);
      if (!sub) return;
      sub.lastSeq = error.seq;
      if (sub.channel === 'orderbook_delta') this.resync(connection, error.sid, [...sub.markets], 'malformed order-book frame');
    }
  }

  private onSubscribed(connection: Connection, id: number, channel: KalshiWsChannel, sid: number): void {
    const pending = connection.pending.get(id);
    const markets = pending?.cmd === 'subscribe' ? pending.tickers : [];
    connection.subs.set(sid, { channel, commandId: id, markets: new Set(markets), lastSeq: 0 });
    connection.sidOf.set(channel, sid);
    connection.subscribing.delete(channel);
    if (pending?.cmd === 'subscribe') {
      pending.channels.delete(channel);
      if (pending.channels.size === 0) connection.pending.delete(id);
    }
    this.logger.debug({ channel, sid }, 'kalshi ws: subscribed');
    // The tracked markets may have changed while the subscribe was in flight.
    this.reconcile();
  }

  private onError(connection: Connection, id: number | undefined, sid: number | undefined, code: number, text: string): void {
    if (TERMINAL_ERROR_CODES.has(code)) {
      // The subscription is named by `sid` (the simulator does so), or else by the id of the
      // subscribe command that created it (Kalshi's documented error shape carries only `id`).
      const ended = [...connection.subs].filter(([liveSid, sub]) => (sid !== undefined ? liveSid === sid : id !== undefined && sub.commandId === id));
      if (ended.length > 0) {
        for (const [liveSid, sub] of ended) this.endSubscription(connection, liveSid, sub, code, text);
        if (sid === undefined) {
          // Named by command, the error may concern only one of its channels: end them all on the
          // server too (an "unknown sid" answer for the one already gone is harmless), so the
          // resubscription below does not leave duplicates streaming.
          const sids = ended.map(([liveSid]) => liveSid);
          this.send(connection, { cmd: 'unsubscribe', params: { sids } }, { cmd: 'unsubscribe' });
        }
        this.reconcile();
        return;
      }
    } else if (sid !== undefined && connection.subs.has(sid)) {
      this.logger.warn({ sid, code, msg: text }, 'kalshi ws: subscription error');
      return;
    }
    const pending = id === undefined ? undefined : connection.pending.get(id);
    if (id !== undefined) connection.pending.delete(id);
    this.logger.warn({ id, code, msg: text, cmd: pending?.cmd }, 'kalshi ws: command refused');
    if (pending?.cmd === 'subscribe') {
      // E.g. a market that no longer exists: try again later with the then-current tickers.
      for (const channel of pending.channels) connection.subscribing.delete(channel);
      this.retryTimer?.cancel();
      this.retryTimer = this.clock.setTimeout(
        this.guard('subscribe retry', () => {
          this.retryTimer = null;
          this.refreshDesired();
          this.reconcile();
        }),
        this.subscribeRetryMs,
      );
    } else if (pending?.cmd === 'update_subscription' && pending.action === 'add_markets') {
      // The server did not take them; record that, so the next reconcile asks again.
      const live = connection.subs.get(pending.sid);
      for (const ticker of pending.tickers) live?.markets.delete(ticker);
    }
  }

  /** The server sends nothing more on this sid: forget it (reconcile() then subscribes the channel again). */
  private endSubscription(connection: Connection, sid: number, sub: LiveSubscription, code: number, text: string): void {
    this.logger.warn({ sid, channel: sub.channel, code, msg: text }, 'kalshi ws: subscription ended by the server, subscribing again');
    connection.subs.delete(sid);
    if (connection.sidOf.get(sub.channel) === sid) connection.sidOf.delete(sub.channel);
    if (sub.channel === 'orderbook_delta') for (const ticker of sub.markets) this.local.delete(ticker);
    this.counters.resubscribes += 1;
  }

  /** 'ok', 'gap' (the message arrived, but some before it did not), or 'unknown' (not our sid). */
  private checkSeq(connection: Connection, sid: number, seq: number): 'ok' | 'gap' | 'unknown' {
    const sub = connection.subs.get(sid);
    if (!sub) return 'unknown';
    if (!SEQUENCED_CHANNELS.has(sub.channel)) return 'ok';
    const expected = sub.lastSeq + 1;
    sub.lastSeq = seq;
    if (seq === expected) return 'ok';
    this.counters.seqGaps += 1;
    this.logger.warn({ sid, channel: sub.channel, expected, received: seq }, 'kalshi ws: sequence gap');
    return 'gap';
  }

  private onBookMessage(connection: Connection, message: OrderbookSnapshotMessage | OrderbookDeltaMessage): void {
    const verdict = this.checkSeq(connection, message.sid, message.seq);
    if (verdict === 'unknown') return;
    const sub = connection.subs.get(message.sid)!;
    if (verdict === 'gap') {
      this.resync(connection, message.sid, [...sub.markets], `expected seq ${message.seq - 1}, got ${message.seq}`);
      return;
    }
    const ticker = message.msg.market_ticker;
    if (!this.desired.has(ticker)) return;
    const now = this.clock.now();
    if (message.type === 'orderbook_snapshot') {
      const book = new KalshiOrderBook();
      try {
        book.applySnapshotMsg(message.msg);
      } catch (error) {
        this.malformed(connection, JSON.stringify(message), asError(error));
        this.resync(connection, message.sid, [ticker], 'unusable snapshot');
        return;
      }
      const local: LocalBook = { book, seq: message.seq, originAt: now };
      this.local.set(ticker, local);
      this.publish(ticker, local);
      return;
    }
    const local = this.local.get(ticker);
    // No book: its snapshot is still on the way, and will include this change.
    if (!local) return;
    try {
      local.book.applyDeltaMsg(message.msg);
    } catch (error) {
      if (!(error instanceof BookUpdateError)) throw error;
      this.malformed(connection, JSON.stringify(message), error);
      this.resync(connection, message.sid, [ticker], 'unusable delta');
      return;
    }
    local.seq = message.seq;
    local.originAt = typeof message.msg.ts_ms === 'number' ? message.msg.ts_ms : now;
    this.publish(ticker, local);
  }

  private publish(ticker: string, local: LocalBook): void {
    this.notify('onBook', this.record(ticker, local));
  }

  private record(ticker: string, local: LocalBook): OrderBookRecord {
    return local.book.toRecord(ticker, local.seq, this.clock.now(), local.originAt);
  }
}

function rawText(data: RawData): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  return Buffer.isBuffer(data) ? data.toString('utf8') : Buffer.from(data).toString('utf8');
}

function asError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
