/**
 * The request limits on the whole service (in-process, real HTTP and WebSockets), as a client
 * sees them: status codes, error codes, close codes. The shape/cost/size limits run at their
 * defaults; only subscriptions per socket (3), depth (6) and directives (2) are lowered to be reachable.
 */
import { request as httpRequest } from 'node:http';
import { createClient, type Client } from 'graphql-ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { startService, type RunningService } from '../../support/service.js';
import { until } from '../../support/until.js';

interface Body {
  data?: unknown;
  errors?: Array<{ message: string; extensions?: Record<string, unknown> }>;
}

async function post(url: string, body: unknown, headers: Record<string, string> = {}): Promise<{ status: number; body: Body; ms: number; headers: Headers }> {
  const started = performance.now();
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json, application/json', ...headers },
    body: JSON.stringify(body),
  });
  const parsed = (await response.json()) as Body;
  return { status: response.status, body: parsed, ms: performance.now() - started, headers: response.headers };
}

const thousandAliases = `{ ${Array.from({ length: 1000 }, (_, i) => `a${i}: aggregate { takenAt }`).join(' ')} }`;
const twelveBigBooks = `{ ${Array.from({ length: 12 }, (_, i) => `m${i}: markets(limit: 1000) { orderBook(depth: 100) { bids { price size } asks { price size } } }`).join(' ')} }`;

const wsUrl = (url: string): string => url.replace(/^http/, 'ws');

/** The error a graphql-ws subscribe was answered with (sink.error gets the `error` message's payload). */
function subscribeError(
  client: Client,
  query: string,
  variables?: Record<string, unknown>,
): Promise<Array<{ message: string; extensions?: Record<string, unknown> }>> {
  return new Promise((resolve, reject) => {
    client.subscribe(
      { query, ...(variables ? { variables } : {}) },
      {
        next: (value) => reject(new Error(`expected an error message, got next ${JSON.stringify(value).slice(0, 200)}`)),
        error: (error) => resolve(error as never),
        complete: () => reject(new Error('expected an error message, got complete')),
      },
    );
  });
}

