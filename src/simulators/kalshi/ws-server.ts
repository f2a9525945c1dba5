/**
 * A local stand-in for Kalshi's WebSocket feed (`wss://…/trade-api/ws/v2`), on the `ws` package
 * over node:http: the same path, signed handshake, commands, replies, envelopes, sequence numbers
 * and error codes, so pointing the feed at the real host is a configuration change only.
 *
 * It serves the SAME KalshiMarketModel the REST simulator serves (pass `model`), so the two agree.
 * The model has no change log: on every step the server diffs each subscribed market's book against
 * the book it last published (ws-payloads.ts) and sends the difference as deltas. A new
 * subscription first brings every existing one up to date, then gets a snapshot of the now-current
 * book; so a client applying snapshot + deltas always holds exactly `model.orderbook(ticker)` once
 * the server has published (after its step timer fires, or after `sync()`).
 *
 * Faults (ws-faults.ts) exercise the client's recovery paths over a real socket.
 */
import { listen } from '../../core/listen.js';
import { createServer, STATUS_CODES, type IncomingMessage } from 'node:http';
import type { KeyObject } from 'node:crypto';
import type { Duplex } from 'node:stream';
import { WebSocket, WebSocketServer, type RawData } from 'ws';
import { systemClock, type Clock, type TimerHandle } from '../../core/clock.js';
import { silentLogger, type Logger } from '../../core/logger.js';
import { verifyKalshiSignature } from '../../sources/kalshi/signing.js';
import {
  KALSHI_WS_PATH,
  WS_ERROR,
  type ErrorReply,
  type KalshiWsChannel,
  type KalshiWsServerMessage,
  type SubscriptionInfo,
} from '../../sources/kalshi/ws/protocol.js';
import { KalshiMarketModel, type KalshiMarketModelOptions, type SimTrade } from './market-model.js';
import { errorPayload } from './payloads.js';
import { readCommand, type SimCommand } from './ws-commands.js';
import type { KalshiWsFault } from './ws-faults.js';
import { currentBook, deltaMsg, diffBooks, snapshotMsg, tickerMsg, tickerState, tradeMsg, type PublishedBook, type TickerState } from './ws-payloads.js';

export { parseKalshiWsFault, type KalshiWsFault } from './ws-faults.js';

export interface KalshiWsSimulatorOptions {
  /** The market model to serve; share the REST simulator's so REST and WS agree. @default a new model */
  model?: KalshiMarketModel;
  /** Drives model steps, pings and handshake timestamp checks. @default systemClock */
  clock?: Clock;
  /** When set, the upgrade must carry a valid KALSHI-ACCESS-* signature over `GET /trade-api/ws/v2`, or gets 401. */
  publicKey?: KeyObject;
  /** How far a signed timestamp may be from the clock. @default 5000 (signing.ts) */
  maxSignatureSkewMs?: number;
  /** Server pings every socket this often, as Kalshi does. @default 10_000 */
  pingIntervalMs?: number;
  /** Steps the model and publishes changes this often; 0 = only on `sync()`. @default the model's tickMs */
  stepIntervalMs?: number;
  /** Seed and settings of the model created when none is passed. */
  seed?: number;
  modelOptions?: Omit<KalshiMarketModelOptions, 'startAtMs' | 'seed'>;
  logger?: Logger;
  /** @default 0 (an ephemeral port) */
  port?: number;
  /** @default '127.0.0.1' */
  host?: string;
}

export interface KalshiWsSimulator {
  /** e.g. `ws://127.0.0.1:54321/trade-api/ws/v2` */
  readonly url: string;
  readonly port: number;
  readonly model: KalshiMarketModel;
  /** Open sockets. */
  connections(): number;
  /** Each open socket's subscriptions, as list_subscriptions would answer: lets tests check the server's view. */
  subscriptions(): SubscriptionInfo[][];
  /** Publishes whatever changed in the model since the last publish (the step timer does this too). */
  sync(): void;
  injectFault(fault: KalshiWsFault): void;
  clearFault(): void;
  /** Terminates every open socket. */
  dropAll(): void;
  /** Terminates sockets, stops timers and closes the listener. */
  close(): Promise<void>;
}

