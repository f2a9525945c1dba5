/**
 * graphql-ws on the same port and path as HTTP. Operations run through yoga's envelop (same
 * schema, context, error masking and metrics plugins as HTTP). The server pings every socket at
 * KEEPALIVE_INTERVAL_MS and drops one that misses a pong, so dead clients do not pin subscriptions.
 *
 * The socket adapter is our own (graphql-ws's `makeServer`, not its `use/ws`): it owns the write
 * path, which is where a shared result's bytes are spliced into each subscriber's `next` message
 * (see result-json.ts), and it needs none of use/ws's own ping timer.
 */
import type { IncomingMessage, Server } from 'node:http';
import { GraphQLError, type ExecutionArgs } from 'graphql';
import { CloseCode, handleProtocols, makeServer } from 'graphql-ws';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import { isRecord } from '../core/is-record.js';
import type { Logger } from '../core/logger.js';
import { ErrorCode } from '../schema/errors.js';
import type { Metrics } from '../core/metrics.js';
import type { Access } from './access/access.js';
import type { Principal } from './access/principal.js';
import { closeFrame, connectionVerdict, type ConnectionVerdict } from './access/ws-access.js';
import type { LimitsConfig } from './limits/limits-config.js';
import { costRefusal } from './limits/operation-cost.js';
import { verifyWebSocketOrigin } from './limits/origins.js';
import { resolveSocketDocument } from './limits/persisted-operations.js';
import { subscriptionRefusal } from './limits/subscriptions-per-connection.js';
import { withRequestId } from './limits/use-error-request-id.js';
import { CLOSE_TOO_MANY_CONNECTIONS, rateLimitedError, TOO_MANY_CONNECTIONS_REASON } from './rate-limit/rate-limit-errors.js';
import type { RateLimits } from './rate-limit/rate-limits.js';
import { REQUEST_ID_HEADER, requestIdFrom } from './request-id.js';
import { SharedResultJson } from './result-json.js';
import { GRAPHQL_PATH, type GraphQLEnveloped, type NorthstarYoga } from './yoga.js';

/** Close code sent to clients when the server goes away (RFC 6455 "going away"). */
export const CLOSE_GOING_AWAY = 1001;
/**
 * Close code for a client that stayed behind: its unsent data stayed above
 * SLOW_CONSUMER_BUFFER_BYTES for longer than SLOW_CONSUMER_DEADLINE_MS. (4000–4999 are the
 * application's; graphql-ws uses 44xx, so this stays clear of them.)
 */
export const CLOSE_SLOW_CONSUMER = 4013;

export interface GraphQLWsServer {
  readonly clients: number;
  /** Closes every socket with 1001 and stops accepting upgrades. */
  close(drainTimeoutMs?: number): Promise<void>;
  /** Drops every socket still open, without a close handshake (shutdown: clients that did not answer close()). */
  terminate(): void;
}

type EnvelopedRoot = { execute: (args: ExecutionArgs) => unknown; subscribe: (args: ExecutionArgs) => unknown };

/** What each connection carries into graphql-ws's context (`ctx.extra`). */
interface SocketExtra {
  socket: WebSocket;
  request: IncomingMessage;
  /** Placeholder token → shared payload bytes, between `onNext` and the write of that message. */
  pendingPayloads: Map<string, Buffer>;
  /** Whom connection_init authenticated as (null: AUTH_MODE=off, or not yet). */
  principal: Principal | null;
  /** Why connection_init was refused, for the close frame (see access/ws-access.ts). */
  refusal: ConnectionVerdict | null;
  /** Frees the socket's slot of MAX_CONNECTIONS_PER_KEY (a no-op until it holds one). */
  releaseConnection: () => void;
}

