/**
 * The breaker's state machine on an injected clock: 30-second behaviour proven in milliseconds.
 * Every timer (the per-call deadline, the rolling window, the wait before the trial) is the
 * ManualClock's; no test here waits for real time.
 */
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../../src/core/clock.js';
import { UpstreamError, type ErrorCategory } from '../../../src/core/errors.js';
import { countsAgainstUpstream, SourceBreaker, type BreakerOptions, type BreakerTransition } from '../../../src/sources/resilience/breaker.js';

const options: BreakerOptions = { timeoutMs: 500, errorThresholdPercentage: 50, resetTimeoutMs: 30_000, volumeThreshold: 3 };
const upstream = (message: string, category: ErrorCategory, status?: number) =>
  new UpstreamError(message, {
    source: 'kalshi',
    category,
    retryable: category !== 'auth' && category !== 'data',
    ...(status === undefined ? {} : { status }),
  });
const down = () => upstream('HTTP 503', 'service', 503);

function setup(overrides: Partial<BreakerOptions> = {}) {
  const clock = new ManualClock();
  const transitions: BreakerTransition[] = [];
  const breaker = new SourceBreaker('kalshi', { ...options, ...overrides }, clock, (t) => transitions.push(t));
  let upstreamCalls = 0;
  const failing = (): Promise<never> => {
    upstreamCalls++;
    return Promise.reject(down());
  };
  const working = (): Promise<string> => {
    upstreamCalls++;
    return Promise.resolve('fresh');
  };
  const signals: AbortSignal[] = [];
  /** Never answers; remembers its signal. */
  const hang = (signal: AbortSignal) => {
    upstreamCalls++;
    signals.push(signal);
    return new Promise<never>(() => undefined);
  };
  return { clock, breaker, transitions, failing, working, hang, signals, calls: () => upstreamCalls };
}

/** The promise's state now, without waiting for it. */
async function state(promise: Promise<unknown>): Promise<'pending' | 'resolved' | 'rejected'> {
  const marker = Symbol('pending');
  const result = await Promise.race([
    promise.then(
      () => 'resolved' as const,
      () => 'rejected' as const,
    ),
    Promise.resolve(marker),
  ]);
  return result === marker ? 'pending' : result;
}

describe('SourceBreaker: the deadline runs on the injected clock', () => {
  it('times a hanging call out when the manual clock passes the deadline, with no real time passing', async () => {
    const { clock, breaker, hang, signals } = setup({ timeoutMs: 60_000 });
    const realStart = performance.now();
    const call = breaker.fire(hang);
    call.catch(() => undefined);
    await clock.advance(59_999);
    expect(await state(call)).toBe('pending');
    expect(signals[0]!.aborted).toBe(false);
    await clock.advance(1);
    await expect(call).rejects.toMatchObject({ message: 'kalshi call timed out after 60000 ms', category: 'network', retryable: true });
    // The call was told to stop: its signal aborted with the same timeout error.
    expect(signals[0]!.aborted).toBe(true);
    expect(signals[0]!.reason).toMatchObject({ message: 'kalshi call timed out after 60000 ms' });
    expect(performance.now() - realStart).toBeLessThan(2000); // a minute of deadline, in milliseconds
    expect(breaker.stats()).toMatchObject({ fires: 1, successes: 0, failures: 1, timeouts: 1 });
    breaker.shutdown();
  });

  it('counts every timeout as a failure and opens after volumeThreshold of them', async () => {
    const { clock, breaker, hang, transitions, calls } = setup();
    for (let i = 0; i < 3; i++) {
      const call = breaker.fire(hang);
      call.catch(() => undefined);
      await clock.advance(500);
      await expect(call).rejects.toMatchObject({ message: 'kalshi call timed out after 500 ms' });
      expect(breaker.stats()).toMatchObject({ failures: i + 1, timeouts: i + 1, successes: 0 });
    }
    expect(breaker.phase).toMatchObject({ state: 'OPEN', openedAt: clock.now(), trialAt: clock.now() + 30_000 });
    expect(transitions).toHaveLength(1);
    expect(transitions[0]).toMatchObject({ from: { state: 'CLOSED' }, to: { state: 'OPEN' }, reason: 'kalshi call timed out after 500 ms' });
    // Open: fails fast without calling the upstream.
    const fastFailure = await breaker.fire(hang).catch((error: unknown) => error);
    expect(fastFailure).toMatchObject({ category: 'circuit_breaker' });
    expect((fastFailure as Error).message).toContain('timed out after 500 ms');
    expect(calls()).toBe(3);
    expect(breaker.stats()).toEqual({ fires: 4, successes: 0, failures: 3, timeouts: 3, rejects: 1, fallbacks: 0, latencyMeanMs: null });
    breaker.shutdown();
  });

  it('a call that answers before the deadline is a success and cancels the deadline', async () => {
    const { clock, breaker } = setup();
    const call = breaker.fire(() => clock.sleep(200).then(() => 'late but in time'));
    await clock.advance(200);
    await expect(call).resolves.toBe('late but in time');
    expect(clock.pending).toBe(0); // no deadline left behind
    expect(breaker.stats()).toMatchObject({ successes: 1, failures: 0, timeouts: 0, latencyMeanMs: 200 });
    breaker.shutdown();
  });

  it('a trial that hangs times out on the clock and opens the breaker again', async () => {
    const { clock, breaker, failing, hang } = setup();
    for (let i = 0; i < 3; i++) await breaker.fire(failing).catch(() => undefined);
    await clock.advance(30_000);
    expect(breaker.phase).toEqual({ state: 'HALF_OPEN', trialInFlight: false });
    const trial = breaker.fire(hang);
    trial.catch(() => undefined);
    expect(breaker.phase).toEqual({ state: 'HALF_OPEN', trialInFlight: true });
    await clock.advance(500);
    await expect(trial).rejects.toMatchObject({ message: 'kalshi call timed out after 500 ms' });
    expect(breaker.phase.state).toBe('OPEN');
    expect(breaker.stats()).toMatchObject({ failures: 4, timeouts: 1 });
    breaker.shutdown();
  });
});

