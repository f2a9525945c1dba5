/**
 * The document GraphiQL opens with (instead of its generic welcome comment): the README's two
 * first examples, the `aggregate` query and the `aggregateUpdated` subscription, under a comment
 * that says which sources serve invented values, so nobody mistakes a simulator's prices for a
 * market's. The operations are named because a GraphiQL document with two must name them; a test
 * checks their selections are the README's.
 */
import type { SourceId } from '../core/domain.js';

export const GRAPHIQL_QUERY = `query Aggregate {
  aggregate {
    availabilityScore
    markets { ticker title status prices { bid ask last } quality { freshnessMs cacheTier sourceReliability } }
    components { source availability simulated breaker lastError }
  }
}`;

export const GRAPHIQL_SUBSCRIPTION = `subscription AggregateUpdated {
  aggregateUpdated { takenAt markets { ticker prices { bid ask } } }
}`;

export function simulatedLine(simulated: readonly SourceId[]): string {
  return simulated.length === 0
    ? 'No source is simulated: every value comes from its real upstream.'
    : `Simulated (values invented by the bundled simulators, SIMULATORS): ${simulated.map((s) => s.toUpperCase()).join(', ')}.`;
}

export function graphiqlDefaultDocument(simulated: readonly SourceId[]): string {
  return [
    '# Northstar: live prediction markets, P&L and insights, aggregated.',
    `# ${simulatedLine(simulated)}`,
    '# Run either operation below (the run button asks which); the live dashboard is at /.',
    '',
    GRAPHIQL_QUERY,
    '',
    GRAPHIQL_SUBSCRIPTION,
    '',
  ].join('\n');
}
