/**
 * Shape checks for John's answers, run on parsed JSON before anything trusts its type.
 *
 * Only the envelope is checked here (an object with a non-empty `agent_id`, a non-empty `period` and
 * a `metrics` object). The metric values inside are checked one by one by normalizeJohnMetrics, so
 * a single bad metric costs that metric, not the agent's whole answer.
 */
import { isRecord } from '../../core/is-record.js';
import { PayloadShapeError } from '../payload-shape-error.js';
import type { JohnMetricsResponse } from './protocol.js';

/** Re-exported for the client and normalizer beside this file; defined once, for every source. */
export { PayloadShapeError };

/**
 * One agent's object. The result is typed as the documented response, but its metric values are
 * still unverified (see the file comment); `timestamp` and `status` may be absent.
 */
export function readAgentMetrics(body: unknown, what = 'John metrics'): JohnMetricsResponse {
  if (!isRecord(body)) throw new PayloadShapeError(`${what}: not a JSON object`);
  const { agent_id: agentId, period, metrics } = body;
  if (typeof agentId !== 'string' || agentId.trim() === '') throw new PayloadShapeError(`${what}: "agent_id" is missing or not a string`);
  if (typeof period !== 'string' || period.trim() === '') throw new PayloadShapeError(`${what} of ${agentId}: "period" is missing or not a string`);
  if (!isRecord(metrics)) throw new PayloadShapeError(`${what} of ${agentId}: "metrics" is missing or not an object`);
  return body as unknown as JohnMetricsResponse;
}

/** `GET /api/john/metrics/all`: `{ agents: object[] }`, each agent's envelope checked. */
export function readAllAgentsMetrics(body: unknown): JohnMetricsResponse[] {
  if (!isRecord(body)) throw new PayloadShapeError('John metrics/all: not a JSON object');
  const { agents } = body;
  if (!Array.isArray(agents)) throw new PayloadShapeError('John metrics/all: "agents" is missing or not an array');
  return agents.map((agent: unknown, index) => readAgentMetrics(agent, `John metrics/all agents[${index}]`));
}

/** The `error` word of an error body, when there is one. */
export function describeErrorBody(body: unknown): string | undefined {
  if (!isRecord(body)) return undefined;
  const { error, message } = body;
  if (typeof error === 'string' && error !== '') return error;
  if (typeof message === 'string' && message !== '') return message;
  return undefined;
}
