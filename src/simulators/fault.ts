/**
 * The one fault grammar of the bundled simulators, for the `*_SIM_FAULT` variables and tests'
 * shorthand. Each simulator brings only its vocabulary (the kinds it can serve, their argument,
 * its options); the syntax and the error messages are the same for all:
 *
 *     kind[:argument][,name=value…]        e.g. status:503  status:429,rate=0.5  seq-gap:3  hang,times=2
 *
 * Kinds are case-insensitive, blanks around parts are ignored, and an option may also follow the
 * argument after a colon (`status:429:retry=2`, Anthropic's documented form). Anything else is
 * refused with one message: `invalid <simulator> fault "<text>": <why>; expected e.g. <examples>`.
 * A bad value in the environment stops startup with that message and the variable's name
 * (parseSimulatorFault).
 */
import { ConfigError } from '../core/errors.js';

/** Thrown by vocabularies for a wrong argument or option value; `parseFault` adds the input and the examples. */
export class FaultSyntaxError extends Error {}

export interface FaultVocabulary<F> {
  /** Names the simulator in messages, e.g. "Kalshi simulator". */
  label: string;
  /** Accepted forms, shown after "expected e.g." in every message. */
  examples: string;
  /** Per kind (lower case): the fault built from its argument (undefined: none given). Throw FaultSyntaxError when it is wrong. */
  kinds: Record<string, (argument: string | undefined) => F>;
  /** Per option name: the fault with `name=value` applied. Throw FaultSyntaxError when the value is wrong or the kind takes no such option. */
  options?: Record<string, (fault: F, value: string) => F>;
}

/** Parses `text` by `vocabulary`; throws an Error naming the input, why, and the accepted forms. */
export function parseFault<F>(text: string, vocabulary: FaultVocabulary<F>): F {
  const fail = (why: string): never => {
    throw new Error(`invalid ${vocabulary.label} fault ${JSON.stringify(text)}: ${why}; expected e.g. ${vocabulary.examples}`);
  };
  const [head = '', ...optionParts] = text.split(',').map((part) => part.trim());
  const [kindText = '', ...pieces] = head.split(':').map((piece) => piece.trim());
  const kind = kindText.toLowerCase();
  if (kind === '') return fail('no fault kind');
  const build = Object.hasOwn(vocabulary.kinds, kind) ? vocabulary.kinds[kind] : undefined;
  if (!build) return fail(`unknown fault kind ${JSON.stringify(kindText)}`);
  const positional = pieces.filter((piece) => !piece.includes('='));
  if (positional.length > 1) return fail(`too many ":" in ${JSON.stringify(head)}`);
  const options = [...pieces.filter((piece) => piece.includes('=')), ...optionParts];
  try {
    let fault = build(positional[0]);
    for (const option of options) {
      const match = /^([a-z][a-z_-]*)\s*=\s*(\S.*)$/i.exec(option);
      if (!match) return fail(`option ${JSON.stringify(option)} is not name=value`);
      const name = match[1]!.toLowerCase();
      const apply = vocabulary.options && Object.hasOwn(vocabulary.options, name) ? vocabulary.options[name] : undefined;
      if (!apply) return fail(`unknown option ${JSON.stringify(name)}`);
      fault = apply(fault, match[2]!.trim());
    }
    return fault;
  } catch (error) {
    if (error instanceof FaultSyntaxError) return fail(error.message);
    throw error;
  }
}

// ---- pieces the vocabularies share ----

/** A kind that takes no argument. */
export function bare<F>(fault: F): (argument: string | undefined) => F {
  return (argument) => {
    if (argument !== undefined) throw new FaultSyntaxError(`${String((fault as { kind?: unknown }).kind)} takes no argument`);
    return fault;
  };
}

/** Whole milliseconds (at most nine digits), or undefined. */
export function wholeNumber(text: string | undefined): number | undefined {
  return text !== undefined && /^\d{1,9}$/.test(text) ? Number(text) : undefined;
}

/** The `rate=0..1` option: the share of requests the fault hits. */
export function rateOption<F extends { rate?: number }>(fault: F, value: string): F {
  const rate = /^(\d+(\.\d*)?|\.\d+)$/.test(value) ? Number(value) : Number.NaN;
  if (!(rate >= 0 && rate <= 1)) throw new FaultSyntaxError('rate must be a probability from 0 to 1');
  return { ...fault, rate };
}

/** The `times=N` option: how many requests the fault hits before it clears itself. */
export function timesOption<F extends { times?: number }>(fault: F, value: string): F {
  const times = wholeNumber(value);
  if (times === undefined || times < 1) throw new FaultSyntaxError('times must be a positive integer');
  return { ...fault, times };
}

/** An option that only `status` faults take (retry-after, an error code). */
export function statusOnly<F extends { kind: string }>(
  name: string,
  apply: (fault: Extract<F, { kind: 'status' }>, value: string) => F,
): (fault: F, value: string) => F {
  return (fault, value) => {
    if (fault.kind !== 'status') throw new FaultSyntaxError(`${name} applies to status faults only`);
    return apply(fault as Extract<F, { kind: 'status' }>, value);
  };
}

/**
 * A `*_SIM_FAULT` value parsed by its simulator's parser; a bad value stops startup with one line
 * naming the variable, like any other invalid configuration.
 */
export function parseSimulatorFault<F>(variable: string, text: string | null, parse: (text: string) => F): F | null {
  if (text === null) return null;
  try {
    return parse(text);
  } catch (error) {
    throw new ConfigError(`Invalid configuration: ${variable} ${error instanceof Error ? error.message : String(error)} (got ${JSON.stringify(text)})`);
  }
}