describe('SourceBreaker: what counts against the upstream', () => {
  // Each rule of the classification has a test of its own.
  const counted: Array<[string, () => Error]> = [
    ['a connection error (ECONNREFUSED)', () => upstream('Kalshi GET /markets: ECONNREFUSED connect ECONNREFUSED 127.0.0.1:9', 'network')],
    ['a connection reset mid-body', () => upstream('Kalshi GET /markets: ECONNRESET socket hang up', 'network')],
    ['a 500', () => upstream('HTTP 500', 'service', 500)],
    ['a 503', () => upstream('HTTP 503', 'service', 503)],
    ['a 529', () => upstream('HTTP 529', 'service', 529)],
    ['a 429', () => upstream('HTTP 429', 'rate_limit', 429)],
    ['a 401 (a wrong key does not heal)', () => upstream('HTTP 401', 'auth', 401)],
    ['a body that is not JSON', () => upstream('HTTP 200 with a body that is not JSON', 'data', 200)],
  ];
  it.each(counted)('%s is a failure; volumeThreshold of them open the breaker', async (_name, make) => {
    const { breaker, transitions } = setup();
    for (let i = 0; i < 3; i++) await expect(breaker.fire(() => Promise.reject(make()))).rejects.toBeInstanceOf(UpstreamError);
    expect(breaker.stats()).toMatchObject({ fires: 3, failures: 3, successes: 0, timeouts: 0 });
    expect(breaker.phase.state).toBe('OPEN');
    expect(transitions[0]!.reason).toBe(make().message);
    breaker.shutdown();
  });

  it('a 404 is not counted, neither as a failure nor as a success', async () => {
    const { breaker, failing } = setup();
    const notFound = upstream('no such market', 'data', 404);
    for (let i = 0; i < 5; i++) await expect(breaker.fire(() => Promise.reject(notFound))).rejects.toBe(notFound);
    expect(breaker.phase.state).toBe('CLOSED');
    expect(breaker.stats()).toMatchObject({ fires: 5, failures: 0, successes: 0 });
    // The 404s did not dilute the window either: three failures are 3 of 3 counted calls.
    for (let i = 0; i < 3; i++) await breaker.fire(failing).catch(() => undefined);
    expect(breaker.phase.state).toBe('OPEN');
    breaker.shutdown();
  });

  it("the caller's own abort ends the call at once and is not counted", async () => {
    const { clock, breaker, hang, signals } = setup();
    for (let i = 0; i < 5; i++) {
      const caller = new AbortController();
      const call = breaker.fire(hang, { signal: caller.signal });
      call.catch(() => undefined);
      const reason = new Error('the poller stopped');
      caller.abort(reason);
      await expect(call).rejects.toBe(reason); // no clock advance needed
      expect(signals[i]!.aborted).toBe(true); // the request in flight was told to stop
      expect(signals[i]!.reason).toBe(reason);
    }
    expect(clock.pending).toBe(0); // no deadline left to fire
    await clock.advance(10_000);
    expect(breaker.phase.state).toBe('CLOSED');
    expect(breaker.stats()).toMatchObject({ fires: 5, failures: 0, timeouts: 0, successes: 0 });
    breaker.shutdown();
  });

  it('a caller signal aborted before the call does not run it and is not counted', async () => {
    const { breaker, working, calls } = setup();
    const caller = new AbortController();
    caller.abort(new Error('gone already'));
    await expect(breaker.fire(working, { signal: caller.signal })).rejects.toThrow('gone already');
    expect(calls()).toBe(0);
    expect(breaker.stats()).toMatchObject({ fires: 1, failures: 0, successes: 0 });
    breaker.shutdown();
  });

  it('an error thrown after the caller aborted is a cancellation, whatever its type', async () => {
    const { breaker } = setup();
    const caller = new AbortController();
    const call = breaker.settle(
      (signal) => new Promise<never>((_resolve, reject) => signal.addEventListener('abort', () => reject(upstream('Kalshi GET /markets: aborted', 'network')))),
      { signal: caller.signal },
    );
    caller.abort(new Error('stop'));
    expect(await call).toMatchObject({ outcome: 'cancelled' });
    expect(breaker.stats()).toMatchObject({ failures: 0 });
    breaker.shutdown();
  });

  it('shutdown cancels the calls in flight without counting them; later calls do not run', async () => {
    const { clock, breaker, hang, working, calls, signals } = setup();
    const inFlight = breaker.settle(hang);
    breaker.shutdown();
    expect(await inFlight).toMatchObject({ outcome: 'cancelled', error: { message: 'kalshi circuit breaker shut down' } });
    expect(signals[0]!.aborted).toBe(true);
    expect(await breaker.settle(working)).toMatchObject({ outcome: 'cancelled' });
    expect(calls()).toBe(1);
    await clock.advance(60_000);
    expect(breaker.stats()).toMatchObject({ fires: 2, failures: 0, timeouts: 0, successes: 0 });
    expect(clock.pending).toBe(0);
  });

  it('an error that is not an UpstreamError (our own bug) is not counted', async () => {
    const { breaker } = setup();
    for (let i = 0; i < 5; i++) await expect(breaker.fire(() => Promise.reject(new TypeError('bug')))).rejects.toBeInstanceOf(TypeError);
    expect(breaker.phase.state).toBe('CLOSED');
    expect(breaker.stats()).toMatchObject({ fires: 5, failures: 0, successes: 0 });
    breaker.shutdown();
  });

  it('countsAgainstUpstream: each rule', () => {
    expect(countsAgainstUpstream(upstream('HTTP 503', 'service', 503))).toBe(true);
    expect(countsAgainstUpstream(upstream('HTTP 429', 'rate_limit', 429))).toBe(true);
    expect(countsAgainstUpstream(upstream('ECONNREFUSED', 'network'))).toBe(true);
    expect(countsAgainstUpstream(upstream('no such market', 'data', 404))).toBe(false);
    expect(countsAgainstUpstream(upstream('john circuit breaker is OPEN', 'circuit_breaker'))).toBe(false);
    // Refused by our own pacer before any request left (a shed client read): no news about Kalshi.
    expect(countsAgainstUpstream(new UpstreamError('not sent', { source: 'kalshi', category: 'rate_limit', retryable: false, local: true }))).toBe(false);
    expect(countsAgainstUpstream(new Error('the poller stopped'))).toBe(false);
    expect(countsAgainstUpstream('a string')).toBe(false);
  });
});

