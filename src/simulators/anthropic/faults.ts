/**
 * Failures the Anthropic simulator can serve instead of a good answer, how often, and how they are
 * written in the environment (`ANTHROPIC_SIM_FAULT=status:429:retry=2` and the like).
 *
 * A fault applies to a request with probability `rate` (default 1) drawn from a seeded PRNG, so a
 * flaky run replays exactly; `times` (default: until cleared) counts only the requests it hit.
 */
import { Prng } from '../../core/prng.js';

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

const FAULT_SYNTAX =
  'expected e.g. "status:529", "status:429:retry=2", "delay:1500", "hang", "malformed", "truncated", "sse-error" or ' +
  '"invalid-tool-input", optionally followed by ",rate=0..1", ",times=N", ",retry=S" or ",code=ERROR_CODE" (status only)';

const BARE_KINDS = ['hang', 'malformed', 'truncated', 'sse-error', 'invalid-tool-input'] as const;

function fail(text: string, why: string): never {
  throw new Error(`invalid Anthropic simulator fault "${text}": ${why}; ${FAULT_SYNTAX}`);
}

function parseOption(text: string, part: string): [string, string] {
  const match = /^([a-z_]+)=(.+)$/.exec(part);
  if (!match) fail(text, `"${part}" is not key=value`);
  return [match[1]!, match[2]!];
}

/** Parses the environment form of a fault. Throws an Error naming the input and the expected form. */
export function parseAnthropicFault(text: string): AnthropicFault {
  const parts = text.split(',').map((part) => part.trim());
  const [head = '', ...rest] = parts;
  if (head === '') fail(text, 'empty fault');
  const [kind = '', ...args] = head.split(':').map((piece) => piece.trim());
  const options = [...args.filter((arg) => arg.includes('=')), ...rest].map((part) => parseOption(text, part));
  const positional = args.filter((arg) => !arg.includes('='));

  let fault: AnthropicFault;
  if (kind === 'status') {
    const [code, ...extra] = positional;
    if (code === undefined || !/^\d{3}$/.test(code) || Number(code) < 400 || Number(code) > 599) fail(text, 'status needs an HTTP error code from 400 to 599');
    if (extra.length > 0) fail(text, `unexpected "${extra.join(':')}"`);
    fault = { kind: 'status', status: Number(code) };
  } else if (kind === 'delay') {
    const [ms, ...extra] = positional;
    if (ms === undefined || !/^\d{1,9}$/.test(ms)) fail(text, 'delay needs milliseconds, e.g. delay:1500');
    if (extra.length > 0) fail(text, `unexpected "${extra.join(':')}"`);
    fault = { kind: 'delay', delayMs: Number(ms) };
  } else if ((BARE_KINDS as readonly string[]).includes(kind)) {
    if (positional.length > 0) fail(text, `${kind} takes no argument`);
    fault = { kind: kind as (typeof BARE_KINDS)[number] };
  } else {
    fail(text, `unknown kind "${kind}"`);
  }

  for (const [key, value] of options) {
    switch (key) {
      case 'rate': {
        const rate = /^(0(\.\d+)?|1(\.0+)?|\.\d+)$/.test(value) ? Number(value) : Number.NaN;
        if (!(rate >= 0 && rate <= 1)) fail(text, 'rate must be a number from 0 to 1');
        fault.rate = rate;
        break;
      }
      case 'times': {
        if (!/^[1-9]\d{0,8}$/.test(value)) fail(text, 'times must be a positive integer');
        fault.times = Number(value);
        break;
      }
      case 'retry': {
        if (fault.kind !== 'status') fail(text, 'retry applies to status faults only');
        if (!/^\d{1,6}(\.\d+)?$/.test(value)) fail(text, 'retry must be seconds (a non-negative number)');
        fault.retryAfterSeconds = Number(value);
        break;
      }
      case 'code': {
        if (fault.kind !== 'status') fail(text, 'code applies to status faults only');
        if (!/^[a-z0-9_]{1,100}$/.test(value)) fail(text, 'code must be an error code like enforced_spend_limit_reached');
        fault.errorCode = value;
        break;
      }
      default:
        fail(text, `unknown option "${key}"`);
    }
  }
  return fault;
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
