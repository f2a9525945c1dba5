/**
 * Issue 9, as a user sees it: the real service as an operator runs it (`node --import tsx
 * src/main.ts`, its own database and cache directory), an upstream that never answers, and
 * `{ sources { … } }` over HTTP. A hanging upstream must open its breaker (each timeout is a
 * failure, not a success), and when the upstream answers again the breaker must walk
 * HALF_OPEN → CLOSED and the data must come back.
 *
 * (b) runs against a fake John written here from /work/shared/reference/upstreams.md (GET
 * /api/john/metrics, bearer token, the one-agent JSON), not against our simulator. It answers 404
 * on every other path, so the client settles on the documented endpoint.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { createClient as createWsClient } from 'graphql-ws';
import { afterEach, describe, expect, it, vi } from 'vitest';
import WebSocket from 'ws';

/**
 * Short timers, each at or above its minimum in src/core/config.ts. The deadline leaves room for a
 * healthy call on a loaded two-core machine (the trial that closes the breaker must make it).
 */
const TIMEOUT_MS = 1000;
const FAST = {
  CB_TIMEOUT_MS: String(TIMEOUT_MS),
  CB_VOLUME_THRESHOLD: '2',
  CB_ERROR_THRESHOLD: '50',
  CB_RESET_TIMEOUT_MS: '1500',
  JOHN_POLL_INTERVAL_MS: '1000',
  KALSHI_POLL_INTERVAL_MS: '100',
};

interface SourceRow {
  source: string;
  breaker: string;
  availability: string;
  consecutiveFailures: number;
  lastError: string | null;
  stats: { fires: number; successes: number; failures: number; timeouts: number; rejects: number };
}
const SOURCES = '{ sources { source breaker availability consecutiveFailures lastError stats { fires successes failures timeouts rejects } } }';

interface Service {
  url: string;
  child: ChildProcess;
  logs: Array<Record<string, unknown>>;
  /** SIGTERM, and the exit code. */
  stop(): Promise<number | null>;
}

const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch(() => undefined);
});

async function startProcess(env: Record<string, string>): Promise<Service> {
  const dir = await mkdtemp(join(tmpdir(), 'northstar-breaker-'));
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    env: {
      ...process.env,
      NODE_ENV: 'test',
      PORT: '0',
      LOG_FORMAT: 'json',
      LOG_LEVEL: 'info',
      DATABASE_URL: `file:${join(dir, 'northstar.db')}`,
      CACHE_DIR: join(dir, 'cache'),
      REDIS_URL: '',
      ...FAST,
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  cleanups.push(async () => {
    if (child.exitCode === null) child.kill('SIGKILL');
    await exited;
  });
  const logs: Array<Record<string, unknown>> = [];
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const url = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout }).on('line', (line) => {
      let entry: Record<string, unknown>;
      try {
        entry = JSON.parse(line) as Record<string, unknown>;
      } catch {
        return;
      }
      logs.push(entry);
      if (typeof entry.graphql === 'string') resolve(entry.graphql);
    });
    exited.then((code) => reject(new Error(`the service exited early with ${code}: ${stderr}`)), reject);
  });
  return {
    url,
    child,
    logs,
    stop: () => {
      child.kill('SIGTERM');
      return exited;
    },
  };
}

async function gql<T>(url: string, query: string): Promise<T> {
  const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query }) });
  const body = (await response.json()) as { data?: T; errors?: unknown[] };
  if (body.errors) throw new Error(`GraphQL errors: ${JSON.stringify(body.errors)}`);
  return body.data!;
}

async function source(url: string, name: 'JOHN' | 'KALSHI'): Promise<SourceRow> {
  const { sources } = await gql<{ sources: SourceRow[] }>(url, SOURCES);
  return sources.find((row) => row.source === name)!;
}

