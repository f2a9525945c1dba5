/**
 * Per-execution DataLoaders: every resolver that reads by key goes through one, so a query touching
 * fifty markets makes one batched read per kind, not one per field. A loader memoizes what it read
 * for as long as it lives, so a set lives for one execution only: built fresh for each operation
 * and for each subscription event (see createContext in context.ts). No cross-request caching:
 * freshness is the cache tiers' job.
 */
import DataLoader from 'dataloader';
import type { InsightRecord, MarketRecord, OrderBookRecord } from '../core/domain.js';
import type { BookReadBudget } from '../aggregate/read-model.js';
import type { Services } from './context.js';

export interface Loaders {
  marketByTicker: DataLoader<string, MarketRecord | null>;
  orderBookByTicker: DataLoader<string, OrderBookRecord | null>;
  latestInsightByTicker: DataLoader<string, InsightRecord | null>;
}

export function createLoaders(services: Services): Loaders {
  // One budget of REST book reads per execution, shared by all its batches (KALSHI_BOOK_READS_PER_REQUEST);
  // made on the first book batch, so an execution that reads no book pays nothing for it.
  let bookReads: BookReadBudget | null = null;
  const budget = (): BookReadBudget => {
    const limit = services.config.kalshi.bookReadsPerRequest;
    return (bookReads ??= { limit, remaining: limit });
  };
  return {
    marketByTicker: new DataLoader((tickers) => services.markets.getMany(tickers)),
    // An Error in the answer fails that key's load alone: its field is null with a coded error.
    orderBookByTicker: new DataLoader((tickers) => services.orderBooks.getMany(tickers, budget())),
    latestInsightByTicker: new DataLoader((tickers) => services.insights.latestMany(tickers)),
  };
}
