/** parseJohnFault: every accepted form, and a clear error for everything else. */
import { describe, expect, it } from 'vitest';
import { parseJohnFault, validateJohnFault, type JohnFault } from '../../../src/simulators/john/faults.js';

describe('parseJohnFault', () => {
  it.each<[string, JohnFault]>([
    ['status:503', { kind: 'status', status: 503 }],
    ['status:429,retry-after=5', { kind: 'status', status: 429, retryAfterSeconds: 5 }],
    ['STATUS:401', { kind: 'status', status: 401 }],
    ['hang', { kind: 'hang' }],
    ['malformed,rate=0.2', { kind: 'malformed', rate: 0.2 }],
    [' truncated , times=3 ', { kind: 'truncated', times: 3 }],
    ['delay:2000,times=1,rate=1', { kind: 'delay', delayMs: 2000, times: 1, rate: 1 }],
    ['bad-shape', { kind: 'bad-shape' }],
    ['bad-shape:envelope', { kind: 'bad-shape', target: 'envelope' }],
  ])('%s', (text, expected) => {
    expect(parseJohnFault(text)).toEqual(expected);
  });

  it.each([
    ['', /no fault kind/],
    ['explode', /unknown fault kind "explode"/],
    ['status', /status must be one of 500, 502, 503, 401, 403, 429/],
    ['status:404', /status must be one of/],
    ['delay', /delay needs milliseconds/],
    ['delay:soon', /delay needs milliseconds/],
    ['hang:5', /hang takes no argument/],
    ['malformed,rate=1.5', /rate must be a probability from 0 to 1/],
    ['malformed,rate=-1', /rate must be a probability/],
    ['truncated,times=0', /times must be a positive integer/],
    ['truncated,times=1.5', /times must be a positive integer/],
    ['hang,often', /is not name=value/],
    ['hang,retry-after=2', /retry-after applies to status faults only/],
    ['hang,colour=red', /unknown option "colour"/],
    ['bad-shape:everything', /bad-shape takes metrics or envelope/],
  ])('rejects %j', (text, message) => {
    expect(() => parseJohnFault(text)).toThrow(message);
    expect(() => parseJohnFault(text)).toThrow(/^invalid John simulator fault .*; expected e\.g\. status:503/);
  });

  it('validates faults built in code too', () => {
    expect(() => validateJohnFault({ kind: 'status', status: 418 as 500 })).toThrow(RangeError);
    expect(() => validateJohnFault({ kind: 'delay', delayMs: Number.NaN })).toThrow(RangeError);
    expect(() => validateJohnFault({ kind: 'hang', rate: 2 })).toThrow(RangeError);
    expect(validateJohnFault({ kind: 'hang', rate: 0 })).toEqual({ kind: 'hang', rate: 0 });
  });
});
