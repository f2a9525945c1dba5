/**
 * The guard: what each way a call ends does to the status board (and so `sources`), to the
 * history store and to Prometheus, on a ManualClock; and that its deadline really cancels the
 * request in flight through the real clients (undici) against a server that never answers.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../../src/core/clock.js';
import { UpstreamError } from '../../../src/core/errors.js';
import { silentLogger } from '../../../src/core/logger.js';
import { createMetrics } from '../../../src/core/metrics.js';
import { createNorthstarPubSub } from '../../../src/core/pubsub.js';
import { JohnClient } from '../../../src/sources/john/client.js';
import { JOHN_RETRY_POLICY } from '../../../src/sources/john/retry-policy.js';
import { KalshiRestClient } from '../../../src/sources/kalshi/client.js';
import { KALSHI_RETRY_POLICY } from '../../../src/sources/kalshi/retry-policy.js';
import type { RetryPolicy } from '../../../src/sources/resilience/retry.js';
import { SourceGuard, type GuardHistory } from '../../../src/sources/resilience/source-guard.js';
import { SourceStatusBoard } from '../../../src/sources/source-status.js';

const BREAKER = { timeoutMs: 800, errorThresholdPercentage: 50, resetTimeoutMs: 5_000, volumeThreshold: 3 };

function setup(source: 'john' | 'kalshi' = 'john', retry: RetryPolicy = JOHN_RETRY_POLICY) {
  const clock = new ManualClock();
  const statuses = new SourceStatusBoard(clock, createNorthstarPubSub(), [{ source, simulated: false, enabled: true }]);
  const metrics = createMetrics({ collectProcessMetrics: false });
  const audits: Array<{ eventType: string }> = [];
  const freshness: Array<{ consecutiveFailures: number; breakerState: string; lastError?: string | null }> = [];
  const history: GuardHistory = {
    recordAudit: (input) => {
      audits.push(input);
      return Promise.resolve();
    },
    upsertFreshness: (input) => {
      freshness.push(input);
      return Promise.resolve();
    },
  };
  const guard = new SourceGuard({ source, clock, logger: silentLogger, statuses, breaker: BREAKER, retry, metrics, history, random: () => 0.5 });
  const outcomes = async () =>
    (await metrics.upstreamCallDuration.get()).values
      .filter((v) => v.metricName === 'northstar_upstream_call_duration_seconds_count')
      .map((v) => ({ outcome: v.labels.outcome, count: v.value }));
  return { clock, statuses, guard, audits, freshness, outcomes };
}

const never = () => new Promise<never>(() => undefined);

describe('SourceGuard', () => {
  it('issue 9: a hanging John opens its breaker, and sources says so (OPEN, timeouts, no successes)', async () => {
    const { clock, statuses, guard, audits } = setup();
    for (let i = 0; i < 3; i++) {
      const call = guard.call('fetchMetrics', never);
      call.catch(() => undefined);
      await clock.advance(800);
      await expect(call).rejects.toMatchObject({ source: 'john', category: 'network', message: 'john call timed out after 800 ms' });
    }
    expect(guard.phase.state).toBe('OPEN');
    expect(statuses.get('john')).toMatchObject({
      breaker: 'OPEN',
      consecutiveFailures: 3,
      lastError: 'john call timed out after 800 ms',
      stats: { fires: 3, successes: 0, failures: 3, timeouts: 3 },
    });
    expect(audits.map((a) => a.eventType)).toEqual(['CIRCUIT_BREAKER_OPEN']);
    // Open: the next call fails fast and leaves the last error alone.
    await expect(guard.call('fetchMetrics', never)).rejects.toMatchObject({ category: 'circuit_breaker' });
    expect(statuses.get('john')).toMatchObject({ consecutiveFailures: 3, lastError: 'john call timed out after 800 ms', stats: { rejects: 1 } });
    // The upstream answers again: HALF_OPEN after the reset timeout, CLOSED after the trial.
    await clock.advance(5_000);
    expect(statuses.get('john').breaker).toBe('HALF_OPEN');
    await expect(guard.call('fetchMetrics', () => Promise.resolve('metrics'))).resolves.toBe('metrics');
    expect(statuses.get('john')).toMatchObject({ breaker: 'CLOSED', consecutiveFailures: 0, lastError: null, stats: { successes: 1 } });
    expect(audits.map((a) => a.eventType)).toEqual(['CIRCUIT_BREAKER_OPEN', 'CIRCUIT_BREAKER_HALF_OPEN', 'CIRCUIT_BREAKER_CLOSE']);
    await guard.shutdown();
  });

  it("the caller's own cancellation (options.signal) is not recorded as a failure anywhere", async () => {
    const { statuses, guard, freshness, outcomes } = setup();
    for (let i = 0; i < 5; i++) {
      const caller = new AbortController();
      const call = guard.call('fetchMetrics', never, { signal: caller.signal });
      caller.abort(new Error('John poller stopped'));
      await expect(call).rejects.toThrow('John poller stopped');
    }
    expect(guard.phase.state).toBe('CLOSED');
    expect(statuses.get('john')).toMatchObject({
      consecutiveFailures: 0,
      lastError: null,
      lastFailureAt: null,
      stats: { fires: 5, failures: 0, successes: 0 },
    });
    expect(freshness).toEqual([]);
    expect(await outcomes()).toEqual([{ outcome: 'cancelled', count: 5 }]);
    await guard.shutdown();
  });

  it('shutdown cancels a call in flight; it is not recorded as a failure', async () => {
    const { statuses, guard, freshness } = setup();
    const call = guard.call('fetchMetrics', never);
    call.catch(() => undefined);
    await guard.shutdown();
    await expect(call).rejects.toThrow('john circuit breaker shut down');
    expect(statuses.get('john')).toMatchObject({ consecutiveFailures: 0, lastError: null, stats: { failures: 0 } });
    expect(freshness).toEqual([]);
  });

  it('a 404 is not recorded against the upstream', async () => {
    const { statuses, guard } = setup('kalshi', KALSHI_RETRY_POLICY);
    const notFound = new UpstreamError('Kalshi GET /markets/NOPE/orderbook: HTTP 404', { source: 'kalshi', category: 'data', retryable: false, status: 404 });
    for (let i = 0; i < 5; i++) await expect(guard.call('getOrderBook', () => Promise.reject(notFound))).rejects.toBe(notFound);
    expect(statuses.get('kalshi')).toMatchObject({ breaker: 'CLOSED', consecutiveFailures: 0, lastError: null, stats: { failures: 0 } });
    await guard.shutdown();
  });

  it('5xx, 429 and connection errors are recorded and open the breaker', async () => {
    const { statuses, guard } = setup('john', { attempts: 1, baseDelayMs: 0, maxDelayMs: 0 });
    const errors = [
      new UpstreamError('John GET /api/john/metrics: HTTP 503', { source: 'john', category: 'service', retryable: true, status: 503 }),
      new UpstreamError('John GET /api/john/metrics: HTTP 429', { source: 'john', category: 'rate_limit', retryable: true, status: 429 }),
      new UpstreamError('John GET /api/john/metrics: ECONNREFUSED', { source: 'john', category: 'network', retryable: true }),
    ];
    for (const error of errors) await expect(guard.call('fetchMetrics', () => Promise.reject(error))).rejects.toBe(error);
    expect(statuses.get('john')).toMatchObject({
      breaker: 'OPEN',
      consecutiveFailures: 3,
      lastError: 'John GET /api/john/metrics: ECONNREFUSED',
      stats: { failures: 3 },
    });
    await guard.shutdown();
  });

  it('retries stop at the deadline: a 503 retried with backoff, then the clock passes the deadline', async () => {
    const { clock, statuses, guard } = setup();
    let attempts = 0;
    const call = guard.call('fetchMetrics', () => {
      attempts++;
      return Promise.reject(new UpstreamError('HTTP 503', { source: 'john', category: 'service', retryable: true, status: 503 }));
    });
    call.catch(() => undefined);
    await clock.advance(800); // waits of 500 ms then 1000 ms: the deadline comes during the second
    await expect(call).rejects.toMatchObject({ message: 'john call timed out after 800 ms' });
    expect(attempts).toBe(2);
    expect(clock.pending).toBe(0); // the retry wait was cancelled with the call
    expect(statuses.get('john').stats).toMatchObject({ failures: 1, timeouts: 1 });
    await guard.shutdown();
  });
});

describe('SourceGuard: the deadline cancels the real request in flight', () => {
  let server: Server | null = null;
  afterEach(async () => {
    server?.closeAllConnections();
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    server = null;
  });

  /**
   * A server that reads every request and never answers. A request whose socket is still open is
   * hanging; the pool may keep another, idle socket, which carries no request.
   */
  async function hangingServer() {
    const sockets = new Set<Socket>();
    const requests: IncomingMessage[] = [];
    let closedRequests = 0;
    server = createServer((request) => {
      requests.push(request);
      request.socket.once('close', () => closedRequests++);
    });
    server.on('connection', (socket) => {
      sockets.add(socket);
      socket.once('close', () => sockets.delete(socket));
    });
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
    const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    return { origin, openSockets: () => sockets.size, requests: () => requests.length, hanging: () => requests.length - closedRequests };
  }

  async function until(condition: () => boolean, what: string): Promise<void> {
    const deadline = Date.now() + 5_000;
    while (!condition()) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  }

  const clients: Record<'john' | 'kalshi', (origin: string) => { call: (signal: AbortSignal) => Promise<unknown>; close: () => Promise<void> }> = {
    john: (origin: string) => {
      const client = new JohnClient({ baseUrl: origin, token: 't', timeoutMs: 60_000 });
      return { call: (signal: AbortSignal) => client.fetchMetrics({ signal }), close: () => client.close() };
    },
    kalshi: (origin: string) => {
      const client = new KalshiRestClient({ baseUrl: `${origin}/trade-api/v2`, timeoutMs: 60_000, rateLimit: false });
      return { call: (signal: AbortSignal) => client.listMarkets({ limit: 5 }, { signal }), close: () => client.close() };
    },
  };

  it.each(['john', 'kalshi'] as const)('%s: the manual clock passing the deadline aborts the undici request and closes its socket', async (source) => {
    const fake = await hangingServer();
    const client = clients[source](fake.origin);
    const { clock, guard, statuses } = setup(source, source === 'john' ? JOHN_RETRY_POLICY : KALSHI_RETRY_POLICY);
    try {
      for (let i = 1; i <= 3; i++) {
        const call = guard.call('read', (signal) => client.call(signal));
        call.catch(() => undefined);
        await until(() => fake.requests() === i, `request ${i} to arrive`);
        expect(fake.hanging()).toBe(1);
        await clock.advance(800);
        await expect(call).rejects.toMatchObject({ message: `${source} call timed out after 800 ms` });
        // The request was cancelled, not left hanging: its socket is closed, and nothing is retried.
        await until(() => fake.hanging() === 0, `request ${i}'s socket to close`);
        expect(fake.openSockets()).toBeLessThanOrEqual(1); // at most the pool's idle spare
      }
      expect(fake.requests()).toBe(3);
      expect(statuses.get(source)).toMatchObject({ breaker: 'OPEN', stats: { failures: 3, timeouts: 3, successes: 0 } });
    } finally {
      await guard.shutdown();
      await client.close();
    }
  });
});
