/**
 * graphql-yoga: queries and mutations over HTTP, subscriptions over SSE (yoga's built-in, with its
 * keep-alive pings), GraphiQL outside production (its subscriptions over graphql-ws; it opens on
 * graphiql-document.ts). Plugins in the order they apply.
 */
import { randomUUID } from 'node:crypto';
import { renderGraphiQL } from '@graphql-yoga/render-graphiql';
import { createYoga, type YogaServerInstance } from 'graphql-yoga';
import type { DocumentNode, ExecutionArgs, GraphQLError, GraphQLSchema } from 'graphql';
import type { SourceId } from '../core/domain.js';
import type { Logger } from '../core/logger.js';
import type { Metrics } from '../core/metrics.js';
import { createContext, type GraphQLContext, type Services } from '../schema/context.js';
import { maskError } from '../schema/errors.js';
import type { Access } from './access/access.js';
import type { Principal } from './access/principal.js';
import { useAccess } from './access/use-access.js';
import { graphiqlDefaultDocument } from './graphiql-document.js';
import { limitOptions, limitPlugins } from './limits/limits.js';
import { CSRF_HEADER } from './limits/use-csrf-prevention.js';
import type { LimitsConfig } from './limits/limits-config.js';
import { useCodedMediaTypeRefusals } from './plugins/use-coded-media-type-refusals.js';
import { useOperationMetrics } from './plugins/use-operation-metrics.js';
import { useRequestId } from './plugins/use-request-id.js';
import { useSharedSubscriptionResults } from './plugins/use-shared-subscription-results.js';
import type { RateLimits } from './rate-limit/rate-limits.js';
import { useRateLimit } from './rate-limit/use-rate-limit.js';
import { requestIdFrom, REQUEST_ID_HEADER } from './request-id.js';
import type { SharedResultJson } from './result-json.js';

export const GRAPHQL_PATH = '/graphql';
/** The request id of a shared subscription event's execution starts with this (log lines say so). */
export const SUBSCRIPTION_EVENT_ID_PREFIX = 'subscription-event:';

export type NorthstarYoga = YogaServerInstance<Record<string, unknown>, GraphQLContext>;

/**
 * What `yoga.getEnveloped()` hands back, typed. envelop is GraphQL-library-agnostic, so it types
 * these `any`; under yoga they are graphql-js's (with the plugins' wrapping), which is what this says.
 */
export interface GraphQLEnveloped {
  schema: GraphQLSchema;
  parse: (source: string) => DocumentNode;
  validate: (schema: GraphQLSchema, document: DocumentNode) => readonly GraphQLError[];
  execute: (args: ExecutionArgs) => unknown;
  subscribe: (args: ExecutionArgs) => unknown;
  contextFactory: () => unknown;
}

export interface YogaDeps {
  schema: GraphQLSchema;
  services: Services;
  logger: Logger;
  metrics: Metrics;
  graphiql: boolean;
  /** API keys and scopes (server/access/); `access.mode` off: no principal, nothing refused for want of a key. */
  access: Access;
  /** Query shape and cost, body size, CORS, CSRF, introspection, persisted operations (server/limits/). */
  limits: LimitsConfig;
  /** Prints shared subscription results once for every transport (see result-json.ts). */
  resultJson: SharedResultJson;
  /** Per-key and per-address rates (429 RATE_LIMITED), SSE streams per key (server/rate-limit/). None: no limits. */
  rateLimits?: RateLimits;
  /** The sources on a bundled simulator: GraphiQL's opening comment names them. */
  simulatedSources?: readonly SourceId[];
}

/** Initial context as yoga (HTTP) and our graphql-ws bridge pass it. */
interface ServerContext {
  request?: Request;
  /** Set by the graphql-ws bridge: the id of the WebSocket upgrade request. */
  socketRequestId?: string;
  /** Set by the graphql-ws bridge: whom the socket authenticated as at connection_init. */
  socketPrincipal?: Principal | null;
}

export function createNorthstarYoga(deps: YogaDeps): NorthstarYoga {
  const { schema, services, logger, metrics, graphiql, access, limits, resultJson } = deps;
  const requestIds = new WeakMap<Request, string>();
  const principals = new WeakMap<Request, Principal>();
  const { rateLimits } = deps;
  const defaultQuery = graphiqlDefaultDocument(deps.simulatedSources ?? []);
  // GraphiQL's SSE subscriptions are GETs, which csrf-prevention refuses without this header; the
  // page is this origin's own, so it may send it (a cross-site page cannot without a preflight).
  const additionalHeaders = { [CSRF_HEADER]: 'graphiql' };
  return createYoga<Record<string, unknown>, GraphQLContext>({
    schema,
    graphqlEndpoint: GRAPHQL_PATH,
    landingPage: false,
    logging: false,
    ...limitOptions(limits),
    // With keys, GraphiQL's subscriptions go over SSE: its header editor's Authorization reaches
    // HTTP and SSE requests, but GraphiQL puts no header into a graphql-ws connection_init.
    graphiql: graphiql
      ? access.mode === 'keys'
        ? {
            subscriptionsProtocol: 'SSE',
            title: 'Northstar',
            defaultQuery,
            additionalHeaders,
            headers: JSON.stringify({ Authorization: 'Bearer <your key>' }, null, 2),
          }
        : { subscriptionsProtocol: 'WS', title: 'Northstar', defaultQuery, additionalHeaders }
      : false,
    // The bundled GraphiQL (no CDN): it works on machines and networks that cannot reach one.
    renderGraphiQL,
    maskedErrors: {
      maskError: (error) => maskError(error, (unexpected) => logger.error({ err: unexpected }, 'unexpected error in a resolver')),
    },
    context: (initial: ServerContext): GraphQLContext => {
      const requestId =
        (initial.request && requestIds.get(initial.request)) ?? initial.socketRequestId ?? requestIdFrom(initial.request?.headers.get(REQUEST_ID_HEADER));
      const principal = access.mode === 'off' ? null : ((initial.request && principals.get(initial.request)) ?? initial.socketPrincipal ?? null);
      if (access.mode === 'keys' && principal === null) throw new Error('an operation reached the context without a principal under AUTH_MODE=keys');
      return createContext(requestId, services, logger, principal);
    },
    plugins: [
      // 1. Ids first, so every later hook and log line of the request has one.
      useRequestId(requestIds),
      // 1a. yoga's 415 (a content type no parser reads) and 406 (no acceptable media type) get coded bodies.
      useCodedMediaTypeRefusals(),
      // 1b. Who is asking (401 before parsing), and whether each root field's scope allows it (FORBIDDEN).
      useAccess({ access, graphqlPath: GRAPHQL_PATH, graphiql, principals, logger }),
      // 1b'. The caller's rate (429 before parsing): after access, which knows the key.
      ...(rateLimits ? [useRateLimit({ limits: rateLimits, graphqlPath: GRAPHQL_PATH, graphiql, principals })] : []),
      // 1c. The request limits, all before execution (see limits/limits.ts for their order).
      ...limitPlugins(limits, (request) => requestIds.get(request)),
      // 2. Timing around execution.
      useOperationMetrics(metrics),
      // 3. One execution (and one JSON text) per subscription event and distinct selection, shared
      //    by its subscribers. The event is resolved with a context of its own (fresh loaders, an id
      //    of its own), not with the context of whichever subscriber it reached first.
      useSharedSubscriptionResults({
        metrics,
        resultJson,
        eventContext: () => createContext(`${SUBSCRIPTION_EVENT_ID_PREFIX}${randomUUID()}`, services, logger, access.eventPrincipal()),
      }),
    ],
  });
}
