import { readFileSync } from 'node:fs';
import { buildSchema, DangerousChangeType, findBreakingChanges, findDangerousChanges } from 'graphql';
import { describe, expect, it } from 'vitest';
import { printedSchema } from '../../src/schema/index.js';

const checkedIn = readFileSync(new URL('../../schema/schema.graphql', import.meta.url), 'utf8');
const contract = readFileSync(new URL('../../../shared/contract/schema.graphql', import.meta.url), 'utf8');

describe('printed schema', () => {
  it('matches the checked-in schema/schema.graphql (run `npm run generate` after changing the schema code)', () => {
    expect(printedSchema()).toBe(checkedIn);
  });

  it('keeps every promise of the public contract', () => {
    const actual = buildSchema(printedSchema());
    const expected = buildSchema(contract);
    const problems = [
      ...findBreakingChanges(expected, actual),
      ...findDangerousChanges(expected, actual).filter((change) => change.type === DangerousChangeType.ARG_DEFAULT_VALUE_CHANGE),
    ].map((change) => `${change.type}: ${change.description}`);
    expect(problems).toEqual([]);
  });
});
