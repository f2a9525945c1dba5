/**
 * The portfolio poller against the real REST simulator (signed requests, verified by the
 * simulator) through a real SourceGuard: every subaccount arrives, normalized and tagged; trades
 * on the simulator's clock show up in the next poll; a failing upstream leaves the last good
 * portfolio in place; polls never overlap and follow the injected clock.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ManualClock, systemClock } from '../../../src/core/clock.js';
import { silentLogger } from '../../../src/core/logger.js';
import { createMetrics } from '../../../src/core/metrics.js';
import { createNorthstarPubSub } from '../../../src/core/pubsub.js';
import { KalshiRestClient } from '../../../src/sources/kalshi/client.js';
import { normalizePosition } from '../../../src/sources/kalshi/portfolio.js';
import { KalshiPortfolioPoller, type SubaccountPosition } from '../../../src/sources/kalshi/portfolio-poller.js';
import { positionsPagePayload } from '../../../src/simulators/kalshi/payloads.js';
import { createSimulatorCredentials } from '../../../src/simulators/kalshi/rest-auth.js';
import { startKalshiRestSimulator, type KalshiRestSimulator } from '../../../src/simulators/kalshi/rest-server.js';
import type { RetryPolicy } from '../../../src/sources/resilience/retry.js';

/** One attempt: these tests count calls. */
const NO_RETRY: RetryPolicy = { attempts: 1, baseDelayMs: 0, maxDelayMs: 0 };
import { SourceGuard } from '../../../src/sources/resilience/source-guard.js';
import { SourceStatusBoard } from '../../../src/sources/source-status.js';

