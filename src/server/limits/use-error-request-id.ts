/**
 * A masked error ("Unexpected error.", INTERNAL_SERVER_ERROR: the detail is only in the log) also
 * carries the request id, so a client can quote it and an operator find the log line. yoga masks
 * after every plugin's execution hooks have run, so this works on the processed result, at the
 * last step before the HTTP response is written: a single result, or each result of an SSE
 * stream as it is taken from it; the graphql-ws bridge applies `withRequestId` to each result it
 * sends.
 */
import type { ExecutionResult, GraphQLError } from 'graphql';
import { isAsyncIterable, mapAsyncIterator, type Plugin } from 'graphql-yoga';

const INTERNAL = 'INTERNAL_SERVER_ERROR';

function tag(error: GraphQLError, requestId: string): GraphQLError {
  if (error.extensions?.code !== INTERNAL || error.extensions.requestId !== undefined) return error;
  (error.extensions as Record<string, unknown>).requestId = requestId;
  return error;
}

export function withRequestId<T extends ExecutionResult>(result: T, requestId: string | undefined): T {
  if (requestId !== undefined) for (const error of result.errors ?? []) tag(error, requestId);
  return result;
}

const isResult = (value: unknown): value is ExecutionResult => typeof value === 'object' && value !== null && 'errors' in value;

export function useErrorRequestId(requestIdOf: (request: Request) => string | undefined): Plugin {
  return {
    onResultProcess(payload) {
      const { request, result } = payload;
      const requestId = requestIdOf(request);
      if (requestId === undefined) return;
      // A stream's results are masked (copied) per subscriber, so tagging them touches no one else's.
      if (isAsyncIterable(result)) return payload.setResult(mapAsyncIterator(result, (single) => withRequestId(single, requestId)));
      for (const single of Array.isArray(result) ? result : [result]) if (isResult(single)) withRequestId(single, requestId);
    },
  };
}
