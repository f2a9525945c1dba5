/**
 * The coded errors of the request limits. Every refusal a client can meet here carries
 * `extensions.code`; the query-shape limits share QUERY_TOO_COMPLEX and say which limit in
 * `extensions.limit`, with the configured maximum in `extensions.max`.
 */
import { GraphQLError } from 'graphql';

export const LimitErrorCode = {
  /** aliases, depth, tokens, directives or cost above its maximum (extensions.limit says which). */
  QUERY_TOO_COMPLEX: 'QUERY_TOO_COMPLEX',
  /** More subscriptions on one graphql-ws socket than MAX_SUBSCRIPTIONS_PER_CONNECTION. */
  TOO_MANY_SUBSCRIPTIONS: 'TOO_MANY_SUBSCRIPTIONS',
  /** A persisted-operation id that is not in schema/persisted-operations.json. */
  PERSISTED_QUERY_NOT_FOUND: 'PERSISTED_QUERY_NOT_FOUND',
  /** PERSISTED_ONLY=on and the request sent a document instead of a registered id. */
  PERSISTED_QUERY_ONLY: 'PERSISTED_QUERY_ONLY',
  /** A GET (or form/text POST) from a browser without the CSRF header (yoga's csrf-prevention). */
  CSRF_HEADER_REQUIRED: 'CSRF_HEADER_REQUIRED',
} as const;

export type QueryLimit = 'aliases' | 'depth' | 'tokens' | 'directives' | 'cost';

export function queryTooComplex(limit: QueryLimit, max: number, detail: string): GraphQLError {
  return new GraphQLError(`Operation refused: ${detail}`, {
    extensions: { code: LimitErrorCode.QUERY_TOO_COMPLEX, limit, max, http: { status: 400 } },
  });
}
