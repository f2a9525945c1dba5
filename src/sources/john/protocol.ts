/**
 * John's wire format: the internal revenue system's REST answer, as documented in
 * /work/shared/reference/upstreams.md. The simulator serves exactly these shapes and the client
 * reads them, so pointing the service at the real John is a configuration change only.
 *
 * Endpoints:
 * - `GET {origin}/api/john/metrics` — the documented endpoint: ONE agent's object
 *   (`JohnMetricsResponse`), with `Authorization: Bearer <token>`.
 * - `GET {origin}/api/john/metrics/all` — NOT part of John's documented API: an extension of our
 *   simulator that answers `{ agents: JohnMetricsResponse[] }` so one poll sees every agent. The
 *   client tries it once; when it answers 404 the client remembers that and reads the documented
 *   endpoint from then on, so a real John that only has `/api/john/metrics` still works.
 * - `?agent_id=<id>` on the single endpoint is also a simulator convenience (picks the agent); the
 *   client never sends it, because John does not document it.
 *
 * An internal system grows: John may add metrics beyond the six documented ones. They are accepted
 * (any extra key of `metrics` whose value is a number) and normalized with the unit 'value'.
 */

/** The documented path of the one-agent answer. */
export const JOHN_METRICS_PATH = '/api/john/metrics';

/** The simulator's every-agent extension (see the file comment); 404 on a real John. */
export const JOHN_METRICS_ALL_PATH = '/api/john/metrics/all';

/** The six metrics John documents, in the order it lists them. */
export const JOHN_CORE_METRICS = ['revenue_usd', 'deals_closed', 'pipeline_value', 'conversion_rate', 'avg_deal_size', 'active_prospects'] as const;
export type JohnCoreMetricName = (typeof JOHN_CORE_METRICS)[number];

/** The documented metrics, plus whatever numeric metrics John adds later. */
export type JohnMetrics = { [K in JohnCoreMetricName]: number } & { [extra: string]: number };

/** `GET /api/john/metrics`. */
export interface JohnMetricsResponse {
  /** e.g. "agent:john:main" */
  agent_id: string;
  /** The reporting period the values belong to (the simulator: the ISO start of the UTC hour). */
  period: string;
  metrics: JohnMetrics;
  /** ISO-8601 time at which John produced the values. */
  timestamp: string;
  /** John's own health word, e.g. "ok". Informational. */
  status: string;
}

/** `GET /api/john/metrics/all` (simulator extension). */
export interface JohnMetricsAllResponse {
  agents: JohnMetricsResponse[];
}

/** The body of every error status (401, 404, 5xx, …). */
export interface JohnErrorBody {
  error: string;
}
