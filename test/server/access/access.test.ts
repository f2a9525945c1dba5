/**
 * API keys and scopes on the whole service (in-process, real HTTP, SSE and WebSockets), as a
 * client sees them: 401 + UNAUTHENTICATED without a valid key, FORBIDDEN for a scope the key
 * lacks, graphql-ws closes 4401 / 4403, admin mutations in audit_log with the key id, the per-key
 * requestInsight budget, and upstream error text for admin keys only.
 */
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startService, type RunningService } from '../../support/service.js';
import { until } from '../../support/until.js';
import { bearer, testKey } from './keys.js';
import { openRawSocket } from './ws-close.js';

const reader = testKey('reader', 'read');
const analyst = testKey('analyst', 'analyze');
const analystToo = testKey('analyst-too', 'analyze');
const admin = testKey('ops', 'admin');

interface Answer {
  status: number;
  headers: Headers;
  body: { data?: Record<string, unknown> | null; errors?: Array<{ message: string; extensions?: Record<string, unknown> }> };
}

async function post(url: string, query: string, headers: Record<string, string> = {}, variables?: Record<string, unknown>): Promise<Answer> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json, application/json', ...headers },
    body: JSON.stringify({ query, variables }),
  });
  return { status: response.status, headers: response.headers, body: (await response.json()) as Answer['body'] };
}

const codes = (answer: Answer): unknown[] => (answer.body.errors ?? []).map((error) => error.extensions?.code);

