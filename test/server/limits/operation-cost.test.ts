import { readFileSync } from 'node:fs';
import { buildSchema, parse } from 'graphql';
import { describe, expect, it } from 'vitest';
import { operationCost } from '../../../src/server/limits/operation-cost.js';

const schema = buildSchema(readFileSync(new URL('../../../schema/schema.graphql', import.meta.url), 'utf8'));
const cost = (query: string, variables: Record<string, unknown> = {}, listSize = 50): number =>
  operationCost(schema, parse(query), undefined, variables, { listSize });

describe('operationCost', () => {
  it('multiplies a list by its limit, and the lists inside orderBook by its depth', () => {
    // markets 1 + 1000 × (orderBook 1 + bids 1 + 100 × price 1)
    expect(cost('{ markets(limit: 1000) { orderBook(depth: 100) { bids { price } } } }')).toBe(1 + 1000 * (1 + 1 + 100));
  });

  it('takes sizes from variables, then from the schema default', () => {
    const query = 'query ($n: Int) { markets(limit: $n) { ticker } }';
    expect(cost(query, { n: 7 })).toBe(1 + 7);
    expect(cost(query)).toBe(1 + 50); // markets(limit: Int = 50)
    expect(cost('{ orderBook(ticker: "X") { bids { price } } }')).toBe(1 + 1 + 10); // depth: Int = 10
  });

  it('sizes a connection by first, counts an unsized list as the assumed size, and follows fragments', () => {
    const query =
      '{ snapshots(from: "2026-01-01T00:00:00Z", to: "2026-01-02T00:00:00Z", first: 3) { edges { node { ...N } } } } fragment N on Snapshot { aggregate { markets { ticker } } }';
    // snapshots 1 + edges 1 + 3 × (node 1 + aggregate 1 + markets 1 + 4 × ticker)
    expect(cost(query, {}, 4)).toBe(1 + 1 + 3 * (1 + 1 + 1 + 4));
  });

  it('does not count __typename', () => {
    expect(cost('{ __typename health { __typename status } }')).toBe(2);
  });
});
