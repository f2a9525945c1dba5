/**
 * Every fault kind the bundled simulators can serve, written in their one grammar
 * (src/simulators/fault.ts), and a loop that injects them in a seeded-random order into simulators
 * the test runs itself: the service under test reads from them by URL, so a fault can change while
 * it runs, and the service cannot tell them from the real upstreams.
 *
 * The lists are keyed by each simulator's fault kinds, so a kind added to a simulator and left out
 * here fails to compile.
 */
import { Prng } from '../../src/core/prng.js';
import type { Simulators } from '../../src/simulators/index.js';
import { parseAnthropicFault, type AnthropicFault } from '../../src/simulators/anthropic/index.js';
import { parseJohnFault, type JohnFault } from '../../src/simulators/john/faults.js';
import { parseKalshiRestFault } from '../../src/simulators/kalshi/rest-faults.js';
import type { SimulatorFault } from '../../src/simulators/kalshi/rest-server.js';
import { parseKalshiWsFault, type KalshiWsFault } from '../../src/simulators/kalshi/ws-faults.js';

/**
 * The kinds every HTTP simulator shares (one grammar), with the statuses that upstream really
 * answers and a delay past its client's patience.
 */
function httpFaults(statuses: string[], delayMs: number) {
  return { status: statuses, delay: [`delay:${delayMs}`], hang: ['hang'], malformed: ['malformed'], truncated: ['truncated'] };
}

/** Per kind, the forms injected (each at least once a run). */
const KALSHI_REST: Record<SimulatorFault['kind'], string[]> = {
  ...httpFaults(['status:503', 'status:429', 'status:500,rate=0.5'], 1500),
  reset: ['reset'],
};
const KALSHI_WS: Record<KalshiWsFault['kind'], string[]> = {
  drop: ['drop'],
  'seq-gap': ['seq-gap:3'],
  'error-code': ['error-code:10', 'error-code:25'],
  silence: ['silence'],
  'reject-handshake': ['reject-handshake:401', 'reject-handshake:503'],
  malformed: ['malformed', 'malformed:sequenced'],
};
const ANTHROPIC: Record<AnthropicFault['kind'], string[]> = {
  ...httpFaults(['status:529', 'status:429:retry=1', 'status:500'], 2500),
  'sse-error': ['sse-error'],
  'invalid-tool-input': ['invalid-tool-input'],
};
const JOHN: Record<JohnFault['kind'], string[]> = {
  ...httpFaults(['status:503', 'status:429', 'status:401'], 2000),
  'bad-shape': ['bad-shape:metrics', 'bad-shape:envelope'],
};

export type FaultTarget = 'kalshi' | 'kalshi-ws' | 'anthropic' | 'john';

export interface UpstreamFault {
  target: FaultTarget;
  /** As written in the target's `*_SIM_FAULT` variable. */
  text: string;
  inject(): void;
  clear(): void;
}

/** Every form above, parsed by its simulator's own parser and bound to the running simulator. */
export function faultCatalogue(sims: Simulators): UpstreamFault[] {
  const { kalshi, anthropic, john } = sims;
  if (!kalshi?.ws || !anthropic || !john) throw new Error('the chaos suite needs every simulator, the Kalshi WebSocket one included');
  const { rest, ws } = kalshi;
  const bind = <F>(
    target: FaultTarget,
    table: Record<string, string[]>,
    parse: (text: string) => F,
    server: { injectFault(fault: F): void; clearFault(): void },
  ) =>
    Object.values(table)
      .flat()
      .map((text): UpstreamFault => {
        const fault = parse(text);
        return { target, text, inject: () => server.injectFault(fault), clear: () => server.clearFault() };
      });
  return [
    ...bind('kalshi', KALSHI_REST, parseKalshiRestFault, rest),
    ...bind('kalshi-ws', KALSHI_WS, parseKalshiWsFault, ws),
    ...bind('anthropic', ANTHROPIC, parseAnthropicFault, anthropic.server),
    ...bind('john', JOHN, parseJohnFault, john.server),
  ];
}

/** Fisher–Yates with the seeded PRNG: the same seed gives the same order. */
export function shuffled<T>(items: readonly T[], prng: Prng): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = prng.int(0, i);
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

export interface FaultLoop {
  /** Faults injected so far, in order, with when (ms since the loop started). */
  readonly injected: ReadonlyArray<{ target: FaultTarget; text: string; atMs: number }>;
  /** Clears the current fault and injects no other until resume(): for checks that need a known upstream. */
  pause(): void;
  resume(): void;
  /** Ends the loop with every fault cleared. */
  stop(): Promise<void>;
}

/**
 * Injects the catalogue in a seeded-random order, one fault at a time, each for `holdMs`, then
 * clears it; after the whole catalogue it starts over in a new order.
 */
export function startFaultLoop(catalogue: readonly UpstreamFault[], prng: Prng, holdMs: number): FaultLoop {
  const injected: Array<{ target: FaultTarget; text: string; atMs: number }> = [];
  const startedAt = performance.now();
  let stopped = false;
  let paused: Promise<void> | null = null;
  let resumePaused: (() => void) | null = null;
  let wake: (() => void) | null = null;
  const nap = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(done, ms);
      function done(): void {
        clearTimeout(timer);
        wake = null;
        resolve();
      }
      wake = done;
    });
  let current: UpstreamFault | null = null;
  const running = (async () => {
    while (!stopped) {
      for (const fault of shuffled(catalogue, prng)) {
        if (stopped) break;
        // Set by pause() from outside this loop (the compiler cannot see that).
        const gate = paused as Promise<void> | null;
        if (gate) await gate;
        if (stopped) break;
        current = fault;
        fault.inject();
        injected.push({ target: fault.target, text: fault.text, atMs: Math.round(performance.now() - startedAt) });
        await nap(holdMs);
        fault.clear();
        current = null;
      }
    }
  })();
  const clearAll = () => {
    for (const fault of catalogue) fault.clear();
  };
  return {
    injected,
    pause() {
      paused = new Promise<void>((resolve) => (resumePaused = resolve));
      // Cut the current hold short: its fault is cleared now, and the next waits for resume().
      current?.clear();
      wake?.();
      clearAll();
    },
    resume() {
      const release = resumePaused;
      paused = null;
      resumePaused = null;
      release?.();
    },
    async stop() {
      stopped = true;
      wake?.();
      this.resume();
      await running;
      clearAll();
    },
  };
}
