/**
 * Graceful shutdown as an ordered list of named steps, each bounded in time. The composition root
 * (app.ts) only lists the steps; this runs them.
 *
 * - A step that throws, rejects or outlives its bound is logged, and the next step still runs. A
 *   step that ran out of time is left running in the background (a promise cannot be cancelled,
 *   and what comes next must not wait on it); if it fails later, that is logged too.
 * - The `finally` steps run after the others whatever happened to them, inside a `finally`: the
 *   stores close there, so no failing step can leave a database open.
 * - Time: the steps share one budget (SHUTDOWN_TIMEOUT_MS). Each gets the smaller of its own bound
 *   and what is left of the budget, so together they end within it. The `finally` steps get their
 *   own bound even when the budget is spent (or what is left of it, when that is more), so the run
 *   ends within the budget plus the `finally` bounds, however the steps behave.
 */
import { systemClock, type Clock, type TimerHandle } from '../core/clock.js';
import type { Logger } from '../core/logger.js';

export interface ShutdownStep {
  /** Shown in the log, e.g. "drain in-flight requests". */
  readonly name: string;
  /** The longest this step may take, in milliseconds. */
  readonly timeoutMs: number;
  run(): Promise<void> | void;
}

export interface ShutdownPlan {
  /** Run in order. */
  readonly steps: readonly ShutdownStep[];
  /** Run in order after `steps`, whatever happened to them. */
  readonly finally: readonly ShutdownStep[];
}

export type StepOutcome = 'done' | 'failed' | 'timed out';

export interface StepReport {
  name: string;
  outcome: StepOutcome;
  /** The bound the step was given (its own, cut to the budget). */
  boundMs: number;
  durationMs: number;
  /** What it threw, when it failed. */
  error?: unknown;
}

export interface ShutdownReport {
  /** Every step, `finally` ones included, in the order they ran. */
  steps: StepReport[];
  durationMs: number;
  /** True when every step finished in time without throwing. */
  clean: boolean;
}

export interface ShutdownOptions {
  /** Shared by `steps` (not by `finally`), in milliseconds. */
  budgetMs: number;
  logger: Logger;
  /** Times the bounds. @default systemClock */
  clock?: Clock;
}

export async function runShutdown(plan: ShutdownPlan, options: ShutdownOptions): Promise<ShutdownReport> {
  const clock = options.clock ?? systemClock;
  const began = clock.now();
  const deadline = began + options.budgetMs;
  const left = (): number => Math.max(0, deadline - clock.now());
  const steps: StepReport[] = [];
  try {
    for (const step of plan.steps) steps.push(await runStep(step, Math.min(step.timeoutMs, left()), clock, options.logger));
  } finally {
    for (const step of plan.finally) steps.push(await runStep(step, Math.max(step.timeoutMs, left()), clock, options.logger));
  }
  return { steps, durationMs: clock.now() - began, clean: steps.every((step) => step.outcome === 'done') };
}

/** Runs one step against its bound. Never throws. */
async function runStep(step: ShutdownStep, boundMs: number, clock: Clock, logger: Logger): Promise<StepReport> {
  const started = clock.now();
  // Deferred to a microtask so a step that throws synchronously becomes a rejection like any other.
  const running = Promise.resolve().then(() => step.run());
  let timer!: TimerHandle;
  const timedOut = new Promise<'timed out'>((resolve) => {
    timer = clock.setTimeout(() => resolve('timed out'), boundMs);
  });
  let outcome: StepOutcome;
  let error: unknown;
  try {
    outcome = await Promise.race([running.then(() => 'done' as const), timedOut]);
  } catch (thrown) {
    outcome = 'failed';
    error = thrown;
  } finally {
    timer.cancel();
  }
  const durationMs = clock.now() - started;
  const fields = { step: step.name, boundMs, durationMs };
  if (outcome === 'done') {
    logger.info(fields, `shutdown: ${step.name}`);
  } else if (outcome === 'failed') {
    logger.error({ ...fields, err: error }, `shutdown: ${step.name} failed; going on with the next step`);
  } else {
    logger.warn(fields, `shutdown: ${step.name} did not finish within ${boundMs} ms; going on with the next step`);
    running.catch((late: unknown) => logger.error({ step: step.name, err: late }, `shutdown: ${step.name} failed after its bound`));
  }
  return { name: step.name, outcome, boundMs, durationMs, ...(outcome === 'failed' ? { error } : {}) };
}
