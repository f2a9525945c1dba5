/**
 * The simulated business: deterministic from the seed and the clock, counters that only grow within
 * the hour and restart with the next one, derived metrics that mean what they say. Read through the
 * real HTTP endpoint on a ManualClock, and through the model directly for long sweeps.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../../src/core/clock.js';
import { JohnClient } from '../../../src/sources/john/client.js';
import type { JohnMetricsResponse } from '../../../src/sources/john/protocol.js';
import { DEFAULT_JOHN_AGENTS, JohnAgentModel, PERIOD_MS, STEP_MS } from '../../../src/simulators/john/agent-model.js';
import { startJohnSimulator, type JohnSimulator } from '../../../src/simulators/john/server.js';
import { START } from './helpers.js';

const byAgent = (answers: JohnMetricsResponse[]) => new Map(answers.map((a) => [a.agent_id, a]));

describe('John simulator numbers over HTTP on a ManualClock', () => {
  let clock: ManualClock;
  let sim: JohnSimulator;
  let client: JohnClient;

  beforeAll(async () => {
    clock = new ManualClock(START);
    sim = await startJohnSimulator({ clock, seed: 42 });
    client = new JohnClient({ baseUrl: sim.baseUrl, endpoint: { kind: 'all' }, timeoutMs: 2000 });
  });
  afterAll(async () => {
    await client.close();
    await sim.close();
  });

  it('grows revenue and deals through the hour and restarts them at the next one', async () => {
    const seen: Map<string, JohnMetricsResponse>[] = [];
    for (let minute = 0; minute < 60; minute += 5) {
      seen.push(byAgent(await client.fetchMetrics()));
      await clock.advance(5 * 60_000);
    }
    // clock is now 13:00:00: a new period.
    const nextHour = byAgent(await client.fetchMetrics());

    for (const { agentId } of DEFAULT_JOHN_AGENTS) {
      const series = seen.map((s) => s.get(agentId)!);
      expect(new Set(series.map((a) => a.period))).toEqual(new Set(['2026-11-24T12:00:00.000Z']));
      for (let i = 1; i < series.length; i++) {
        expect(series[i]!.metrics.revenue_usd).toBeGreaterThanOrEqual(series[i - 1]!.metrics.revenue_usd);
        expect(series[i]!.metrics.deals_closed).toBeGreaterThanOrEqual(series[i - 1]!.metrics.deals_closed);
      }
      const last = series.at(-1)!;
      expect(last.metrics.revenue_usd).toBeGreaterThan(0);
      // The pipeline is not a counter: it moved both ways at some point in the hour.
      const pipeline = series.map((a) => a.metrics.pipeline_value);
      const steps = pipeline.slice(1).map((v, i) => v - pipeline[i]!);
      expect(steps.some((d) => d > 0) && steps.some((d) => d < 0)).toBe(true);

      const fresh = nextHour.get(agentId)!;
      expect(fresh.period).toBe('2026-11-24T13:00:00.000Z');
      expect(fresh.metrics.revenue_usd).toBe(0);
      expect(fresh.metrics.deals_closed).toBe(0);
      expect(fresh.timestamp).toBe('2026-11-24T13:00:00.000Z');
    }
  });

  it('serves the documented fields for every agent', async () => {
    const answers = await client.fetchMetrics();
    expect(answers.map((a) => a.agent_id)).toEqual(DEFAULT_JOHN_AGENTS.map((a) => a.agentId));
    for (const answer of answers) {
      expect(Object.keys(answer).sort()).toEqual(['agent_id', 'metrics', 'period', 'status', 'timestamp']);
      expect(Object.keys(answer.metrics).sort()).toEqual(
        ['active_prospects', 'avg_deal_size', 'conversion_rate', 'deals_closed', 'pipeline_value', 'revenue_usd'].sort(),
      );
      expect(answer.status).toBe('ok');
    }
  });
});

describe('JohnAgentModel', () => {
  it('is a pure function of seed and time', () => {
    const a = new JohnAgentModel({ seed: 7 });
    const b = new JohnAgentModel({ seed: 7 });
    const c = new JohnAgentModel({ seed: 8 });
    const at = START + 37 * 60_000;
    // b is read out of order first: no hidden state changes what a later read sees.
    b.metricsAt('agent:john:main', START + 59 * 60_000);
    expect(b.metricsAt('agent:john:main', at)).toEqual(a.metricsAt('agent:john:main', at));
    expect(c.metricsAt('agent:john:main', at)).not.toEqual(a.metricsAt('agent:john:main', at));
  });

  it('keeps every metric plausible over six hours', () => {
    const model = new JohnAgentModel({ seed: 3 });
    for (const agentId of model.agentIds()) {
      let previous: JohnMetricsResponse | undefined;
      let periodsSeen = 0;
      for (let t = START; t < START + 6 * PERIOD_MS; t += 13 * STEP_MS) {
        const now = model.metricsAt(agentId, t)!;
        const m = now.metrics;
        expect(m.conversion_rate).toBeGreaterThanOrEqual(0);
        expect(m.conversion_rate).toBeLessThan(1);
        expect(m.active_prospects).toBeGreaterThanOrEqual(1);
        expect(m.pipeline_value).toBeGreaterThanOrEqual(0);
        expect(Number.isInteger(m.deals_closed)).toBe(true);
        expect(Number.isInteger(Math.round(m.revenue_usd * 100))).toBe(true);
        // avg_deal_size is revenue / deals rounded to the cent.
        if (m.deals_closed > 0) expect(Math.abs(m.avg_deal_size - m.revenue_usd / m.deals_closed)).toBeLessThanOrEqual(0.005 + 1e-9);
        else expect([m.avg_deal_size, m.revenue_usd]).toEqual([0, 0]);
        // …and conversion_rate is deals / (deals + open prospects) to 4 decimals.
        expect(Math.abs(m.conversion_rate - m.deals_closed / (m.deals_closed + m.active_prospects))).toBeLessThanOrEqual(0.00005 + 1e-12);
        if (previous && previous.period === now.period) {
          expect(m.revenue_usd).toBeGreaterThanOrEqual(previous.metrics.revenue_usd);
          expect(m.deals_closed).toBeGreaterThanOrEqual(previous.metrics.deals_closed);
        } else {
          periodsSeen++;
        }
        previous = now;
      }
      expect(periodsSeen).toBe(6);
    }
  });

  it('gives each default agent a business of its own size', () => {
    const model = new JohnAgentModel({ seed: 11 });
    const end = START + PERIOD_MS - 1;
    const deals = (id: string) => model.metricsAt(id, end)!.metrics.deals_closed;
    const avg = (id: string) => model.metricsAt(id, end)!.metrics.avg_deal_size;
    expect(deals('agent:john:smb')).toBeGreaterThan(deals('agent:john:enterprise'));
    expect(avg('agent:john:smb')).toBeLessThan(avg('agent:john:main'));
  });

  it('accepts bare agent ids and knows nothing of others', () => {
    const model = new JohnAgentModel({ agents: ['agent:john:emea'] });
    expect(model.agentIds()).toEqual(['agent:john:emea']);
    expect(model.metricsAt('agent:john:emea', START + 30 * 60_000)?.metrics.revenue_usd).toBeGreaterThanOrEqual(0);
    expect(model.metricsAt('agent:john:main', START)).toBeUndefined();
    expect(() => new JohnAgentModel({ agents: [] })).toThrow(RangeError);
  });
});
