import type { Plugin } from 'graphql-yoga';
import { getOperationAST, type ExecutionArgs } from 'graphql';
import type { Metrics } from '../../core/metrics.js';

/**
 * GraphQL operation durations for Prometheus. Queries and mutations: execution time. Subscriptions:
 * the time to set the stream up (their lifetime is counted by the active-subscription gauge).
 * `operation_name` comes from the client, so it goes through metrics.operationNames: known names
 * keep their label, the rest are `other` (a bounded set of series, whatever clients send).
 */
export function useOperationMetrics(metrics: Metrics): Plugin {
  // envelop types its args `any` (it is GraphQL-library-agnostic); under yoga they are graphql-js's.
  const labelsOf = ({ document, operationName }: Pick<ExecutionArgs, 'document' | 'operationName'>) => {
    const operation = getOperationAST(document, operationName ?? undefined);
    return { operation_type: operation?.operation ?? 'unknown', operation_name: metrics.operationNames.label(operation?.name?.value) };
  };
  return {
    onExecute({ args }) {
      const started = performance.now();
      const labels = labelsOf(args);
      return {
        onExecuteDone({ result }) {
          const outcome = 'errors' in result && result.errors?.length ? 'error' : 'ok';
          metrics.graphqlOperationDuration.observe({ ...labels, outcome }, (performance.now() - started) / 1000);
        },
      };
    },
    onSubscribe({ args }) {
      const started = performance.now();
      const labels = labelsOf(args);
      return {
        onSubscribeResult({ result }) {
          const outcome = 'errors' in result && result.errors?.length ? 'error' : 'ok';
          metrics.graphqlOperationDuration.observe({ ...labels, outcome }, (performance.now() - started) / 1000);
        },
      };
    },
  };
}
