/**
 * The request limits as yoga takes them: its `cors` and `maxRequestBodySize` options, and the
 * plugins, in the order they apply. All of them act before execution:
 *   1. CSRF header check (request parse) — 403 CSRF_HEADER_REQUIRED;
 *   2. persisted operations (params) — PERSISTED_QUERY_NOT_FOUND / PERSISTED_QUERY_ONLY;
 *   3. introspection and suggestions in production (validation);
 *   4. tokens (parse), aliases, depth, directives (validation) — QUERY_TOO_COMPLEX;
 *   5. cost, once the variables are known (onExecute / onSubscribe) — QUERY_TOO_COMPLEX;
 *   6. the request id on masked errors, and Vary: Origin (response).
 * Authentication (server/access/) is placed before these in yoga.ts: a caller without a key gets
 * 401 whatever it sent, and the limits then apply to callers with a key.
 * The graphql-ws bridge gets the same validation through yoga's envelop and applies the rest
 * (payload size, origin, subscriptions per socket, persisted ids, cost) itself.
 */
import type { Plugin, YogaServerOptions } from 'graphql-yoga';
import type { LimitsConfig } from './limits-config.js';
import { useOperationCost } from './operation-cost.js';
import { corsFor, useVaryOrigin } from './origins.js';
import { usePersistedDocuments } from './persisted-operations.js';
import { useCsrfPrevention } from './use-csrf-prevention.js';
import { useErrorRequestId } from './use-error-request-id.js';
import { useQueryShapeLimits } from './use-query-shape-limits.js';
import { useSchemaDisclosure } from './use-schema-disclosure.js';

export function limitOptions(limits: LimitsConfig): Pick<YogaServerOptions<Record<string, unknown>, Record<string, unknown>>, 'cors' | 'maxRequestBodySize'> {
  return { cors: corsFor(limits.corsOrigins), maxRequestBodySize: limits.maxBodyBytes };
}

export function limitPlugins(limits: LimitsConfig, requestIdOf: (request: Request) => string | undefined): Plugin[] {
  return [
    useCsrfPrevention(),
    usePersistedDocuments({ persistedOnly: limits.persistedOnly }),
    ...useSchemaDisclosure(limits),
    ...useQueryShapeLimits(limits.query),
    useOperationCost(limits.query),
    useErrorRequestId(requestIdOf),
    useVaryOrigin(),
  ];
}