describe('SourceBreaker: the state machine', () => {
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
    expect(breaker.stats()).toEqual({ fires: 7, successes: 2, failures: 4, timeouts: 0, rejects: 1, fallbacks: 0, latencyMeanMs: 0 });
    breaker.shutdown();
  });

  it('lets exactly one trial through while half-open', async () => {
    const { clock, breaker, failing } = setup();
    for (let i = 0; i < 3; i++) await breaker.fire(failing).catch(() => undefined);
    await clock.advance(30_000);
    let release!: () => void;
    const slow = breaker.fire(() => new Promise<string>((resolve) => (release = () => resolve('ok'))));
    await expect(breaker.fire(() => Promise.resolve('second'))).rejects.toMatchObject({ category: 'circuit_breaker' });
    release();
    await expect(slow).resolves.toBe('ok');
    expect(breaker.phase.state).toBe('CLOSED');
    expect(breaker.stats()).toMatchObject({ rejects: 1, successes: 1 });
    breaker.shutdown();
  });

  it('a trial that ends in a 404 or a cancellation leaves the breaker half-open for the next trial', async () => {
    const { clock, breaker, failing, working, hang } = setup();
    for (let i = 0; i < 3; i++) await breaker.fire(failing).catch(() => undefined);
    await clock.advance(30_000);
    await expect(breaker.fire(() => Promise.reject(upstream('no such market', 'data', 404)))).rejects.toMatchObject({ status: 404 });
    expect(breaker.phase).toEqual({ state: 'HALF_OPEN', trialInFlight: false });
    const caller = new AbortController();
    const cancelled = breaker.fire(hang, { signal: caller.signal });
    caller.abort(new Error('stop'));
    await expect(cancelled).rejects.toThrow('stop');
    expect(breaker.phase).toEqual({ state: 'HALF_OPEN', trialInFlight: false });
    await expect(breaker.fire(working)).resolves.toBe('fresh');
    expect(breaker.phase.state).toBe('CLOSED');
    breaker.shutdown();
  });

  it('opens at exactly the threshold percentage (≥, not >), CB_ERROR_THRESHOLD=100 included', async () => {
    const half = setup({ volumeThreshold: 4 });
    await half.breaker.fire(half.working);
    await half.breaker.fire(half.failing).catch(() => undefined);
    await half.breaker.fire(half.working);
    expect(half.breaker.phase.state).toBe('CLOSED'); // 3 calls < volume 4
    await half.breaker.fire(half.failing).catch(() => undefined);
    expect(half.breaker.phase.state).toBe('OPEN'); // 2 of 4 = 50 % ≥ 50 %
    half.breaker.shutdown();

    const all = setup({ errorThresholdPercentage: 100 });
    for (let i = 0; i < 3; i++) await all.breaker.fire(all.failing).catch(() => undefined);
    expect(all.breaker.phase.state).toBe('OPEN');
    all.breaker.shutdown();
  });

  it('stays closed below the volume threshold and when failures age out of the rolling window', async () => {
    const { clock, breaker, failing, working } = setup();
    await breaker.fire(failing).catch(() => undefined);
    await breaker.fire(failing).catch(() => undefined);
    expect(breaker.phase.state).toBe('CLOSED'); // 2 calls < volume threshold 3
    await clock.advance(11_000); // the 10 s window rotates them out
    await breaker.fire(working);
    await breaker.fire(working);
    await breaker.fire(failing).catch(() => undefined);
    expect(breaker.phase.state).toBe('CLOSED'); // 1 failure in 3 = 33 % < 50 %
    breaker.shutdown();
  });

  it('closes afresh: after a successful trial one more failure does not reopen it', async () => {
    const { clock, breaker, failing, working } = setup();
    for (let i = 0; i < 3; i++) await breaker.fire(failing).catch(() => undefined);
    await clock.advance(30_000);
    await breaker.fire(working);
    await breaker.fire(failing).catch(() => undefined);
    expect(breaker.phase.state).toBe('CLOSED'); // the window holds 1 success and 1 failure, not the old three
    breaker.shutdown();
  });

  it('a call that started closed and fails after the breaker opened does not move the trial', async () => {
    const { clock, breaker, failing, transitions } = setup();
    let fail!: () => void;
    const slow = breaker.fire(() => new Promise<never>((_resolve, reject) => (fail = () => reject(down()))));
    slow.catch(() => undefined);
    for (let i = 0; i < 3; i++) await breaker.fire(failing).catch(() => undefined);
    const opened = breaker.phase;
    await clock.advance(100);
    fail();
    await expect(slow).rejects.toMatchObject({ status: 503 });
    expect(breaker.phase).toEqual(opened);
    expect(transitions).toHaveLength(1);
    breaker.shutdown();
  });

  it('reset() closes an open breaker at once', async () => {
    const { breaker, failing, transitions } = setup();
    for (let i = 0; i < 3; i++) await breaker.fire(failing).catch(() => undefined);
    breaker.reset();
    expect(breaker.phase.state).toBe('CLOSED');
    await expect(breaker.fire(() => Promise.resolve('ok'))).resolves.toBe('ok');
    expect(transitions.at(-1)).toMatchObject({ to: { state: 'CLOSED' }, reason: 'reset by an operator' });
    breaker.shutdown();
  });
});
