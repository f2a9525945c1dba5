/**
 * The node:http server: plain routes first, everything else to yoga (which answers 404 outside
 * /graphql). Every request is timed for Prometheus and carries an x-request-id.
 */
import { createServer, type Server } from 'node:http';
import type { Logger } from '../core/logger.js';
import type { Metrics } from '../core/metrics.js';
import type { PlainRoute } from './http-endpoints.js';
import { REQUEST_ID_HEADER, requestIdFrom } from './request-id.js';
import { GRAPHQL_PATH, type NorthstarYoga } from './yoga.js';

export function createHttpServer(deps: { yoga: NorthstarYoga; routes: Map<string, PlainRoute>; metrics: Metrics; logger: Logger }): Server {
  const { yoga, routes, metrics, logger } = deps;
  return createServer((req, res) => {
    const started = performance.now();
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    const plain = routes.get(path);
    const route = plain ? path : path === GRAPHQL_PATH ? GRAPHQL_PATH : 'other';
    res.on('finish', () => {
      metrics.httpRequestDuration.observe(
        { method: req.method ?? 'GET', route, status_code: String(res.statusCode) },
        (performance.now() - started) / 1000,
      );
    });
    if (!plain) {
      void yoga(req, res);
      return;
    }
    const requestId = requestIdFrom(req.headers[REQUEST_ID_HEADER]);
    res.setHeader(REQUEST_ID_HEADER, requestId);
    plain(req, res).catch((error: unknown) => {
      logger.error({ err: error, requestId, path }, 'plain route failed');
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: 'internal error', requestId }));
    });
  });
}
