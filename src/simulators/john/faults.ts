/**
 * The failures the John simulator can be told to serve instead of the real answer, and the parser
 * for their textual form (an environment variable or a test's shorthand).
 *
 * Every fault may carry `rate` (0..1: the share of requests it hits, drawn from the simulator's
 * seeded PRNG) and `times` (how many requests it hits before it clears itself; default: until
 * clearFault()).
 */

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

const FORMS =
  'status:<500|502|503|401|403|429>, delay:<ms>, hang, malformed, truncated or bad-shape[:metrics|envelope], ' +
  'optionally followed by ,rate=<0..1> ,times=<n> (and ,retry-after=<s> for status)';

/**
 * Parses `kind[:argument][,option=value…]`, e.g. `status:503`, `hang`, `malformed,rate=0.2`,
 * `delay:2000,times=3`, `bad-shape:envelope`, `status:429,retry-after=5`. Throws an Error naming the
 * accepted forms when the text is not one of them.
 */
export function parseJohnFault(text: string): JohnFault {
  const fail: (why: string) => never = (why) => {
    throw new Error(`Invalid John fault ${JSON.stringify(text)}: ${why}. Expected ${FORMS}.`);
  };
  const [head = '', ...optionParts] = text.split(',').map((part) => part.trim());
  const colon = head.indexOf(':');
  const kind = (colon === -1 ? head : head.slice(0, colon)).trim().toLowerCase();
  const argument = colon === -1 ? undefined : head.slice(colon + 1).trim();
  if (kind === '') fail('no fault kind');

  const options: JohnFaultOptions & { retryAfterSeconds?: number } = {};
  for (const part of optionParts) {
    const match = /^([a-z-]+)\s*=\s*(.+)$/i.exec(part);
    if (!match) return fail(`option ${JSON.stringify(part)} is not name=value`);
    const name = match[1]!.toLowerCase();
    const value = number(match[2]!);
    if (value === undefined) fail(`option ${name} needs a number`);
    else if (name === 'rate') options.rate = value;
    else if (name === 'times') options.times = value;
    else if (name === 'retry-after' && kind === 'status') options.retryAfterSeconds = value;
    else fail(`unknown option ${JSON.stringify(name)}`);
  }
  const withOptions = <F extends JohnFault>(fault: F): F => {
    const { retryAfterSeconds, ...common } = options;
    return { ...fault, ...common, ...(retryAfterSeconds === undefined ? {} : { retryAfterSeconds }) };
  };
  const noArgument = (): void => {
    if (argument !== undefined) fail(`${kind} takes no argument`);
  };

  let fault: JohnFault;
  switch (kind) {
    case 'status': {
      const status = argument === undefined ? undefined : number(argument);
      if (status === undefined || !(JOHN_FAULT_STATUSES as readonly number[]).includes(status)) {
        return fail(`status must be one of ${JOHN_FAULT_STATUSES.join(', ')}`);
      }
      fault = withOptions({ kind, status: status as JohnFaultStatus });
      break;
    }
    case 'delay': {
      const delayMs = argument === undefined ? undefined : number(argument);
      if (delayMs === undefined) return fail('delay needs milliseconds, e.g. delay:2000');
      fault = withOptions({ kind, delayMs });
      break;
    }
    case 'bad-shape': {
      if (argument === undefined) fault = withOptions({ kind });
      else if (argument === 'metrics' || argument === 'envelope') fault = withOptions({ kind, target: argument });
      else return fail('bad-shape takes metrics or envelope');
      break;
    }
    case 'hang':
    case 'malformed':
    case 'truncated':
      noArgument();
      fault = withOptions({ kind });
      break;
    default:
      return fail(`unknown fault kind ${JSON.stringify(kind)}`);
  }
  try {
    return validateJohnFault(fault);
  } catch (error) {
    return fail((error as Error).message);
  }
}

function number(text: string): number | undefined {
  const trimmed = text.trim();
  if (!/^\d+(\.\d+)?$/.test(trimmed)) return undefined;
  return Number(trimmed);
}
