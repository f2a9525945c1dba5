/**
 * JohnClient against the real simulator (and a bare server for what the simulator never says):
 * every failure is classified once, into the category and retryability the guard decides from.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { UpstreamError } from '../../../src/core/errors.js';
import { JohnClient } from '../../../src/sources/john/client.js';
import { startJohnSimulator, type JohnSimulator } from '../../../src/sources/john/simulator/server.js';
import type { JohnFault } from '../../../src/sources/john/simulator/faults.js';
import { json, startRawServer, upstreamErrorOf, type RawServer } from './helpers.js';

const TOKEN = 'john-test-token';

describe('JohnClient against the simulator', () => {
  let sim: JohnSimulator;
  let client: JohnClient;

  beforeAll(async () => {
    sim = await startJohnSimulator({ token: TOKEN, seed: 17 });
    // A short deadline so the hang and slow cases cost 200 ms each.
    client = new JohnClient({ baseUrl: sim.baseUrl, token: TOKEN, timeoutMs: 200 });
  });
  afterEach(() => sim.clearFault());
  afterAll(async () => {
    await client.close();
    await sim.close();
  });

  it('reads every agent through /all, on one keep-alive connection', async () => {
    const before = sim.requestCount();
    const first = await client.fetchMetrics();
    const second = await client.fetchMetrics();
    expect(first.map((a) => a.agent_id)).toEqual(['agent:john:main', 'agent:john:enterprise', 'agent:john:smb']);
    expect(second).toHaveLength(3);
    expect(client.endpoint).toBe('all');
    expect(sim.requestCount() - before).toBe(2);
  });

  it.each<[string | undefined, string]>([
    [undefined, 'no token'],
    ['not-the-token', 'a wrong token'],
  ])('classifies 401 (token %s) as auth, not retryable, and never echoes the token', async (token) => {
    const other = new JohnClient({ baseUrl: sim.baseUrl, token, timeoutMs: 1000 });
    try {
      const error = await upstreamErrorOf(other.fetchMetrics());
      expect(error).toMatchObject({ source: 'john', category: 'auth', retryable: false, status: 401 });
      expect(error.message).toContain('HTTP 401 (unauthorized)');
      expect(error.message).not.toContain(TOKEN);
      if (token) expect(error.message).not.toContain(token);
    } finally {
      await other.close();
    }
  });

  const cases: Array<[string, JohnFault, Partial<UpstreamError>]> = [
    ['500', { kind: 'status', status: 500 }, { category: 'service', retryable: true, status: 500 }],
    ['502', { kind: 'status', status: 502 }, { category: 'service', retryable: true, status: 502 }],
    ['503', { kind: 'status', status: 503 }, { category: 'service', retryable: true, status: 503 }],
    ['401', { kind: 'status', status: 401 }, { category: 'auth', retryable: false, status: 401 }],
    ['403', { kind: 'status', status: 403 }, { category: 'auth', retryable: false, status: 403 }],
    ['429', { kind: 'status', status: 429, retryAfterSeconds: 2 }, { category: 'rate_limit', retryable: true, status: 429, retryAfterMs: 2000 }],
    ['malformed JSON', { kind: 'malformed' }, { category: 'data', retryable: false, status: 200 }],
    ['bad envelope', { kind: 'bad-shape', target: 'envelope' }, { category: 'data', retryable: false }],
    ['truncated body', { kind: 'truncated' }, { category: 'network', retryable: true }],
    ['hang', { kind: 'hang' }, { category: 'network', retryable: true }],
    ['delay past the deadline', { kind: 'delay', delayMs: 1000 }, { category: 'network', retryable: true }],
  ];
  it.each(cases)('classifies %s', async (_name, fault, expected) => {
    sim.injectFault(fault);
    const error = await upstreamErrorOf(client.fetchMetrics());
    expect(error).toMatchObject({ source: 'john', ...expected });
    sim.clearFault();
    // Classification does not poison the client: the next call works (a new socket if one was cut).
    expect(await client.fetchMetrics()).toHaveLength(3);
  });

  it('names the deadline when it gives up waiting', async () => {
    sim.injectFault({ kind: 'hang' });
    const started = performance.now();
    const error = await upstreamErrorOf(client.fetchMetrics());
    expect(error.message).toMatch(/timed out after 200 ms/);
    expect(performance.now() - started).toBeLessThan(1500);
  });

  it('passes bad metric values through for the normalizer to judge one by one', async () => {
    sim.injectFault({ kind: 'bad-shape' });
    const answers = await client.fetchMetrics();
    expect(answers).toHaveLength(3);
    expect(answers[0]!.metrics).toMatchObject({ deals_closed: -3, conversion_rate: 'NaN' });
  });

  it('a delay within the deadline is only slow', async () => {
    sim.injectFault({ kind: 'delay', delayMs: 20 });
    expect(await client.fetchMetrics()).toHaveLength(3);
  });

  it("rethrows the caller's own cancellation, and classifies the caller's timeout as a timeout", async () => {
    sim.injectFault({ kind: 'hang' });
    const controller = new AbortController();
    const reason = new Error('shutting down');
    const pending = client.fetchMetrics({ signal: controller.signal, timeoutMs: 5000 });
    setTimeout(() => controller.abort(reason), 30);
    await expect(pending).rejects.toBe(reason);

    const timedOut = await upstreamErrorOf(client.fetchMetrics({ signal: AbortSignal.timeout(50), timeoutMs: 5000 }));
    expect(timedOut).toMatchObject({ category: 'network', retryable: true });
    expect(timedOut.message).toMatch(/caller's deadline/);
  });
});

describe('JohnClient against a John that only has the documented endpoint', () => {
  let server: RawServer;
  let authorizations: Array<string | undefined>;

  beforeAll(async () => {
    authorizations = [];
    server = await startRawServer((req, res) => {
      authorizations.push(req.headers.authorization);
      if (req.url !== '/api/john/metrics') return json(res, 404, { error: 'not found' });
      json(res, 200, {
        agent_id: 'agent:john:main',
        period: '2026-11',
        metrics: { revenue_usd: 1000, deals_closed: 2, pipeline_value: 5000, conversion_rate: 0.2, avg_deal_size: 500, active_prospects: 8, churned: 1 },
        timestamp: '2026-11-24T12:00:00Z',
        status: 'ok',
      });
    });
  });
  afterAll(() => server.close());

  it('falls back from /all on its 404 once, and remembers', async () => {
    const client = new JohnClient({ baseUrl: server.url, token: 'abc' });
    try {
      expect(client.endpoint).toBe('unknown');
      const first = await client.fetchMetrics();
      expect(first).toHaveLength(1);
      expect(first[0]).toMatchObject({ agent_id: 'agent:john:main', metrics: { churned: 1 } });
      expect(client.endpoint).toBe('single');
      await client.fetchMetrics();
      await client.fetchMetrics();
      expect(server.paths).toEqual(['/api/john/metrics/all', '/api/john/metrics', '/api/john/metrics', '/api/john/metrics']);
      expect(new Set(authorizations)).toEqual(new Set(['Bearer abc']));
    } finally {
      await client.close();
    }
  });

  it('keeps a path prefix of the base URL (a John behind a proxy)', async () => {
    const client = new JohnClient({ baseUrl: `${server.url}/proxy/`, timeoutMs: 1000 });
    try {
      server.paths.length = 0;
      // Neither path exists under the prefix on this server: /all's 404 means fallback, the single 404 is data.
      const error = await upstreamErrorOf(client.fetchMetrics());
      expect(error).toMatchObject({ category: 'data', retryable: false, status: 404 });
      expect(server.paths).toEqual(['/proxy/api/john/metrics/all', '/proxy/api/john/metrics']);
    } finally {
      await client.close();
    }
  });
});

describe('JohnClient on odd answers', () => {
  let server: RawServer;
  let next: (res: import('node:http').ServerResponse) => void = () => undefined;
  beforeAll(async () => {
    server = await startRawServer((_req, res) => next(res));
  });
  afterAll(() => server.close());

  it.each<[string, unknown]>([
    ['a JSON array', []],
    ['agents that is not an array', { agents: 'all of them' }],
    ['an agent without agent_id', { agents: [{ period: 'p', metrics: {} }] }],
    ['an agent with metrics as a list', { agents: [{ agent_id: 'a', period: 'p', metrics: [1, 2] }] }],
    ['an agent without period', { agents: [{ agent_id: 'a', metrics: {} }] }],
  ])('rejects %s as data', async (_name, body) => {
    next = (res) => json(res, 200, body);
    const client = new JohnClient({ baseUrl: server.url });
    try {
      const error = await upstreamErrorOf(client.fetchMetrics());
      expect(error).toMatchObject({ source: 'john', category: 'data', retryable: false });
      expect(error.message).toMatch(/unexpected shape/);
    } finally {
      await client.close();
    }
  });

  it('reads retry-after as an HTTP date too', async () => {
    next = (res) => {
      res.writeHead(429, { 'retry-after': new Date(Date.now() + 30_000).toUTCString() });
      res.end();
    };
    const client = new JohnClient({ baseUrl: server.url });
    try {
      const error = await upstreamErrorOf(client.fetchMetrics());
      expect(error.category).toBe('rate_limit');
      expect(error.retryAfterMs).toBeGreaterThan(25_000);
      expect(error.retryAfterMs).toBeLessThanOrEqual(30_000);
    } finally {
      await client.close();
    }
  });

  it('classifies a refused connection as network, retryable', async () => {
    const gone = await startRawServer(() => undefined);
    await gone.close();
    const client = new JohnClient({ baseUrl: gone.url, timeoutMs: 1000 });
    try {
      const error = await upstreamErrorOf(client.fetchMetrics());
      expect(error).toMatchObject({ category: 'network', retryable: true });
      expect(error.message).toMatch(/ECONNREFUSED/);
    } finally {
      await client.close();
    }
  });

  it('refuses a base URL that is not http(s)', () => {
    expect(() => new JohnClient({ baseUrl: 'ftp://john.internal' })).toThrow(/must be http\(s\)/);
  });
});
