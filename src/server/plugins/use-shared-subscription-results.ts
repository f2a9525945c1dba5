import { createSourceEventStream, execute, print, type ExecutionArgs, type ExecutionResult } from 'graphql';
import { isAsyncIterable, isPromise, mapAsyncIterator, type Plugin } from 'graphql-yoga';
import type { Metrics } from '../../core/metrics.js';
import type { SharedResultJson } from '../result-json.js';

export interface SharedSubscriptionResultsOptions {
  /**
   * The context an event is resolved with, built once per event and shared by every selection of
   * it. It must belong to no subscriber: the result goes to all of them, so no one's request id or
   * credentials may shape it, and its loaders must be new, so nothing read for an earlier event is
   * served again.
   */
  eventContext: () => unknown;
  metrics?: Metrics;
  /** Prints each shared result once for every transport (see result-json.ts). */
  resultJson?: SharedResultJson;
}

/** What one event payload has been resolved with so far. */
interface EventExecutions {
  contextValue: unknown;
  /** Selection key → its execution. */
  bySelection: Map<string, Promise<ExecutionResult> | ExecutionResult>;
}

/**
 * Executes each subscription event once per distinct selection, not once per subscriber. The
 * source streams stay per subscriber (they are created with the subscriber's own context, so
 * filters and subscribe-time checks run per client), but when an event object reaches several
 * subscribers whose operations are the same document, operation name and variables, the first to
 * arrive executes it and the rest reuse that result. With a hundred GraphiQL tabs on
 * `aggregateUpdated`, an aggregate is resolved (quality stamps and all) once.
 *
 * The execution runs with the event's own context (`eventContext`), never the subscriber's: the
 * subscriber's context lives as long as the subscription, and its loaders would answer every later
 * event with what they read for the first (a nested `orderBook` frozen while `prices` moved on).
 *
 * The shared result is also printed once: it is handed to `resultJson`, which both transports use
 * (result-json.ts). Only the envelope each adds (the graphql-ws message id, the SSE frame) is
 * written per subscriber.
 */
export function useSharedSubscriptionResults(options: SharedSubscriptionResultsOptions): Plugin {
  const { eventContext, metrics, resultJson } = options;
  // Event payload → its context and executions. Weak: an event's results go when the event does.
  const events = new WeakMap<object, EventExecutions>();

  const printedOnce = (result: ExecutionResult): ExecutionResult => {
    resultJson?.share(result);
    return result;
  };

  const executeShared = (args: ExecutionArgs, selection: string, payload: unknown): Promise<ExecutionResult> | ExecutionResult => {
    // A primitive payload cannot key a WeakMap: resolved alone, still with a context of its own.
    if (typeof payload !== 'object' || payload === null) return execute({ ...args, rootValue: payload, contextValue: eventContext() });
    let event = events.get(payload);
    if (!event) {
      event = { contextValue: eventContext(), bySelection: new Map() };
      events.set(payload, event);
    }
    const known = event.bySelection.get(selection);
    if (known) {
      metrics?.subscriptionResults.inc({ outcome: 'shared' });
      return known;
    }
    const executed = execute({ ...args, rootValue: payload, contextValue: event.contextValue });
    const result = isPromise(executed) ? executed.then(printedOnce) : printedOnce(executed);
    event.bySelection.set(selection, result);
    metrics?.subscriptionResults.inc({ outcome: 'executed' });
    return result;
  };

  return {
    onSubscribe({ setSubscribeFn }) {
      setSubscribeFn(async (args) => {
        // The subscriber's own context: subscribe resolvers (filters, checks) run per subscriber.
        const source = await createSourceEventStream(args);
        if (!isAsyncIterable(source)) return source;
        // Computed once per subscription, not per event.
        // envelop types its args `any` (it is GraphQL-library-agnostic); under yoga they are graphql-js's.
        const typed: ExecutionArgs = args;
        const selection = `${typed.operationName ?? ''}\u0000${JSON.stringify(typed.variableValues ?? {})}\u0000${print(typed.document)}`;
        return mapAsyncIterator(source, (payload: unknown) => executeShared(args, selection, payload));
      });
    },
  };
}
