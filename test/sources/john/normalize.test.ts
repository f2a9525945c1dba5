/** normalizeJohnMetrics: one record per metric, with the right id, unit and provenance; bad metrics named, not served. */
import { describe, expect, it } from 'vitest';
import { UpstreamError } from '../../../src/core/errors.js';
import { normalizeJohnMetrics } from '../../../src/sources/john/normalize.js';
import type { JohnMetricsResponse } from '../../../src/sources/john/protocol.js';
import { JohnAgentModel } from '../../../src/simulators/john/agent-model.js';
import { START } from './helpers.js';

const FETCHED_AT = START + 90_000;

function answer(overrides: Omit<Partial<JohnMetricsResponse>, 'metrics'> & { metrics?: Record<string, unknown> } = {}): JohnMetricsResponse {
  return {
    agent_id: 'agent:john:main',
    period: '2026-11-24T12:00:00.000Z',
    metrics: { revenue_usd: 1250.5, deals_closed: 3, pipeline_value: 48000, conversion_rate: 0.125, avg_deal_size: 416.83, active_prospects: 21 },
    timestamp: '2026-11-24T12:01:00.000Z',
    status: 'ok',
    ...overrides,
  } as JohnMetricsResponse;
}

describe('normalizeJohnMetrics', () => {
  it('turns each of the six documented metrics into a record with its unit', () => {
    const { records, rejected } = normalizeJohnMetrics(answer(), FETCHED_AT);
    expect(rejected).toEqual([]);
    expect(records.map((r) => [r.metricName, r.metricValue, r.metricUnit])).toEqual([
      ['revenue_usd', 1250.5, 'USD'],
      ['deals_closed', 3, 'count'],
      ['pipeline_value', 48000, 'USD'],
      ['conversion_rate', 0.125, 'ratio'],
      ['avg_deal_size', 416.83, 'USD'],
      ['active_prospects', 21, 'count'],
    ]);
    expect(records[0]).toEqual({
      id: 'metric:agent:john:main:revenue_usd:2026-11-24T12:00:00.000Z',
      source: 'john',
      agentId: 'agent:john:main',
      metricName: 'revenue_usd',
      metricValue: 1250.5,
      metricUnit: 'USD',
      period: '2026-11-24T12:00:00.000Z',
      comparisonPeriodValue: null,
      provenance: { originAt: Date.parse('2026-11-24T12:01:00.000Z'), fetchedAt: FETCHED_AT, tier: 'LIVE' },
    });
    expect(new Set(records.map((r) => r.id)).size).toBe(6);
  });

  it('normalizes every simulated agent into six clean records', () => {
    const model = new JohnAgentModel({ seed: 1 });
    for (const agentId of model.agentIds()) {
      const { records, rejected } = normalizeJohnMetrics(model.metricsAt(agentId, START + 45 * 60_000)!, FETCHED_AT);
      expect(rejected).toEqual([]);
      expect(records).toHaveLength(6);
      expect(records.every((r) => r.agentId === agentId && r.id.startsWith(`metric:${agentId}:`))).toBe(true);
    }
  });

  it('accepts metrics John adds later, with the unit "value"', () => {
    const base = answer();
    const { records, rejected } = normalizeJohnMetrics(answer({ metrics: { ...base.metrics, meetings_booked: 14, nps: -12 } }), FETCHED_AT);
    expect(rejected).toEqual([]);
    expect(records).toHaveLength(8);
    expect(records.filter((r) => r.metricUnit === 'value').map((r) => [r.metricName, r.metricValue])).toEqual([
      ['meetings_booked', 14],
      ['nps', -12],
    ]);
  });

  it('skips and names every metric it cannot trust, keeping the rest', () => {
    const { records, rejected } = normalizeJohnMetrics(
      answer({
        metrics: {
          deals_closed: -3,
          pipeline_value: null,
          conversion_rate: 'NaN',
          avg_deal_size: 416.83,
          active_prospects: 21,
          churn: '3',
          quota: Number.POSITIVE_INFINITY,
        },
      }),
      FETCHED_AT,
    );
    expect(records.map((r) => r.metricName)).toEqual(['avg_deal_size', 'active_prospects']);
    expect(rejected).toEqual([
      'revenue_usd: missing',
      'deals_closed: negative (-3)',
      'pipeline_value: not a finite number (null)',
      'conversion_rate: not a finite number ("NaN")',
      'churn: not a finite number ("3")',
      'quota: not a finite number (Infinity)',
    ]);
  });

  it('rejects a conversion rate above 1', () => {
    const base = answer();
    const { rejected } = normalizeJohnMetrics(answer({ metrics: { ...base.metrics, conversion_rate: 1.2 } }), FETCHED_AT);
    expect(rejected).toEqual(['conversion_rate: a ratio above 1 (1.2)']);
  });

  it.each([
    ['absent', undefined],
    ['not a date', 'yesterday-ish'],
  ])('falls back to the fetch time when the timestamp is %s', (_name, timestamp) => {
    const { records } = normalizeJohnMetrics(answer({ timestamp: timestamp as string }), FETCHED_AT);
    expect(records[0]!.provenance.originAt).toBe(FETCHED_AT);
  });

  it.each<[string, unknown]>([
    ['no agent_id', { period: 'p', metrics: {} }],
    ['an empty agent_id', { agent_id: ' ', period: 'p', metrics: {} }],
    ['no metrics', { agent_id: 'a', period: 'p' }],
    ['metrics that is a number', { agent_id: 'a', period: 'p', metrics: 5 }],
    ['no period', { agent_id: 'a', metrics: {} }],
    ['not an object', 'hello'],
  ])('throws a data error for an answer with %s', (_name, body) => {
    let caught: unknown;
    try {
      normalizeJohnMetrics(body as JohnMetricsResponse, FETCHED_AT);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(UpstreamError);
    expect(caught).toMatchObject({ source: 'john', category: 'data', retryable: false });
  });
});
