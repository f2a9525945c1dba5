/**
 * Failures the Anthropic simulator can serve instead of a good answer, how often, and how they are
 * written in the environment (`ANTHROPIC_SIM_FAULT=status:429:retry=2` and the like).
 *
 * A fault applies to a request with probability `rate` (default 1) drawn from a seeded PRNG, so a
 * flaky run replays exactly; `times` (default: until cleared) counts only the requests it hit.
 */
import { Prng } from '../../core/prng.js';
import { bare, FaultSyntaxError, parseFault, rateOption, statusOnly, timesOption, wholeNumber, type FaultVocabulary } from '../fault.js';

interface FaultFrequency {
  /** Requests this fault is served to before it clears itself. @default until clearFault() */
  times?: number;
  /** Probability (0..1) that a request gets the fault. @default 1 */
  rate?: number;
}

export type AnthropicFault = FaultFrequency &
  (
    | {
        /** An HTTP error with the API's real error body (529 overloaded_error, 429 rate_limit_error, …). */
        kind: 'status';
        status: number;
        /** `retry-after` header in seconds. @default 1 for 429, absent otherwise */
        retryAfterSeconds?: number;
        /** Replaces the default error message (e.g. to say a spend limit is reached). */
        message?: string;
        /** Sent as error.details.error_code (e.g. `enforced_spend_limit_reached`). */
        errorCode?: string;
      }
    | { /** Answer normally, `delayMs` late (on the simulator's clock). */ kind: 'delay'; delayMs: number }
    | { /** Read the request and never answer, until the simulator closes. */ kind: 'hang' }
    | { /** HTTP 200 with a body (or SSE data) that is not JSON. */ kind: 'malformed' }
    | { /** A stream cut mid-way: the socket is destroyed after a few events. */ kind: 'truncated' }
    | { /** HTTP 200, a few events, then `event: error` with overloaded_error. */ kind: 'sse-error' }
    | { /** A well-formed answer whose tool input violates the schema (sentiment_score 5). */ kind: 'invalid-tool-input' }
  );

export type AnthropicFaultKind = AnthropicFault['kind'];

const BARE_KINDS = ['hang', 'malformed', 'truncated', 'sse-error', 'invalid-tool-input'] as const;

const ANTHROPIC_FAULTS: FaultVocabulary<AnthropicFault> = {
  label: 'Anthropic simulator',
  examples:
    '"status:529", "status:429:retry=2", "delay:1500", "hang", "malformed", "truncated", "sse-error" or ' +
    '"invalid-tool-input", optionally followed by ",rate=0..1", ",times=N", ",retry=S" or ",code=ERROR_CODE" (status only)',
  kinds: {
    status: (argument) => {
      if (argument === undefined || !/^\d{3}$/.test(argument) || Number(argument) < 400 || Number(argument) > 599) {
        throw new FaultSyntaxError('status needs an HTTP error code from 400 to 599');
      }
      return { kind: 'status', status: Number(argument) };
    },
    delay: (argument) => {
      const delayMs = wholeNumber(argument);
      if (delayMs === undefined) throw new FaultSyntaxError('delay needs milliseconds, e.g. delay:1500');
      return { kind: 'delay', delayMs };
    },
    ...Object.fromEntries(BARE_KINDS.map((kind) => [kind, bare<AnthropicFault>({ kind })])),
  },
  options: {
    rate: rateOption,
    times: timesOption,
    retry: statusOnly<AnthropicFault>('retry', (fault, value) => {
      if (!/^\d{1,6}(\.\d+)?$/.test(value)) throw new FaultSyntaxError('retry must be seconds (a non-negative number)');
      return { ...fault, retryAfterSeconds: Number(value) };
    }),
    code: statusOnly<AnthropicFault>('code', (fault, value) => {
      if (!/^[a-z0-9_]{1,100}$/.test(value)) throw new FaultSyntaxError('code must be an error code like enforced_spend_limit_reached');
      return { ...fault, errorCode: value };
    }),
  },
};

/** Parses ANTHROPIC_SIM_FAULT in the shared grammar (../fault.ts). Throws an Error naming the input and the expected form. */
export function parseAnthropicFault(text: string): AnthropicFault {
  return parseFault(text, ANTHROPIC_FAULTS);
}

/** Holds the injected fault and decides, per request, whether that request gets it. */
export class FaultSchedule {
  private current: { fault: AnthropicFault; remaining: number } | null = null;
  private readonly prng: Prng;

  constructor(seed: number) {
    this.prng = new Prng(seed);
  }

  set(fault: AnthropicFault): void {
    if (fault.rate !== undefined && !(fault.rate >= 0 && fault.rate <= 1)) throw new RangeError('fault rate must be from 0 to 1');
    this.current = { fault, remaining: fault.times ?? Number.POSITIVE_INFINITY };
  }

  clear(): void {
    this.current = null;
  }

  /** The fault this request gets, or null. Counts it against `times`. */
  take(): AnthropicFault | null {
    const current = this.current;
    if (!current) return null;
    // Always draw when a rate is set, so the sequence of hits depends on the seed only.
    if (current.fault.rate !== undefined && !this.prng.chance(current.fault.rate)) return null;
    if (--current.remaining <= 0) this.current = null;
    return current.fault;
  }
}