export function attachGraphQLWs(options: {
  server: Server;
  yoga: NorthstarYoga;
  logger: Logger;
  metrics: Metrics;
  keepAliveIntervalMs: number;
  slowConsumer: { bufferBytes: number; deadlineMs: number };
  resultJson: SharedResultJson;
  /** Authenticates connection_init; a socket that does not is closed (4401/4403). */
  access: Access;
  /** Each `subscribe` spends one of its key's (and address's) rate; connections per key are capped (4429). None: no limits. */
  rateLimits?: RateLimits;
  /** Message size (1009), browser origins (403 at the upgrade), operations per socket, persisted ids, cost. */
  limits: LimitsConfig;
}): GraphQLWsServer {
  const { server, yoga, logger, metrics, keepAliveIntervalMs, slowConsumer, resultJson, access, limits } = options;
  const { rateLimits } = options;
  const wss = new WebSocketServer({
    server,
    path: GRAPHQL_PATH,
    // ws closes a socket whose message is larger with 1009 (message too big), before buffering it whole.
    maxPayload: limits.wsMaxPayloadBytes,
    verifyClient: verifyWebSocketOrigin(limits.corsOrigins, (origin) => logger.info({ origin }, 'WebSocket upgrade refused: origin not in CORS_ORIGINS')),
  });
  const alive = new WeakMap<WebSocket, boolean>();
  // Operations between subscribe and complete: shutdown waits for their `complete` messages to go out.
  let operations = 0;
  let drained: (() => void) | null = null;

  const graphqlWs = makeServer<Record<string, unknown> | undefined, SocketExtra>({
    connectionInitWaitTimeout: access.config.wsConnectionInitTimeoutMs,
    execute: (args) => (args.rootValue as EnvelopedRoot).execute(args) as never,
    subscribe: (args) => (args.rootValue as EnvelopedRoot).subscribe(args) as never,
    onSubscribe: async (ctx, _id, payload) => {
      if (rateLimits?.active) {
        // Refused with an `error` message: the socket and its other subscriptions live on.
        const admission = await rateLimits.admit(ctx.extra.principal, ctx.extra.request.socket.remoteAddress);
        if (!admission.ok) return [rateLimitedError(admission.limited, admission.retryAfterSeconds)];
      }
      const tooMany = subscriptionRefusal(Object.keys(ctx.subscriptions).length, limits.maxSubscriptionsPerConnection);
      if (tooMany) return [tooMany];
      const source = resolveSocketDocument(payload, limits);
      if ('error' in source) return [source.error];
      const enveloped: GraphQLEnveloped = yoga.getEnveloped({
        ...ctx,
        req: ctx.extra.request,
        socket: ctx.extra.socket,
        params: payload,
        socketRequestId: requestIdFrom(ctx.extra.request.headers[REQUEST_ID_HEADER]),
        socketPrincipal: ctx.extra.principal,
      });
      const { schema, execute, subscribe, contextFactory, parse, validate } = enveloped;
      let document;
      try {
        document = parse(source.query);
      } catch (error) {
        return [parseFailure(error)];
      }
      const errors = validate(schema, document);
      if (errors.length > 0) return errors;
      const tooCostly = costRefusal({ schema, document, operationName: payload.operationName, variableValues: payload.variables }, limits.query);
      if (tooCostly) return [tooCostly];
      operations += 1;
      return {
        schema,
        document,
        operationName: payload.operationName ?? null,
        variableValues: payload.variables ?? null,
        // The subscriber's own context: a query or mutation runs with it, a subscription only
        // subscribes with it (its events are resolved with contexts of their own, see
        // plugins/use-shared-subscription-results.ts), so its loaders never outlive one execution.
        contextValue: await contextFactory(),
        rootValue: { execute, subscribe } satisfies EnvelopedRoot,
      };
    },
    // A shared result goes out as its cached bytes; graphql-ws prints the rest itself.
    onNext: (ctx, _id, _payload, args, result) =>
      resultJson.placeholder(withRequestId(result, (args.contextValue as { requestId?: string } | undefined)?.requestId), ctx.extra.pendingPayloads) as never,
    onComplete: () => {
      operations -= 1;
      if (operations === 0) drained?.();
    },
    onConnect: (ctx) => {
      const verdict = connectionVerdict(access, ctx.connectionParams);
      if (!verdict.ok) {
        // graphql-ws closes with 4403 on false; the close wrapper below sends this verdict's code.
        ctx.extra.refusal = verdict;
        logger.info({ closeCode: verdict.code }, 'WebSocket refused at connection_init');
        return false;
      }
      const release = rateLimits ? rateLimits.openConnection(verdict.principal) : noRelease;
      if (!release) {
        ctx.extra.refusal = { ok: false, code: CLOSE_TOO_MANY_CONNECTIONS, reason: TOO_MANY_CONNECTIONS_REASON };
        logger.info(
          { closeCode: CLOSE_TOO_MANY_CONNECTIONS, keyId: verdict.principal?.keyId },
          'WebSocket refused at connection_init: too many connections for its key',
        );
        return false;
      }
      ctx.extra.releaseConnection = release;
      ctx.extra.principal = verdict.principal;
      metrics.subscriptionsActive.inc({ transport: 'ws-connection' });
      return true;
    },
    onClose: (ctx) => {
      // Counted only once acknowledged: a refused or never-initialised socket was never counted.
      if (ctx.acknowledged) metrics.subscriptionsActive.dec({ transport: 'ws-connection' });
    },
  });

  wss.options.handleProtocols = handleProtocols;
  // The WebSocket server re-emits its HTTP server's errors (a taken port, say). Those already reach
  // whoever called listen(); here they must only not go unhandled, which would kill the process.
  wss.on('error', (error) => logger.debug({ err: error }, 'WebSocket server error'));
  wss.on('connection', (socket, request) => {
    alive.set(socket, true);
    socket.on('pong', () => alive.set(socket, true));
    const extra: SocketExtra = { socket, request, pendingPayloads: new Map(), principal: null, refusal: null, releaseConnection: noRelease };
    const closed = graphqlWs.opened(
      {
        protocol: socket.protocol,
        send: (message) =>
          new Promise<void>((resolve, reject) => {
            const frame = SharedResultJson.frame(message, extra.pendingPayloads);
            if (socket.readyState !== socket.OPEN) return resolve();
            socket.send(frame, { binary: false }, (error) => (error ? reject(error) : resolve()));
          }),
        close: (code, reason) => {
          if (code === undefined) return socket.close();
          const frame = closeFrame(access, code, reason ?? '', extra.refusal);
          socket.close(frame.code, closeReason(frame.reason));
        },
        onMessage: (handle) =>
          socket.on('message', (data) => {
            const text = rawText(data);
            // graphql-ws throws on a well-formed message of a type only the server sends, which
            // would close with 4500 and log an error: it is the client's protocol error (4400).
            if (isServerToClientMessage(text)) return socket.close(CloseCode.BadRequest, 'Invalid message received');
            handle(text).catch((error: unknown) => {
              logger.error({ err: error }, 'graphql-ws message handling failed');
              socket.close(CloseCode.InternalServerError, 'Internal server error');
            });
          }),
      },
      extra,
    );
    socket.once('error', (error) => {
      logger.warn({ err: error }, 'WebSocket error');
      socket.close(CloseCode.InternalServerError, 'Internal server error');
    });
    socket.once('close', (code, reason) => {
      extra.releaseConnection();
      closed(code, reason.toString('utf8')).catch((error: unknown) => logger.error({ err: error }, 'graphql-ws close handling failed'));
    });
  });
  const heartbeat = setInterval(() => {
    for (const socket of wss.clients) {
      if (alive.get(socket) === false) {
        logger.debug('closing a WebSocket that missed its pong');
        socket.terminate();
        continue;
      }
      alive.set(socket, false);
      socket.ping();
    }
  }, keepAliveIntervalMs);
  heartbeat.unref();

  // Slow consumers. Subscriptions already coalesce (each subscriber's buffer keeps the newest
  // values, see core/pubsub.ts) and graphql-ws waits for each frame to be written before taking
  // the next, so a slow client costs bounded memory; one that stays behind is let go.
  const behindSince = new WeakMap<WebSocket, number>();
  const slowCheck = setInterval(
    () => {
      const now = Date.now();
      for (const socket of wss.clients) {
        if (socket.bufferedAmount <= slowConsumer.bufferBytes) {
          behindSince.delete(socket);
          continue;
        }
        const since = behindSince.get(socket) ?? now;
        behindSince.set(socket, since);
        if (now - since < slowConsumer.deadlineMs) continue;
        logger.warn({ bufferedBytes: socket.bufferedAmount, behindMs: now - since }, 'closing a slow WebSocket consumer');
        socket.close(CLOSE_SLOW_CONSUMER, 'slow consumer: could not keep up');
        metrics.slowConsumersClosed.inc();
        // The close frame waits behind the unsent data; do not wait for a client that is not reading.
        setTimeout(() => socket.terminate(), 5000).unref();
      }
    },
    Math.min(250, slowConsumer.deadlineMs),
  );
  slowCheck.unref();

  return {
    get clients() {
      return wss.clients.size;
    },
    /** Waits (bounded) for completed subscriptions to tell their clients, then closes with 1001. */
    async close(drainTimeoutMs = 1000) {
      clearInterval(heartbeat);
      clearInterval(slowCheck);
      if (operations > 0) {
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, drainTimeoutMs);
          drained = () => {
            clearTimeout(timer);
            resolve();
          };
        });
        // graphql-ws calls onComplete just BEFORE it sends that `complete` message: let the last
        // ones go out before the 1001 frames, or the client sees a close instead of a complete.
        await new Promise<void>((resolve) => setImmediate(resolve));
      }
      for (const socket of wss.clients) socket.close(CLOSE_GOING_AWAY, 'server shutting down');
      await new Promise<void>((resolve) => wss.close(() => resolve()));
    },
    terminate() {
      for (const socket of wss.clients) socket.terminate();
    },
  };
}

