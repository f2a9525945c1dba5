/**
 * One fault grammar for every simulator (src/simulators/fault.ts): every `*_SIM_FAULT` value the
 * README documents parses, the syntax rules hold for each vocabulary alike, and a bad value gets
 * the same shape of message whichever simulator it was meant for.
 */
import { describe, expect, it } from 'vitest';
import { parseAnthropicFault } from '../../src/simulators/anthropic/faults.js';
import { FaultSyntaxError, parseFault, type FaultVocabulary } from '../../src/simulators/fault.js';
import { parseJohnFault } from '../../src/simulators/john/faults.js';
import { parseKalshiRestFault } from '../../src/simulators/kalshi/rest-faults.js';
import { parseKalshiWsFault } from '../../src/simulators/kalshi/ws-faults.js';

const PARSERS: Record<string, (text: string) => unknown> = {
  KALSHI_SIM_FAULT: parseKalshiRestFault,
  KALSHI_WS_SIM_FAULT: parseKalshiWsFault,
  ANTHROPIC_SIM_FAULT: parseAnthropicFault,
  JOHN_SIM_FAULT: parseJohnFault,
};

/** The values README.md's configuration table lists for each variable. */
const DOCUMENTED: Record<string, string[]> = {
  KALSHI_SIM_FAULT: ['status:503', 'status:429,rate=0.5', 'hang', 'malformed', 'truncated', 'delay:200'],
  KALSHI_WS_SIM_FAULT: ['drop', 'seq-gap', 'error-code:25', 'silence'],
  ANTHROPIC_SIM_FAULT: ['status:529', 'status:429:retry=2', 'hang', 'truncated', 'sse-error', 'invalid-tool-input', 'malformed'],
  JOHN_SIM_FAULT: ['status:503', 'status:401', 'hang', 'malformed', 'truncated', 'bad-shape', 'delay:2000'],
};

describe('the documented *_SIM_FAULT values', () => {
  it.each(Object.entries(DOCUMENTED).flatMap(([variable, values]) => values.map((value) => [variable, value] as const)))('%s=%s parses', (variable, value) => {
    expect(PARSERS[variable]!(value)).toMatchObject({ kind: value.split(/[:,]/)[0] });
  });
});

describe('the shared syntax, in every vocabulary', () => {
  it.each(Object.entries(PARSERS))('%s: kinds in any case, blanks around parts', (variable, parse) => {
    // The WebSocket simulator has no hang; drop is its bare kind.
    const bare = variable === 'KALSHI_WS_SIM_FAULT' ? 'drop' : 'hang';
    expect(parse(` ${bare.toUpperCase()} `)).toEqual(parse(bare));
  });

  it('an option may follow the argument after a colon (Anthropic documents status:429:retry=2)', () => {
    expect(parseAnthropicFault('status:429:retry=2')).toEqual(parseAnthropicFault('status:429,retry=2'));
    expect(parseKalshiRestFault('status:503:rate=0.5')).toEqual(parseKalshiRestFault('status:503,rate=0.5'));
    expect(parseJohnFault('status:429:retry-after=5')).toEqual(parseJohnFault('status:429,retry-after=5'));
  });

  it.each(Object.entries(PARSERS))('%s: one message shape for every refusal', (_variable, parse) => {
    for (const [text, why] of [
      ['', /no fault kind/],
      ['explode', /unknown fault kind "explode"/],
      ['hang:1:2', /too many ":"/],
      ['hang,often', /option "often" is not name=value/],
      ['hang,colour=red', /unknown option "colour"/],
    ] as const) {
      // drop takes no argument either; the WebSocket simulator has no hang.
      const input = _variable === 'KALSHI_WS_SIM_FAULT' ? text.replace('hang', 'drop') : text;
      expect(() => parse(input), input).toThrow(why);
      expect(() => parse(input), input).toThrow(/^invalid [A-Za-z ]+ simulator fault ".*": .+; expected e\.g\. .+/);
    }
  });

  it('the same rate and times rules wherever they are options', () => {
    for (const parse of [parseKalshiRestFault, parseAnthropicFault, parseJohnFault]) {
      expect(parse('hang,rate=.25,times=3')).toEqual({ kind: 'hang', rate: 0.25, times: 3 });
      expect(() => parse('hang,rate=1.5')).toThrow(/rate must be a probability from 0 to 1/);
      expect(() => parse('hang,times=0')).toThrow(/times must be a positive integer/);
    }
  });

  it('a vocabulary of its own needs only kinds and options', () => {
    type Fault = { kind: 'burst'; size: number; times?: number };
    const vocabulary: FaultVocabulary<Fault> = {
      label: 'test',
      examples: 'burst:<n>',
      kinds: {
        burst: (argument) => {
          if (argument === undefined) throw new FaultSyntaxError('burst needs a size');
          return { kind: 'burst', size: Number(argument) };
        },
      },
    };
    expect(parseFault('burst:4', vocabulary)).toEqual({ kind: 'burst', size: 4 });
    expect(() => parseFault('burst', vocabulary)).toThrow('invalid test fault "burst": burst needs a size; expected e.g. burst:<n>');
    expect(() => parseFault('burst:4,times=2', vocabulary)).toThrow(/unknown option "times"/);
  });
});
