/**
 * The limits as production sets them, on a real production-mode process: introspection refused,
 * no "Did you mean …" in validation errors, no CORS origin and no browser WebSocket origin allowed
 * by default, and PERSISTED_ONLY=on accepting only registered ids (HTTP and graphql-ws).
 */
import { createClient } from 'graphql-ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import manifest from '../../schema/persisted-operations.json' with { type: 'json' };
import { AUTH_CONNECTION_PARAMS, authHeaders, startServiceProcess, type ServiceProcess } from '../support/service-process.js';

interface Body {
  data?: unknown;
  errors?: Array<{ message: string; extensions?: Record<string, unknown> }>;
}

const healthId = Object.entries(manifest as Record<string, string>).find(([, document]) => document.startsWith('query CacheHealth'))![0];
const ticksId = Object.entries(manifest as Record<string, string>).find(([, document]) => document.startsWith('subscription AggregateAvailability'))![0];

describe('limits in production', () => {
  let service: ServiceProcess;
  let url: string;
  let open: ServiceProcess;
  let openUrl: string;
  beforeAll(async () => {
    // Both processes start at once (persisted-only refuses free documents before validation, so the
    // introspection and origin checks run on a second one without it).
    [service, open] = await Promise.all([startServiceProcess({ PERSISTED_ONLY: 'on' }), startServiceProcess()]);
    openUrl = open.logs.map((line) => line.graphql).find((value): value is string => typeof value === 'string')!;
    url = service.logs.map((line) => line.graphql).find((value): value is string => typeof value === 'string')!;
  }, 90_000);
  afterAll(async () => {
    await Promise.all([service?.dispose(), open?.dispose()]);
  });

  const post = async (body: unknown, headers: Record<string, string> = {}): Promise<{ status: number; body: Body; headers: Headers }> => {
    const response = await fetch(url, {
      method: 'POST',
      headers: authHeaders({ 'content-type': 'application/json', accept: 'application/graphql-response+json', ...headers }),
      body: JSON.stringify(body),
    });
    return { status: response.status, body: (await response.json()) as Body, headers: response.headers };
  };

  it('PERSISTED_ONLY=on: a free document is refused with PERSISTED_QUERY_ONLY; a registered id runs', async () => {
    const free = await post({ query: '{ __typename }' });
    expect(free.status).toBe(400);
    expect(free.body.errors?.[0]?.extensions?.code).toBe('PERSISTED_QUERY_ONLY');
    const byId = await post({ extensions: { persistedQuery: { version: 1, sha256Hash: healthId } } });
    expect(byId.body.errors).toBeUndefined();
    expect(byId.body.data).toMatchObject({ health: { cache: expect.any(Array) as unknown } });
  });

  it('graphql-ws under PERSISTED_ONLY=on: a free document gets an `error` message, a registered id streams', async () => {
    const client = createClient({ url: url.replace(/^http/, 'ws'), webSocketImpl: WebSocket, retryAttempts: 0, connectionParams: AUTH_CONNECTION_PARAMS });
    try {
      const refused = await new Promise<Array<{ extensions?: Record<string, unknown> }>>((resolve, reject) => {
        client.subscribe(
          { query: '{ __typename }' },
          { next: () => reject(new Error('ran')), error: (error) => resolve(error as never), complete: () => undefined },
        );
      });
      expect(refused[0]?.extensions?.code).toBe('PERSISTED_QUERY_ONLY');
      const tick = await new Promise<unknown>((resolve, reject) => {
        const stop = client.subscribe(
          { query: '', extensions: { persistedQuery: { version: 1, sha256Hash: ticksId } } },
          {
            next: (value) => {
              stop();
              resolve(value);
            },
            error: reject,
            complete: () => undefined,
          },
        );
      });
      expect(tick).toMatchObject({ data: { aggregateUpdated: { takenAt: expect.any(String) as unknown } } });
    } finally {
      await client.dispose();
    }
  });

  describe('without PERSISTED_ONLY', () => {
    const postOpen = async (query: string, headers: Record<string, string> = {}) => {
      const response = await fetch(openUrl, {
        method: 'POST',
        headers: authHeaders({ 'content-type': 'application/json', accept: 'application/graphql-response+json', ...headers }),
        body: JSON.stringify({ query }),
      });
      return { status: response.status, body: (await response.json()) as Body, headers: response.headers };
    };

    it('refuses introspection and hides field suggestions', async () => {
      const introspection = await postOpen('{ __schema { types { name } } }');
      expect(introspection.status).toBe(400);
      expect(introspection.body.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
      expect(introspection.body.errors?.[0]?.message).toMatch(/introspection/i);
      const typo = await postOpen('{ aggregat { takenAt } }');
      expect(typo.body.errors?.[0]?.message).toMatch(/Cannot query field "aggregat"/);
      expect(typo.body.errors?.[0]?.message).not.toMatch(/Did you mean/);
    });

    it('allows no CORS origin and no browser WebSocket origin by default, localhost included', async () => {
      const answered = await postOpen('{ __typename }', { origin: 'http://localhost:5173' });
      expect(answered.status).toBe(200);
      expect(answered.headers.get('access-control-allow-origin')).toBeNull();
      const upgrade = (origin: string) =>
        new Promise<number>((resolve) => {
          const socket = new WebSocket(openUrl.replace(/^http/, 'ws'), 'graphql-transport-ws', { origin });
          socket.on('error', () => undefined);
          socket.once('open', () => {
            socket.close();
            resolve(101);
          });
          socket.once('unexpected-response', (req, res) => {
            resolve(res.statusCode ?? 0);
            req.destroy();
          });
        });
      expect(await upgrade('http://localhost:5173')).toBe(403);
      // A page the service served itself (its own scheme, host and port) is not foreign.
      expect(await upgrade(new URL(openUrl).origin)).toBe(101);
    });
  });
});
