/**
 * The operations the project ships against the limits' defaults, and the committed manifest of
 * persisted operations against its sources (run `npm run generate:persisted` after editing them).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { persistedManifest } from '../../../scripts/generate-persisted-operations.js';
import { measureShipped } from '../../../scripts/measure-operations.js';
import { limitsFrom } from '../../../src/server/limits/limits-config.js';

describe('shipped operations', () => {
  it('every one passes every default limit with headroom (at most half of each)', () => {
    const { query } = limitsFrom({}, 'production');
    for (const m of measureShipped()) {
      expect({ origin: m.origin, aliases: m.aliases <= query.maxAliases / 2 }).toEqual({ origin: m.origin, aliases: true });
      expect({ origin: m.origin, depth: m.depth <= query.maxDepth }).toEqual({ origin: m.origin, depth: true });
      expect({ origin: m.origin, tokens: m.tokens <= query.maxTokens / 2 }).toEqual({ origin: m.origin, tokens: true });
      expect({ origin: m.origin, directives: m.directives <= query.maxDirectives / 2 }).toEqual({ origin: m.origin, directives: true });
      expect({ origin: m.origin, cost: m.cost <= query.maxCost / 2 }).toEqual({ origin: m.origin, cost: true });
    }
  });

  it('schema/persisted-operations.json registers exactly the documents of examples/ and test/operations/', () => {
    const committed = JSON.parse(readFileSync(new URL('../../../schema/persisted-operations.json', import.meta.url), 'utf8')) as unknown;
    expect(committed).toEqual(persistedManifest());
    expect(Object.keys(persistedManifest()).length).toBeGreaterThanOrEqual(25);
  });
});
