import type { Plugin } from 'graphql-yoga';

/** yoga's code for the other malformed-request refusals (invalid JSON, a query that is not a string, …). */
const CODE = 'BAD_REQUEST';

/**
 * yoga refuses a request it cannot read (415: a POST in a content type no request parser takes)
 * and a result it cannot write in any media type the client accepts (406: a subscription asked for
 * as application/json, an Accept of text/html) with an EMPTY body: the only refusals a client
 * would get without a GraphQL error saying why. These answer the same statuses with a coded error.
 * The hooks must run after yoga's own parsers and result processors, which is where yoga puts
 * every plugin it is given.
 */
export function useCodedMediaTypeRefusals(): Plugin {
  return {
    onRequestParse({ request, requestParser, endResponse, fetchAPI }) {
      if (requestParser) return;
      const contentType = request.headers.get('content-type');
      const message = `Unsupported content type ${contentType ? JSON.stringify(contentType) : '(none)'}: send application/json, application/graphql or application/x-www-form-urlencoded, or use GET.`;
      endResponse(refusal(fetchAPI, 415, message));
    },
    onResultProcess(payload) {
      const { request, result } = payload;
      if (payload.resultProcessor) return;
      const accept = request.headers.get('accept');
      payload.setResultProcessor((_result, fetchAPI) => {
        // A subscription's stream was opened for this request and will never be read: end it.
        if (isAsyncGenerator(result)) result.return(undefined).catch(() => undefined);
        const message = `None of the accepted media types (${accept ?? 'none'}) can carry this result: accept application/graphql-response+json or application/json, and text/event-stream for a subscription (or use graphql-ws).`;
        return refusal(fetchAPI, 406, message);
      }, 'application/graphql-response+json');
    },
  };
}

function refusal(fetchAPI: { Response: typeof Response }, status: number, message: string): Response {
  return fetchAPI.Response.json(
    { errors: [{ message, extensions: { code: CODE } }] },
    { status, headers: { 'content-type': 'application/graphql-response+json; charset=utf-8' } },
  );
}

function isAsyncGenerator(value: unknown): value is AsyncGenerator {
  return typeof value === 'object' && value !== null && typeof (value as { return?: unknown }).return === 'function' && Symbol.asyncIterator in value;
}
