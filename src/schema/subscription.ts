/**
 * Live streams. Filters run on the server, on the pub/sub stream, so a client that asks for two
 * tickers is sent two tickers' updates and nothing else.
 *
 * `subscribe` runs with the subscriber's own context (per-client filters and checks belong there);
 * each event is then resolved with a context of the event's own, fresh loaders included, shared by
 * every subscriber of the same selection (src/server/plugins/use-shared-subscription-results.ts).
 * So nothing below `resolve` may depend on who subscribed.
 */
import { filter, pipe } from 'graphql-yoga';
import { AggregateRef } from './aggregate.js';
import { builder } from './builder.js';
import { InsightChunkRef } from './insight.js';
import { MarketRef } from './market.js';
import { DEFAULT_BOOK_DEPTH, OrderBookRef, bookDepth, orderBookView } from './order-book.js';
import { SourceStatusRef } from './source-status.js';
import { withRelease } from './with-release.js';

builder.subscriptionFields((t) => ({
  aggregateUpdated: t.field({
    type: AggregateRef,
    subscribe: (_root, _args, ctx) => ctx.services.pubsub.subscribe('aggregateUpdated'),
    resolve: (aggregate) => aggregate,
  }),
  marketUpdated: t.field({
    type: MarketRef,
    args: { tickers: t.arg.stringList() },
    subscribe: (_root, { tickers }, ctx) => {
      const wanted = tickers ? new Set(tickers) : null;
      return pipe(
        ctx.services.pubsub.subscribe('marketUpdated'),
        filter((market) => wanted === null || wanted.has(market.ticker)),
      );
    },
    resolve: (market) => market,
  }),
  orderBookUpdated: t.field({
    type: OrderBookRef,
    args: { ticker: t.arg.string({ required: true }), depth: t.arg.int({ defaultValue: DEFAULT_BOOK_DEPTH }) },
    subscribe: (_root, { ticker, depth }, ctx) => {
      bookDepth(depth); // reject a bad depth when subscribing, not on the first event
      // A subscriber keeps its market's book followed over the WebSocket (demand-driven tracking)
      // for as long as it is subscribed; unsubscribing starts the book's idle time.
      const release = ctx.services.orderBooks.hold(ticker);
      return withRelease(
        pipe(
          ctx.services.pubsub.subscribe('orderBookUpdated'),
          filter((book) => book.ticker === ticker),
        ),
        release,
      );
    },
    // Every event is a book the WebSocket feed just changed: streaming by definition.
    resolve: (book, { depth }) => orderBookView({ ...book, provenance: { ...book.provenance, streaming: true } }, depth),
  }),
  insightStream: t.field({
    type: InsightChunkRef,
    args: { tickers: t.arg.stringList() },
    subscribe: (_root, { tickers }, ctx) => {
      const wanted = tickers ? new Set(tickers) : null;
      return pipe(
        ctx.services.pubsub.subscribe('insightChunk'),
        filter((chunk) => wanted === null || chunk.tickers.some((ticker) => wanted.has(ticker))),
      );
    },
    resolve: (chunk) => chunk,
  }),
  sourceStatusChanged: t.field({
    type: SourceStatusRef,
    subscribe: (_root, _args, ctx) => ctx.services.pubsub.subscribe('sourceStatusChanged'),
    resolve: (status) => status,
  }),
}));
