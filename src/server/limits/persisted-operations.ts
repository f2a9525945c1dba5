/**
 * Persisted operations (yoga's persisted-operations plugin): the documents the project ships are
 * registered at build time in schema/persisted-operations.json (sha256 hex of the printed document
 * → the document; `npm run generate` writes it). A client sends the id the Apollo APQ way,
 * `extensions: { persistedQuery: { version: 1, sha256Hash } }`, with no `query`.
 *
 * PERSISTED_ONLY=off (default): ids and free documents both run; an unknown id is answered
 * PersistedQueryNotFound (Apollo's persisted-query link then resends the document).
 * PERSISTED_ONLY=on: a free document is refused (PERSISTED_QUERY_ONLY); only registered ids run.
 * Nothing is registered at run time: an APQ client's hash+document is run as a free document.
 *
 * The graphql-ws bridge has no yoga request phase, so it resolves ids with `resolveSocketDocument`.
 */
import { usePersistedOperations } from '@graphql-yoga/plugin-persisted-operations';
import { GraphQLError } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import manifest from '../../../schema/persisted-operations.json' with { type: 'json' };
import { LimitErrorCode } from './limit-errors.js';

const registered: ReadonlyMap<string, string> = new Map(Object.entries(manifest as Record<string, string>));

export function persistedDocument(sha256: string): string | null {
  return registered.get(sha256) ?? null;
}

export const notFound = (): GraphQLError =>
  // Apollo's persisted-query link recognises this message and resends the document.
  new GraphQLError('PersistedQueryNotFound', { extensions: { code: LimitErrorCode.PERSISTED_QUERY_NOT_FOUND, http: { status: 400 } } });

export const persistedOnly = (): GraphQLError =>
  new GraphQLError(
    'Only persisted operations are accepted (PERSISTED_ONLY=on): send extensions.persistedQuery.sha256Hash of a document in schema/persisted-operations.json, without a query',
    { extensions: { code: LimitErrorCode.PERSISTED_QUERY_ONLY, http: { status: 400 } } },
  );

export function usePersistedDocuments(options: { persistedOnly: boolean }): Plugin {
  return usePersistedOperations({
    getPersistedOperation: (sha256) => persistedDocument(sha256),
    allowArbitraryOperations: !options.persistedOnly,
    customErrors: {
      notFound: () => notFound(),
      persistedQueryOnly: () => persistedOnly(),
      keyNotFound: () =>
        new GraphQLError('Send a query, or extensions.persistedQuery.sha256Hash of a registered document', {
          extensions: { code: 'BAD_REQUEST', http: { status: 400 } },
        }),
    },
  });
}

function sha256Of(extensions: unknown): string | null {
  if (typeof extensions !== 'object' || extensions === null) return null;
  const persisted = (extensions as { persistedQuery?: unknown }).persistedQuery;
  if (typeof persisted !== 'object' || persisted === null) return null;
  const hash = (persisted as { sha256Hash?: unknown }).sha256Hash;
  return typeof hash === 'string' ? hash : null;
}

/**
 * The document a graphql-ws subscribe runs (graphql-ws requires `query` to be a string, so an id
 * comes with `query: ""`), or the refusal.
 */
export function resolveSocketDocument(
  payload: { query: string; extensions?: unknown },
  options: { persistedOnly: boolean },
): { query: string } | { error: GraphQLError } {
  if (payload.query !== '') return options.persistedOnly ? { error: persistedOnly() } : { query: payload.query };
  const hash = sha256Of(payload.extensions);
  const document = hash === null ? null : persistedDocument(hash);
  return document === null ? { error: notFound() } : { query: document };
}
