/**
 * The node:http server: plain routes first, then the dashboard's files (`/`, `/assets/…`), then
 * everything else to yoga (which answers 404 outside /graphql). Every request is timed for Prometheus and carries an x-request-id.
 *
 * It also knows which requests are in flight, for graceful shutdown: `stopAccepting()` closes the
 * listener and answers anything that still arrives on a kept-alive connection with 503;
 * `drained()` waits for the ordinary requests in flight (a query whose upstream is slow gets to
 * finish) but not for subscription streams, which only end when their subscriptions are completed
 * (`streamsEnded()` waits for those); `close()` cuts whatever is left.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Logger } from '../core/logger.js';
import type { Metrics } from '../core/metrics.js';
import type { DashboardStatic } from './dashboard-static.js';
import type { PlainRoute } from './http-endpoints.js';
import { REQUEST_ID_HEADER, requestIdFrom } from './request-id.js';
import { GRAPHQL_PATH, type NorthstarYoga } from './yoga.js';

export interface NorthstarHttpServer {
  readonly server: Server;
  /** Requests whose response has not ended; `streams` of them are open subscription streams. */
  inFlight(): { requests: number; streams: number };
  /** Closes the listener and idle connections; requests that still arrive are answered 503. */
  stopAccepting(): void;
  /** Resolves once every request still in flight is a subscription stream (or none is left). */
  drained(): Promise<void>;
  /** Resolves once no subscription stream is left open (ordinary requests may still be). */
  streamsEnded(): Promise<void>;
  /** Cuts every connection still open; resolves when the listener has closed. */
  close(): Promise<void>;
}

/** How often a wait re-checks the requests in flight, besides on every response that ends. */
const RECHECK_MS = 20;

/**
 * A streaming response: one that asked for a stream (SSE, or multipart incremental delivery) and
 * whose head has gone out. Yoga sends a subscription's head as soon as the stream opens, but a
 * query's only once it has its result, so a slow query asked for over SSE still counts as ordinary.
 */
function isStream(req: IncomingMessage, res: ServerResponse): boolean {
  if (!res.headersSent) return false;
  const accept = req.headers.accept ?? '';
  return accept.includes('text/event-stream') || accept.includes('multipart/mixed');
}

export function createHttpServer(deps: {
  yoga: NorthstarYoga;
  routes: Map<string, PlainRoute>;
  metrics: Metrics;
  logger: Logger;
  /** The dashboard's static files; none: `/` goes to yoga (404). */
  dashboard?: DashboardStatic;
}): NorthstarHttpServer {
  const { yoga, routes, metrics, logger, dashboard } = deps;
  const inFlight = new Map<ServerResponse, IncomingMessage>();
  const waiters = new Set<() => void>();
  let accepting = true;
  let listenerClosed: Promise<void> | null = null;

  const recheck = (): void => {
    for (const check of [...waiters]) check();
  };
  /** Resolves once `done()` holds: checked now, whenever a response ends, and every RECHECK_MS. */
  const until = (done: () => boolean): Promise<void> =>
    new Promise<void>((resolve) => {
      const check = (): void => {
        if (!done()) return;
        waiters.delete(check);
        clearInterval(timer);
        resolve();
      };
      const timer = setInterval(check, RECHECK_MS);
      timer.unref();
      waiters.add(check);
      check();
    });

  const server = createServer((req, res) => {
    const started = performance.now();
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    const served = dashboard?.owns(path) ? dashboard : undefined;
    const plain: PlainRoute | undefined = routes.get(path) ?? (served ? (request, response) => served.serve(request, response, path) : undefined);
    const route = routes.has(path) ? path : served ? 'dashboard' : path === GRAPHQL_PATH ? GRAPHQL_PATH : 'other';
    res.on('finish', () => {
      metrics.httpRequestDuration.observe({ method: req.method ?? 'GET', route, status_code: String(res.statusCode) }, (performance.now() - started) / 1000);
    });
    if (!accepting) {
      // Arrived on a connection kept alive from before shutdown: say so, and let the client go.
      const requestId = requestIdFrom(req.headers[REQUEST_ID_HEADER]);
      logger.debug({ requestId, path }, 'request refused: shutting down');
      res.writeHead(503, { 'content-type': 'application/json', connection: 'close', 'retry-after': '1', [REQUEST_ID_HEADER]: requestId });
      res.end(JSON.stringify({ error: 'shutting down', requestId }));
      return;
    }
    inFlight.set(res, req);
    res.once('close', () => {
      inFlight.delete(res);
      // Its connection is idle now: during shutdown nothing more is served on it.
      if (!accepting) server.closeIdleConnections();
      recheck();
    });
    const fail = (error: unknown, what: string, requestId: string | undefined): void => {
      logger.error({ err: error, requestId, path }, what);
      if (res.writableEnded) return;
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: 'internal error', requestId }));
    };
    if (!plain) {
      // Yoga answers its own errors (and sets the request id); a rejection here is the adapter's own failure.
      new Promise((resolve) => resolve(yoga(req, res))).catch((error: unknown) => fail(error, 'GraphQL request failed', undefined));
      return;
    }
    const requestId = requestIdFrom(req.headers[REQUEST_ID_HEADER]);
    res.setHeader(REQUEST_ID_HEADER, requestId);
    plain(req, res).catch((error: unknown) => fail(error, 'plain route failed', requestId));
  });

  const stopAccepting = (): void => {
    if (!accepting) return;
    accepting = false;
    listenerClosed = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeIdleConnections();
  };

  return {
    server,
    inFlight() {
      let streams = 0;
      for (const [res, req] of inFlight) if (isStream(req, res)) streams++;
      return { requests: inFlight.size, streams };
    },
    stopAccepting,
    drained() {
      return until(() => [...inFlight].every(([res, req]) => isStream(req, res)));
    },
    streamsEnded() {
      return until(() => ![...inFlight].some(([res, req]) => isStream(req, res)));
    },
    async close() {
      stopAccepting();
      server.closeAllConnections();
      await listenerClosed;
    },
  };
}
