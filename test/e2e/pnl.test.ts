/**
 * P&L per agent end to end: the simulated portfolio (signed reads) marked to the live markets plus
 * John's revenue, in the aggregate; a snapshot row per agent every SNAPSHOT_INTERVAL_MS; the same
 * numbers back from `pnlHistory`, `snapshots(agentId)` and `dailySnapshots`.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { AgentSnapshotsDocument, AggregatePnlDocument, PnlHistoryDocument } from '../generated/graphql.js';
import { graphqlRequest, startService, type RunningService } from '../support/service.js';

describe('P&L per agent', () => {
  let service: RunningService;
  beforeAll(async () => {
    service = await startService({ SNAPSHOT_INTERVAL_MS: '100' });
  });
  afterAll(async () => {
    await service?.stop();
  });

  it('attributes P&L to agents, with parts that add up to the total', async () => {
    const { body } = await graphqlRequest(service.url, AggregatePnlDocument);
    const pnl = body.data!.aggregate.pnl;
    const agents = pnl.map((p) => p.agentId);
    // Kalshi positions go to the simulator's agents by series; John's agents bring revenue.
    expect(agents).toEqual(expect.arrayContaining(['agent:john:main', 'agent:kalshi:macro']));
    expect([...agents].sort()).toEqual(agents);
    for (const p of pnl) {
      expect(p.totalPnlUsd).toBeCloseTo(p.revenueUsd + p.realizedPnlUsd + p.unrealizedPnlUsd, 6);
    }
    // Revenue is John's revenue_usd for the agent, as served in the same aggregate.
    for (const metric of body.data!.aggregate.businessMetrics.filter((m) => m.metricName === 'revenue_usd')) {
      expect(pnl.find((p) => p.agentId === metric.agentId)!.revenueUsd).toBeCloseTo(metric.metricValue, 2);
    }
    const kalshiAgents = pnl.filter((p) => p.agentId.startsWith('agent:kalshi:'));
    expect(kalshiAgents.some((p) => p.realizedPnlUsd !== 0 || p.unrealizedPnlUsd !== 0)).toBe(true);
  });

  it('writes a snapshot per agent and serves the history from it', async () => {
    const from = new Date(Date.now() - 60_000).toISOString();
    const to = new Date(Date.now() + 60_000).toISOString();
    await vi.waitFor(
      async () => {
        const { body } = await graphqlRequest(service.url, PnlHistoryDocument, { agentId: 'agent:john:main', from, to });
        expect(body.data!.pnlHistory.length).toBeGreaterThanOrEqual(2);
      },
      { timeout: 10_000, interval: 100 },
    );
    const { body } = await graphqlRequest(service.url, PnlHistoryDocument, { agentId: 'agent:john:main', from, to });
    const points = body.data!.pnlHistory;
    expect(points.every((p) => p.agentId === 'agent:john:main')).toBe(true);
    const times = points.map((p) => Date.parse(p.at));
    expect([...times].sort((a, b) => a - b)).toEqual(times); // oldest first
    for (const p of points) expect(p.totalPnlUsd).toBeCloseTo(p.revenueUsd + p.realizedPnlUsd + p.unrealizedPnlUsd, 6);

    const snapshots = await graphqlRequest(service.url, AgentSnapshotsDocument, { from, to, agentId: 'agent:john:main' });
    const page = snapshots.body.data!.snapshots;
    expect(page.totalCount).toBeGreaterThanOrEqual(points.length);
    expect(page.edges.every((e) => e.node.agentId === 'agent:john:main' && e.node.aggregate.pnl[0]!.agentId === 'agent:john:main')).toBe(true);
    const daily = snapshots.body.data!.dailySnapshots;
    expect(daily.length).toBeGreaterThanOrEqual(1);
    expect(daily.every((d) => d.agentId === 'agent:john:main')).toBe(true);
    // Rows keep arriving every 100 ms: the day's count and the page's total are read a moment apart.
    const dayTotal = daily.reduce((sum, d) => sum + d.snapshotCount, 0);
    expect(Math.abs(dayTotal - page.totalCount)).toBeLessThanOrEqual(2);
  });
});
