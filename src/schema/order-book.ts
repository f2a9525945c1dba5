import type { OrderBookRecord, PriceLevel } from '../core/domain.js';
import { InputError } from '../core/errors.js';
import { qualityOf } from '../core/quality.js';
import { builder } from './builder.js';
import { DataQualityRef } from './data-quality.js';

export const MAX_BOOK_DEPTH = 100;
export const DEFAULT_BOOK_DEPTH = 10;

export const PriceLevelRef = builder.objectRef<PriceLevel>('PriceLevel').implement({
  fields: (t) => ({ price: t.exposeFloat('price'), size: t.exposeFloat('size') }),
});

/** A book cut to the requested depth; spread and mid come from the full top of book. */
export interface OrderBookView extends OrderBookRecord {
  spread: number | null;
  mid: number | null;
}

/** `depth: Int = 10` is nullable in the contract: an explicit null means the default. */
export function bookDepth(requested: number | null | undefined): number {
  const depth = requested ?? DEFAULT_BOOK_DEPTH;
  if (!Number.isInteger(depth) || depth < 1 || depth > MAX_BOOK_DEPTH) {
    throw new InputError(`depth must be an integer from 1 to ${MAX_BOOK_DEPTH} (got ${depth})`);
  }
  return depth;
}

export function orderBookView(book: OrderBookRecord, requestedDepth: number | null | undefined): OrderBookView {
  const depth = bookDepth(requestedDepth);
  const bestBid = book.bids[0]?.price;
  const bestAsk = book.asks[0]?.price;
  const hasTop = bestBid !== undefined && bestAsk !== undefined;
  return {
    ...book,
    bids: book.bids.slice(0, depth),
    asks: book.asks.slice(0, depth),
    // Rounded to 1e-6 (Kalshi's finest price step) so 0.56 − 0.44 reads 0.12, not 0.12000000000000005.
    spread: hasTop ? round6(bestAsk - bestBid) : null,
    mid: hasTop ? round6((bestAsk + bestBid) / 2) : null,
  };
}

function round6(value: number): number {
  return Math.round(value * 1e6) / 1e6;
}

export const OrderBookRef = builder.objectRef<OrderBookView>('OrderBook').implement({
  description: 'An order book seen from the YES side: bids best (highest) first, asks best (lowest) first.',
  fields: (t) => ({
    ticker: t.exposeString('ticker'),
    bids: t.expose('bids', { type: [PriceLevelRef] }),
    asks: t.expose('asks', { type: [PriceLevelRef] }),
    spread: t.exposeFloat('spread', { nullable: true }),
    mid: t.exposeFloat('mid', { nullable: true }),
    seq: t.exposeInt('seq', { nullable: true, description: 'Upstream sequence number of the last applied message, when the feed has one.' }),
    updatedAt: t.expose('updatedAt', { type: 'DateTime' }),
    quality: t.field({
      type: DataQualityRef,
      resolve: (book, _args, ctx) => qualityOf('kalshi', book.provenance, ctx.services.clock.now()),
    }),
  }),
});
