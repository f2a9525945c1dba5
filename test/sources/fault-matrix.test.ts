/**
 * Every fault kind of every source, through the real client, the real simulator and the real
 * source guard (breaker + the source's retry policy): the failure is classified right, retried
 * exactly as the policy says (counted at the simulator), and enough failures walk the breaker
 * CLOSED → OPEN → HALF_OPEN → CLOSED on the injected clock. Retry waits, the breaker's deadline and
 * its reset run on a ManualClock; HTTP is real, so `settle` advances the clock while I/O completes.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock, systemClock } from '../../src/core/clock.js';
import type { MarketRecord } from '../../src/core/domain.js';
import { UpstreamError } from '../../src/core/errors.js';
import { silentLogger } from '../../src/core/logger.js';
import { createMetrics } from '../../src/core/metrics.js';
import { createNorthstarPubSub } from '../../src/core/pubsub.js';
import { AnthropicInsightClient } from '../../src/sources/anthropic/client.js';
import { ANTHROPIC_RETRY_POLICY } from '../../src/sources/anthropic/retry-policy.js';
import { startAnthropicSimulator, type AnthropicFault, type AnthropicSimulator } from '../../src/simulators/anthropic/index.js';
import { JohnClient } from '../../src/sources/john/client.js';
import { JOHN_RETRY_POLICY } from '../../src/sources/john/retry-policy.js';
import type { JohnFault } from '../../src/simulators/john/faults.js';
import { startJohnSimulator, type JohnSimulator } from '../../src/simulators/john/server.js';
import { KalshiRestClient } from '../../src/sources/kalshi/client.js';
import { normalizeMarket } from '../../src/sources/kalshi/normalize.js';
import { KALSHI_RETRY_POLICY } from '../../src/sources/kalshi/retry-policy.js';
import { startKalshiRestSimulator, type KalshiRestSimulator, type SimulatorFault } from '../../src/simulators/kalshi/rest-server.js';
import type { RetryPolicy } from '../../src/sources/resilience/retry.js';
import { SourceGuard } from '../../src/sources/resilience/source-guard.js';
import { SourceStatusBoard } from '../../src/sources/source-status.js';

// The deadline is on the manual clock too: long enough for every policy's retry waits (John's
// 0.5 + 1 + 2 s at random 0.5, Anthropic's 2 s retry-after twice), short enough to cut a hang quickly.
const BREAKER = { timeoutMs: 10_000, errorThresholdPercentage: 50, resetTimeoutMs: 30_000, volumeThreshold: 3 };

/** Advances the manual clock until the promise settles (real I/O runs between the steps). */
async function settle<T>(promise: Promise<T>, clock: ManualClock): Promise<{ ok: true; value: T } | { ok: false; error: unknown }> {
  let outcome: { ok: true; value: T } | { ok: false; error: unknown } | null = null;
  promise.then(
    (value) => (outcome = { ok: true, value }),
    (error: unknown) => (outcome = { ok: false, error }),
  );
  // Bounded in real time too: a hang is cut by the breaker's deadline once the clock has passed it.
  const deadline = Date.now() + 10_000;
  while (outcome === null && Date.now() < deadline) {
    await clock.advance(250);
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
  if (outcome === null) throw new Error('the call did not settle');
  return outcome;
}

function guardFor(source: 'kalshi' | 'john' | 'anthropic', retry: RetryPolicy, clock: ManualClock) {
  const statuses = new SourceStatusBoard(clock, createNorthstarPubSub(), [{ source, simulated: true, enabled: true }]);
  const guard = new SourceGuard({
    source,
    clock,
    logger: silentLogger,
    statuses,
    breaker: BREAKER,
    retry,
    metrics: createMetrics({ collectProcessMetrics: false }),
    random: () => 0.5,
  });
  return { guard, statuses };
}

interface Case<F> {
  fault: F;
  category: UpstreamError['category'];
  retryable: boolean;
  /** Requests the simulator saw for one logical call. */
  requests: number;
}

describe('fault matrix: Kalshi REST', () => {
  let sim: KalshiRestSimulator;
  let client: KalshiRestClient;
  beforeAll(async () => {
    sim = await startKalshiRestSimulator({ seed: 3 });
    client = new KalshiRestClient({ baseUrl: sim.baseUrl, timeoutMs: 2000, rateLimit: false });
  });
  afterAll(async () => {
    await client.close();
    await sim.close();
  });

  const cases: Array<Case<SimulatorFault>> = [
    { fault: { kind: 'status', status: 503 }, category: 'service', retryable: true, requests: 3 },
    { fault: { kind: 'status', status: 429, body: { error: 'too many requests' } }, category: 'rate_limit', retryable: true, requests: 3 },
    { fault: { kind: 'status', status: 401 }, category: 'auth', retryable: false, requests: 1 },
    { fault: { kind: 'malformed' }, category: 'data', retryable: false, requests: 1 },
    { fault: { kind: 'truncated' }, category: 'network', retryable: true, requests: 3 },
    { fault: { kind: 'hang' }, category: 'network', retryable: true, requests: 1 },
  ];

  it.each(cases)(
    '$fault.kind $fault.status → $category (retryable: $retryable) after $requests request(s)',
    async ({ fault, category, retryable, requests }) => {
      const clock = new ManualClock();
      const { guard } = guardFor('kalshi', KALSHI_RETRY_POLICY, clock);
      sim.injectFault(fault);
      const before = sim.requestCount();
      const outcome = await settle(
        guard.call('listMarkets', (signal) => client.listMarkets({ limit: 5 }, { signal })),
        clock,
      );
      sim.clearFault();
      await guard.shutdown();
      expect(outcome.ok).toBe(false);
      const error = (outcome as { error: unknown }).error;
      expect(error).toBeInstanceOf(UpstreamError);
      expect(error).toMatchObject({ source: 'kalshi', category, retryable });
      expect(sim.requestCount() - before).toBe(requests);
    },
  );

  it('walks the breaker CLOSED → OPEN → HALF_OPEN → CLOSED and reports each step', async () => {
    const clock = new ManualClock();
    const { guard, statuses } = guardFor('kalshi', { attempts: 1, baseDelayMs: 0, maxDelayMs: 0 }, clock);
    const call = () =>
      settle(
        guard.call('listMarkets', (signal) => client.listMarkets({ limit: 5 }, { signal })),
        clock,
      );
    sim.injectFault({ kind: 'status', status: 502 });
    for (let i = 0; i < 3; i++) expect((await call()).ok).toBe(false);
    expect(guard.phase.state).toBe('OPEN');
    expect(statuses.get('kalshi')).toMatchObject({ breaker: 'OPEN', availability: 'UNAVAILABLE', consecutiveFailures: 3 });
    const before = sim.requestCount();
    const rejected = await call();
    expect((rejected as { error: UpstreamError }).error.category).toBe('circuit_breaker');
    expect(sim.requestCount()).toBe(before); // failing fast: the upstream was not called
    await clock.advance(30_000);
    expect(guard.phase.state).toBe('HALF_OPEN');
    expect(statuses.get('kalshi').breaker).toBe('HALF_OPEN');
    sim.clearFault();
    expect((await call()).ok).toBe(true);
    expect(guard.phase.state).toBe('CLOSED');
    expect(statuses.get('kalshi')).toMatchObject({ breaker: 'CLOSED', availability: 'LIVE', consecutiveFailures: 0, lastError: null });
    await guard.shutdown();
  });
});

describe('fault matrix: John', () => {
  let sim: JohnSimulator;
  let client: JohnClient;
  beforeAll(async () => {
    sim = await startJohnSimulator({ seed: 5, token: 'john-token' });
    client = new JohnClient({ baseUrl: sim.baseUrl, token: 'john-token', timeoutMs: 2000 });
  });
  afterAll(async () => {
    await client.close();
    await sim.close();
  });

  // John's policy: retry 5xx and network three times; never 401/403; 429 is not in the reference's list.
  const cases: Array<Case<JohnFault>> = [
    { fault: { kind: 'status', status: 503 }, category: 'service', retryable: true, requests: 4 },
    { fault: { kind: 'status', status: 401 }, category: 'auth', retryable: false, requests: 1 },
    { fault: { kind: 'status', status: 403 }, category: 'auth', retryable: false, requests: 1 },
    { fault: { kind: 'status', status: 429 }, category: 'rate_limit', retryable: true, requests: 1 },
    { fault: { kind: 'malformed' }, category: 'data', retryable: false, requests: 1 },
    { fault: { kind: 'truncated' }, category: 'network', retryable: true, requests: 4 },
    { fault: { kind: 'hang' }, category: 'network', retryable: true, requests: 1 },
  ];

  it.each(cases)(
    '$fault.kind $fault.status → $category (retryable: $retryable) after $requests request(s)',
    async ({ fault, category, retryable, requests }) => {
      await client.fetchMetrics(); // settle the endpoint discovery first, so each attempt is one request
      const clock = new ManualClock();
      const { guard } = guardFor('john', JOHN_RETRY_POLICY, clock);
      sim.injectFault(fault);
      const before = sim.requestCount();
      const outcome = await settle(
        guard.call('fetchMetrics', (signal) => client.fetchMetrics({ signal })),
        clock,
      );
      sim.clearFault();
      await guard.shutdown();
      expect(outcome.ok).toBe(false);
      expect((outcome as { error: unknown }).error).toMatchObject({ source: 'john', category, retryable });
      expect(sim.requestCount() - before).toBe(requests);
    },
  );
});

describe('fault matrix: Anthropic', () => {
  let sim: AnthropicSimulator;
  let client: AnthropicInsightClient;
  let markets: MarketRecord[];
  let kalshi: KalshiRestSimulator;
  beforeAll(async () => {
    sim = await startAnthropicSimulator({ seed: 9 });
    client = new AnthropicInsightClient({ apiKey: 'sk-ant-test', baseUrl: sim.baseUrl, model: 'claude-haiku-4-5', timeoutMs: 2000, clock: systemClock });
    kalshi = await startKalshiRestSimulator({ seed: 4 });
    markets = kalshi.model
      .listMarkets()
      .slice(0, 8)
      .map((m) => normalizeMarket(m, Date.now()));
  });
  afterAll(async () => {
    await sim.close();
    await kalshi.close();
  });

  const cases: Array<Case<AnthropicFault>> = [
    { fault: { kind: 'status', status: 529 }, category: 'service', retryable: true, requests: 3 },
    { fault: { kind: 'status', status: 500 }, category: 'service', retryable: true, requests: 3 },
    { fault: { kind: 'status', status: 429, retryAfterSeconds: 2 }, category: 'rate_limit', retryable: true, requests: 3 },
    { fault: { kind: 'status', status: 401 }, category: 'auth', retryable: false, requests: 1 },
    { fault: { kind: 'sse-error' }, category: 'service', retryable: true, requests: 3 },
    { fault: { kind: 'invalid-tool-input' }, category: 'data', retryable: false, requests: 1 },
    { fault: { kind: 'malformed' }, category: 'data', retryable: false, requests: 1 },
    { fault: { kind: 'hang' }, category: 'network', retryable: true, requests: 1 },
  ];

  it.each(cases)(
    '$fault.kind $fault.status → $category (retryable: $retryable) after $requests request(s)',
    async ({ fault, category, retryable, requests }) => {
      const clock = new ManualClock();
      const { guard } = guardFor('anthropic', ANTHROPIC_RETRY_POLICY, clock);
      sim.injectFault(fault);
      const before = sim.requestCount();
      const outcome = await settle(
        guard.call('analyze', (signal) => client.analyze(markets, { signal })),
        clock,
      );
      sim.clearFault();
      await guard.shutdown();
      expect(outcome.ok).toBe(false);
      expect((outcome as { error: unknown }).error).toMatchObject({ source: 'anthropic', category, retryable });
      expect(sim.requestCount() - before).toBe(requests);
    },
  );

  it('a truncated stream is a retryable failure, retried', async () => {
    const clock = new ManualClock();
    const { guard } = guardFor('anthropic', ANTHROPIC_RETRY_POLICY, clock);
    sim.injectFault({ kind: 'truncated' });
    const before = sim.requestCount();
    const outcome = await settle(
      guard.call('analyze', (signal) => client.analyze(markets, { signal })),
      clock,
    );
    sim.clearFault();
    await guard.shutdown();
    expect((outcome as { error: UpstreamError }).error.retryable).toBe(true);
    expect(sim.requestCount() - before).toBe(3);
  });
});
