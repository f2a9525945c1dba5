/**
 * Upstream error text (a status code, an upstream's message, a URL) says more about the service's
 * insides than a reader needs: admin keys see it, other keys its category. With AUTH_MODE=off
 * (principal null: development, where the operator is the only user) the text shows.
 */
import { hasScope, type Principal } from './principal.js';

export function upstreamErrorFor(principal: Principal | null, text: string | null, category: string | null | undefined): string | null {
  if (text === null) return null;
  if (principal === null || hasScope(principal, 'admin')) return text;
  return category ?? 'unknown';
}
