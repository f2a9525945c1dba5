/**
 * The insight engine with a ManualClock, the real client and the simulator: when it calls (schedule,
 * significant move, request) and when it must not (between ticks, identical input, spent budget),
 * counted at the simulator. The guard is a plain pass-through with a deadline.
 */
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { ManualClock } from '../../../src/core/clock.js';
import type { InsightChunkRecord } from '../../../src/core/domain.js';
import { InputError, UpstreamError } from '../../../src/core/errors.js';
import { HourlyBudget } from '../../../src/sources/anthropic/budget.js';
import { AnthropicInsightClient } from '../../../src/sources/anthropic/client.js';
import { InsightEngine, type InsightEngineOptions } from '../../../src/sources/anthropic/insight-engine.js';
import { extractMarketData } from '../../../src/simulators/anthropic/analysis.js';
import { startAnthropicSimulator, type AnthropicSimulator } from '../../../src/simulators/anthropic/index.js';
import { fallingMarkets, risingMarkets, shifted } from './fixtures.js';

const NOW = Date.UTC(2026, 10, 24, 12, 0, 0);
const HOUR = 3_600_000;

describe('InsightEngine', () => {
  let sim: AnthropicSimulator;
  const engines: InsightEngine[] = [];

  beforeAll(async () => {
    sim = await startAnthropicSimulator();
  });
  afterEach(async () => {
    sim.clearFault();
    await Promise.all(engines.splice(0).map((engine) => engine.stop()));
  });
  afterAll(async () => {
    await sim.close();
  });

  function setup(overrides: Partial<InsightEngineOptions> = {}) {
    const clock = new ManualClock(NOW);
    const chunks: InsightChunkRecord[] = [];
    const exhausted: string[] = [];
    const errors: UpstreamError[] = [];
    const client = new AnthropicInsightClient({ apiKey: 'k', baseUrl: sim.baseUrl, model: 'claude-haiku-4-5', clock });
    const engine = new InsightEngine({
      client,
      clock,
      call: (_operation, fn) => fn(AbortSignal.timeout(5_000)),
      onChunk: (chunk) => chunks.push(chunk),
      onBudgetExhausted: (message) => exhausted.push(message),
      onError: (error) => errors.push(error),
      ...overrides,
    });
    engines.push(engine);
    return { clock, engine, chunks, exhausted, errors };
  }

  /** Requests the simulator received while `fn` ran. */
  async function callsDuring(fn: () => Promise<unknown>): Promise<number> {
    const before = sim.requestCount();
    await fn();
    return sim.requestCount() - before;
  }

  /** The tickers of the market-data block of the simulator's last request. */
  function lastAnalyzedTickers(): string[] {
    const body = sim.requests().at(-1)!.body as { messages: unknown };
    return extractMarketData(body.messages)!.markets.map((m) => m.ticker);
  }

  test('runs on its schedule: nothing before the interval, one call at it', async () => {
    const { clock, engine } = setup({ intervalMs: 60_000 });
    engine.start();
    engine.noteMarkets(risingMarkets(25));
    expect(
      await callsDuring(async () => {
        await clock.advance(59_999);
        await engine.whenIdle();
      }),
    ).toBe(0);
    expect(
      await callsDuring(async () => {
        await clock.advance(1);
        await engine.whenIdle();
      }),
    ).toBe(1);
    // The slice: the 20 most active markets.
    expect(lastAnalyzedTickers()).toHaveLength(20);
    expect(engine.latest()?.sentiment).toBe('BULLISH');
  });

  test('initialDelayMs brings the first scheduled run forward; the cadence stays intervalMs', async () => {
    const { clock, engine } = setup({ intervalMs: 60_000, initialDelayMs: 5_000 });
    engine.start();
    engine.noteMarkets(risingMarkets(4));
    expect(
      await callsDuring(async () => {
        await clock.advance(5_000);
        await engine.whenIdle();
      }),
    ).toBe(1);
    engine.noteMarkets(fallingMarkets(4));
    expect(
      await callsDuring(async () => {
        await clock.advance(59_999);
        await engine.whenIdle();
      }),
    ).toBe(0);
    expect(
      await callsDuring(async () => {
        await clock.advance(1);
        await engine.whenIdle();
      }),
    ).toBe(1);
  });

  test('never overlaps runs: a tick while a run is in flight is skipped', async () => {
    const { clock, engine } = setup({ intervalMs: 1_000 });
    engine.start();
    engine.noteMarkets(risingMarkets(5));
    sim.injectFault({ kind: 'delay', delayMs: 300, times: 1 });
    const calls = await callsDuring(async () => {
      await clock.advance(1_000); // run 1 starts and waits on the slow answer
      engine.noteMarkets(fallingMarkets(5)); // new data: the skip is not the cache's doing
      await clock.advance(1_000); // tick 2 finds run 1 in flight
      await engine.whenIdle();
    });
    expect(calls).toBe(1);
  });

  test('a significant move triggers one debounced analysis with the mover first; small moves and ticks do not', async () => {
    const { clock, engine } = setup({ intervalMs: HOUR, moveThreshold: 0.05, moveDebounceMs: 2_000 });
    engine.start();
    const markets = risingMarkets(30);
    const mover = markets[29]!.ticker; // the least active: not in the default slice
    engine.noteMarkets(markets); // the baseline
    const quiet = await callsDuring(async () => {
      for (let tick = 0; tick < 50; tick++) {
        engine.noteMarkets(shifted(markets, 0.03, mover)); // below the threshold, every tick
        await clock.advance(1_000);
      }
      await engine.whenIdle();
    });
    expect(quiet).toBe(0);

    const moved = shifted(markets, 0.06, mover);
    const duringDebounce = await callsDuring(async () => {
      engine.noteMarkets(moved);
      engine.noteMarkets(moved); // a burst of ticks: still one run
      await clock.advance(1_999);
      await engine.whenIdle();
    });
    expect(duringDebounce).toBe(0);
    const triggered = await callsDuring(async () => {
      await clock.advance(1);
      await engine.whenIdle();
    });
    expect(triggered).toBe(1);
    expect(lastAnalyzedTickers()[0]).toBe(mover);

    // The move is now the baseline: the same prices on later ticks trigger nothing.
    const after = await callsDuring(async () => {
      for (let tick = 0; tick < 20; tick++) {
        engine.noteMarkets(moved);
        await clock.advance(1_000);
      }
      await engine.whenIdle();
    });
    expect(after).toBe(0);
  });

  test('identical input within the cache TTL is served from the cache, without a call', async () => {
    const { clock, engine, chunks } = setup({ cacheTtlMs: 300_000 });
    engine.noteMarkets(risingMarkets(6));
    const first = await engine.request(null);
    const chunksAfterFirst = chunks.length;
    let second = first;
    expect(
      await callsDuring(async () => {
        await clock.advance(299_000);
        engine.noteMarkets(shifted(risingMarkets(6), 0.001)); // sub-cent noise: the same input
        second = await engine.request(null);
      }),
    ).toBe(0);
    expect(second.id).toBe(first.id);
    expect(chunks.length).toBe(chunksAfterFirst);
    // Past the TTL the same input is analyzed again.
    expect(
      await callsDuring(async () => {
        await clock.advance(1_000);
        await engine.request(null);
      }),
    ).toBe(1);
  });

  test('request(): within budget it calls; when the call budget is spent it throws rate_limit, final, and does not call', async () => {
    const { clock, engine } = setup({ budget: { callsPerHour: 2 } });
    engine.noteMarkets(risingMarkets(4));
    await engine.request(null);
    engine.noteMarkets(fallingMarkets(4));
    await engine.request(null);
    engine.noteMarkets(shifted(risingMarkets(4), 0.1));
    let error: unknown;
    expect(
      await callsDuring(async () => {
        error = await engine.request(null).catch((e: unknown) => e);
      }),
    ).toBe(0);
    expect(error).toBeInstanceOf(UpstreamError);
    expect(error).toMatchObject({ category: 'rate_limit', retryable: false });
    expect((error as UpstreamError).message).toMatch(/budget exhausted.*2\/2 calls/);
    expect((error as UpstreamError).retryAfterMs).toBe(HOUR);
    // The window slides: an hour later the budget is back.
    await clock.advance(HOUR);
    expect(await callsDuring(() => engine.request(null))).toBe(1);
  });

  test('scheduled runs stop when the budget is spent and report why once', async () => {
    const { clock, engine, exhausted } = setup({ intervalMs: 60_000, budget: { callsPerHour: 1 } });
    engine.start();
    const calls = await callsDuring(async () => {
      for (let minute = 0; minute < 5; minute++) {
        engine.noteMarkets(shifted(risingMarkets(4), minute * 0.02)); // new input every minute
        await clock.advance(60_000);
        await engine.whenIdle();
      }
    });
    expect(calls).toBe(1);
    expect(exhausted).toHaveLength(1);
    expect(exhausted[0]).toMatch(/budget exhausted.*1\/1 calls.*next call allowed at 2026-11-24T13:01:00.000Z/);
  });

  test('the output-token budget stops calls too', async () => {
    const { engine } = setup({ budget: { callsPerHour: 100, outputTokensPerHour: 50 } });
    engine.noteMarkets(risingMarkets(4));
    await engine.request(null);
    expect(engine.budgetStatus().outputTokens).toBeGreaterThan(50);
    engine.noteMarkets(fallingMarkets(4));
    await expect(engine.request(null)).rejects.toThrow(/output token budget spent/);
  });

  test('onChunk receives the streamed text, then one done chunk with the insight, all under one insightId', async () => {
    const { engine, chunks } = setup();
    engine.noteMarkets(fallingMarkets(5));
    const insight = await engine.request(null);
    expect(chunks.length).toBeGreaterThan(2);
    expect(new Set(chunks.map((c) => c.insightId))).toEqual(new Set([insight.id]));
    const deltas = chunks.slice(0, -1);
    expect(deltas.every((c) => !c.done && c.insight === null && c.delta.length > 0)).toBe(true);
    expect(deltas.map((c) => c.delta).join('')).toMatch(/^Reviewing 5 markets/);
    const last = chunks.at(-1)!;
    expect(last).toMatchObject({ done: true, delta: '', insight });
    expect(last.tickers).toEqual(insight.tickers);
  });

  test('a failed run ends its stream with done and no insight; background failures go to onError', async () => {
    const { clock, engine, chunks, errors } = setup({ intervalMs: 60_000 });
    engine.start();
    engine.noteMarkets(risingMarkets(3));
    sim.injectFault({ kind: 'status', status: 529, times: 1 });
    await clock.advance(60_000);
    await engine.whenIdle();
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ category: 'service', retryable: true, status: 529 });
    expect(chunks.at(-1)).toMatchObject({ done: true, insight: null });
    expect(engine.latest()).toBeNull();
  });

  test('request() errors are thrown to the caller, classified', async () => {
    const { engine } = setup();
    engine.noteMarkets(risingMarkets(3));
    sim.injectFault({ kind: 'status', status: 401, times: 1 });
    await expect(engine.request(null)).rejects.toMatchObject({ category: 'auth', retryable: false });
    await expect(engine.request(['KXNOPE-1'])).rejects.toBeInstanceOf(InputError);
  });

  test('latest and list: newest first, per ticker, bounded', async () => {
    const { engine } = setup();
    const up = risingMarkets(3);
    const down = fallingMarkets(3);
    engine.noteMarkets([...up, ...down]);
    const a = await engine.request(up.map((m) => m.ticker));
    const b = await engine.request(down.map((m) => m.ticker));
    expect(engine.latest()?.id).toBe(b.id);
    expect(engine.latest(up[0]!.ticker)?.id).toBe(a.id);
    expect(engine.latest('KXNOPE')).toBeNull();
    expect(engine.list(null, 10).map((i) => i.id)).toEqual([b.id, a.id]);
    expect(engine.list(null, 1).map((i) => i.id)).toEqual([b.id]);
    expect(engine.list(down[1]!.ticker, 10).map((i) => i.id)).toEqual([b.id]);
    expect(a.sentiment).toBe('BULLISH');
    expect(b.sentiment).toBe('BEARISH');
  });

  test('stop() aborts a run in flight and leaves no timer behind', async () => {
    const { clock, engine } = setup({ intervalMs: 60_000 });
    engine.start();
    engine.noteMarkets(risingMarkets(3));
    sim.injectFault({ kind: 'hang', times: 1 });
    const before = sim.requestCount();
    const pending = engine.request(null).catch((e: unknown) => e);
    while (sim.requestCount() === before) await new Promise((resolve) => setTimeout(resolve, 5));
    await engine.stop();
    expect(await pending).toMatchObject({ category: 'network', retryable: true });
    expect(clock.pending).toBe(0);
  });
});

describe('HourlyBudget', () => {
  test('slides: calls leave the window an hour after they were made', async () => {
    const clock = new ManualClock(NOW);
    const budget = new HourlyBudget(clock, { callsPerHour: 2, outputTokensPerHour: 1_000 });
    budget.recordCall();
    await clock.advance(30 * 60_000);
    budget.recordCall();
    expect(budget.check()).toMatchObject({ ok: false, availableAt: NOW + HOUR });
    await clock.advance(30 * 60_000);
    expect(budget.check()).toEqual({ ok: true });
    expect(budget.usage()).toEqual({ calls: 1, outputTokens: 0 });
  });

  test('tokens: available again when enough old spending has left the window', async () => {
    const clock = new ManualClock(NOW);
    const budget = new HourlyBudget(clock, { callsPerHour: 100, outputTokensPerHour: 100 });
    budget.recordOutputTokens(60);
    await clock.advance(10 * 60_000);
    budget.recordOutputTokens(60);
    expect(budget.check()).toMatchObject({ ok: false, availableAt: NOW + HOUR });
  });
});