interface Subscription {
  readonly sid: number;
  readonly channel: KalshiWsChannel;
  /** null = every market (ticker and trade subscribed without market_tickers). */
  readonly markets: Set<string> | null;
  /** The subscribe command that created it. */
  readonly commandId: number;
  /** Last sequence number sent on this sid. */
  seq: number;
}

interface Session {
  readonly socket: WebSocket;
  readonly subs: Map<number, Subscription>;
  nextSid: number;
  /** Under a `silence` fault: nothing is sent, but sequence numbers still advance (messages are "lost"). */
  silent: boolean;
}

const ERROR_TEXT: Record<10 | 25, string> = { 10: 'Channel error', 25: 'Buffer overflow' };

export async function startKalshiWsSimulator(options: KalshiWsSimulatorOptions = {}): Promise<KalshiWsSimulator> {
  const clock = options.clock ?? systemClock;
  const logger = options.logger ?? silentLogger;
  const pingIntervalMs = options.pingIntervalMs ?? 10_000;
  const model =
    options.model ??
    new KalshiMarketModel({
      ...options.modelOptions,
      startAtMs: clock.now(),
      ...(options.seed === undefined ? {} : { seed: options.seed }),
      ...(options.stepIntervalMs ? { tickMs: options.stepIntervalMs } : {}),
    });
  const stepIntervalMs = options.stepIntervalMs ?? model.tickMs;

  const sessions = new Set<Session>();
  /** Books as last published, for every market some order-book subscription holds. */
  const published = new Map<string, PublishedBook>();
  /** Ticker fields as last published, for every market some ticker subscription covers. */
  const tickers = new Map<string, TickerState>();
  /** Trades up to this model sequence number have been published. */
  let lastTradeSeq = model.recentTrades()[0]?.seq ?? 0;

  let gapBudget = 0;
  let pendingError: { code: 10 | 25; sid?: number; namedBy: 'sid' | 'id' } | null = null;
  let rejectHandshake: { status: 401 | 503; remaining: number } | null = null;
  let closed = false;

  const send = (session: Session, message: KalshiWsServerMessage): void => {
    if (session.silent || session.socket.readyState !== WebSocket.OPEN) return;
    session.socket.send(JSON.stringify(message));
  };

  const nextSeq = (sub: Subscription, isDelta: boolean): number => {
    sub.seq += 1;
    if (isDelta && gapBudget > 0) {
      // The seq-gap fault: this delta arrives with one number skipped, as if one had been lost.
      gapBudget -= 1;
      sub.seq += 1;
    }
    return sub.seq;
  };

  const covers = (sub: Subscription, ticker: string): boolean => sub.markets === null || sub.markets.has(ticker);

  const subsOf = (channel: KalshiWsChannel): [Session, Subscription][] => {
    const found: [Session, Subscription][] = [];
    for (const session of sessions) for (const sub of session.subs.values()) if (sub.channel === channel) found.push([session, sub]);
    return found;
  };

  const publishedBook = (ticker: string): PublishedBook => {
    let book = published.get(ticker);
    if (!book) {
      book = currentBook(model.getState(ticker));
      published.set(ticker, book);
    }
    return book;
  };

  const sendSnapshot = (session: Session, sub: Subscription, ticker: string): void => {
    send(session, { type: 'orderbook_snapshot', sid: sub.sid, seq: nextSeq(sub, false), msg: snapshotMsg(ticker, publishedBook(ticker)) });
  };

  const watchTicker = (ticker: string): void => {
    if (!tickers.has(ticker)) tickers.set(ticker, tickerState(model.getState(ticker)));
  };

  /** Ends one subscription with a terminal error; it then receives nothing more. */
  const applyPendingError = (): void => {
    if (!pendingError) return;
    const { code, sid, namedBy } = pendingError;
    for (const session of sessions) {
      for (const sub of session.subs.values()) {
        if (sid === undefined ? sub.channel !== 'orderbook_delta' : sub.sid !== sid) continue;
        const msg = { code, msg: ERROR_TEXT[code] };
        const reply: ErrorReply = namedBy === 'id' ? { type: 'error', id: sub.commandId, msg } : { type: 'error', sid: sub.sid, msg };
        send(session, reply);
        session.subs.delete(sub.sid);
        pendingError = null;
        logger.debug({ sid: sub.sid, code }, 'kalshi ws simulator: injected terminal error');
        return;
      }
    }
  };

  /** Publishes every change since the last publish: book deltas, ticker changes, new trades. */
  const sync = (): void => {
    if (closed) return;
    applyPendingError();
    const now = clock.now();

    // Order books: diff each held market against what was last published.
    const bookSubs = subsOf('orderbook_delta');
    const held = new Set<string>();
    for (const [, sub] of bookSubs) for (const ticker of sub.markets ?? []) held.add(ticker);
    for (const ticker of published.keys()) if (!held.has(ticker)) published.delete(ticker);
    for (const ticker of held) {
      const before = publishedBook(ticker);
      const after = currentBook(model.getState(ticker));
      const changes = diffBooks(before, after);
      if (changes.length === 0) continue;
      published.set(ticker, after);
      const receivers = bookSubs.filter(([, sub]) => covers(sub, ticker));
      for (const change of changes) {
        const msg = deltaMsg(ticker, change, now);
        for (const [session, sub] of receivers) send(session, { type: 'orderbook_delta', sid: sub.sid, seq: nextSeq(sub, true), msg });
      }
    }

    // Ticker: a message when bid, ask or last moved; markets first seen are only recorded.
    const tickerSubs = subsOf('ticker');
    const watched = new Set<string>();
    const everyMarket = tickerSubs.some(([, sub]) => sub.markets === null);
    if (everyMarket) for (const market of model.listStates()) watched.add(market.ticker);
    for (const [, sub] of tickerSubs) for (const ticker of sub.markets ?? []) watched.add(ticker);
    for (const ticker of tickers.keys()) if (!watched.has(ticker)) tickers.delete(ticker);
    for (const ticker of watched) {
      const market = model.getState(ticker);
      const state = tickerState(market);
      const before = tickers.get(ticker);
      tickers.set(ticker, state);
      if (!before || (before.bidCents === state.bidCents && before.askCents === state.askCents && before.lastCents === state.lastCents)) continue;
      const msg = tickerMsg(ticker, market, now);
      for (const [session, sub] of tickerSubs) if (covers(sub, ticker)) send(session, { type: 'ticker', sid: sub.sid, msg });
    }

    // Trades printed since the last publish, oldest first. recentTrades() is newest first.
    const fresh: SimTrade[] = [];
    for (const trade of model.recentTrades()) {
      if (trade.seq <= lastTradeSeq) break;
      fresh.push(trade);
    }
    if (fresh.length > 0) {
      lastTradeSeq = fresh[0]!.seq;
      const tradeSubs = subsOf('trade');
      for (const trade of fresh.reverse()) {
        const msg = tradeMsg(trade);
        for (const [session, sub] of tradeSubs) {
          if (covers(sub, trade.ticker)) send(session, { type: 'trade', sid: sub.sid, seq: nextSeq(sub, false), msg });
        }
      }
    }
  };

  const commandError = (session: Session, id: number | undefined, code: number, msg: string): void => {
    send(session, id === undefined ? { type: 'error', msg: { code, msg } } : { type: 'error', id, msg: { code, msg } });
  };

  const listOf = (session: Session): SubscriptionInfo[] =>
    [...session.subs.values()].map((sub) =>
      sub.markets === null ? { channel: sub.channel, sid: sub.sid } : { channel: sub.channel, sid: sub.sid, market_tickers: [...sub.markets] },
    );

  const unknownMarkets = (markets: readonly string[]): string[] => markets.filter((ticker) => model.getState(ticker) === undefined);

  const handle = (session: Session, command: SimCommand): void => {
    switch (command.cmd) {
      case 'subscribe': {
        const missing = unknownMarkets(command.marketTickers ?? []);
        if (missing.length > 0) return commandError(session, command.id, WS_ERROR.marketNotFound, `Market not found: ${missing.join(',')}`);
        // Bring existing subscriptions up to date first, so the snapshot below is the model's book
        // and the published one at once; later deltas then apply on top of it.
        sync();
        for (const channel of command.channels) {
          const sub: Subscription = {
            sid: session.nextSid++,
            channel,
            markets: command.marketTickers ? new Set(command.marketTickers) : null,
            commandId: command.id,
            seq: 0,
          };
          session.subs.set(sub.sid, sub);
          send(session, { type: 'subscribed', id: command.id, msg: { channel, sid: sub.sid } });
          if (channel === 'orderbook_delta') for (const ticker of sub.markets ?? []) sendSnapshot(session, sub, ticker);
          if (channel === 'ticker') for (const ticker of sub.markets ?? []) watchTicker(ticker);
        }
        return;
      }
      case 'unsubscribe':
        for (const sid of command.sids) {
          if (!session.subs.delete(sid)) commandError(session, command.id, WS_ERROR.unknownSid, `Unknown subscription ID: ${sid}`);
          else send(session, { type: 'unsubscribed', id: command.id, sid });
        }
        return;
      case 'update_subscription': {
        const sub = session.subs.get(command.sid);
        if (!sub) return commandError(session, command.id, WS_ERROR.unknownSid, `Unknown subscription ID: ${command.sid}`);
        const ok = (): void => send(session, { type: 'ok', id: command.id, sid: sub.sid, seq: sub.seq, msg: { market_tickers: [...(sub.markets ?? [])] } });
        if (command.action === 'get_snapshot') {
          if (sub.channel !== 'orderbook_delta')
            return commandError(session, command.id, WS_ERROR.unsupportedAction, 'get_snapshot needs an orderbook_delta subscription');
          const wanted = (command.marketTickers ?? [...(sub.markets ?? [])]).filter((ticker) => covers(sub, ticker));
          sync();
          ok();
          for (const ticker of wanted) sendSnapshot(session, sub, ticker);
          return;
        }
        const held = sub.markets;
        if (held === null) return commandError(session, command.id, WS_ERROR.invalidParameter, 'This subscription covers every market');
        const markets = command.marketTickers ?? [];
        if (command.action === 'delete_markets') {
          for (const ticker of markets) held.delete(ticker);
          ok();
          return;
        }
        const missing = unknownMarkets(markets);
        if (missing.length > 0) return commandError(session, command.id, WS_ERROR.marketNotFound, `Market not found: ${missing.join(',')}`);
        sync();
        const added = markets.filter((ticker) => !held.has(ticker));
        for (const ticker of added) held.add(ticker);
        ok();
        if (sub.channel === 'orderbook_delta') for (const ticker of added) sendSnapshot(session, sub, ticker);
        if (sub.channel === 'ticker') for (const ticker of added) watchTicker(ticker);
        return;
      }
      case 'list_subscriptions': {
        send(session, { type: 'ok', id: command.id, msg: listOf(session) });
        return;
      }
    }
  };

  const onConnection = (socket: WebSocket): void => {
    const session: Session = { socket, subs: new Map(), nextSid: 1, silent: false };
    sessions.add(session);
    logger.debug({ connections: sessions.size }, 'kalshi ws simulator: client connected');
    socket.on('message', (data: RawData, isBinary: boolean) => {
      if (closed || session.silent) return;
      const read = readCommand(isBinary ? '' : rawText(data));
      if (!read.ok) return commandError(session, read.error.id, read.error.code, read.error.msg);
      try {
        handle(session, read.command);
      } catch (error) {
        logger.error({ err: error }, 'kalshi ws simulator: command failed');
        commandError(session, read.command.id, WS_ERROR.internalError, 'Internal error');
      }
    });
    socket.on('error', (error) => logger.debug({ err: error }, 'kalshi ws simulator: socket error'));
    socket.on('close', () => {
      sessions.delete(session);
      logger.debug({ connections: sessions.size }, 'kalshi ws simulator: client gone');
    });
  };

  const wss = new WebSocketServer({ noServer: true });
  const server = createServer((_req, res) => {
    // Only upgrades are served here, as on the real host.
    const body = JSON.stringify(errorPayload('upgrade_required', 'this endpoint speaks WebSocket only'));
    res.writeHead(426, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), upgrade: 'websocket' });
    res.end(body);
  });

  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    if (closed) return void socket.destroy();
    if (rejectHandshake) {
      const { status } = rejectHandshake;
      if (--rejectHandshake.remaining <= 0) rejectHandshake = null;
      return rejectUpgrade(socket, status, errorPayload('injected_fault', `injected ${status}`));
    }
    const path = new URL(req.url ?? '/', 'http://simulator.invalid').pathname;
    if (path !== KALSHI_WS_PATH) return rejectUpgrade(socket, 404, errorPayload('not_found', 'route not found'));
    if (options.publicKey) {
      const verdict = verifyKalshiSignature(options.publicKey, req.headers, 'GET', KALSHI_WS_PATH, {
        nowMs: clock.now(),
        ...(options.maxSignatureSkewMs === undefined ? {} : { maxSkewMs: options.maxSignatureSkewMs }),
      });
      if (!verdict.ok) {
        logger.debug({ reason: verdict.reason }, 'kalshi ws simulator: handshake refused');
        return rejectUpgrade(socket, 401, errorPayload('unauthorized', 'authentication failed', verdict.reason));
      }
    }
    wss.handleUpgrade(req, socket, head, onConnection);
  });

  // Timers: the model step (+ publish) and the heartbeat. systemClock timers never hold the process.
  let stepTimer: TimerHandle | null = null;
  let pingTimer: TimerHandle | null = null;
  const scheduleStep = (): void => {
    if (stepIntervalMs <= 0) return;
    stepTimer = clock.setTimeout(() => {
      if (closed) return;
      model.step(clock.now());
      sync();
      scheduleStep();
    }, stepIntervalMs);
  };
  const schedulePing = (): void => {
    pingTimer = clock.setTimeout(() => {
      if (closed) return;
      for (const session of sessions) if (!session.silent && session.socket.readyState === WebSocket.OPEN) session.socket.ping();
      schedulePing();
    }, pingIntervalMs);
  };
  scheduleStep();
  schedulePing();

  const { port, authority } = await listen(server, options.port ?? 0, options.host ?? '127.0.0.1');
  const url = `ws://${authority}${KALSHI_WS_PATH}`;
  logger.info({ url }, 'kalshi WebSocket simulator listening');

  const dropAll = (): void => {
    for (const session of sessions) session.socket.terminate();
  };

  return {
    url,
    port,
    model,
    connections: () => sessions.size,
    subscriptions: () => [...sessions].map(listOf),
    sync,
    injectFault(fault) {
      switch (fault.kind) {
        case 'drop':
          dropAll();
          return;
        case 'seq-gap':
          gapBudget = fault.times ?? 1;
          return;
        case 'error-code':
          pendingError = { code: fault.code, namedBy: fault.namedBy ?? 'sid', ...(fault.sid === undefined ? {} : { sid: fault.sid }) };
          applyPendingError();
          return;
        case 'silence':
          for (const session of sessions) session.silent = true;
          return;
        case 'reject-handshake':
          rejectHandshake = { status: fault.status, remaining: fault.times ?? Number.POSITIVE_INFINITY };
          return;
        case 'malformed':
          for (const session of sessions) {
            if (!fault.sequenced) {
              if (!session.silent && session.socket.readyState === WebSocket.OPEN)
                session.socket.send('{"type":"orderbook_delta","sid":1,"seq": this is not json');
              continue;
            }
            const sub = [...session.subs.values()].find((candidate) => candidate.channel === 'orderbook_delta');
            const ticker = sub?.markets?.values().next().value;
            if (!sub || ticker === undefined) continue;
            const msg = { ...deltaMsg(ticker, { side: 'yes', priceCents: 50, deltaHundredths: 100 }, clock.now()), price_dollars: 'fifty cents' };
            send(session, { type: 'orderbook_delta', sid: sub.sid, seq: nextSeq(sub, false), msg });
          }
          return;
      }
    },
    clearFault() {
      gapBudget = 0;
      pendingError = null;
      rejectHandshake = null;
      for (const session of sessions) session.silent = false;
    },
    dropAll,
    async close() {
      if (closed) return;
      closed = true;
      stepTimer?.cancel();
      pingTimer?.cancel();
      dropAll();
      sessions.clear();
      wss.close();
      await new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      });
    },
  };
}

function rawText(data: RawData): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  return Buffer.isBuffer(data) ? data.toString('utf8') : Buffer.from(data).toString('utf8');
}

/** Answers an upgrade with a plain HTTP error, as a proxy or the exchange would. */
function rejectUpgrade(socket: Duplex, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  socket.once('finish', () => socket.destroy());
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? 'Error'}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(text)}\r\nConnection: close\r\n\r\n${text}`,
  );
}