describe('access with API keys', () => {
  let service: RunningService;

  beforeAll(async () => {
    service = await startService({
      API_KEYS: [reader, analyst, analystToo, admin].map((k) => k.entry).join(','),
      INSIGHT_BUDGET_PER_KEY_PER_HOUR: '1',
      WS_CONNECTION_INIT_TIMEOUT_MS: '300',
      // John fails from the start: its lastError is what admin and other keys see differently.
      JOHN_SIM_FAULT: 'status:503',
    });
  }, 60_000);
  afterAll(async () => {
    await service?.stop();
  });

  it('answers 401 UNAUTHENTICATED with WWW-Authenticate: Bearer without a key, with a wrong key, and with a malformed header', async () => {
    for (const headers of [{}, bearer('not-a-key'), { authorization: reader.key }, { authorization: `Basic ${reader.key}` }]) {
      const answer = await post(service.url, '{ sources { source } }', headers);
      expect(answer.status).toBe(401);
      expect(answer.headers.get('www-authenticate')).toMatch(/^Bearer/);
      expect(codes(answer)).toEqual(['UNAUTHENTICATED']);
      expect(answer.body.data).toBeUndefined();
    }
  });

  it('answers an SSE subscription without a key or with a wrong one 401 UNAUTHENTICATED, and streams with a read key', async () => {
    const url = `${service.url}?query=${encodeURIComponent('subscription { aggregateUpdated { takenAt } }')}`;
    for (const headers of [{}, bearer('wrong')]) {
      const response = await fetch(url, { headers: { accept: 'text/event-stream', ...headers } });
      expect(response.status).toBe(401);
      expect(response.headers.get('www-authenticate')).toMatch(/^Bearer/);
      expect(((await response.json()) as Answer['body']).errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    }
    const controller = new AbortController();
    const response = await fetch(url, { headers: { accept: 'text/event-stream', ...bearer(reader.key) }, signal: controller.signal });
    expect(response.status).toBe(200);
    const reader_ = response.body!.getReader();
    let text = '';
    while (!text.includes('aggregateUpdated')) text += new TextDecoder().decode((await reader_.read()).value);
    controller.abort();
  });

  it('serves a query to a read key (200), and refuses requestInsight and resetBreaker to it with FORBIDDEN (403)', async () => {
    const ok = await post(service.url, '{ sources { source } }', bearer(reader.key));
    expect(ok.status).toBe(200);
    expect(ok.body.errors).toBeUndefined();

    const insight = await post(service.url, 'mutation { requestInsight { id } }', bearer(reader.key));
    expect(insight.status).toBe(403);
    expect(codes(insight)).toEqual(['FORBIDDEN']);
    expect(insight.body.errors?.[0]?.extensions?.requiredScope).toBe('analyze');

    // Hidden behind a fragment, an alias and @skip, it is still a resetBreaker.
    const reset = await post(
      service.url,
      'mutation M { ...R } fragment R on Mutation { quiet: resetBreaker(source: JOHN) @skip(if: true) { source } }',
      bearer(reader.key),
    );
    expect(reset.status).toBe(403);
    expect(codes(reset)).toEqual(['FORBIDDEN']);
    // An analyze key reads nothing either: analyze does not imply read.
    const analystQuery = await post(service.url, '{ sources { source } }', bearer(analyst.key));
    expect(codes(analystQuery)).toEqual(['FORBIDDEN']);
  });

  it('runs resetBreaker for an admin key and writes an audit_log row naming the key', async () => {
    const answer = await post(service.url, 'mutation Reset($source: Source!) { resetBreaker(source: $source) { source breaker } }', bearer(admin.key), {
      source: 'JOHN',
    });
    expect(answer.status).toBe(200);
    expect(answer.body.errors).toBeUndefined();
    expect(answer.body.data).toMatchObject({ resetBreaker: { source: 'JOHN', breaker: 'CLOSED' } });
    // Written before the answer went out: no waiting.
    const db = new Database(join(service.dir, 'northstar.db'), { readonly: true });
    const rows = db
      .prepare(`SELECT event_type AS eventType, source, details_json AS details FROM audit_log WHERE event_type = 'admin_mutation'`)
      .all() as Array<{
      eventType: string;
      source: string;
      details: string;
    }>;
    db.close();
    expect(rows).toHaveLength(1);
    expect(rows[0]!.source).toBe('john');
    expect(JSON.parse(rows[0]!.details)).toMatchObject({
      keyId: 'ops',
      field: 'resetBreaker',
      arguments: { source: 'JOHN' },
      operationName: 'Reset',
      outcome: 'ok',
    });
  });

  it('counts requestInsight against a per-key budget: the spent key gets INSIGHT_BUDGET_EXHAUSTED (429, Retry-After), another key is unaffected', async () => {
    const first = await until('an insight for the analyst', 20_000, async () => {
      const answer = await post(service.url, 'mutation { requestInsight { id } }', bearer(analyst.key));
      // Before the first market arrives the engine has nothing to analyze (a retryable upstream error).
      return answer.body.data?.requestInsight ? answer : null;
    });
    expect(first.status).toBe(200);
    const spent = await post(service.url, 'mutation { requestInsight { id } }', bearer(analyst.key));
    expect(spent.status).toBe(429);
    expect(codes(spent)).toEqual(['INSIGHT_BUDGET_EXHAUSTED']);
    expect(Number(spent.headers.get('retry-after'))).toBeGreaterThan(3500);
    const other = await post(service.url, 'mutation { requestInsight { id } }', bearer(analystToo.key));
    expect(other.status).toBe(200);
    expect(other.body.data?.requestInsight).toBeTruthy();
  });

  it("shows John's upstream error text to the admin key, only its category to a read key", async () => {
    const query = '{ sources { source lastError } health { sources { source lastError } } }';
    type Sources = { sources: Array<{ source: string; lastError: string | null }>; health: { sources: Array<{ source: string; lastError: string | null }> } };
    const johnOf = (answer: Answer) => {
      const data = answer.body.data as unknown as Sources;
      return [data.sources.find((s) => s.source === 'JOHN')?.lastError, data.health.sources.find((s) => s.source === 'JOHN')?.lastError];
    };
    const adminView = await until('a John failure', 20_000, async () => {
      const answer = await post(service.url, query, bearer(admin.key));
      const [text] = johnOf(answer);
      return text && text !== 'service' ? answer : null;
    });
    const [adminText] = johnOf(adminView);
    expect(adminText).toMatch(/503/);
    const [readerText, readerHealth] = johnOf(await post(service.url, query, bearer(reader.key)));
    expect(readerText).toBe('service');
    expect(readerHealth).toBe('service');
  });

  describe('graphql-ws', () => {
    it('closes 4401 without a key, with a wrong key, and when no connection_init comes within the init timeout', async () => {
      for (const payload of [undefined, {}, { authorization: 'Bearer wrong' }, { authorization: reader.key }]) {
        const raw = await openRawSocket(service.url);
        raw.send(payload === undefined ? { type: 'connection_init' } : { type: 'connection_init', payload });
        expect((await raw.closed).code).toBe(4401);
      }
      const silent = await openRawSocket(service.url);
      const startedAt = performance.now();
      const close = await silent.closed;
      expect(close.code).toBe(4401);
      expect(performance.now() - startedAt).toBeLessThan(3000);
    });

    it('closes 4403 for a key without the read scope', async () => {
      const raw = await openRawSocket(service.url);
      raw.send({ type: 'connection_init', payload: { authorization: `Bearer ${analyst.key}` } });
      expect((await raw.closed).code).toBe(4403);
    });

    it('lets a read key subscribe and receive an event; a mutation over it is still FORBIDDEN', async () => {
      const raw = await openRawSocket(service.url);
      raw.send({ type: 'connection_init', payload: { authorization: `Bearer ${reader.key}` } });
      await raw.next('connection_ack');
      raw.send({ id: '1', type: 'subscribe', payload: { query: 'subscription { aggregateUpdated { takenAt } }' } });
      const next = await raw.next('next');
      expect(next).toMatchObject({ id: '1' });
      expect(typeof (next.payload as { data: { aggregateUpdated: { takenAt: unknown } } }).data.aggregateUpdated.takenAt).toBe('string');
      raw.send({ id: '2', type: 'subscribe', payload: { query: 'mutation { resetBreaker(source: KALSHI) { source } }' } });
      await until('the refused mutation', 5000, () => raw.messages.find((m) => m.id === '2' && m.type === 'next') ?? null);
      const refused = raw.messages.find((m) => m.id === '2' && m.type === 'next') as { payload: Answer['body'] };
      expect(refused.payload.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
      raw.socket.close(1000);
      await raw.closed;
    });
  });

  it('serves the GraphiQL page without a key, its header editor holding the Authorization placeholder', async () => {
    const page = await fetch(service.url, { headers: { accept: 'text/html' } });
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('Bearer <your key>');
    expect(html).toContain('"subscriptionsProtocol":"SSE"');
  });
});
