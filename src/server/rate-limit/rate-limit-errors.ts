/**
 * What a throttled caller receives. Over HTTP and SSE: status 429 with a GraphQL error body (and
 * Retry-After for a spent rate); over graphql-ws: an `error` message for the refused `subscribe`
 * (the socket lives on), or the close code 4429 for a connection over the key's cap.
 */
import { GraphQLError } from 'graphql';

export const RateLimitErrorCode = {
  /** The key's (or the address's) request rate is spent. HTTP 429 + Retry-After. */
  RATE_LIMITED: 'RATE_LIMITED',
  /** The key already holds MAX_CONNECTIONS_PER_KEY WebSockets and SSE streams on this instance. HTTP 429. */
  TOO_MANY_CONNECTIONS: 'TOO_MANY_CONNECTIONS',
} as const;

/** WebSocket close code for a connection over MAX_CONNECTIONS_PER_KEY (44xx: graphql-ws's range, 429 as in HTTP). */
export const CLOSE_TOO_MANY_CONNECTIONS = 4429;
export const TOO_MANY_CONNECTIONS_REASON = 'Too many connections for this key';

/** Whose budget was spent: a key (by id) or the client's address. */
export type Limited = { kind: 'key'; keyId: string } | { kind: 'ip' };

export function rateLimitedMessage(limited: Limited, retryAfterSeconds: number): string {
  const whose = limited.kind === 'key' ? `key "${limited.keyId}"` : 'this client address';
  return `Too many requests: the rate limit of ${whose} is spent; retry in ${retryAfterSeconds} s.`;
}

/** For graphql-ws, where the refusal is an `error` message (no HTTP status applies). */
export function rateLimitedError(limited: Limited, retryAfterSeconds: number): GraphQLError {
  return new GraphQLError(rateLimitedMessage(limited, retryAfterSeconds), {
    extensions: { code: RateLimitErrorCode.RATE_LIMITED, retryAfterSeconds },
  });
}

const JSON_HEADERS = { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' };

/** The 429 answer to an HTTP or SSE request whose rate is spent. */
export function rateLimitedResponse(limited: Limited, retryAfterSeconds: number): Response {
  const body = {
    errors: [{ message: rateLimitedMessage(limited, retryAfterSeconds), extensions: { code: RateLimitErrorCode.RATE_LIMITED, retryAfterSeconds } }],
  };
  return new Response(JSON.stringify(body), { status: 429, headers: { ...JSON_HEADERS, 'retry-after': String(retryAfterSeconds) } });
}

/** The 429 answer to an SSE request over the key's connection cap (no Retry-After: it depends on the key's other streams). */
export function tooManyConnectionsResponse(keyId: string, max: number): Response {
  const message = `Too many connections: key "${keyId}" already holds ${max} WebSockets and SSE streams on this instance (MAX_CONNECTIONS_PER_KEY).`;
  const body = { errors: [{ message, extensions: { code: RateLimitErrorCode.TOO_MANY_CONNECTIONS, maxConnections: max } }] };
  return new Response(JSON.stringify(body), { status: 429, headers: JSON_HEADERS });
}
