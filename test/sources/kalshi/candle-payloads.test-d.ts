/**
 * Type-level contract for candlesticks: what the simulator serves is what kalshi-typescript says
 * the API sends, and what the API sends is readable by our client's protocol types.
 */
import type {
  BatchGetMarketCandlesticksResponse as KtBatchGetMarketCandlesticksResponse,
  GetMarketCandlesticksResponse as KtGetMarketCandlesticksResponse,
  MarketCandlestick as KtMarketCandlestick,
} from 'kalshi-typescript';
import { describe, expectTypeOf, test } from 'vitest';
import type { candlestickPayload, candlesticksBatchPayload, marketCandlesticksPayload } from '../../../src/simulators/kalshi/payloads.js';
import type { BatchGetMarketCandlesticksResponse, GetMarketCandlesticksResponse, MarketCandlestick } from '../../../src/sources/kalshi/protocol.js';

describe('simulator candlesticks are kalshi-typescript candlesticks', () => {
  test('a candlestick and both answers', () => {
    expectTypeOf<ReturnType<typeof candlestickPayload>>().toExtend<KtMarketCandlestick>();
    expectTypeOf<ReturnType<typeof candlesticksBatchPayload>>().toExtend<KtBatchGetMarketCandlesticksResponse>();
    expectTypeOf<ReturnType<typeof marketCandlesticksPayload>>().toExtend<KtGetMarketCandlesticksResponse>();
  });

  test('what the real API sends is readable by our protocol types', () => {
    expectTypeOf<KtMarketCandlestick>().toExtend<MarketCandlestick>();
    expectTypeOf<KtBatchGetMarketCandlesticksResponse>().toExtend<BatchGetMarketCandlesticksResponse>();
    expectTypeOf<KtGetMarketCandlesticksResponse>().toExtend<GetMarketCandlesticksResponse>();
  });
});
