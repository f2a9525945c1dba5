/**
 * The access plugin (yoga/envelop), for HTTP, SSE and graphql-ws alike:
 *
 * 1. onRequest (HTTP and SSE): a request to /graphql without a valid bearer key is answered 401
 *    (`UNAUTHENTICATED`, `WWW-Authenticate: Bearer`) before it is parsed. The GraphiQL page itself
 *    loads without one (the key goes into its header editor) and CORS preflights pass.
 *    (graphql-ws authenticates at connection_init instead: see ws-access.ts.)
 * 2. onExecute / onSubscribe (every transport): each root field of the operation needs its scope
 *    (operation-scopes.ts); one missing refuses the whole operation with `FORBIDDEN` (HTTP 403)
 *    before anything runs. requestInsight also spends the key's hourly budget.
 * 3. Admin mutations are written to audit_log (with the key id) before their answer goes out.
 */
import { getArgumentValues, OperationTypeNode, type ExecutionArgs, type ExecutionResult, type GraphQLError } from 'graphql';
import { shouldRenderGraphiQL, type Plugin } from 'graphql-yoga';
import type { Logger } from '../../core/logger.js';
import type { GraphQLContext } from '../../schema/context.js';
import { AccessErrorCode, forbidden, insightBudgetExhausted, unauthenticatedBody, WWW_AUTHENTICATE } from './access-errors.js';
import type { Access, AuditEntry } from './access.js';
import { operationAccess, type OperationAccess } from './operation-scopes.js';
import { hasScope, type Principal } from './principal.js';

export interface UseAccessOptions {
  access: Access;
  /** The path yoga serves GraphQL on: only requests to it need a key. */
  graphqlPath: string;
  /** Whether GET /graphql from a browser serves GraphiQL (it then loads without a key). */
  graphiql: boolean;
  /** HTTP request → its principal, read by the context factory (yoga.ts). */
  principals: WeakMap<Request, Principal>;
  logger: Logger;
}

/** audit_log.event_type of a state-changing (admin-scoped) mutation. */
export const ADMIN_AUDIT_EVENT = 'admin_mutation';

export function useAccess(options: UseAccessOptions): Plugin<GraphQLContext> {
  const { access, graphqlPath, graphiql, principals, logger } = options;
  const { insightBudget, audit } = access;

  /** A refusal, or null; spends the insight budget when the operation is admitted. */
  const refusal = (principal: Principal | null, operation: OperationAccess): GraphQLError | null => {
    if (principal === null) return null;
    for (const field of operation.fields) {
      if (!hasScope(principal, field.scope)) return forbidden(principal, field.name, field.scope);
    }
    const insightCalls = operation.fields.filter(
      (field) => field.name === 'requestInsight' && operation.operation.operation === OperationTypeNode.MUTATION,
    ).length;
    if (insightCalls > 0) {
      const admitted = insightBudget.admit(principal.keyId, insightCalls);
      if (!admitted.ok) return insightBudgetExhausted(principal, insightBudget.callsPerHour, admitted.retryAfterSeconds);
    }
    return null;
  };

  const refuse = (args: ExecutionArgs, error: GraphQLError, stop: (result: ExecutionResult) => void): void => {
    const context = args.contextValue as GraphQLContext;
    context.logger.info({ code: error.extensions.code, operationName: args.operationName ?? null }, 'operation refused');
    stop({ errors: [error] });
  };

  return {
    onRequest(payload) {
      const { request, url } = payload;
      if (access.mode === 'off' || url.pathname !== graphqlPath || request.method === 'OPTIONS') return;
      if (graphiql && shouldRenderGraphiQL(request)) return;
      const result = access.authenticate(request.headers.get('authorization') ?? undefined);
      if (result.ok) {
        if (result.principal) principals.set(request, result.principal);
        return;
      }
      logger.info({ reason: result.reason, code: AccessErrorCode.UNAUTHENTICATED }, 'request refused: not authenticated');
      payload.endResponse(
        new Response(unauthenticatedBody(), {
          status: 401,
          headers: { 'content-type': 'application/json; charset=utf-8', 'www-authenticate': WWW_AUTHENTICATE, 'cache-control': 'no-store' },
        }),
      );
    },

    onSubscribe({ args, setResultAndStopExecution }) {
      const typed: ExecutionArgs = args;
      const operation = operationAccess(typed.document, typed.operationName);
      if (!operation) return;
      const error = refusal((typed.contextValue as GraphQLContext).principal, operation);
      if (error) refuse(typed, error, setResultAndStopExecution);
    },

    onExecute({ args, setResultAndStopExecution, executeFn, setExecuteFn }) {
      const typed: ExecutionArgs = args;
      const operation = operationAccess(typed.document, typed.operationName);
      if (!operation) return;
      const context = typed.contextValue as GraphQLContext;
      const error = refusal(context.principal, operation);
      if (error) {
        refuse(typed, error, setResultAndStopExecution);
        return;
      }
      const adminFields = operation.fields.filter((field) => field.scope === 'admin');
      if (adminFields.length === 0) return;
      // The audit rows are written before the answer goes out: an admin action a client saw
      // answered is in audit_log. A failed write is logged and does not undo the action.
      setExecuteFn(async (executionArgs) => {
        const result = (await executeFn(executionArgs)) as ExecutionResult;
        const mutationType = typed.schema.getMutationType();
        await Promise.all(
          adminFields.map(async (field) => {
            const definition = mutationType?.getFields()[field.name];
            let fieldArguments: Record<string, unknown> = {};
            try {
              if (definition) fieldArguments = getArgumentValues(definition, field.node, typed.variableValues ?? undefined);
            } catch {
              // Arguments that do not coerce failed the execution too; the row records the attempt.
            }
            const responseKey = field.node.alias?.value ?? field.name;
            const failed = result.errors?.find((e) => e.path?.[0] === responseKey) ?? null;
            const entry: AuditEntry = {
              eventType: ADMIN_AUDIT_EVENT,
              // The audit_log.source of breaker rows is the lower-case source id (as the guards write it).
              source: typeof fieldArguments.source === 'string' ? fieldArguments.source.toLowerCase() : null,
              details: {
                keyId: context.principal?.keyId ?? null,
                authMode: access.mode,
                field: field.name,
                arguments: fieldArguments,
                operationName: operation.operation.name?.value ?? null,
                requestId: context.requestId,
                outcome: failed ? 'error' : 'ok',
              },
              errorMessage: failed?.message ?? null,
            };
            context.logger.info({ field: field.name, source: entry.source, outcome: failed ? 'error' : 'ok' }, 'admin mutation');
            try {
              await audit(entry);
            } catch (auditError) {
              context.logger.error({ err: auditError, field: field.name }, 'audit_log write failed');
            }
          }),
        );
        return result;
      });
    },
  };
}
