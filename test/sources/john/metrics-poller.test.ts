/**
 * JohnMetricsPoller against the real simulator, on a ManualClock: good polls hand over every agent's
 * records with comparison values; a failing or garbled John is logged and counted and hands over
 * nothing, so the values already held stay served.
 */
import { pino } from 'pino';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ManualClock } from '../../../src/core/clock.js';
import type { BusinessMetricRecord } from '../../../src/core/domain.js';
import { createMetrics, type Metrics } from '../../../src/core/metrics.js';
import { JohnClient } from '../../../src/sources/john/client.js';
import { JohnMetricsPoller, type GuardedCall } from '../../../src/sources/john/metrics-poller.js';
import { startJohnSimulator, type JohnSimulator } from '../../../src/simulators/john/server.js';
import { START } from './helpers.js';

const INTERVAL_MS = 15_000;

async function malformedCount(metrics: Metrics): Promise<number> {
  const { values } = await metrics.upstreamMalformedPayloads.get();
  return values.find((v) => v.labels.source === 'john')?.value ?? 0;
}

describe('JohnMetricsPoller', () => {
  let sim: JohnSimulator | null = null;
  let client: JohnClient | null = null;
  let poller: JohnMetricsPoller | null = null;
  afterEach(async () => {
    await poller?.stop();
    await client?.close();
    await sim?.close();
    poller = client = sim = null;
  });

  async function setup(options: { call?: GuardedCall; onMetrics?: (records: BusinessMetricRecord[]) => void } = {}) {
    const clock = new ManualClock(START + 10 * 60_000);
    sim = await startJohnSimulator({ clock, seed: 99, token: 'tok' });
    client = new JohnClient({ baseUrl: sim.baseUrl, endpoint: { kind: 'all' }, token: 'tok', timeoutMs: 1000 });
    const metrics = createMetrics({ collectProcessMetrics: false });
    const logs: Array<Record<string, unknown>> = [];
    const logger = pino({ level: 'debug' }, { write: (line: string) => void logs.push(JSON.parse(line) as Record<string, unknown>) });
    const batches: BusinessMetricRecord[][] = [];
    const operations: string[] = [];
    // The lead's guard, reduced to a pass-through that records what it was asked to run.
    const passThrough: GuardedCall = (operation, fn) => {
      operations.push(operation);
      return fn(AbortSignal.timeout(5000));
    };
    poller = new JohnMetricsPoller({
      client,
      clock,
      logger,
      metrics,
      intervalMs: INTERVAL_MS,
      call: options.call ?? passThrough,
      onMetrics: options.onMetrics ?? ((records) => batches.push(records)),
    });
    return { clock, sim, poller, metrics, logs, batches, operations };
  }

  it('hands over every agent’s six metrics through the guard, and fills comparisons from the previous poll', async () => {
    const { clock, sim, poller, batches, operations } = await setup();
    expect(await poller.pollOnce()).toEqual({ ok: true, records: 18, rejected: 0 });
    expect(operations).toEqual(['fetchMetrics']);
    expect(batches).toHaveLength(1);
    const first = batches[0]!;
    expect(new Set(first.map((r) => r.agentId))).toEqual(new Set(['agent:john:main', 'agent:john:enterprise', 'agent:john:smb']));
    expect(first.every((r) => r.comparisonPeriodValue === null)).toBe(true);
    expect(first.every((r) => r.provenance.fetchedAt === clock.now() && r.provenance.tier === 'LIVE')).toBe(true);

    await clock.advance(20 * 60_000);
    await poller.pollOnce();
    const second = batches[1]!;
    expect(second).toHaveLength(18);
    for (const record of second) {
      const before = first.find((r) => r.agentId === record.agentId && r.metricName === record.metricName)!;
      expect(record.comparisonPeriodValue).toBe(before.metricValue);
      expect(record.id).toBe(before.id);
    }
    const revenue = second.find((r) => r.agentId === 'agent:john:smb' && r.metricName === 'revenue_usd')!;
    expect(revenue.metricValue).toBe(sim.model.metricsAt('agent:john:smb', clock.now())!.metrics.revenue_usd);
    expect(revenue.metricValue).toBeGreaterThanOrEqual(revenue.comparisonPeriodValue!);
  });

  it('starts a new period without a comparison (counters restart)', async () => {
    const { clock, poller, batches } = await setup();
    await poller.pollOnce();
    await clock.advance(60 * 60_000);
    await poller.pollOnce();
    const next = batches[1]!;
    expect(next[0]!.period).toBe('2026-11-24T13:00:00.000Z');
    expect(next.every((r) => r.comparisonPeriodValue === null)).toBe(true);
    await clock.advance(60_000);
    await poller.pollOnce();
    expect(batches[2]!.every((r) => r.comparisonPeriodValue !== null)).toBe(true);
  });

  it('hands over nothing when John fails, and compares the next good poll with the last good one', async () => {
    const { clock, sim, poller, batches, logs, metrics } = await setup();
    await poller.pollOnce();
    sim.injectFault({ kind: 'status', status: 503 });
    await clock.advance(60_000);
    const failed = await poller.pollOnce();
    expect(failed.ok).toBe(false);
    expect(failed).toMatchObject({ error: { category: 'service', status: 503 } });
    expect(batches).toHaveLength(1);
    expect(logs.some((l) => l.level === 40 && /poll failed/.test(String(l.msg)))).toBe(true);
    expect(await malformedCount(metrics)).toBe(0);

    sim.clearFault();
    await clock.advance(60_000);
    await poller.pollOnce();
    const values = new Map(batches[0]!.map((r) => [r.id, r.metricValue]));
    expect(batches[1]!.every((r) => r.comparisonPeriodValue === values.get(r.id))).toBe(true);
  });

  it('counts and logs bad metrics, hands over the good ones, keeps the bad ones’ old values as the base', async () => {
    const { clock, sim, poller, batches, logs, metrics } = await setup();
    await poller.pollOnce();
    sim.injectFault({ kind: 'bad-shape', times: 1 });
    await clock.advance(60_000);
    // Per agent: revenue_usd missing, deals_closed negative, pipeline_value null, conversion_rate "NaN".
    expect(await poller.pollOnce()).toEqual({ ok: true, records: 6, rejected: 12 });
    expect(await malformedCount(metrics)).toBe(12);
    expect(new Set(batches[1]!.map((r) => r.metricName))).toEqual(new Set(['avg_deal_size', 'active_prospects']));
    const warning = logs.find((l) => l.agentId === 'agent:john:enterprise' && Array.isArray(l.rejected));
    expect(warning?.rejected).toEqual([
      'revenue_usd: missing',
      'deals_closed: negative (-3)',
      'pipeline_value: not a finite number (null)',
      'conversion_rate: not a finite number ("NaN")',
    ]);

    await clock.advance(60_000);
    await poller.pollOnce();
    const firstRevenue = batches[0]!.find((r) => r.agentId === 'agent:john:main' && r.metricName === 'revenue_usd')!;
    const thirdRevenue = batches[2]!.find((r) => r.agentId === 'agent:john:main' && r.metricName === 'revenue_usd')!;
    expect(thirdRevenue.comparisonPeriodValue).toBe(firstRevenue.metricValue);
  });

  it('counts a garbled answer once and hands over nothing', async () => {
    const { sim, poller, batches, metrics } = await setup();
    sim.injectFault({ kind: 'malformed', times: 1 });
    expect((await poller.pollOnce()).ok).toBe(false);
    sim.injectFault({ kind: 'bad-shape', target: 'envelope', times: 1 });
    expect((await poller.pollOnce()).ok).toBe(false);
    expect(batches).toHaveLength(0);
    expect(await malformedCount(metrics)).toBe(2);
  });

  it('polls on the clock, never overlapping, and stop() ends a hanging poll', async () => {
    const { clock, sim, poller, batches } = await setup();
    poller.start();
    await clock.advance(0);
    await vi.waitFor(() => expect(batches).toHaveLength(1));
    await clock.advance(INTERVAL_MS - 1);
    expect(sim.requestCount()).toBe(1);
    await clock.advance(1);
    await vi.waitFor(() => expect(batches).toHaveLength(2));

    sim.injectFault({ kind: 'hang' });
    await clock.advance(INTERVAL_MS);
    await vi.waitFor(() => expect(sim.requestCount()).toBe(3));
    // The third poll hangs: however much time passes on the clock, no fourth starts beside it.
    await clock.advance(10 * INTERVAL_MS);
    expect(sim.requestCount()).toBe(3);
    const started = performance.now();
    await poller.stop();
    expect(performance.now() - started).toBeLessThan(500);
    expect(clock.pending).toBe(0);
    expect(batches).toHaveLength(2);
  });

  it('survives a consumer that throws', async () => {
    const { poller, logs } = await setup({
      onMetrics: () => {
        throw new Error('store is full');
      },
    });
    expect(await poller.pollOnce()).toMatchObject({ ok: true, records: 18 });
    expect(logs.some((l) => l.level === 50 && /onMetrics failed/.test(String(l.msg)))).toBe(true);
  });

  it('gives what the guard threw when the guard refuses to call', async () => {
    const open = new Error('breaker open');
    const { poller, batches } = await setup({ call: () => Promise.reject(open) });
    expect(await poller.pollOnce()).toEqual({ ok: false, error: open });
    expect(batches).toHaveLength(0);
  });
});
