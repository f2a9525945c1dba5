/**
 * What a refused caller receives: GraphQL errors with a code (and, for HTTP, a status yoga applies:
 * `extensions.http` is honoured and then left out of the response).
 */
import { GraphQLError } from 'graphql';
import type { Principal, Scope } from './principal.js';

export const AccessErrorCode = {
  /** No key, a malformed Authorization header, or a key no entry matches. HTTP 401. */
  UNAUTHENTICATED: 'UNAUTHENTICATED',
  /** A valid key without the scope an operation's root field needs. HTTP 403. */
  FORBIDDEN: 'FORBIDDEN',
  /** The key's requestInsight calls of the last hour reached INSIGHT_BUDGET_PER_KEY_PER_HOUR. HTTP 429. */
  INSIGHT_BUDGET_EXHAUSTED: 'INSIGHT_BUDGET_EXHAUSTED',
} as const;

export const UNAUTHENTICATED_MESSAGE = 'Unauthorized: send a valid API key as "Authorization: Bearer <key>".';
/** RFC 6750: the scheme a 401 asks for. */
export const WWW_AUTHENTICATE = 'Bearer realm="northstar"';

/** The body of a 401, as a GraphQL response. */
export function unauthenticatedBody(): string {
  return JSON.stringify({ errors: [{ message: UNAUTHENTICATED_MESSAGE, extensions: { code: AccessErrorCode.UNAUTHENTICATED } }] });
}

export function forbidden(principal: Principal, field: string, scope: Scope): GraphQLError {
  return new GraphQLError(`Forbidden: ${field} needs the "${scope}" scope, which key "${principal.keyId}" does not have.`, {
    extensions: { code: AccessErrorCode.FORBIDDEN, requiredScope: scope, http: { status: 403 } },
  });
}

export function insightBudgetExhausted(principal: Principal, callsPerHour: number, retryAfterSeconds: number): GraphQLError {
  return new GraphQLError(
    `requestInsight budget of key "${principal.keyId}" spent: ${callsPerHour} calls an hour (INSIGHT_BUDGET_PER_KEY_PER_HOUR); retry in ${retryAfterSeconds} s.`,
    {
      extensions: {
        code: AccessErrorCode.INSIGHT_BUDGET_EXHAUSTED,
        callsPerHour,
        retryAfterSeconds,
        http: { status: 429, headers: { 'retry-after': String(retryAfterSeconds) } },
      },
    },
  );
}
