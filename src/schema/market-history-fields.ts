/**
 * The market-history fields: Query.candles, Query.trades, Market.candles and
 * Subscription.tradeExecuted (filtered on the server by ticker, like marketUpdated).
 *
 * Market.candles over a list of markets is batched per operation (a DataLoader kept for the
 * context's lifetime), so `markets { candles(...) }` asks the exchange once per 100 markets for a
 * range none of them had, not once per market.
 */
import DataLoader from 'dataloader';
import { filter, pipe } from 'graphql-yoga';
import type { CandleRecord } from '../core/market-history.js';
import type { CandlesQuery } from '../aggregate/market-history.js';
import type { GraphQLContext } from './context.js';
import { builder } from './builder.js';
import { CandleRef, knownTicker } from './candle.js';
import { CandleIntervalEnum } from './enums.js';
import { MarketRef } from './market.js';
import { TradeRef } from './trade.js';

builder.queryFields((t) => ({
  candles: t.field({
    type: [CandleRef],
    description: 'Candles of one market over [from, to), on the UTC grid of the interval; at most 10,000 per answer.',
    args: {
      ticker: t.arg.string({ required: true }),
      interval: t.arg({ type: CandleIntervalEnum, required: true }),
      from: t.arg({ type: 'DateTime', required: true }),
      to: t.arg({ type: 'DateTime', required: true }),
    },
    resolve: async (_root, args, ctx) => {
      await knownTicker(args.ticker, ctx);
      return ctx.services.marketHistory.candles({ ticker: args.ticker, interval: args.interval, from: args.from, to: args.to });
    },
  }),
  trades: t.field({
    type: [TradeRef],
    description: 'Public trades of one market, newest first, before `before` (default: now); at most 1,000.',
    args: {
      ticker: t.arg.string({ required: true }),
      limit: t.arg.int({ defaultValue: 100 }),
      before: t.arg({ type: 'DateTime' }),
    },
    resolve: async (_root, args, ctx) => {
      await knownTicker(args.ticker, ctx);
      return ctx.services.marketHistory.trades(args.ticker, args.limit ?? 100, args.before ?? null);
    },
  }),
}));

const candleLoaders = new WeakMap<GraphQLContext, DataLoader<CandlesQuery, CandleRecord[], string>>();

function candleLoader(ctx: GraphQLContext): DataLoader<CandlesQuery, CandleRecord[], string> {
  let loader = candleLoaders.get(ctx);
  if (!loader) {
    loader = new DataLoader((queries) => ctx.services.marketHistory.candlesMany(queries), {
      cacheKeyFn: (q) => `${q.ticker}\u0000${q.interval}\u0000${q.from.getTime()}\u0000${q.to.getTime()}`,
    });
    candleLoaders.set(ctx, loader);
  }
  return loader;
}

builder.objectField(MarketRef, 'candles', (t) =>
  t.field({
    type: [CandleRef],
    args: {
      interval: t.arg({ type: CandleIntervalEnum, required: true }),
      from: t.arg({ type: 'DateTime', required: true }),
      to: t.arg({ type: 'DateTime', required: true }),
    },
    resolve: (market, args, ctx) => candleLoader(ctx).load({ ticker: market.ticker, interval: args.interval, from: args.from, to: args.to }),
  }),
);

builder.subscriptionFields((t) => ({
  tradeExecuted: t.field({
    type: TradeRef,
    description: 'Every public trade, as the exchange reports it; `tickers` limits it to those markets.',
    args: { tickers: t.arg.stringList() },
    subscribe: (_root, { tickers }, ctx) => {
      const wanted = tickers ? new Set(tickers) : null;
      return pipe(
        ctx.services.pubsub.subscribe('tradeExecuted'),
        filter((event) => wanted === null || wanted.has(event.trade.ticker)),
      );
    },
    resolve: (event) => event.trade,
  }),
}));
