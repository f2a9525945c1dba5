/**
 * The failures the John simulator can be told to serve instead of the real answer, and the parser
 * for their textual form (an environment variable or a test's shorthand).
 *
 * Every fault may carry `rate` (0..1: the share of requests it hits, drawn from the simulator's
 * seeded PRNG) and `times` (how many requests it hits before it clears itself; default: until
 * clearFault()).
 */
import { bare, FaultSyntaxError, parseFault, rateOption, statusOnly, timesOption, type FaultVocabulary } from '../fault.js';

/** The statuses John is known to answer with when something is wrong. */
export const JOHN_FAULT_STATUSES = [500, 502, 503, 401, 403, 429] as const;
export type JohnFaultStatus = (typeof JOHN_FAULT_STATUSES)[number];

export interface JohnFaultOptions {
  /** Share of requests hit, 0..1. @default 1 */
  rate?: number;
  /** Requests hit before the fault clears itself. @default until clearFault() */
  times?: number;
}

export type JohnFault = JohnFaultOptions &
  (
    | { kind: 'status'; status: JohnFaultStatus; /** Sent on 429 and 503. @default 1 */ retryAfterSeconds?: number }
    /** The real answer, `delayMs` later on the simulator's clock. */
    | { kind: 'delay'; delayMs: number }
    /** Never answers; the socket stays open until the client gives up or the simulator closes. */
    | { kind: 'hang' }
    /** 200 with a body that is not JSON. */
    | { kind: 'malformed' }
    /** 200 announcing more bytes than it sends, then the socket is destroyed. */
    | { kind: 'truncated' }
    /**
     * 200 with valid JSON of the wrong shape. `metrics` (default): the envelope is fine but metric
     * values are missing, negative, null or "NaN". `envelope`: agent_id and metrics are missing.
     */
    | { kind: 'bad-shape'; target?: 'metrics' | 'envelope' }
  );

export type JohnFaultKind = JohnFault['kind'];
const KINDS: readonly JohnFaultKind[] = ['status', 'delay', 'hang', 'malformed', 'truncated', 'bad-shape'];

/** Throws RangeError when a fault cannot be served as described. Returns the fault for chaining. */
export function validateJohnFault(fault: JohnFault): JohnFault {
  if (!KINDS.includes(fault.kind)) throw new RangeError(`unknown John fault kind ${JSON.stringify(fault.kind)}`);
  if (fault.rate !== undefined && !(fault.rate >= 0 && fault.rate <= 1)) throw new RangeError(`fault rate must be from 0 to 1, got ${fault.rate}`);
  if (fault.times !== undefined && !(Number.isSafeInteger(fault.times) && fault.times > 0)) {
    throw new RangeError(`fault times must be a positive integer, got ${fault.times}`);
  }
  if (fault.kind === 'status' && !(JOHN_FAULT_STATUSES as readonly number[]).includes(fault.status)) {
    throw new RangeError(`fault status must be one of ${JOHN_FAULT_STATUSES.join(', ')}, got ${fault.status}`);
  }
  if (fault.kind === 'status' && fault.retryAfterSeconds !== undefined && !(Number.isFinite(fault.retryAfterSeconds) && fault.retryAfterSeconds >= 0)) {
    throw new RangeError(`fault retry-after must be a number of seconds ≥ 0, got ${fault.retryAfterSeconds}`);
  }
  if (fault.kind === 'delay' && !(Number.isFinite(fault.delayMs) && fault.delayMs >= 0)) {
    throw new RangeError(`fault delay must be milliseconds ≥ 0, got ${fault.delayMs}`);
  }
  if (fault.kind === 'bad-shape' && fault.target !== undefined && fault.target !== 'metrics' && fault.target !== 'envelope') {
    throw new RangeError(`bad-shape target must be metrics or envelope, got ${JSON.stringify(fault.target)}`);
  }
  return fault;
}

/** A non-negative number (decimals allowed), or undefined. */
function number(text: string | undefined): number | undefined {
  return text !== undefined && /^\d+(\.\d+)?$/.test(text) ? Number(text) : undefined;
}

const JOHN_FAULTS: FaultVocabulary<JohnFault> = {
  label: 'John simulator',
  examples:
    'status:503 (one of 500, 502, 503, 401, 403, 429), delay:2000, hang, malformed, truncated or bad-shape[:metrics|envelope], ' +
    'optionally followed by ,rate=<0..1> ,times=<n> (and ,retry-after=<s> for status)',
  kinds: {
    status: (argument) => {
      const status = number(argument);
      if (status === undefined || !(JOHN_FAULT_STATUSES as readonly number[]).includes(status)) {
        throw new FaultSyntaxError(`status must be one of ${JOHN_FAULT_STATUSES.join(', ')}`);
      }
      return { kind: 'status', status: status as JohnFaultStatus };
    },
    delay: (argument) => {
      const delayMs = number(argument);
      if (delayMs === undefined) throw new FaultSyntaxError('delay needs milliseconds, e.g. delay:2000');
      return { kind: 'delay', delayMs };
    },
    'bad-shape': (argument) => {
      if (argument === undefined) return { kind: 'bad-shape' };
      if (argument === 'metrics' || argument === 'envelope') return { kind: 'bad-shape', target: argument };
      throw new FaultSyntaxError('bad-shape takes metrics or envelope');
    },
    hang: bare({ kind: 'hang' }),
    malformed: bare({ kind: 'malformed' }),
    truncated: bare({ kind: 'truncated' }),
  },
  options: {
    rate: rateOption,
    times: timesOption,
    'retry-after': statusOnly<JohnFault>('retry-after', (fault, value) => {
      const retryAfterSeconds = number(value);
      if (retryAfterSeconds === undefined) throw new FaultSyntaxError('retry-after must be seconds (a non-negative number)');
      return { ...fault, retryAfterSeconds };
    }),
  },
};

/**
 * Parses JOHN_SIM_FAULT in the shared grammar (../fault.ts), e.g. `status:503`, `hang`,
 * `malformed,rate=0.2`, `delay:2000,times=3`, `bad-shape:envelope`, `status:429,retry-after=5`.
 * Throws an Error naming the input and the accepted forms when the text is not one of them.
 */
export function parseJohnFault(text: string): JohnFault {
  // The vocabulary checks what validateJohnFault checks, so a parsed fault is always servable.
  return parseFault(text, JOHN_FAULTS);
}
