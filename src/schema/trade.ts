/** A public trade of a Kalshi market: YES price in dollars, contracts, the taker's outcome side. */
import type { TradeRecord } from '../core/market-history.js';
import { builder } from './builder.js';

export const TradeRef = builder.objectRef<TradeRecord>('Trade').implement({
  fields: (t) => ({
    id: t.exposeID('id', { description: "Kalshi's trade_id." }),
    ticker: t.exposeString('ticker'),
    price: t.float({ description: 'YES price in US dollars per contract.', resolve: (trade) => trade.priceMicros / 1_000_000 }),
    count: t.float({ description: 'Contracts traded.', resolve: (trade) => trade.countHundredths / 100 }),
    takerSide: t.exposeString('takerSide', { description: "The outcome the taker bought: 'yes' or 'no' (Kalshi's taker_outcome_side)." }),
    at: t.field({ type: 'DateTime', description: 'When the exchange executed it (its own clock).', resolve: (trade) => new Date(trade.atMs) }),
  }),
});
