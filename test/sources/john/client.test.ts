/**
 * JohnClient against the real simulator (and a bare server for what the simulator never says):
 * every failure is classified once, into the category and retryability the guard decides from.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { UpstreamError } from '../../../src/core/errors.js';
import { JohnClient } from '../../../src/sources/john/client.js';
import { startJohnSimulator, type JohnSimulator } from '../../../src/simulators/john/server.js';
import type { JohnFault } from '../../../src/simulators/john/faults.js';
import { json, startRawServer, upstreamErrorOf, type RawServer } from './helpers.js';

const TOKEN = 'john-test-token';

describe('JohnClient against the simulator', () => {
  let sim: JohnSimulator;
  let client: JohnClient;

  beforeAll(async () => {
    sim = await startJohnSimulator({ token: TOKEN, seed: 17 });
    // A short deadline so the hang and slow cases cost 200 ms each.
    client = new JohnClient({ baseUrl: sim.baseUrl, token: TOKEN, timeoutMs: 200, endpoint: { kind: 'all' } });
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
    expect(client.endpoint).toEqual({ kind: 'all' });
    expect(sim.requestCount() - before).toBe(2);
  });

  it.each<[string | undefined, string]>([
    [undefined, 'no token'],
    ['not-the-token', 'a wrong token'],
  ])('classifies 401 (token %s) as auth, not retryable, and never echoes the token', async (token) => {
    const other = new JohnClient({ baseUrl: sim.baseUrl, token, timeoutMs: 1000, endpoint: { kind: 'all' } });
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

/** A John (or a proxy in front of one) that answers EVERY path with the documented one-agent object, as seen in the field. */
describe('JohnClient against a John that serves the documented shape on every path', () => {
  let server: RawServer;
  let authorizations: Array<string | undefined>;
  const documented = (agentId: string) => ({
    agent_id: agentId,
    period: '2026-11',
    metrics: { revenue_usd: 1000, deals_closed: 2, pipeline_value: 5000, conversion_rate: 0.2, avg_deal_size: 500, active_prospects: 8, churned: 1 },
    timestamp: '2026-11-24T12:00:00Z',
    status: 'ok',
  });

  beforeAll(async () => {
    authorizations = [];
    server = await startRawServer((req, res) => {
      authorizations.push(req.headers.authorization);
      json(res, 200, documented('agent:john:main'));
    });
  });
  afterAll(() => server.close());

  it('reads only the documented /api/john/metrics by default, every time', async () => {
    const client = new JohnClient({ baseUrl: server.url, token: 'abc' });
    try {
      server.paths.length = 0;
      expect(client.endpoint).toEqual({ kind: 'single' });
      for (let i = 0; i < 3; i++) {
        const answer = await client.fetchMetrics();
        expect(answer).toHaveLength(1);
        expect(answer[0]).toMatchObject({ agent_id: 'agent:john:main', metrics: { revenue_usd: 1000, churned: 1 } });
      }
      expect(server.paths).toEqual(['/api/john/metrics', '/api/john/metrics', '/api/john/metrics']);
      expect(new Set(authorizations)).toEqual(new Set(['Bearer abc']));
    } finally {
      await client.close();
    }
  });

  it('with JOHN_ENDPOINT=all, says plainly that the answer is not the extension', async () => {
    const client = new JohnClient({ baseUrl: server.url, endpoint: { kind: 'all' } });
    try {
      const error = await upstreamErrorOf(client.fetchMetrics());
      expect(error).toMatchObject({ category: 'data', retryable: false });
      expect(error.message).toMatch(/\/api\/john\/metrics\/all: unexpected shape/);
    } finally {
      await client.close();
    }
  });

  it('with a list of agents, refuses an answer for another agent than asked', async () => {
    const client = new JohnClient({ baseUrl: server.url, endpoint: { kind: 'agents', agentIds: ['agent:john:main', 'agent:john:smb'] } });
    try {
      server.paths.length = 0;
      const error = await upstreamErrorOf(client.fetchMetrics());
      expect(error).toMatchObject({ category: 'data', retryable: false });
      expect(error.message).toMatch(/answered for "agent:john:main", not the agent asked for/);
      expect(server.paths.sort()).toEqual(['/api/john/metrics?agent_id=agent%3Ajohn%3Amain', '/api/john/metrics?agent_id=agent%3Ajohn%3Asmb']);
    } finally {
      await client.close();
    }
  });

  it('keeps a path prefix of the base URL (a John behind a proxy)', async () => {
    const client = new JohnClient({ baseUrl: `${server.url}/proxy/`, timeoutMs: 1000 });
    try {
      server.paths.length = 0;
      await client.fetchMetrics();
      expect(server.paths).toEqual(['/proxy/api/john/metrics']);
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
    const client = new JohnClient({ baseUrl: server.url, endpoint: { kind: 'all' } });
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
