/**
 * graphql-ws authentication: the key comes in connection_init's payload as
 * `{ "authorization": "Bearer <key>" }`. graphql-ws itself knows one refusal (onConnect false →
 * 4403 Forbidden) and closes a socket that sends no connection_init in time with 4408; the bridge
 * (graphql-ws.ts) turns those into what the issue asks for, through `closeFrame`:
 *   no or wrong key → 4401 Unauthorized; a key without `read` → 4403 Forbidden;
 *   no connection_init within WS_CONNECTION_INIT_TIMEOUT_MS → 4401 (AUTH_MODE=keys; 4408 when off).
 */
import { CloseCode } from 'graphql-ws';
import type { Access } from './access.js';
import { hasScope, type Principal } from './principal.js';

export const CLOSE_UNAUTHORIZED = 4401;
/** graphql-ws's codes, as the numbers its close callback receives. */
const CLOSE_FORBIDDEN: number = CloseCode.Forbidden;
const CLOSE_INIT_TIMEOUT: number = CloseCode.ConnectionInitialisationTimeout;

export type ConnectionVerdict = { ok: true; principal: Principal | null } | { ok: false; code: number; reason: string };

export function connectionVerdict(access: Access, connectionParams: Readonly<Record<string, unknown>> | undefined): ConnectionVerdict {
  const authentication = access.authenticate(connectionParams?.authorization);
  if (!authentication.ok) return { ok: false, code: CLOSE_UNAUTHORIZED, reason: 'Unauthorized' };
  const { principal } = authentication;
  // Every operation over a socket is a query or a subscription at heart: a key that cannot read cannot use one.
  if (principal && !hasScope(principal, 'read')) return { ok: false, code: CLOSE_FORBIDDEN, reason: 'Forbidden: the key lacks the read scope' };
  return { ok: true, principal };
}

/** The close frame to send for what graphql-ws asked to close with, given the connection's refusal (if any). */
export function closeFrame(access: Access, code: number, reason: string, refusal: ConnectionVerdict | null): { code: number; reason: string } {
  if (code === CLOSE_FORBIDDEN && refusal && !refusal.ok) return { code: refusal.code, reason: refusal.reason };
  if (code === CLOSE_INIT_TIMEOUT && access.mode === 'keys') {
    return { code: CLOSE_UNAUTHORIZED, reason: 'Unauthorized: no connection_init within the init timeout' };
  }
  return { code, reason };
}
