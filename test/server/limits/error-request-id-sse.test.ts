/**
 * A masked error inside an SSE subscription stream carries the request id too, not only a single
 * HTTP result's. No fault of the service or its simulators makes an event's resolution fail
 * unexpectedly (sources' failures are coded UpstreamErrors, and normalizers reject what would break
 * a field), so this is yoga with the service's maskError and plugins on a small schema whose second
 * event throws, served on a real socket and read by graphql-sse's client as a client would.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createClient } from 'graphql-sse';
import { createSchema, createYoga } from 'graphql-yoga';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { maskError } from '../../../src/schema/errors.js';
import { useErrorRequestId } from '../../../src/server/limits/use-error-request-id.js';
import { useRequestId } from '../../../src/server/plugins/use-request-id.js';

interface Result {
  data?: { ticks: number | null } | null;
  errors?: Array<{ message: string; extensions?: Record<string, unknown> }>;
}

/** The events of the stream, one by one, then its end. */
async function* eventsOf(events: number[]): AsyncGenerator<number> {
  for (const event of events) yield await Promise.resolve(event);
}

let server: Server;
let url: string;
const reported: unknown[] = [];

beforeAll(async () => {
  const ids = new WeakMap<Request, string>();
  const yoga = createYoga({
    schema: createSchema({
      typeDefs: 'type Query { ok: Int } type Subscription { ticks: Int }',
      resolvers: {
        Subscription: {
          ticks: {
            subscribe: () => eventsOf([1, 2]),
            resolve: (tick: number) => {
              if (tick === 2) throw new Error('secret detail of event 2');
              return tick;
            },
          },
        },
      },
    }),
    logging: false,
    maskedErrors: { maskError: (error) => maskError(error, (unexpected) => reported.push(unexpected)) },
    plugins: [useRequestId(ids), useErrorRequestId((request) => ids.get(request))],
  });
  // Node ignores what a request listener returns: a failure of yoga's handler ends the request.
  server = createServer((req, res) => {
    Promise.resolve(yoga(req, res)).catch(() => res.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`;
});

afterAll(async () => {
  server?.closeAllConnections();
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
});

describe('masked errors in an SSE stream', () => {
  it('carry INTERNAL_SERVER_ERROR and the request id of the stream, and nothing of the original error', async () => {
    const client = createClient({ url, headers: { 'x-request-id': 'sse-req-42' }, retryAttempts: 0 });
    try {
      const results = await new Promise<Result[]>((resolve, reject) => {
        const seen: Result[] = [];
        client.subscribe<Result['data']>(
          { query: 'subscription { ticks }' },
          { next: (value) => seen.push(value as Result), error: reject, complete: () => resolve(seen) },
        );
      });
      expect(results).toHaveLength(2);
      expect(results[0]).toEqual({ data: { ticks: 1 } });
      expect(results[1]?.errors).toEqual([
        expect.objectContaining({ message: 'Unexpected error.', extensions: { code: 'INTERNAL_SERVER_ERROR', requestId: 'sse-req-42' } }),
      ]);
      expect(JSON.stringify(results)).not.toMatch(/secret/);
      expect(reported).toHaveLength(1);
    } finally {
      client.dispose();
    }
  });
});
