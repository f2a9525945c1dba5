/**
 * The dashboard sends persisted ids: the generated table it reads them from must be the one
 * `npm run generate:persisted` writes from dashboard/src/operations/, every id in it must be
 * registered with the server, and the request it builds must be what the server accepts (an id
 * without a document; the registered document on fallback).
 */
import { readFileSync } from 'node:fs';
import { print } from 'graphql';
import { describe, expect, it } from 'vitest';
import { backoffMs } from '../../dashboard/src/api/backoff.js';
import { isPersistedNotFound, operationName, operationRequest } from '../../dashboard/src/api/persisted.js';
import { MarketsTableDocument, SourcesPanelChangesDocument } from '../../dashboard/src/generated/graphql.js';
import { persistedOperations } from '../../dashboard/src/generated/persisted-operations.js';
import { dashboardPersistedModule, persistedManifest } from '../../scripts/generate-persisted-operations.js';
import { persistedDocument } from '../../src/server/limits/persisted-operations.js';

describe('dashboard persisted operations', () => {
  it('dashboard/src/generated/persisted-operations.ts is what generate:persisted writes', () => {
    const committed = readFileSync(new URL('../../dashboard/src/generated/persisted-operations.ts', import.meta.url), 'utf8');
    expect(committed).toBe(dashboardPersistedModule());
  });

  it('every dashboard id is registered with the server, with the same document', () => {
    const manifest = persistedManifest();
    expect(Object.keys(persistedOperations).length).toBeGreaterThanOrEqual(6);
    for (const [name, { sha256, document }] of Object.entries(persistedOperations)) {
      expect({ name, document: manifest[sha256] }).toEqual({ name, document });
      expect({ name, served: persistedDocument(sha256) }).toEqual({ name, served: document });
    }
  });

  it('the registered document is the codegen document printed (same operation, same fragments)', () => {
    const registered = persistedOperations.MarketsTable!.document;
    const printed = print(MarketsTableDocument);
    // codegen lists the fragment before or after the operation; the selections are the same text.
    for (const part of registered.split('\n\n')) expect(printed).toContain(part);
  });

  it('sends the id alone first, and the document on fallback', () => {
    const byId = operationRequest(SourcesPanelChangesDocument, {}, false);
    expect(byId).toEqual({
      operationName: 'SourcesPanelChanges',
      variables: {},
      extensions: { persistedQuery: { version: 1, sha256Hash: persistedOperations.SourcesPanelChanges!.sha256 } },
    });
    expect(byId).not.toHaveProperty('query');
    const withDocument = operationRequest(SourcesPanelChangesDocument, {}, true);
    expect(withDocument).toEqual({ operationName: 'SourcesPanelChanges', query: persistedOperations.SourcesPanelChanges!.document, variables: {} });
    expect(operationName(MarketsTableDocument)).toBe('MarketsTable');
  });

  it('recognises the server answer to an unknown id', () => {
    expect(isPersistedNotFound({ message: 'PersistedQueryNotFound', extensions: { code: 'PERSISTED_QUERY_NOT_FOUND' } })).toBe(true);
    expect(isPersistedNotFound({ message: 'Cannot query field', extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } })).toBe(false);
  });
});

describe('dashboard reconnect backoff', () => {
  it('doubles from half a second, is capped at five (plus at most a quarter of jitter), and never gives up', () => {
    expect([0, 1, 2, 3, 4].map((attempt) => backoffMs(attempt, () => 0))).toEqual([500, 1000, 2000, 4000, 5000]);
    expect(backoffMs(1_000, () => 0)).toBe(5000);
    expect(backoffMs(0, () => 0.999)).toBeLessThanOrEqual(625);
    expect(backoffMs(0, () => 0.999)).toBeGreaterThan(600);
  });
});
