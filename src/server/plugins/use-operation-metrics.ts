import type { Plugin } from 'graphql-yoga';
import { getOperationAST, type DocumentNode } from 'graphql';
import type { Metrics } from '../../core/metrics.js';

function labelsOf(document: DocumentNode, operationName: string | null | undefined) {
  const operation = getOperationAST(document, operationName ?? undefined);
  return { operation_type: operation?.operation ?? 'unknown', operation_name: operation?.name?.value ?? 'anonymous' };
}

/**
 * GraphQL operation durations for Prometheus. Queries and mutations: execution time. Subscriptions:
 * the time to set the stream up (their lifetime is counted by the active-subscription gauge).
 */
export function useOperationMetrics(metrics: Metrics): Plugin {
  return {
    onExecute({ args }) {
      const started = performance.now();
      const labels = labelsOf(args.document, args.operationName);
      return {
        onExecuteDone({ result }) {
          const outcome = 'errors' in result && result.errors?.length ? 'error' : 'ok';
          metrics.graphqlOperationDuration.observe({ ...labels, outcome }, (performance.now() - started) / 1000);
        },
      };
    },
    onSubscribe({ args }) {
      const started = performance.now();
      const labels = labelsOf(args.document, args.operationName);
      return {
        onSubscribeResult({ result }) {
          const outcome = 'errors' in result && result.errors?.length ? 'error' : 'ok';
          metrics.graphqlOperationDuration.observe({ ...labels, outcome }, (performance.now() - started) / 1000);
        },
      };
    },
  };
}
