/**
 * Which browser origins may call: CORS_ORIGINS (limits-config.ts). The same list answers yoga's
 * CORS (a listed origin gets Access-Control-Allow-Origin, any other none, so the browser withholds
 * the response) and the WebSocket upgrade (a listed origin, the service's own origin, or no Origin
 * at all — a non-browser client — is let through; any other browser origin is refused with 403
 * before the handshake).
 */
import type { IncomingMessage } from 'node:http';
import type { CORSOptions, Plugin } from 'graphql-yoga';
import type { OriginPattern } from './limits-config.js';

export function isAllowedOrigin(origin: string, allowed: readonly OriginPattern[]): boolean {
  if (!URL.canParse(origin)) return false;
  const url = new URL(origin);
  return allowed.some((p) => p.protocol === url.protocol && p.hostname === url.hostname && (p.port === null || p.port === url.port));
}

/** yoga's `cors` option: per request, the caller's origin if listed, else no CORS headers at all. */
export function corsFor(allowed: readonly OriginPattern[]): (request: Request) => CORSOptions {
  return (request) => {
    const origin = request.headers.get('origin');
    if (origin === null || !isAllowedOrigin(origin, allowed)) return false;
    return { origin, credentials: false, exposedHeaders: ['x-request-id', 'retry-after'], maxAge: 600 };
  };
}

/** A response that depends on Origin says so, so that no shared cache hands one origin's answer to another. */
export function useVaryOrigin(): Plugin {
  return {
    onResponse({ response }) {
      const vary = response.headers.get('vary');
      if (!vary?.toLowerCase().includes('origin')) response.headers.set('vary', vary ? `${vary}, Origin` : 'Origin');
    },
  };
}

/** A page the service itself served (GraphiQL, a dashboard on the same host and port) needs no listing. */
function isSameOrigin(origin: string, req: IncomingMessage): boolean {
  return URL.canParse(origin) && req.headers.host !== undefined && new URL(origin).host === req.headers.host.toLowerCase();
}

/** ws's `verifyClient`: 403 for a browser origin not on the list. */
export function verifyWebSocketOrigin(allowed: readonly OriginPattern[], onRefused: (origin: string) => void) {
  return (info: { origin: string; req: IncomingMessage }, callback: (ok: boolean, code?: number, message?: string) => void): void => {
    // ws fills `origin` from Origin (or the old Sec-WebSocket-Origin); empty when neither was sent.
    const origin = info.origin || undefined;
    if (origin === undefined || isAllowedOrigin(origin, allowed) || isSameOrigin(origin, info.req)) return callback(true);
    onRefused(origin);
    callback(false, 403, 'Origin not allowed');
  };
}
