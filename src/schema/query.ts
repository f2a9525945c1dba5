import type { MarketRecord } from '../core/domain.js';
import { InputError } from '../core/errors.js';
import { AggregateRef } from './aggregate.js';
import { builder } from './builder.js';
import { BusinessMetricRef } from './business-metric.js';
import { CandleIntervalEnum, MarketStatusEnum } from './enums.js';
import { HealthRef } from './health.js';
import { InsightRef } from './insight.js';
import { MarketRef } from './market.js';
import { NodeRef } from './node.js';
import { bookDepth, DEFAULT_BOOK_DEPTH, OrderBookRef, orderBookView } from './order-book.js';
import { DailySnapshotSummaryRef, PnLPointRef, SNAPSHOT_ID_PREFIX, SnapshotConnectionRef, snapshotView } from './snapshot.js';
import { SourceStatusRef } from './source-status.js';

export const MAX_LIST_LIMIT = 1000;
export const MAX_PAGE_SIZE = 500;

/** Nullable `Int = n` arguments: null means the default; out-of-range values are the caller's error. */
function limitOf(value: number | null | undefined, fallback: number, max: number, name = 'limit'): number {
  const limit = value ?? fallback;
  if (!Number.isInteger(limit) || limit < 0 || limit > max) throw new InputError(`${name} must be an integer from 0 to ${max} (got ${limit})`);
  return limit;
}

function rangeOf(from: Date, to: Date): { from: Date; to: Date } {
  if (from.getTime() > to.getTime()) throw new InputError('from must not be after to');
  return { from, to };
}

builder.queryFields((t) => ({
  node: t.field({
    type: NodeRef,
    nullable: true,
    args: { id: t.arg.id({ required: true }) },
    resolve: async (_root, { id }, ctx) => {
      const value = String(id);
      if (value.startsWith(SNAPSHOT_ID_PREFIX)) {
        const row = await ctx.services.history.getSnapshot(value.slice(SNAPSHOT_ID_PREFIX.length));
        return row ? snapshotView(row) : null;
      }
      if (value.startsWith('kalshi:')) return ctx.loaders.marketByTicker.load(value.slice('kalshi:'.length));
      return null;
    },
  }),
  markets: t.field({
    type: [MarketRef],
    args: {
      status: t.arg({ type: MarketStatusEnum }),
      tickers: t.arg.stringList(),
      limit: t.arg.int({ defaultValue: 50 }),
    },
    resolve: async (_root, args, ctx) => {
      const limit = limitOf(args.limit, 50, MAX_LIST_LIMIT);
      if (!args.tickers) return ctx.services.markets.list({ status: args.status ?? null, limit });
      // By ticker: through the loader (and so the cache tiers), in the order asked.
      const found = await ctx.loaders.marketByTicker.loadMany(args.tickers.slice(0, limit));
      return found.filter((m): m is MarketRecord => m !== null && !(m instanceof Error) && (!args.status || m.status === args.status));
    },
  }),
  market: t.field({
    type: MarketRef,
    nullable: true,
    args: { ticker: t.arg.string({ required: true }) },
    resolve: (_root, { ticker }, ctx) => ctx.loaders.marketByTicker.load(ticker),
  }),
  orderBook: t.field({
    type: OrderBookRef,
    nullable: true,
    args: { ticker: t.arg.string({ required: true }), depth: t.arg.int({ defaultValue: DEFAULT_BOOK_DEPTH }) },
    resolve: async (_root, { ticker, depth }, ctx) => {
      bookDepth(depth); // a bad depth is an error whether or not the ticker exists
      const book = await ctx.loaders.orderBookByTicker.load(ticker);
      return book ? orderBookView(book, depth) : null;
    },
  }),
  latestInsight: t.field({
    type: InsightRef,
    nullable: true,
    args: { ticker: t.arg.string() },
    resolve: (_root, { ticker }, ctx) => ctx.services.insights.latest(ticker ?? null),
  }),
  insights: t.field({
    type: [InsightRef],
    args: { ticker: t.arg.string(), limit: t.arg.int({ defaultValue: 20 }) },
    resolve: (_root, args, ctx) => ctx.services.insights.list(args.ticker ?? null, limitOf(args.limit, 20, MAX_LIST_LIMIT)),
  }),
  businessMetrics: t.field({
    type: [BusinessMetricRef],
    args: { agentId: t.arg.string(), limit: t.arg.int({ defaultValue: 50 }) },
    resolve: (_root, args, ctx) => ctx.services.businessMetrics.list(args.agentId ?? null, limitOf(args.limit, 50, MAX_LIST_LIMIT)),
  }),
  aggregate: t.field({
    type: AggregateRef,
    description: 'The current aggregated view, answered from the freshest tier that has it.',
    resolve: (_root, _args, ctx) => ctx.services.aggregator.current(),
  }),
  snapshots: t.field({
    type: SnapshotConnectionRef,
    args: {
      from: t.arg({ type: 'DateTime', required: true }),
      to: t.arg({ type: 'DateTime', required: true }),
      agentId: t.arg.string(),
      first: t.arg.int({ defaultValue: 100 }),
      after: t.arg.string(),
    },
    resolve: async (_root, args, ctx) => {
      const first = limitOf(args.first, 100, MAX_PAGE_SIZE, 'first');
      const page = await ctx.services.history.listSnapshots({
        ...rangeOf(args.from, args.to),
        agentId: args.agentId ?? null,
        first,
        after: args.after ?? null,
      });
      return {
        edges: page.nodes.map((row) => ({
          cursor: ctx.services.history.cursorOf(row),
          node: snapshotView(row),
        })),
        pageInfo: { hasNextPage: page.hasNextPage, endCursor: page.endCursor },
        totalCount: page.totalCount,
      };
    },
  }),
  dailySnapshots: t.field({
    type: [DailySnapshotSummaryRef],
    args: {
      from: t.arg({ type: 'DateTime', required: true }),
      to: t.arg({ type: 'DateTime', required: true }),
      agentId: t.arg.string(),
    },
    resolve: (_root, args, ctx) => ctx.services.history.dailySnapshots({ ...rangeOf(args.from, args.to), agentId: args.agentId ?? null }),
  }),
  pnlHistory: t.field({
    type: [PnLPointRef],
    // 5000 is MAX_PNL_POINTS (src/history/snapshots.ts). Refused rather than truncated: a client
    // drawing a chart from a silently cut series would show it as complete.
    description:
      "One agent's P&L over [from, to], oldest first. Without `interval`, every stored point (one per SNAPSHOT_INTERVAL_MS); " +
      'with one, the last point of each UTC-aligned bucket that has any. At most 5000 points: a range that would hold more is ' +
      'refused with the error code RESULT_TOO_LARGE (extensions.maxPoints), never cut short; narrow the range or widen the interval.',
    args: {
      agentId: t.arg.string({ required: true }),
      from: t.arg({ type: 'DateTime', required: true }),
      to: t.arg({ type: 'DateTime', required: true }),
      interval: t.arg({ type: CandleIntervalEnum, description: 'Bucket size: the last point per bucket. Omitted: every point.' }),
    },
    resolve: (_root, args, ctx) => ctx.services.history.pnlHistory({ agentId: args.agentId, ...rangeOf(args.from, args.to), interval: args.interval ?? null }),
  }),
  sources: t.field({
    type: [SourceStatusRef],
    resolve: (_root, _args, ctx) => ctx.services.sources.all(),
  }),
  health: t.field({
    type: HealthRef,
    resolve: (_root, _args, ctx) => ctx.services.health(),
  }),
}));
