import { createSourceEventStream, execute, print, type ExecutionArgs, type ExecutionResult } from 'graphql';
import { isAsyncIterable, isPromise, mapAsyncIterator, type Plugin } from 'graphql-yoga';
import type { Metrics } from '../../core/metrics.js';
import type { SharedResultJson } from '../result-json.js';

/**
 * Executes each subscription event once per distinct selection, not once per subscriber. The
 * source streams stay per subscriber (their filters run on the server, per client), but when an
 * event object reaches several subscribers whose operations are the same document, operation name
 * and variables, the first to arrive executes it and the rest reuse that result. With a hundred
 * GraphiQL tabs on `aggregateUpdated`, an aggregate is resolved (quality stamps and all) once.
 *
 * The shared result is also printed once: it is handed to `resultJson`, which both transports use
 * (result-json.ts). Only the envelope each adds (the graphql-ws message id, the SSE frame) is
 * written per subscriber.
 */
export function useSharedSubscriptionResults(options: { metrics?: Metrics; resultJson?: SharedResultJson } = {}): Plugin {
  const { metrics, resultJson } = options;
  // Event payload → selection key → its execution. Weak: an event's results go when the event does.
  const results = new WeakMap<object, Map<string, Promise<ExecutionResult> | ExecutionResult>>();

  const printedOnce = (result: ExecutionResult): ExecutionResult => {
    resultJson?.share(result);
    return result;
  };

  const executeShared = (args: ExecutionArgs, selection: string, payload: unknown): Promise<ExecutionResult> | ExecutionResult => {
    if (typeof payload !== 'object' || payload === null) return execute({ ...args, rootValue: payload });
    let bySelection = results.get(payload);
    if (!bySelection) {
      bySelection = new Map();
      results.set(payload, bySelection);
    }
    const known = bySelection.get(selection);
    if (known) {
      metrics?.subscriptionResults.inc({ outcome: 'shared' });
      return known;
    }
    const executed = execute({ ...args, rootValue: payload });
    const result = isPromise(executed) ? executed.then(printedOnce) : printedOnce(executed);
    bySelection.set(selection, result);
    metrics?.subscriptionResults.inc({ outcome: 'executed' });
    return result;
  };

  return {
    onSubscribe({ setSubscribeFn }) {
      setSubscribeFn(async (args) => {
        const source = await createSourceEventStream(args);
        if (!isAsyncIterable(source)) return source;
        // Computed once per subscription, not per event.
        const selection = `${args.operationName ?? ''}\u0000${JSON.stringify(args.variableValues ?? {})}\u0000${print(args.document)}`;
        return mapAsyncIterator(source, (payload: unknown) => executeShared(args, selection, payload));
      });
    },
  };
}
