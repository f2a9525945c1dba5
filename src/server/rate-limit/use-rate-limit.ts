/**
 * The rate-limit plugin (yoga) for HTTP and SSE: every request to /graphql spends one of its key's
 * and its address's budget, before it is parsed; a spent one is answered 429 (`RATE_LIMITED`,
 * Retry-After). A request asking for an event stream also holds one of its key's
 * MAX_CONNECTIONS_PER_KEY slots until its response closes (429 `TOO_MANY_CONNECTIONS` over the cap).
 * It runs after the access plugin, which has put the request's principal into `principals`.
 * (graphql-ws checks each `subscribe` and each connection itself: see graphql-ws.ts.)
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { shouldRenderGraphiQL, type Plugin } from 'graphql-yoga';
import type { Principal } from '../access/principal.js';
import { rateLimitedResponse, tooManyConnectionsResponse } from './rate-limit-errors.js';
import type { RateLimits } from './rate-limits.js';

export interface UseRateLimitOptions {
  limits: RateLimits;
  graphqlPath: string;
  graphiql: boolean;
  /** HTTP request → its principal (filled by the access plugin). */
  principals: WeakMap<Request, Principal>;
}

/** What yoga's node adapter passes as the server context. */
interface NodeServerContext {
  req?: IncomingMessage;
  res?: ServerResponse;
}

export function useRateLimit({ limits, graphqlPath, graphiql, principals }: UseRateLimitOptions): Plugin {
  if (!limits.active && limits.config.maxConnectionsPerKey === null) return {};
  return {
    async onRequest(payload) {
      const { request, url, serverContext } = payload;
      if (url.pathname !== graphqlPath || request.method === 'OPTIONS') return;
      if (graphiql && shouldRenderGraphiQL(request)) return;
      const principal = principals.get(request) ?? null;
      const { req, res } = serverContext as NodeServerContext;
      if (limits.active) {
        // The socket's address, not X-Forwarded-For: a header any client can write.
        const admission = await limits.admit(principal, req?.socket.remoteAddress);
        if (!admission.ok) return payload.endResponse(rateLimitedResponse(admission.limited, admission.retryAfterSeconds));
      }
      if (principal && res && (request.headers.get('accept') ?? '').includes('text/event-stream')) {
        const release = limits.openConnection(principal);
        if (!release) return payload.endResponse(tooManyConnectionsResponse(principal.keyId, limits.config.maxConnectionsPerKey ?? 0));
        res.once('close', release);
      }
    },
  };
}
