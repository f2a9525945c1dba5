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

    // Execution-time errors (a variable's value coerced against its type) and the validation
    // messages graphql-armor's pattern missed ("Did you mean the enum value …", "… to use an inline
    // fragment on …") named schema members too.
    const SUGGESTING = [
      {
        query: 'query ($i: CandleInterval) { pnlHistory(agentId: "x", from: "2026-01-01T00:00:00Z", to: "2026-01-02T00:00:00Z", interval: $i) { at } }',
        variables: { i: 'ONE_HOUER' },
      },
      { query: '{ pnlHistory(agentId: "x", from: "2026-01-01T00:00:00Z", to: "2026-01-02T00:00:00Z", interval: ONE_HOUER) { at } }' },
      { query: '{ node(id: "market:X") { ticker } }' },
      {
        query:
          'subscription ($i: CandleInterval!) { marketUpdated { candles(interval: $i, from: "2026-01-01T00:00:00Z", to: "2026-01-02T00:00:00Z") { end } } }',
        variables: { i: 'ONE_MINUT' },
      },
    ];
    // Every error coded; the messages that suggest anything collected, so a failure lists them all.
    const suggestions: string[] = [];
    const expectCoded = (errors: Body['errors'], raw: string) => {
      expect(errors?.length).toBeGreaterThan(0);
      for (const error of errors ?? []) expect(error.extensions?.code).toEqual(expect.any(String));
      if (/Did you mean/i.test(raw)) suggestions.push(raw);
    };

    it('names no schema member in any error: HTTP, SSE and graphql-ws alike', async () => {
      for (const body of SUGGESTING) {
        const subscription = body.query.startsWith('subscription');
        const response = await fetch(openUrl, {
          method: 'POST',
          headers: authHeaders({ 'content-type': 'application/json', accept: subscription ? 'text/event-stream' : 'application/graphql-response+json' }),
          body: JSON.stringify(body),
        });
        const raw = await response.text();
        // SSE: one `next` event with the result, then `complete`.
        const result = subscription ? (JSON.parse(/^data: (.+)$/m.exec(raw)![1]!) as Body) : (JSON.parse(raw) as Body);
        expectCoded(result.errors, raw);
        // What was wrong is still said; only the suggestion is gone.
        expect(result.errors?.[0]?.message).toMatch(
          /^(Variable "\$i" got invalid value "ONE_(HOUER|MINUT)"; )?(Value "ONE_(HOUER|MINUT)" does not exist in "CandleInterval" enum|Cannot query field "ticker" on type "Node")\.$/,
        );
        // A variable's value: the answer names the variable, so the client knows which one to fix.
        if (body.variables) expect(result.errors?.[0]?.message).toMatch(/^Variable "\$i" got invalid value/);
      }
      const client = createClient({
        url: openUrl.replace(/^http/, 'ws'),
        webSocketImpl: WebSocket,
        retryAttempts: 0,
        connectionParams: AUTH_CONNECTION_PARAMS,
      });
      try {
        for (const body of SUGGESTING) {
          const errors = await new Promise<Body['errors']>((resolve, reject) => {
            client.subscribe(body, {
              // An execution error comes as a `next` result, a validation error as an `error` message.
              next: (value) => resolve((value as Body).errors),
              error: (error) => (Array.isArray(error) ? resolve(error as Body['errors']) : reject(error as Error)),
              complete: () => undefined,
            });
          });
          expectCoded(errors, `graphql-ws: ${JSON.stringify(errors)}`);
        }
      } finally {
        await client.dispose();
      }
      expect(suggestions).toEqual([]);
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
