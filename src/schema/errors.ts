/**
 * The one edge where errors become GraphQL errors. Known errors keep a code (and, for upstream
 * failures, which source and why); anything else is masked as "Unexpected error." with the
 * detail only in the log. Clients never see a stack trace.
 */
import { GraphQLError } from 'graphql';
import { InputError, isUpstreamError, RequestLimitError, type UpstreamError } from '../core/errors.js';

export const ErrorCode = {
  BAD_USER_INPUT: 'BAD_USER_INPUT',
  GRAPHQL_PARSE_FAILED: 'GRAPHQL_PARSE_FAILED',
  GRAPHQL_VALIDATION_FAILED: 'GRAPHQL_VALIDATION_FAILED',
  UPSTREAM_UNAVAILABLE: 'UPSTREAM_UNAVAILABLE',
  UPSTREAM_AUTH_FAILED: 'UPSTREAM_AUTH_FAILED',
  UPSTREAM_RATE_LIMITED: 'UPSTREAM_RATE_LIMITED',
  UPSTREAM_BAD_DATA: 'UPSTREAM_BAD_DATA',
  /** A book this request did not read over REST: it already made KALSHI_BOOK_READS_PER_REQUEST calls. */
  BOOK_READ_LIMITED: 'BOOK_READ_LIMITED',
  INTERNAL_SERVER_ERROR: 'INTERNAL_SERVER_ERROR',
} as const;

function upstreamCode(error: UpstreamError): string {
  switch (error.category) {
    case 'auth':
      return ErrorCode.UPSTREAM_AUTH_FAILED;
    case 'rate_limit':
      return ErrorCode.UPSTREAM_RATE_LIMITED;
    case 'data':
      return ErrorCode.UPSTREAM_BAD_DATA;
    default:
      return ErrorCode.UPSTREAM_UNAVAILABLE;
  }
}

/**
 * yoga's `maskError`: returns what the client sees. `report` receives the unexpected ones (for the
 * log, with their stack).
 */
export function maskError(error: unknown, report: (error: unknown) => void): GraphQLError {
  const graphQLError = error instanceof GraphQLError ? error : null;
  const original = graphQLError?.originalError ?? error;
  const at = { nodes: graphQLError?.nodes, path: graphQLError?.path, source: graphQLError?.source, positions: graphQLError?.positions };

  if (original instanceof InputError) {
    return new GraphQLError(original.message, { ...at, extensions: { code: ErrorCode.BAD_USER_INPUT } });
  }
  if (original instanceof RequestLimitError) {
    return new GraphQLError(original.message, { ...at, extensions: { ...original.details, code: original.code } });
  }
  if (isUpstreamError(original)) {
    return new GraphQLError(original.message, {
      ...at,
      extensions: { code: upstreamCode(original), source: original.source.toUpperCase(), category: original.category, retryable: original.retryable },
    });
  }
  // Errors the GraphQL layer produced itself (syntax, validation, coercion) are safe to show.
  if (graphQLError && (!graphQLError.originalError || graphQLError.originalError instanceof GraphQLError)) {
    const inner = graphQLError.originalError instanceof GraphQLError ? graphQLError.originalError : graphQLError;
    const code = inner.extensions?.code ?? (graphQLError.path ? ErrorCode.BAD_USER_INPUT : ErrorCode.GRAPHQL_VALIDATION_FAILED);
    // The outer message: for a variable's value it is the one that names the variable
    // ('Variable "$i" got invalid value "X"; …'); a located resolver error repeats the inner one.
    return new GraphQLError(graphQLError.message, { ...at, extensions: { ...inner.extensions, code } });
  }
  report(original);
  return new GraphQLError('Unexpected error.', { ...at, extensions: { code: ErrorCode.INTERNAL_SERVER_ERROR } });
}
