/**
 * John wire → Northstar records. A pure function: no I/O, no clock (the fetch time is passed in),
 * no memory of earlier polls (comparisonPeriodValue is left null; the poller fills it).
 *
 * Every entry of `metrics` becomes one BusinessMetricRecord. A metric that cannot be trusted is
 * skipped and named in `rejected`, so one bad number costs that number only and the caller can
 * count it and keep serving the previous good value:
 * - any metric whose value is not a finite number (null, "NaN", a string, missing),
 * - a documented metric that is absent, negative, or (conversion_rate) above 1.
 * An answer without a usable `agent_id`, `period` or `metrics` object cannot be attributed at all:
 * that throws UpstreamError (data, not retryable).
 */
import type { BusinessMetricRecord } from '../../core/domain.js';
import { UpstreamError } from '../../core/errors.js';
import { JOHN_CORE_METRICS, type JohnCoreMetricName, type JohnMetricsResponse } from './protocol.js';
import { PayloadShapeError, readAgentMetrics } from './wire-guards.js';

/** The unit of each documented metric. Metrics John adds later get FALLBACK_UNIT. */
export const JOHN_METRIC_UNITS: Readonly<Record<JohnCoreMetricName, 'USD' | 'count' | 'ratio'>> = {
  revenue_usd: 'USD',
  deals_closed: 'count',
  pipeline_value: 'USD',
  conversion_rate: 'ratio',
  avg_deal_size: 'USD',
  active_prospects: 'count',
};

/** The unit of a metric John did not document: we know it is a number, not what it measures. */
export const FALLBACK_UNIT = 'value';

export function johnMetricUnit(metricName: string): string {
  return isCoreMetric(metricName) ? JOHN_METRIC_UNITS[metricName] : FALLBACK_UNIT;
}

export function johnMetricId(agentId: string, metricName: string, period: string): string {
  return `metric:${agentId}:${metricName}:${period}`;
}

export interface NormalizedJohnMetrics {
  records: BusinessMetricRecord[];
  /** One line per skipped metric: `<metric>: <why>`. */
  rejected: string[];
}

export function normalizeJohnMetrics(response: JohnMetricsResponse, fetchedAtMs: number): NormalizedJohnMetrics {
  // The type says what John promises; the value may come from anywhere (a cache, a test), so the
  // envelope is checked again with the client's own guard.
  let checked: JohnMetricsResponse;
  try {
    checked = readAgentMetrics(response);
  } catch (error) {
    if (!(error instanceof PayloadShapeError)) throw error;
    throw new UpstreamError(error.message, { source: 'john', category: 'data', retryable: false, cause: error });
  }
  const { agent_id: agentId, period } = checked;
  const metrics = checked.metrics as Record<string, unknown>;
  const originAt = originOf(checked.timestamp, fetchedAtMs);
  const provenance = { originAt, fetchedAt: fetchedAtMs, tier: 'LIVE' as const };

  const records: BusinessMetricRecord[] = [];
  const rejected: string[] = [];
  for (const name of JOHN_CORE_METRICS) {
    if (!(name in metrics)) rejected.push(`${name}: missing`);
  }
  for (const [name, value] of Object.entries(metrics)) {
    const problem = problemWith(name, value);
    if (problem) {
      rejected.push(`${name}: ${problem}`);
      continue;
    }
    records.push({
      id: johnMetricId(agentId, name, period),
      source: 'john',
      agentId,
      metricName: name,
      metricValue: value as number,
      metricUnit: johnMetricUnit(name),
      period,
      comparisonPeriodValue: null,
      provenance: { ...provenance },
    });
  }
  return { records, rejected };
}

function isCoreMetric(name: string): name is JohnCoreMetricName {
  return (JOHN_CORE_METRICS as readonly string[]).includes(name);
}

/** Why a value cannot be served, or undefined when it can. */
function problemWith(name: string, value: unknown): string | undefined {
  if (typeof value !== 'number' || !Number.isFinite(value)) return `not a finite number (${describe(value)})`;
  if (!isCoreMetric(name)) return undefined;
  if (value < 0) return `negative (${value})`;
  if (name === 'conversion_rate' && value > 1) return `a ratio above 1 (${value})`;
  return undefined;
}

function describe(value: unknown): string {
  if (value === undefined) return 'undefined';
  if (typeof value === 'number') return String(value);
  // JSON.stringify answers undefined for functions and symbols, which only a non-JSON caller can pass.
  const json = JSON.stringify(value) ?? typeof value;
  return json.length > 40 ? `${json.slice(0, 40)}…` : json;
}

/** John's own timestamp when it sent a parseable one; otherwise the time we received it. */
function originOf(timestamp: unknown, fetchedAtMs: number): number {
  if (typeof timestamp !== 'string') return fetchedAtMs;
  const at = Date.parse(timestamp);
  return Number.isFinite(at) ? at : fetchedAtMs;
}