const noRelease = (): void => undefined;

function rawText(data: RawData): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  return Buffer.isBuffer(data) ? data.toString('utf8') : Buffer.from(data).toString('utf8');
}

/** The server-to-client message types: a client that sends one breaks the protocol. */
const SERVER_TO_CLIENT_TYPES: ReadonlySet<unknown> = new Set(['connection_ack', 'next', 'error']);

function isServerToClientMessage(text: string): boolean {
  // Only frames that could be one are parsed twice (here and in graphql-ws).
  if (!/"type"\s*:\s*"(connection_ack|next|error)"/.test(text)) return false;
  try {
    const message: unknown = JSON.parse(text);
    return isRecord(message) && SERVER_TO_CLIENT_TYPES.has(message.type);
  } catch {
    return false;
  }
}

/** A document that does not parse, coded as over HTTP (GRAPHQL_PARSE_FAILED): graphql's syntax error carries no code. */
function parseFailure(error: unknown): GraphQLError {
  if (!(error instanceof GraphQLError))
    return new GraphQLError(error instanceof Error ? error.message : String(error), { extensions: { code: ErrorCode.GRAPHQL_PARSE_FAILED } });
  return new GraphQLError(error.message, {
    ...(error.source ? { source: error.source } : {}),
    ...(error.positions ? { positions: error.positions } : {}),
    extensions: { ...error.extensions, code: error.extensions.code ?? ErrorCode.GRAPHQL_PARSE_FAILED },
  });
}

/** The most a close frame's reason may hold (RFC 6455: 125 bytes of payload, 2 of them the code); ws throws on more. */
const MAX_CLOSE_REASON_BYTES = 123;

/**
 * The reason cut to fit a close frame. graphql-ws puts the client's subscription id into the 4409
 * reason ("Subscriber for <id> already exists"): a long id made ws throw, and the socket closed with
 * 4500 instead of 4409.
 */
function closeReason(reason: string): string {
  if (Buffer.byteLength(reason) <= MAX_CLOSE_REASON_BYTES) return reason;
  const ellipsis = '…';
  let cut = reason.slice(0, MAX_CLOSE_REASON_BYTES);
  while (Buffer.byteLength(cut + ellipsis) > MAX_CLOSE_REASON_BYTES) cut = cut.slice(0, -1);
  // No lone half of a surrogate pair at the end.
  if (/[\ud800-\udbff]$/.test(cut)) cut = cut.slice(0, -1);
  return cut + ellipsis;
}
