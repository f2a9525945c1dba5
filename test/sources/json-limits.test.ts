import { Readable } from 'node:stream';
import { describe, expect, test } from 'vitest';
import { jsonNestsDeeperThan, readBoundedText, UpstreamBodyTooLargeError } from '../../src/sources/json-limits.js';

describe('jsonNestsDeeperThan', () => {
  test('counts objects and arrays, not brackets inside strings or escaped quotes', () => {
    expect(jsonNestsDeeperThan('{"a":[{"b":[1]}]}', 4)).toBe(false);
    expect(jsonNestsDeeperThan('{"a":[{"b":[1]}]}', 3)).toBe(true);
    expect(jsonNestsDeeperThan(JSON.stringify({ text: '[[[[[[{{{{{{', quote: '\\"[[[[' }), 1)).toBe(false);
    expect(jsonNestsDeeperThan(`${'['.repeat(100_000)}${']'.repeat(100_000)}`)).toBe(true);
    expect(jsonNestsDeeperThan('not json at all', 0)).toBe(false);
  });
});

describe('readBoundedText', () => {
  test('reads a body up to the limit, refuses one past it (declared or streamed)', async () => {
    expect(await readBoundedText(Readable.from([Buffer.from('héllo')]), {}, 6)).toBe('héllo');
    await expect(readBoundedText(Readable.from([Buffer.from('1234'), Buffer.from('567')]), {}, 6)).rejects.toBeInstanceOf(UpstreamBodyTooLargeError);
    const declared = Readable.from([Buffer.from('12')]);
    await expect(readBoundedText(declared, { 'content-length': '7' }, 6)).rejects.toBeInstanceOf(UpstreamBodyTooLargeError);
    expect(declared.destroyed).toBe(true);
  });
});
