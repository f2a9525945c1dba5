/**
 * Who is calling: the API key an operation or a WebSocket authenticated with, and what it may do.
 * `null` in place of a Principal means AUTH_MODE=off (nobody is asked for a key).
 */

export type Scope = 'read' | 'analyze' | 'admin';

export const SCOPES: readonly Scope[] = ['read', 'analyze', 'admin'];

export interface Principal {
  /** The key's id from API_KEYS (never the key or its digest): what logs, audit rows and limits name. */
  keyId: string;
  scopes: ReadonlySet<Scope>;
}

/** Whether the principal may act with this scope; `admin` implies every other scope, nothing else implies one. */
export function hasScope(principal: Principal, scope: Scope): boolean {
  return principal.scopes.has(scope) || principal.scopes.has('admin');
}

export function isScope(text: string): text is Scope {
  return (SCOPES as readonly string[]).includes(text);
}
