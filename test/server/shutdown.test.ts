/**
 * The shutdown step runner on the injected clock: steps run in order, each bounded; a step that
 * throws or hangs is logged and the rest still run; the `finally` steps (the stores) always run,
 * with their own bound even when the budget is spent.
 */
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/core/clock.js';
import { runShutdown, type ShutdownReport, type ShutdownStep } from '../../src/server/shutdown.js';
import { captureLogs, LEVEL } from '../support/log-capture.js';

/** Runs the plan, moving the clock until it has ended. */
async function run(clock: ManualClock, plan: Parameters<typeof runShutdown>[0], budgetMs: number, logger = captureLogs().logger): Promise<ShutdownReport> {
  let report: ShutdownReport | null = null;
  const done = runShutdown(plan, { budgetMs, logger, clock }).then((r) => (report = r));
  for (let i = 0; i < 1000 && report === null; i++) await clock.advance(10);
  await done;
  return report!;
}

const never = (): Promise<void> => new Promise<void>(() => undefined);

describe('runShutdown', () => {
  it('runs the steps in order, then the finally steps; a clean run says so', async () => {
    const clock = new ManualClock();
    const order: string[] = [];
    const step = (name: string, delayMs = 0): ShutdownStep => ({
      name,
      timeoutMs: 1000,
      run: async () => {
        if (delayMs > 0) await clock.sleep(delayMs);
        order.push(name);
      },
    });
    const report = await run(clock, { steps: [step('a', 50), step('b'), step('c', 20)], finally: [step('stores')] }, 5000);
    expect(order).toEqual(['a', 'b', 'c', 'stores']);
    expect(report.clean).toBe(true);
    expect(report.steps.map((s) => [s.name, s.outcome])).toEqual([
      ['a', 'done'],
      ['b', 'done'],
      ['c', 'done'],
      ['stores', 'done'],
    ]);
  });

  it('a throwing step and a hanging step are logged, the rest still run, and the stores close', async () => {
    const clock = new ManualClock();
    const { logger, lines } = captureLogs();
    const ran: string[] = [];
    let storesClosed = false;
    const report = await run(
      clock,
      {
        steps: [
          {
            name: 'throws',
            timeoutMs: 1000,
            run: () => {
              throw new Error('boom');
            },
          },
          { name: 'rejects', timeoutMs: 1000, run: () => Promise.reject(new Error('bang')) },
          { name: 'hangs', timeoutMs: 300, run: never },
          { name: 'after', timeoutMs: 1000, run: () => void ran.push('after') },
        ],
        finally: [
          {
            name: 'close stores',
            timeoutMs: 500,
            run: () => {
              storesClosed = true;
            },
          },
        ],
      },
      10_000,
      logger,
    );
    expect(storesClosed).toBe(true);
    expect(ran).toEqual(['after']);
    expect(report.clean).toBe(false);
    expect(report.steps.map((s) => [s.name, s.outcome])).toEqual([
      ['throws', 'failed'],
      ['rejects', 'failed'],
      ['hangs', 'timed out'],
      ['after', 'done'],
      ['close stores', 'done'],
    ]);
    expect((report.steps[0]!.error as Error).message).toBe('boom');
    // The hanging step was given up on at its bound, not later.
    expect(report.steps[2]).toMatchObject({ boundMs: 300, durationMs: 300 });
    const failed = lines.filter((l) => l.level === LEVEL.error).map((l) => [l.step, (l.err as { message: string }).message]);
    expect(failed).toEqual([
      ['throws', 'boom'],
      ['rejects', 'bang'],
    ]);
    expect(lines.find((l) => l.level === LEVEL.warn)).toMatchObject({ step: 'hangs', boundMs: 300 });
  });

  it('the steps share the budget; the finally steps still get their own bound when it is spent', async () => {
    const clock = new ManualClock();
    const started = clock.now();
    let closedAt: number | null = null;
    const report = await run(
      clock,
      {
        steps: [
          { name: 'slow drain', timeoutMs: 800, run: never },
          // Its own bound is 800 ms, but only 200 ms of the budget are left.
          { name: 'hangs too', timeoutMs: 800, run: never },
          { name: 'no time left', timeoutMs: 800, run: never },
        ],
        finally: [
          {
            name: 'close stores',
            timeoutMs: 400,
            run: async () => {
              await clock.sleep(100);
              closedAt = clock.now();
            },
          },
          { name: 'hanging store', timeoutMs: 400, run: never },
        ],
      },
      1000,
    );
    expect(report.steps.map((s) => [s.name, s.outcome, s.boundMs])).toEqual([
      ['slow drain', 'timed out', 800],
      ['hangs too', 'timed out', 200],
      ['no time left', 'timed out', 0],
      ['close stores', 'done', 400],
      ['hanging store', 'timed out', 400],
    ]);
    expect(closedAt! - started).toBe(1100);
    // Budget plus the finally bounds, at most: 1000 + 400 + 400 (the first store took 100 of its 400).
    expect(report.durationMs).toBe(1500);
  });

  it('a finally step that throws does not stop the next one', async () => {
    const clock = new ManualClock();
    let historyClosed = false;
    const report = await run(
      clock,
      {
        steps: [],
        finally: [
          { name: 'close cache', timeoutMs: 100, run: () => Promise.reject(new Error('disk full')) },
          {
            name: 'close history',
            timeoutMs: 100,
            run: () => {
              historyClosed = true;
            },
          },
        ],
      },
      1000,
    );
    expect(historyClosed).toBe(true);
    expect(report.steps.map((s) => s.outcome)).toEqual(['failed', 'done']);
  });

  it('a step that fails after its bound is logged when it does', async () => {
    const clock = new ManualClock();
    const { logger, lines } = captureLogs();
    let fail!: (error: Error) => void;
    const report = await run(
      clock,
      { steps: [{ name: 'late', timeoutMs: 100, run: () => new Promise<void>((_, reject) => (fail = reject)) }], finally: [] },
      1000,
      logger,
    );
    expect(report.steps[0]!.outcome).toBe('timed out');
    fail(new Error('too late'));
    await clock.advance(0);
    expect(lines.find((l) => l.msg.includes('failed after its bound'))).toMatchObject({ level: LEVEL.error, step: 'late', err: { message: 'too late' } });
  });
});
