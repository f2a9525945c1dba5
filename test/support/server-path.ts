/**
 * Northstar's server path without the rest of the service: its yoga (every plugin; access off,
 * the default limits), its graphql-ws adapter and a node:http server on a loopback port, on a
 * schema of the caller's. For a test or a bench that probes or measures that path itself (what a
 * shared subscription event is resolved with, what a fan-out costs) with nothing else running.
 */
import { createServer, type IncomingMessage, type RequestListener, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { GraphQLSchema } from 'graphql';
import { silentLogger } from '../../src/core/logger.js';
import { createMetrics, type Metrics } from '../../src/core/metrics.js';
import type { Services } from '../../src/schema/context.js';
import { Access } from '../../src/server/access/access.js';
import { attachGraphQLWs } from '../../src/server/graphql-ws.js';
import { limitsFrom } from '../../src/server/limits/limits-config.js';
import { SharedResultJson } from '../../src/server/result-json.js';
import { createNorthstarYoga } from '../../src/server/yoga.js';

export interface ServerPathOptions {
  schema: GraphQLSchema;
  /** What the context's loaders reach (default: nothing; a schema that uses no loader needs none). */
  services?: Services;
  /** How subscription results are printed (default: the service's own, one JSON text per event). */
  resultJson?: (metrics: Metrics) => SharedResultJson;
  /** graphql-ws's slow-consumer bound (default: 16 MiB buffered for a minute, more than any test sends). */
  slowConsumer?: { bufferBytes: number; deadlineMs: number };
}

export interface ServerPath {
  server: Server;
  /** http://127.0.0.1:<port>/graphql (graphql-ws on the same URL with ws:). */
  url: string;
  /** Closes the sockets, then the server, its keep-alive connections included. */
  close(): Promise<void>;
}

/**
 * A yoga instance (or any handler that may return a promise) as a Node request listener: Node ignores
 * what a listener returns, so a rejection, the adapter's own failure, is logged here and the request
 * ended instead of going unhandled.
 */
export function requestListener(handler: (req: IncomingMessage, res: ServerResponse) => unknown): RequestListener {
  return (req, res) => {
    new Promise((resolve) => resolve(handler(req, res))).catch((error: unknown) => {
      console.error('request failed', error);
      res.destroy();
    });
  };
}

export async function startServerPath(options: ServerPathOptions): Promise<ServerPath> {
  const metrics = createMetrics({ collectProcessMetrics: false });
  const resultJson = options.resultJson?.(metrics) ?? new SharedResultJson(metrics.subscriptionSerializations);
  const access = Access.off();
  const limits = limitsFrom({}, 'test');
  const yoga = createNorthstarYoga({
    schema: options.schema,
    services: options.services ?? ({} as Services),
    logger: silentLogger,
    metrics,
    graphiql: false,
    access,
    limits,
    resultJson,
  });
  const server = createServer(requestListener(yoga));
  const ws = attachGraphQLWs({
    server,
    yoga,
    logger: silentLogger,
    metrics,
    keepAliveIntervalMs: 30_000,
    slowConsumer: options.slowConsumer ?? { bufferBytes: 1 << 24, deadlineMs: 60_000 },
    resultJson,
    access,
    limits,
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    server,
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`,
    async close() {
      await ws.close(0);
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      // Clients' keep-alive connections would hold close() open until they time out.
      server.closeAllConnections();
      await closed;
    },
  };
}
