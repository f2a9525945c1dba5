import type { MarketPrices, MarketRecord, MarketVolume } from '../core/domain.js';
import { qualityOf } from '../core/quality.js';
import { builder } from './builder.js';
import { DataQualityRef } from './data-quality.js';
import { AssetTypeEnum, MarketStatusEnum, SourceEnum } from './enums.js';
import { InsightRef } from './insight.js';
import { NodeRef } from './node.js';
import { bookDepth, DEFAULT_BOOK_DEPTH, OrderBookRef, orderBookView } from './order-book.js';
import { storedWith } from './stored-market.js';

export const PricesRef = builder.objectRef<MarketPrices>('Prices').implement({
  description: 'Prices in US dollars per contract (0.00 to 1.00 for binary prediction markets).',
  fields: (t) => ({
    bid: t.exposeFloat('bid', { nullable: true }),
    ask: t.exposeFloat('ask', { nullable: true }),
    last: t.exposeFloat('last', { nullable: true }),
    previous: t.exposeFloat('previous', { nullable: true }),
    high: t.exposeFloat('high', { nullable: true }),
    low: t.exposeFloat('low', { nullable: true }),
  }),
});

export const VolumeRef = builder.objectRef<MarketVolume>('Volume').implement({
  fields: (t) => ({
    volume24h: t.exposeFloat('volume24h'),
    volume: t.exposeFloat('volume', { nullable: true }),
    openInterest: t.exposeFloat('openInterest', { nullable: true }),
  }),
});

export const MarketRef = builder.objectRef<MarketRecord>('Market').implement({
  interfaces: [NodeRef],
  isTypeOf: (value) => typeof value === 'object' && value !== null && 'ticker' in value && 'prices' in value,
  fields: (t) => ({
    id: t.exposeID('id', { description: 'Globally unique, e.g. "kalshi:SMUSD-260226".' }),
    source: t.expose('source', { type: SourceEnum }),
    ticker: t.exposeString('ticker'),
    eventTicker: t.exposeString('eventTicker', { nullable: true }),
    title: t.exposeString('title'),
    type: t.expose('type', { type: AssetTypeEnum }),
    status: t.expose('status', { type: MarketStatusEnum }),
    prices: t.expose('prices', { type: PricesRef }),
    volume: t.expose('volume', { type: VolumeRef }),
    eventDate: t.expose('eventDate', { type: 'DateTime', nullable: true }),
    expiryDate: t.expose('expiryDate', { type: 'DateTime', nullable: true }),
    updatedAt: t.expose('updatedAt', { type: 'DateTime' }),
    quality: t.field({
      type: DataQualityRef,
      resolve: (market, _args, ctx) => qualityOf(market.source, market.provenance, ctx.services.clock.now()),
    }),
    orderBook: t.field({
      type: OrderBookRef,
      nullable: true,
      args: { depth: t.arg.int({ defaultValue: DEFAULT_BOOK_DEPTH }) },
      resolve: async (market, args, ctx) => {
        bookDepth(args.depth);
        // A snapshot's market answers from the snapshot, never from the live book.
        const stored = storedWith(market);
        const book = stored ? stored.orderBook : await ctx.loaders.orderBookByTicker.load(market.ticker);
        return book ? orderBookView(book, args.depth) : null;
      },
    }),
    latestInsight: t.field({
      type: InsightRef,
      nullable: true,
      resolve: (market, _args, ctx) => {
        const stored = storedWith(market);
        return stored ? stored.latestInsight : ctx.loaders.latestInsightByTicker.load(market.ticker);
      },
    }),
  }),
});
