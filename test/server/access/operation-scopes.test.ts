/** The scope each root field needs, found through fragments and aliases. */
import { parse } from 'graphql';
import { describe, expect, it } from 'vitest';
import { operationAccess } from '../../../src/server/access/operation-scopes.js';
import { hasScope } from '../../../src/server/access/principal.js';

const scopes = (document: string, operationName?: string) =>
  operationAccess(parse(document), operationName)?.fields.map((field) => `${field.name}:${field.scope}`);

describe('operation scopes', () => {
  it('read for queries and subscriptions, analyze for requestInsight, admin for every other mutation', () => {
    expect(scopes('{ a: sources { source } health { status } }')).toEqual(['sources:read', 'health:read']);
    expect(scopes('subscription { aggregateUpdated { takenAt } }')).toEqual(['aggregateUpdated:read']);
    expect(scopes('mutation { requestInsight { id } resetBreaker(source: KALSHI) { source } somethingNew }')).toEqual([
      'requestInsight:analyze',
      'resetBreaker:admin',
      'somethingNew:admin',
    ]);
  });

  it('follows inline fragments and (cyclic) fragment spreads, and picks the named operation', () => {
    const document =
      'query Q { sources { source } } mutation M { ... on Mutation { ...F } } fragment F on Mutation { x: resetBreaker(source: JOHN) { source } ...F }';
    expect(scopes(document, 'M')).toEqual(['resetBreaker:admin']);
    expect(scopes(document, 'Q')).toEqual(['sources:read']);
    expect(scopes(document)).toBeUndefined();
  });

  it('admin implies read and analyze; nothing else implies another scope', () => {
    const of = (...list: Array<'read' | 'analyze' | 'admin'>) => ({ keyId: 'k', scopes: new Set(list) });
    expect(['read', 'analyze', 'admin'].map((scope) => hasScope(of('admin'), scope as 'read'))).toEqual([true, true, true]);
    expect(['read', 'analyze', 'admin'].map((scope) => hasScope(of('analyze'), scope as 'read'))).toEqual([false, true, false]);
    expect(['read', 'analyze', 'admin'].map((scope) => hasScope(of('read'), scope as 'read'))).toEqual([true, false, false]);
  });
});
