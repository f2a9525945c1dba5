import { describe, expect, test } from 'vitest';
import { isRecord } from '../../src/core/is-record.js';

describe('isRecord', () => {
  test('objects only', () => {
    expect(isRecord({})).toBe(true);
    expect(isRecord({ a: 1 })).toBe(true);
    expect(isRecord(Object.create(null))).toBe(true);
    for (const value of [null, undefined, [], 'x', 1, true]) expect(isRecord(value)).toBe(false);
  });
});
