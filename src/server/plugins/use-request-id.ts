import type { Plugin } from 'graphql-yoga';
import { REQUEST_ID_HEADER, requestIdFrom } from '../request-id.js';

/** Gives every HTTP request an id (kept per Request object) and echoes it on the response. */
export function useRequestId(ids: WeakMap<Request, string>): Plugin {
  return {
    onRequest({ request }) {
      ids.set(request, requestIdFrom(request.headers.get(REQUEST_ID_HEADER)));
    },
    onResponse({ request, response }) {
      const id = ids.get(request);
      if (id) response.headers.set(REQUEST_ID_HEADER, id);
    },
  };
}