describe('KalshiPortfolioPoller', () => {
  let simulator: KalshiRestSimulator | null = null;
  let client: KalshiRestClient | null = null;
  const guards: SourceGuard[] = [];
  const pollers: KalshiPortfolioPoller[] = [];
  afterEach(async () => {
    await Promise.all(pollers.splice(0).map((poller) => poller.stop()));
    await Promise.all(guards.splice(0).map((guard) => guard.shutdown()));
    await client?.close();
    await simulator?.close();
    simulator = null;
    client = null;
  });

  async function setup(options: { pollClock?: ManualClock; wrapClient?: (client: KalshiRestClient) => Pick<KalshiRestClient, 'getAllPositions'> } = {}) {
    const simClock = new ManualClock();
    const { credentials, publicKey } = createSimulatorCredentials();
    // publicKey + apiKeyId: the simulator verifies every portfolio request's signature.
    simulator = await startKalshiRestSimulator({ clock: simClock, seed: 7, publicKey, apiKeyId: credentials.keyId, rateLimit: false });
    client = new KalshiRestClient({ baseUrl: simulator.baseUrl, credentials, clock: simClock, rateLimit: false, timeoutMs: 2000 });
    const pubsub = createNorthstarPubSub();
    const metrics = createMetrics({ collectProcessMetrics: false });
    const statuses = new SourceStatusBoard(systemClock, pubsub, [{ source: 'kalshi', simulated: true, enabled: true }], metrics);
    const guard = new SourceGuard({
      source: 'kalshi',
      clock: systemClock,
      logger: silentLogger,
      statuses,
      metrics,
      // No retries and a high volume threshold: each subaccount read is exactly one request.
      retry: NO_RETRY,
      breaker: { timeoutMs: 2000, errorThresholdPercentage: 50, resetTimeoutMs: 30_000, volumeThreshold: 100 },
    });
    guards.push(guard);
    const received: SubaccountPosition[][] = [];
    const poller = new KalshiPortfolioPoller({
      client: options.wrapClient ? options.wrapClient(client) : client,
      clock: options.pollClock ?? systemClock,
      guard,
      logger: silentLogger,
      metrics,
      subaccounts: [0, 1, 2],
      intervalMs: 30_000,
      onPositions: (positions) => received.push(positions),
    });
    pollers.push(poller);
    return { simulator, simClock, statuses, poller, received, metrics };
  }

  /** What the simulator holds now, normalized the way the poller does it. */
  function expected(sim: KalshiRestSimulator): SubaccountPosition[] {
    return [0, 1, 2].flatMap((subaccount) =>
      positionsPagePayload(sim.portfolio.listPositions(subaccount), '').market_positions.map((wire) => ({ ...normalizePosition(wire), subaccount })),
    );
  }

  it('reads every subaccount, signed, normalized and tagged, YES and NO alike, and marks the source live', async () => {
    const { simulator, statuses, poller, received } = await setup();
    await poller.pollOnce();
    expect(received).toHaveLength(1);
    const positions = received[0]!;
    expect(new Set(positions.map((p) => p.subaccount))).toEqual(new Set([0, 1, 2]));
    expect(positions.some((p) => p.positionHundredths > 0)).toBe(true);
    expect(positions.some((p) => p.positionHundredths < 0)).toBe(true);
    expect(positions).toEqual(expected(simulator));
    for (const p of positions) expect(simulator.portfolio.getPosition(p.ticker)?.subaccount).toBe(p.subaccount);
    expect(statuses.get('kalshi')).toMatchObject({ availability: 'LIVE', consecutiveFailures: 0, lastError: null });
  });

  it('sees the trades made as the simulator clock moves on', async () => {
    const { simulator, simClock, poller, received } = await setup();
    await poller.pollOnce();
    const fillsBefore = simulator.portfolio.fills().length;
    await simClock.advance(300_000);
    expect(simulator.portfolio.fills().length).toBeGreaterThan(fillsBefore);
    await poller.pollOnce();
    expect(received).toHaveLength(2);
    expect(received[1]).not.toEqual(received[0]);
    expect(received[1]).toEqual(expected(simulator));
  });

  it('keeps the last good positions on a 503 (no hand-over) and reports the failure', async () => {
    const { simulator, simClock, statuses, poller, received } = await setup();
    await poller.pollOnce();
    simulator.injectFault({ kind: 'status', status: 503 });
    await simClock.advance(300_000);
    await poller.pollOnce();
    await poller.pollOnce();
    expect(received).toHaveLength(1);
    expect(statuses.get('kalshi')).toMatchObject({ availability: 'CACHED', consecutiveFailures: 2 });
    expect(statuses.get('kalshi').lastError).toMatch(/HTTP 503/);

    simulator.clearFault();
    await poller.pollOnce();
    expect(received).toHaveLength(2);
    expect(received[1]).toEqual(expected(simulator));
    expect(statuses.get('kalshi')).toMatchObject({ availability: 'LIVE', consecutiveFailures: 0 });
  });

  it('hands over nothing when one subaccount of three fails (no partial portfolio)', async () => {
    let failSubaccount2 = false;
    const { poller, received, statuses } = await setup({
      wrapClient: (real) => ({
        getAllPositions: (params, options) =>
          failSubaccount2 && params?.subaccount === 2 ? Promise.reject(new Error('subaccount 2 unreachable')) : real.getAllPositions(params, options),
      }),
    });
    await poller.pollOnce();
    expect(received).toHaveLength(1);
    failSubaccount2 = true;
    await poller.pollOnce();
    expect(received).toHaveLength(1);
    expect(statuses.get('kalshi')).toMatchObject({ consecutiveFailures: 1 });
    expect(statuses.get('kalshi').lastError).toMatch(/subaccount 2 unreachable/);
  });

  it('treats a malformed answer as a failed poll, counted as a malformed payload', async () => {
    const { simulator, poller, received, metrics } = await setup();
    simulator.injectFault({ kind: 'malformed', times: 1 });
    await poller.pollOnce();
    expect(received).toHaveLength(0);
    const counted = await metrics.upstreamMalformedPayloads.get();
    expect(counted.values.find((v) => v.labels.source === 'kalshi')?.value).toBe(1);
  });

  it('shares one in-flight poll between concurrent callers', async () => {
    const { poller, received } = await setup();
    const first = poller.pollOnce();
    expect(poller.pollOnce()).toBe(first);
    await first;
    expect(received).toHaveLength(1);
  });

  it('polls on the injected clock at start and every interval, and stops', async () => {
    const pollClock = new ManualClock();
    const { poller, received } = await setup({ pollClock });
    poller.start();
    poller.start(); // idempotent
    await pollClock.advance(0);
    await vi.waitFor(() => expect(received).toHaveLength(1));
    await pollClock.advance(29_999);
    expect(received).toHaveLength(1);
    await pollClock.advance(1);
    await vi.waitFor(() => expect(received).toHaveLength(2));
    await poller.stop();
    await pollClock.advance(120_000);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(received).toHaveLength(2);
    expect(pollClock.pending).toBe(0);
  });
});
