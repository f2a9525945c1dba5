/**
 * Authentication, once for both transports: who a request or a WebSocket is, from its bearer key.
 * With AUTH_MODE=off everyone is `null` (no principal) and nothing is refused for want of a key.
 */
import { systemClock, type Clock } from '../../core/clock.js';
import type { AccessConfig } from './access-config.js';
import { bearerKey, KeyRing } from './api-keys.js';
import { PerKeyInsightBudget } from './insight-budget.js';
import type { Principal } from './principal.js';

/** An audit_log row of an admin action (history/records.ts AuditInput). */
export interface AuditEntry {
  eventType: string;
  source?: string | null;
  details?: unknown;
  errorMessage?: string | null;
}

export type Authentication = { ok: true; principal: Principal | null } | { ok: false; reason: 'missing' | 'malformed' | 'unknown key' };

/**
 * The principal a shared subscription event is resolved with under AUTH_MODE=keys: one result goes
 * to every subscriber, so it is resolved as the least of them may see it (`read`: upstream error
 * text shows as its category, see schema/source-status.ts).
 */
export const SUBSCRIPTION_EVENT_PRINCIPAL: Principal = { keyId: 'subscription-event', scopes: new Set(['read']) };

export class Access {
  readonly mode: AccessConfig['mode'];
  readonly insightBudget: PerKeyInsightBudget;
  /** Writes an admin action's audit_log row. */
  readonly audit: (entry: AuditEntry) => Promise<void>;
  private readonly keyRing: KeyRing;

  constructor(
    readonly config: AccessConfig,
    deps: { clock: Clock; audit: (entry: AuditEntry) => Promise<void> },
  ) {
    this.mode = config.mode;
    this.keyRing = new KeyRing(config.keys);
    this.insightBudget = new PerKeyInsightBudget(deps.clock, config.insightCallsPerKeyPerHour);
    this.audit = deps.audit;
  }

  /** No keys, no audit: for benches and tests that build a server of their own. */
  static off(): Access {
    return new Access(
      { mode: 'off', keys: [], graphiql: false, insightCallsPerKeyPerHour: 0, wsConnectionInitTimeoutMs: 3000, reason: 'AUTH_MODE=off' },
      { clock: systemClock, audit: () => Promise.resolve() },
    );
  }

  /** An `Authorization` header's value (HTTP, SSE) or connection_init's `authorization` (graphql-ws). */
  authenticate(authorization: unknown): Authentication {
    if (this.mode === 'off') return { ok: true, principal: null };
    if (authorization === undefined || authorization === null || authorization === '') return { ok: false, reason: 'missing' };
    const key = bearerKey(authorization);
    if (key === null) return { ok: false, reason: 'malformed' };
    const principal = this.keyRing.authenticate(key);
    return principal ? { ok: true, principal } : { ok: false, reason: 'unknown key' };
  }

  /** The principal a shared subscription event's context carries (null with AUTH_MODE=off). */
  eventPrincipal(): Principal | null {
    return this.mode === 'off' ? null : SUBSCRIPTION_EVENT_PRINCIPAL;
  }
}
