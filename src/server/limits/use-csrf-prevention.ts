/**
 * yoga's csrf-prevention: a request a browser can send cross-site without a preflight (a GET, or
 * a POST of a form or text/plain) must carry `x-graphql-yoga-csrf`; JSON posts (Apollo, urql's
 * mutations, GraphiQL, the examples) are preflighted and pass untouched.
 *
 * One exemption: a GET with neither Origin nor Sec-Fetch-Site came from no browser (every browser
 * that runs pages sends Sec-Fetch-Site) — urql's default GET queries from Node, curl — and a
 * cross-site page cannot produce one. GET cannot run mutations here (yoga refuses them with 405).
 * The refusal keeps yoga's 403 and gains a code.
 */
import { useCSRFPrevention } from '@graphql-yoga/plugin-csrf-prevention';
import { GraphQLError } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { LimitErrorCode } from './limit-errors.js';

export const CSRF_HEADER = 'x-graphql-yoga-csrf';

const fromNoBrowser = (request: Request): boolean => request.method === 'GET' && !request.headers.has('origin') && !request.headers.has('sec-fetch-site');

export function useCsrfPrevention(): Plugin {
  const check = useCSRFPrevention({ requestHeaders: [CSRF_HEADER] }).onRequestParse!;
  return {
    onRequestParse(payload) {
      if (fromNoBrowser(payload.request)) return;
      try {
        return check(payload);
      } catch {
        throw new GraphQLError(`Required CSRF header not present: send ${CSRF_HEADER} (any value) or POST application/json`, {
          extensions: { code: LimitErrorCode.CSRF_HEADER_REQUIRED, http: { status: 403 } },
        });
      }
    },
  };
}
