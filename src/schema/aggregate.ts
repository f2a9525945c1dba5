import type { AgentPnLRecord, AggregateRecord } from '../core/domain.js';
import { builder } from './builder.js';
import { BusinessMetricRef } from './business-metric.js';
import { InsightRef } from './insight.js';
import { MarketRef } from './market.js';
import { SourceStatusRef } from './source-status.js';

/** Money is kept as decimal strings inside; GraphQL's Float is the edge. */
export const AgentPnLRef = builder.objectRef<AgentPnLRecord>('AgentPnL').implement({
  fields: (t) => ({
    agentId: t.exposeString('agentId'),
    revenueUsd: t.float({ resolve: (pnl) => Number(pnl.revenueUsd) }),
    realizedPnlUsd: t.float({ resolve: (pnl) => Number(pnl.realizedPnlUsd) }),
    unrealizedPnlUsd: t.float({ resolve: (pnl) => Number(pnl.unrealizedPnlUsd) }),
    totalPnlUsd: t.float({ resolve: (pnl) => Number(pnl.totalPnlUsd) }),
  }),
});

export const AggregateRef = builder.objectRef<AggregateRecord>('Aggregate').implement({
  fields: (t) => ({
    takenAt: t.expose('takenAt', { type: 'DateTime' }),
    requestId: t.exposeString('requestId'),
    markets: t.expose('markets', { type: [MarketRef] }),
    insight: t.expose('insight', { type: InsightRef, nullable: true }),
    businessMetrics: t.expose('businessMetrics', { type: [BusinessMetricRef] }),
    components: t.expose('components', { type: [SourceStatusRef] }),
    pnl: t.expose('pnl', { type: [AgentPnLRef] }),
    availabilityScore: t.exposeFloat('availabilityScore', { description: 'Share of sources answering live, 0.0 to 1.0.' }),
    fetchDurationMs: t.exposeFloat('fetchDurationMs'),
  }),
});
