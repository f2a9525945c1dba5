/**
 * The breaker's state machine on an injected clock: 30-second behaviour proven in milliseconds.
 */
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../../src/core/clock.js';
import { UpstreamError } from '../../../src/core/errors.js';
import { SourceBreaker, type BreakerTransition } from '../../../src/sources/resilience/breaker.js';

const options = { timeoutMs: 500, errorThresholdPercentage: 50, resetTimeoutMs: 30_000, volumeThreshold: 3 };
const down = () => new UpstreamError('HTTP 503', { source: 'kalshi', category: 'service', retryable: true, status: 503 });

function setup() {
  const clock = new ManualClock();
  const transitions: BreakerTransition[] = [];
  const breaker = new SourceBreaker('kalshi', options, clock, (t) => transitions.push(t));
  let upstreamCalls = 0;
  const failing = async () => {
    upstreamCalls++;
    throw down();
  };
  const working = async () => {
    upstreamCalls++;
    return 'fresh';
  };
  return { clock, breaker, transitions, failing, working, calls: () => upstreamCalls };
}

describe('SourceBreaker', () => {
  it('CLOSED → OPEN → HALF_OPEN → (trial fails) OPEN → HALF_OPEN → (trial succeeds) CLOSED', async () => {
    const { clock, breaker, transitions, failing, working, calls } = setup();
    for (let i = 0; i < 3; i++) await expect(breaker.fire(failing)).rejects.toMatchObject({ category: 'service' });
    expect(breaker.phase).toMatchObject({ state: 'OPEN', openedAt: clock.now(), trialAt: clock.now() + 30_000 });

    // Open: fails fast, the upstream is not called.
    await expect(breaker.fire(working)).rejects.toMatchObject({ category: 'circuit_breaker', retryable: false });
    expect(calls()).toBe(3);

    await clock.advance(29_999);
    expect(breaker.phase.state).toBe('OPEN');
    await clock.advance(1);
    expect(breaker.phase).toEqual({ state: 'HALF_OPEN', trialInFlight: false });

    await expect(breaker.fire(failing)).rejects.toMatchObject({ category: 'service' });
    expect(breaker.phase.state).toBe('OPEN');
    await clock.advance(30_000);
    expect(breaker.phase.state).toBe('HALF_OPEN');
    await expect(breaker.fire(working)).resolves.toBe('fresh');
    expect(breaker.phase).toEqual({ state: 'CLOSED' });
    await expect(breaker.fire(working)).resolves.toBe('fresh');

    expect(transitions.map((t) => `${t.from.state}→${t.to.state}`)).toEqual([
      'CLOSED→OPEN',
      'OPEN→HALF_OPEN',
      'HALF_OPEN→OPEN',
      'OPEN→HALF_OPEN',
      'HALF_OPEN→CLOSED',
    ]);
    expect(transitions[0]!.reason).toContain('HTTP 503');
    const stats = breaker.stats();
    expect(stats).toMatchObject({ failures: 4, successes: 2, rejects: 1 });
    expect(stats.fires).toBe(7);
    breaker.shutdown();
  });

  it('lets exactly one trial through while half-open', async () => {
    const { clock, breaker, failing } = setup();
    for (let i = 0; i < 3; i++) await breaker.fire(failing).catch(() => undefined);
    await clock.advance(30_000);
    let release!: () => void;
    const slow = breaker.fire(() => new Promise<string>((resolve) => (release = () => resolve('ok'))));
    await expect(breaker.fire(async () => 'second')).rejects.toMatchObject({ category: 'circuit_breaker' });
    release();
    await expect(slow).resolves.toBe('ok');
    expect(breaker.phase.state).toBe('CLOSED');
    breaker.shutdown();
  });

  it('stays closed below the volume threshold and when failures age out of the rolling window', async () => {
    const { clock, breaker, failing, working } = setup();
    await breaker.fire(failing).catch(() => undefined);
    await breaker.fire(failing).catch(() => undefined);
    expect(breaker.phase.state).toBe('CLOSED'); // 2 fires < volume threshold 3
    await clock.advance(11_000); // the 10 s window rotates them out
    await breaker.fire(working);
    await breaker.fire(working);
    await breaker.fire(failing).catch(() => undefined);
    expect(breaker.phase.state).toBe('CLOSED'); // 1 failure in 3 = 33 % < 50 %
    breaker.shutdown();
  });

  it('does not count a 404 against the upstream', async () => {
    const { breaker } = setup();
    const notFound = new UpstreamError('no such market', { source: 'kalshi', category: 'data', retryable: false, status: 404 });
    for (let i = 0; i < 5; i++) await expect(breaker.fire(async () => Promise.reject(notFound))).rejects.toBe(notFound);
    expect(breaker.phase.state).toBe('CLOSED');
    breaker.shutdown();
  });

  it('times a hanging call out at its deadline, aborts it, and counts the timeout', async () => {
    const { breaker } = setup();
    let aborted = false;
    const hang = (signal: AbortSignal) =>
      new Promise<never>((_resolve, reject) => {
        signal.addEventListener('abort', () => {
          aborted = true;
          reject(new UpstreamError('aborted', { source: 'kalshi', category: 'network', retryable: true }));
        });
      });
    await expect(breaker.fire(hang)).rejects.toMatchObject({ category: 'network', retryable: true });
    expect(aborted).toBe(true);
    expect(breaker.stats().timeouts).toBe(1);
    breaker.shutdown();
  });

  it('reset() closes an open breaker at once', async () => {
    const { breaker, failing, transitions } = setup();
    for (let i = 0; i < 3; i++) await breaker.fire(failing).catch(() => undefined);
    breaker.reset();
    expect(breaker.phase.state).toBe('CLOSED');
    await expect(breaker.fire(async () => 'ok')).resolves.toBe('ok');
    expect(transitions.at(-1)).toMatchObject({ to: { state: 'CLOSED' }, reason: 'reset by an operator' });
    breaker.shutdown();
  });
});