describe('a hanging upstream opens its breaker (simulator fault)', () => {
  it.each([
    ['JOHN', 'JOHN_SIM_FAULT', 'john'],
    ['KALSHI', 'KALSHI_SIM_FAULT', 'kalshi'],
  ] as const)('%s: %s=hang → sources says OPEN, every timeout counted as a failure', { timeout: 60_000 }, async (name, variable, id) => {
    const service = await startProcess({ [variable]: 'hang' });
    await vi.waitFor(async () => expect((await source(service.url, name)).breaker).toBe('OPEN'), { timeout: 20_000, interval: 100 });
    const row = await source(service.url, name);
    expect(row.lastError).toBe(`${id} call timed out after ${TIMEOUT_MS} ms`);
    expect(row.consecutiveFailures).toBeGreaterThanOrEqual(2);
    expect(row.availability).not.toBe('LIVE');
    // Honest counts: the timeouts are failures; not one of them was counted as a success.
    expect(row.stats.timeouts).toBeGreaterThanOrEqual(2);
    expect(row.stats.failures).toBeGreaterThanOrEqual(row.stats.timeouts);
    expect(row.stats.successes).toBe(0);
    // Open: calls now fail fast instead of waiting out the deadline.
    await vi.waitFor(async () => expect((await source(service.url, name)).stats.rejects).toBeGreaterThan(0), { timeout: 10_000, interval: 100 });
    expect(service.logs.some((l) => l.source === id && l.to === 'OPEN')).toBe(true);
    // Hanging requests do not keep the process from stopping cleanly.
    expect(await service.stop()).toBe(0);
  });
});

