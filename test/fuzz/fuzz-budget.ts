/**
 * How long the fuzz properties run, and from which seed. Defaults keep each property to a few
 * seconds (the suite runs on two cores); FUZZ_RUNS, FUZZ_TIME_MS and FUZZ_SEED widen or replay a
 * run (fast-check prints the seed and path of a failure: FUZZ_SEED and FUZZ_PATH replay it). A
 * longer hunt also needs vitest's per-test timeout raised, e.g.
 * `FUZZ_RUNS=2000 FUZZ_TIME_MS=60000 npx vitest run test/fuzz --testTimeout 120000`.
 */
import type fc from 'fast-check';

const DEFAULT_SEED = 20261124;

function envInt(name: string, fallback: number): number {
  const text = process.env[name];
  if (text === undefined || text === '') return fallback;
  const value = Number(text);
  if (!Number.isInteger(value)) throw new Error(`${name} must be an integer, got ${JSON.stringify(text)}`);
  return value;
}

/** fast-check parameters: `numRuns` runs (or FUZZ_RUNS), cut after FUZZ_TIME_MS (default `timeMs`), seeded. */
export function fuzzParameters<T>(numRuns: number, timeMs = 2500): fc.Parameters<T> {
  const path = process.env.FUZZ_PATH;
  return {
    seed: envInt('FUZZ_SEED', DEFAULT_SEED),
    numRuns: envInt('FUZZ_RUNS', numRuns),
    // A slow machine runs fewer cases rather than a longer file; a cut run is not a failure.
    interruptAfterTimeLimit: envInt('FUZZ_TIME_MS', timeMs),
    markInterruptAsFailure: false,
    ...(path ? { path } : {}),
  };
}
