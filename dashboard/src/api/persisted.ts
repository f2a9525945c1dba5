/**
 * What goes on the wire for an operation: its persisted id (so the page works when the server
 * runs only registered documents, PERSISTED_ONLY=on), or, once the server has said it does not
 * know that id (an older build of the server, say), the registered document itself. Ids and
 * documents come from the generated table (`npm run generate:persisted`), never hashed here: a
 * page on a plain-http origin other than localhost has no WebCrypto.
 */
import type { DocumentNode } from 'graphql';
import { persistedOperations } from '../generated/persisted-operations.js';

export interface OperationRequest {
  operationName: string;
  /** The document; absent when the id is sent instead. */
  query?: string;
  variables: Record<string, unknown>;
  extensions?: { persistedQuery: { version: 1; sha256Hash: string } };
}

/** The server's answer to an id it has not registered (limits/persisted-operations.ts). */
export const PERSISTED_NOT_FOUND = 'PERSISTED_QUERY_NOT_FOUND';

export function operationName(document: DocumentNode): string {
  for (const definition of document.definitions) {
    if ('operation' in definition && definition.name) return definition.name.value;
  }
  throw new Error('a dashboard operation must be named');
}

export function isPersistedNotFound(error: { message?: unknown; extensions?: { code?: unknown } }): boolean {
  return error.extensions?.code === PERSISTED_NOT_FOUND || error.message === 'PersistedQueryNotFound';
}

/** The request for `document`: by id (`withDocument` false), or with the registered text (true). */
export function operationRequest(document: DocumentNode, variables: Record<string, unknown>, withDocument: boolean): OperationRequest {
  const name = operationName(document);
  const registered = persistedOperations[name];
  if (!registered) throw new Error(`${name} is not in dashboard/src/generated/persisted-operations.ts: run npm run generate:persisted`);
  return withDocument
    ? { operationName: name, query: registered.document, variables }
    : { operationName: name, variables, extensions: { persistedQuery: { version: 1, sha256Hash: registered.sha256 } } };
}