/** John as documented: GET /api/john/metrics with a bearer token; 404 elsewhere. It can be told to hang. */
async function startFakeJohn(token: string) {
  let mode: 'hang' | 'answer' = 'hang';
  const seen: Array<{ path: string; authorization: string | undefined }> = [];
  const hanging = new Set<IncomingMessage>();
  let hungTotal = 0;
  const period = new Date(Math.floor(Date.now() / 3_600_000) * 3_600_000).toISOString();
  const body = {
    agent_id: 'agent:john:main',
    period,
    metrics: { revenue_usd: 123456.78, deals_closed: 42, pipeline_value: 987654.32, conversion_rate: 0.27, avg_deal_size: 2939.45, active_prospects: 17 },
    timestamp: new Date().toISOString(),
    status: 'ok',
  };
  const server: Server = createServer((request: IncomingMessage, response: ServerResponse) => {
    const path = (request.url ?? '').split('?')[0]!;
    seen.push({ path, authorization: request.headers.authorization });
    const json = (status: number, payload: unknown) => {
      response.writeHead(status, { 'content-type': 'application/json' });
      response.end(JSON.stringify(payload));
    };
    if (request.method !== 'GET' || path !== '/api/john/metrics') return json(404, { error: 'not found' });
    if (request.headers.authorization !== `Bearer ${token}`) return json(401, { error: 'unauthorized' });
    if (mode === 'hang') {
      // Never answer. The request stays here until the client gives up on it and closes the socket.
      hanging.add(request);
      hungTotal++;
      request.socket.once('close', () => hanging.delete(request));
      return;
    }
    json(200, { ...body, timestamp: new Date().toISOString() });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  cleanups.push(
    () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  );
  return {
    baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    body,
    seen,
    /** Requests held open right now. */
    hangingNow: () => hanging.size,
    hungTotal: () => hungTotal,
    answer: () => (mode = 'answer'),
  };
}

describe('a hanging John (a fake written from the reference) opens, then recovers', () => {
  it('hangs → OPEN; answers again → HALF_OPEN → CLOSED, and John metrics appear', { timeout: 60_000 }, async () => {
    const token = 'e2e-john-token';
    const john = await startFakeJohn(token);
    const service = await startProcess({ JOHN_BASE_URL: john.baseUrl, JOHN_API_TOKEN: token });
    expect(service.logs.find((l) => l.source === 'john' && l.mode !== undefined)).toMatchObject({ mode: 'live', baseUrl: john.baseUrl });

    const ws = createWsClient({ url: service.url.replace(/^http/, 'ws'), webSocketImpl: WebSocket, retryAttempts: 0 });
    cleanups.push(async () => ws.dispose());
    const states: string[] = [];
    let subscribed = false;
    const unsubscribe = ws.subscribe<{ sourceStatusChanged: { source: string; breaker: string } }>(
      { query: 'subscription { sourceStatusChanged { source breaker } }' },
      {
        next: (result) => {
          const change = result.data?.sourceStatusChanged;
          if (change?.source === 'JOHN' && states.at(-1) !== change.breaker) states.push(change.breaker);
        },
        error: () => undefined,
        complete: () => undefined,
      },
    );
    // A throw of unsubscribe() becomes the cleanup's rejection, which the cleanup loop expects.
    cleanups.push(
      () =>
        new Promise<void>((resolve) => {
          unsubscribe();
          resolve();
        }),
    );
    // The subscription is live once graphql-ws acknowledged it (the first source change may be later).
    await new Promise<void>((resolve) => {
      const off = ws.on('connected', () => {
        subscribed = true;
        off();
        resolve();
      });
    });
    expect(subscribed).toBe(true);

    // 1. John never answers: every poll times out, each a failure, and the breaker opens.
    await vi.waitFor(async () => expect((await source(service.url, 'JOHN')).breaker).toBe('OPEN'), { timeout: 20_000, interval: 100 });
    const open = await source(service.url, 'JOHN');
    expect(open).toMatchObject({ lastError: `john call timed out after ${TIMEOUT_MS} ms`, availability: 'UNAVAILABLE' });
    expect(open.consecutiveFailures).toBeGreaterThanOrEqual(2);
    expect(open.stats.successes).toBe(0);
    expect(open.stats.timeouts).toBeGreaterThanOrEqual(2);
    expect(john.hungTotal()).toBeGreaterThanOrEqual(1); // (on a loaded machine a request may not even arrive before its deadline)
    // Every timed-out request was cancelled: the client closed its socket, none is left hanging.
    await vi.waitFor(() => expect(john.hangingNow()).toBe(0), { timeout: 5_000, interval: 20 });
    // The documented endpoint with the bearer token (after one 404 from the simulator-only /all).
    expect(john.seen.filter((r) => r.path === '/api/john/metrics').every((r) => r.authorization === `Bearer ${token}`)).toBe(true);
    // Only the documented endpoint: the simulator's /all extension is never guessed at.
    expect(new Set(john.seen.map((r) => r.path))).toEqual(new Set(['/api/john/metrics']));

    // 2. John answers again: after CB_RESET_TIMEOUT_MS the breaker is HALF_OPEN, the trial poll succeeds, CLOSED.
    john.answer();
    await vi.waitFor(async () => expect((await source(service.url, 'JOHN')).breaker).toBe('CLOSED'), { timeout: 20_000, interval: 100 });
    // The subscription saw the half-open step between OPEN (above) and CLOSED.
    await vi.waitFor(() => expect(states.slice(-2)).toEqual(['HALF_OPEN', 'CLOSED']), { timeout: 5_000, interval: 20 });
    const closed = await source(service.url, 'JOHN');
    expect(closed).toMatchObject({ breaker: 'CLOSED', availability: 'LIVE', consecutiveFailures: 0, lastError: null });
    expect(closed.stats.successes).toBeGreaterThanOrEqual(1);
    expect(closed.stats.failures).toBeGreaterThanOrEqual(open.stats.failures);
    expect(closed.stats.timeouts).toBeGreaterThanOrEqual(open.stats.timeouts);

    // 3. John's metrics appear, with the fake's values.
    await vi.waitFor(
      async () => {
        const { businessMetrics } = await gql<{ businessMetrics: Array<{ agentId: string; metricName: string; metricValue: number; source: string }> }>(
          service.url,
          '{ businessMetrics(agentId: "agent:john:main") { agentId metricName metricValue source } }',
        );
        const revenue = businessMetrics.find((m) => m.metricName === 'revenue_usd');
        expect(revenue).toMatchObject({ agentId: 'agent:john:main', source: 'JOHN', metricValue: john.body.metrics.revenue_usd });
        expect(businessMetrics.find((m) => m.metricName === 'deals_closed')?.metricValue).toBe(42);
      },
      { timeout: 10_000, interval: 100 },
    );

    unsubscribe();
    await ws.dispose();
    expect(await service.stop()).toBe(0);
  });
});
