/**
 * History: snapshots (a cursor connection, newest first), daily summaries and P&L points, all read
 * from the history store. A snapshot's aggregate is what was stored, nothing live: its values are
 * served as L3 (the history database) with their original origin time, so their age is plain.
 */
import type { AggregateRecord } from '../core/domain.js';
import { builder } from './builder.js';
import { AggregateRef } from './aggregate.js';
import type { DailySummaryView, PnLPointView, SnapshotRowView } from './context.js';
import { NodeRef } from './node.js';
import { storedMarket } from './stored-market.js';

export interface SnapshotView {
  id: string;
  takenAt: Date;
  agentId: string | null;
  availabilityScore: number;
  aggregate: AggregateRecord;
}

export const SNAPSHOT_ID_PREFIX = 'snapshot:';

export function snapshotView(row: SnapshotRowView): SnapshotView {
  return {
    id: `${SNAPSHOT_ID_PREFIX}${row.id}`,
    takenAt: row.takenAt,
    agentId: row.agentId,
    availabilityScore: row.availabilityScore,
    aggregate: servedFromHistory(row.aggregate as AggregateRecord),
  };
}

/**
 * The stored aggregate as served: every value labelled L3, and each market answering its order book
 * and latest insight from the snapshot alone (stored-market.ts). The snapshot's insight was the
 * newest of all at takenAt, so for the markets it covers it was the latest about them; for the
 * others nothing stored says which was, and they answer null, as they do for the book.
 */
function servedFromHistory(stored: AggregateRecord): AggregateRecord {
  const asL3 = <T extends { provenance: { tier: string } }>(value: T): T => ({ ...value, provenance: { ...value.provenance, tier: 'L3' } });
  const insight = stored.insight ? asL3(stored.insight) : null;
  const covered = new Set(insight?.tickers ?? []);
  return {
    ...stored,
    markets: stored.markets.map((market) => storedMarket(asL3(market), { orderBook: null, latestInsight: covered.has(market.ticker) ? insight : null })),
    insight,
    businessMetrics: stored.businessMetrics.map(asL3),
  };
}

export const SnapshotRef = builder.objectRef<SnapshotView>('Snapshot').implement({
  interfaces: [NodeRef],
  isTypeOf: (value) => typeof value === 'object' && value !== null && 'aggregate' in value && 'takenAt' in value,
  fields: (t) => ({
    id: t.exposeID('id'),
    takenAt: t.expose('takenAt', { type: 'DateTime' }),
    agentId: t.exposeString('agentId', { nullable: true }),
    availabilityScore: t.exposeFloat('availabilityScore'),
    aggregate: t.expose('aggregate', { type: AggregateRef }),
  }),
});

export interface PageInfoView {
  hasNextPage: boolean;
  endCursor: string | null;
}

export const PageInfoRef = builder.objectRef<PageInfoView>('PageInfo').implement({
  fields: (t) => ({
    hasNextPage: t.exposeBoolean('hasNextPage'),
    endCursor: t.exposeString('endCursor', { nullable: true }),
  }),
});

export interface SnapshotEdgeView {
  cursor: string;
  node: SnapshotView;
}

export const SnapshotEdgeRef = builder.objectRef<SnapshotEdgeView>('SnapshotEdge').implement({
  fields: (t) => ({
    cursor: t.exposeString('cursor'),
    node: t.expose('node', { type: SnapshotRef }),
  }),
});

export interface SnapshotConnectionView {
  edges: SnapshotEdgeView[];
  pageInfo: PageInfoView;
  totalCount: number;
}

export const SnapshotConnectionRef = builder.objectRef<SnapshotConnectionView>('SnapshotConnection').implement({
  fields: (t) => ({
    edges: t.expose('edges', { type: [SnapshotEdgeRef] }),
    pageInfo: t.expose('pageInfo', { type: PageInfoRef }),
    totalCount: t.exposeInt('totalCount'),
  }),
});

export const DailySnapshotSummaryRef = builder.objectRef<DailySummaryView>('DailySnapshotSummary').implement({
  fields: (t) => ({
    date: t.exposeString('date', { description: 'YYYY-MM-DD (UTC).' }),
    agentId: t.exposeString('agentId', { nullable: true }),
    snapshotCount: t.exposeInt('snapshotCount'),
    firstAt: t.expose('firstAt', { type: 'DateTime' }),
    lastAt: t.expose('lastAt', { type: 'DateTime' }),
  }),
});

export const PnLPointRef = builder.objectRef<PnLPointView>('PnLPoint').implement({
  fields: (t) => ({
    at: t.expose('at', { type: 'DateTime' }),
    agentId: t.exposeString('agentId'),
    revenueUsd: t.float({ resolve: (p) => Number(p.revenueUsd) }),
    realizedPnlUsd: t.float({ resolve: (p) => Number(p.realizedPnlUsd) }),
    unrealizedPnlUsd: t.float({ resolve: (p) => Number(p.unrealizedPnlUsd) }),
    totalPnlUsd: t.float({ resolve: (p) => Number(p.totalPnlUsd) }),
  }),
});