describe('request limits (whole service)', () => {
  let service: RunningService;
  beforeAll(async () => {
    service = await startService({ MAX_SUBSCRIPTIONS_PER_CONNECTION: '3', QUERY_MAX_DEPTH: '6', QUERY_MAX_DIRECTIVES: '2' });
    // One request first, so that the timings below are of the refusal, not of the first request's warm-up.
    await post(service.url, { query: '{ __typename }' });
  });
  afterAll(async () => {
    await service?.stop();
  });

  it('refuses a 1,000-alias query before execution with QUERY_TOO_COMPLEX, fast', async () => {
    const first = await post(service.url, { query: thousandAliases });
    await post(service.url, { query: thousandAliases });
    const { status, body, ms } = await post(service.url, { query: thousandAliases });
    console.log(`1,000-alias aggregate query refused in ${first.ms.toFixed(1)} ms the first time, ${ms.toFixed(1)} ms the third (HTTP ${status})`);
    expect(first.ms).toBeLessThan(1000);
    expect(status).toBe(400);
    expect(body.data).toBeUndefined();
    expect(body.errors?.[0]?.extensions).toMatchObject({ code: 'QUERY_TOO_COMPLEX', limit: 'tokens', max: 1000 });
    expect(ms).toBeLessThan(1000);
  });

  it('refuses 31 aliases (aliases limit) and 12 × markets(limit: 1000) { orderBook(depth: 100) } (cost limit)', async () => {
    const aliases = await post(service.url, { query: `{ ${Array.from({ length: 31 }, (_, i) => `h${i}: health { status }`).join(' ')} }` });
    expect(aliases.status).toBe(400);
    expect(aliases.body.errors?.[0]?.extensions).toMatchObject({ code: 'QUERY_TOO_COMPLEX', limit: 'aliases', max: 30 });

    const books = await post(service.url, { query: twelveBigBooks });
    console.log(`12 × markets(limit: 1000) { orderBook(depth: 100) } refused in ${books.ms.toFixed(1)} ms: ${books.body.errors?.[0]?.message}`);
    expect(books.status).toBe(400);
    expect(books.body.data).toBeUndefined();
    expect(books.body.errors?.[0]?.extensions).toMatchObject({ code: 'QUERY_TOO_COMPLEX', limit: 'cost', max: 1_000_000 });
    expect(books.ms).toBeLessThan(1000);
  });

  it('counts list sizes sent in variables, and lets a real operation through', async () => {
    // Three copies: 3 × 1,000 books of 100 levels a side is over the default cost (1,000,000); 3 × 2 × 2 is nothing.
    const books = 'markets(limit: $n) { orderBook(depth: $d) { bids { price size } asks { price size } } }';
    const query = `query ($n: Int, $d: Int) { a: ${books} b: ${books} c: ${books} }`;
    const small = await post(service.url, { query, variables: { n: 2, d: 2 } });
    expect(small.body.errors).toBeUndefined();
    expect(small.status).toBe(200);
    const big = await post(service.url, { query, variables: { n: 1000, d: 100 } });
    expect(big.body.errors?.[0]?.extensions).toMatchObject({ code: 'QUERY_TOO_COMPLEX', limit: 'cost' });
  });

  it('refuses depth and directives over their limits', async () => {
    const deep = await post(service.url, {
      query: '{ snapshots(from: "2026-01-01T00:00:00Z", to: "2026-01-02T00:00:00Z") { edges { node { aggregate { markets { prices { bid } } } } } } }',
    });
    expect(deep.body.errors?.[0]?.extensions).toMatchObject({ code: 'QUERY_TOO_COMPLEX', limit: 'depth', max: 6 });
    const directives = await post(service.url, { query: '{ health @include(if: true) @skip(if: false) { status @include(if: true) } }' });
    expect(directives.body.errors?.[0]?.extensions).toMatchObject({ code: 'QUERY_TOO_COMPLEX', limit: 'directives', max: 2 });
  });

  it('answers 413 with a coded body to a body over MAX_BODY_BYTES, by Content-Length and while it streams in', async () => {
    const declared = await fetch(service.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ __typename }', variables: { pad: 'x'.repeat(1_100_000) } }),
    });
    expect(declared.status).toBe(413);
    expect(((await declared.json()) as Body).errors?.[0]?.extensions?.code).toBe('REQUEST_ENTITY_TOO_LARGE');

    // Chunked, no Content-Length: refused once 1 MiB has arrived, long before the 20 MB are sent.
    const total = 20 * 1024 * 1024;
    const chunk = Buffer.alloc(64 * 1024, 0x20);
    const streamed = await new Promise<{ status: number; body: Body; sentBytes: number }>((resolve, reject) => {
      let sent = 0;
      let answered = false;
      const req = httpRequest(service.url, { method: 'POST', headers: { 'content-type': 'application/json', 'transfer-encoding': 'chunked' } }, (res) => {
        answered = true;
        let text = '';
        res.on('data', (data: Buffer) => (text += data.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) as Body, sentBytes: sent }));
      });
      req.on('error', (error) => (answered ? undefined : reject(error)));
      req.write('{"query":"{ __typename }","pad":"');
      const pump = (): void => {
        while (!answered && sent < total) {
          sent += chunk.length;
          if (!req.write(chunk)) return void req.once('drain', pump);
        }
        if (!answered) req.end('"}');
      };
      pump();
    });
    console.log(`chunked body refused with ${streamed.status} after ${(streamed.sentBytes / 1024 / 1024).toFixed(2)} MiB sent`);
    expect(streamed.status).toBe(413);
    expect(streamed.body.errors?.[0]?.extensions?.code).toBe('REQUEST_ENTITY_TOO_LARGE');
    expect(streamed.sentBytes).toBeLessThan(total);
  });

  it('graphql-ws: refused documents get an `error` message and the socket carries on', async () => {
    const client = createClient({ url: wsUrl(service.url), webSocketImpl: WebSocket, retryAttempts: 0, lazy: false });
    let closed: number | null = null;
    client.on('closed', (event) => (closed = (event as { code: number }).code));
    try {
      const started = performance.now();
      const aliases = await subscribeError(client, thousandAliases);
      const books = await subscribeError(client, twelveBigBooks);
      console.log(`graphql-ws: both refused in ${(performance.now() - started).toFixed(1)} ms`);
      expect(aliases[0]?.extensions).toMatchObject({ code: 'QUERY_TOO_COMPLEX', limit: 'tokens' });
      expect(books[0]?.extensions).toMatchObject({ code: 'QUERY_TOO_COMPLEX', limit: 'cost' });
      const answer = await new Promise<unknown>((resolve, reject) => {
        client.subscribe({ query: '{ health { status } }' }, { next: resolve, error: reject, complete: () => undefined });
      });
      expect(answer).toMatchObject({ data: { health: { status: expect.any(String) as unknown } } });
      expect(closed).toBeNull();
    } finally {
      await client.dispose();
    }
  });

  it('graphql-ws: the subscription over MAX_SUBSCRIPTIONS_PER_CONNECTION gets an `error` message; the others keep receiving', async () => {
    const client = createClient({ url: wsUrl(service.url), webSocketImpl: WebSocket, retryAttempts: 0 });
    try {
      const received = [0, 0, 0];
      for (let i = 0; i < 3; i++) {
        client.subscribe(
          { query: 'subscription { aggregateUpdated { takenAt } }' },
          { next: () => void received[i]!++, error: () => undefined, complete: () => undefined },
        );
      }
      await until('three subscriptions receive events', 10_000, () => (received.every((n) => n > 0) ? true : null));
      const refused = await subscribeError(client, 'subscription { aggregateUpdated { takenAt } }');
      expect(refused[0]?.extensions).toMatchObject({ code: 'TOO_MANY_SUBSCRIPTIONS', max: 3 });
      const after = [...received];
      await until('the first three still receive events', 10_000, () => (received.every((n, i) => n > after[i]!) ? true : null));
    } finally {
      await client.dispose();
    }
  });

  it('graphql-ws: a message over WS_MAX_PAYLOAD_BYTES closes the socket with 1009', async () => {
    const socket = new WebSocket(wsUrl(service.url), 'graphql-transport-ws');
    await new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject));
    socket.send(JSON.stringify({ type: 'connection_init' }));
    socket.send(JSON.stringify({ id: '1', type: 'subscribe', payload: { query: `{ __typename } # ${'x'.repeat(70 * 1024)}` } }));
    const code = await new Promise<number>((resolve) => socket.once('close', (closeCode) => resolve(closeCode)));
    expect(code).toBe(1009);
  });

  it('CORS and the WebSocket upgrade admit localhost origins (outside production) and refuse others', async () => {
    const preflight = (origin: string) =>
      fetch(service.url, { method: 'OPTIONS', headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' } });
    const local = await preflight('http://localhost:5173');
    expect(local.headers.get('access-control-allow-origin')).toBe('http://localhost:5173');
    const foreign = await preflight('https://evil.example');
    expect(foreign.headers.get('access-control-allow-origin')).toBeNull();
    const answered = await post(service.url, { query: '{ __typename }' }, { origin: 'https://evil.example' });
    expect(answered.headers.get('access-control-allow-origin')).toBeNull();
    expect(answered.headers.get('vary')).toMatch(/Origin/);

    const upgrade = (origin: string | undefined) =>
      new Promise<number>((resolve) => {
        const socket = new WebSocket(wsUrl(service.url), 'graphql-transport-ws', origin ? { origin } : {});
        socket.once('open', () => {
          socket.close();
          resolve(101);
        });
        socket.on('error', () => undefined);
        socket.once('unexpected-response', (req, res) => {
          resolve(res.statusCode ?? 0);
          req.destroy();
        });
      });
    expect(await upgrade('https://evil.example')).toBe(403);
    expect(await upgrade('http://127.0.0.1:8080')).toBe(101);
    expect(await upgrade(undefined)).toBe(101);
  });

  it('CSRF: a browser GET or form post without x-graphql-yoga-csrf is refused 403; JSON posts and non-browser GETs pass', async () => {
    const get = (headers: Record<string, string>) =>
      fetch(`${service.url}?query=${encodeURIComponent('{ __typename }')}`, { headers: { accept: 'application/json', ...headers } });
    const crossSite = await get({ 'sec-fetch-site': 'cross-site' });
    expect(crossSite.status).toBe(403);
    expect(((await crossSite.json()) as Body).errors?.[0]?.extensions?.code).toBe('CSRF_HEADER_REQUIRED');
    expect((await get({ 'sec-fetch-site': 'cross-site', 'x-graphql-yoga-csrf': '1' })).status).toBe(200);
    expect((await get({})).status).toBe(200);
    const form = await fetch(service.url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
      body: `query=${encodeURIComponent('{ __typename }')}`,
    });
    expect(form.status).toBe(403);
  });

  it('persisted operations: a registered id runs, an unknown one is PERSISTED_QUERY_NOT_FOUND, free documents still run (PERSISTED_ONLY off)', async () => {
    const manifest = (await import('../../../schema/persisted-operations.json', { with: { type: 'json' } })).default as Record<string, string>;
    const [hash] = Object.entries(manifest).find(([, document]) => document.startsWith('query CacheHealth'))!;
    const byId = await post(service.url, { extensions: { persistedQuery: { version: 1, sha256Hash: hash } } });
    expect(byId.body.errors).toBeUndefined();
    expect(byId.body.data).toMatchObject({ health: { status: expect.any(String) as unknown } });
    const unknown = await post(service.url, { extensions: { persistedQuery: { version: 1, sha256Hash: '0'.repeat(64) } } });
    expect(unknown.body.errors?.[0]).toMatchObject({ message: 'PersistedQueryNotFound', extensions: { code: 'PERSISTED_QUERY_NOT_FOUND' } });
    const free = await post(service.url, { query: '{ health { status } }' });
    expect(free.body.errors).toBeUndefined();
  });
});
