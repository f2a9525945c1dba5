/**
 * Type-level contract: what the simulator serves must be what kalshi-typescript (Kalshi's
 * OpenAPI-generated client) says the API sends, and what the real API sends must be readable by
 * our client. A field renamed or dropped on either side fails `tsc` and this file.
 */
import type {
  GetMarketOrderbookResponse as KtGetMarketOrderbookResponse,
  GetMarketOrderbooksResponse as KtGetMarketOrderbooksResponse,
  GetMarketResponse as KtGetMarketResponse,
  GetMarketsResponse as KtGetMarketsResponse,
  GetTradesResponse as KtGetTradesResponse,
  Market as KtMarket,
  MarketStatusEnum as KtMarketStatus,
  GetMarketsStatusEnum as KtStatusFilter,
  Trade as KtTrade,
} from 'kalshi-typescript';
import { describe, expectTypeOf, test } from 'vitest';
import type { Market, MarketStatusFilter, MarketWireStatus } from '../../../src/sources/kalshi/protocol.js';
import type { KalshiMarketModel } from '../../../src/simulators/kalshi/market-model.js';
import type {
  marketPayload,
  marketResponsePayload,
  marketsPagePayload,
  orderbookPayload,
  orderbooksPayload,
  tradePayload,
  tradesPagePayload,
} from '../../../src/simulators/kalshi/payloads.js';

describe('simulator payloads are kalshi-typescript payloads', () => {
  test('a market', () => {
    expectTypeOf<ReturnType<typeof marketPayload>>().toExtend<KtMarket>();
    expectTypeOf<ReturnType<KalshiMarketModel['listMarkets']>>().toExtend<KtMarket[]>();
  });

  test('GET /markets and GET /markets/{ticker}', () => {
    expectTypeOf<ReturnType<typeof marketsPagePayload>>().toExtend<KtGetMarketsResponse>();
    expectTypeOf<ReturnType<typeof marketResponsePayload>>().toExtend<KtGetMarketResponse>();
  });

  test('GET /markets/{ticker}/orderbook', () => {
    expectTypeOf<ReturnType<typeof orderbookPayload>>().toExtend<KtGetMarketOrderbookResponse>();
  });

  test('GET /markets/orderbooks', () => {
    expectTypeOf<ReturnType<typeof orderbooksPayload>>().toExtend<KtGetMarketOrderbooksResponse>();
    // And what Kalshi sends is what our client reads.
    expectTypeOf<KtGetMarketOrderbooksResponse['orderbooks'][number]['ticker']>().toEqualTypeOf<string>();
  });

  test('GET /markets/trades', () => {
    expectTypeOf<ReturnType<typeof tradePayload>>().toExtend<KtTrade>();
    expectTypeOf<ReturnType<typeof tradesPagePayload>>().toExtend<KtGetTradesResponse>();
  });
});

describe('what the real API sends is readable by our client', () => {
  test('a kalshi-typescript Market is one of our Markets', () => {
    expectTypeOf<KtMarket>().toExtend<Market>();
  });

  test('status values and filter values are the same sets', () => {
    expectTypeOf<MarketWireStatus>().toEqualTypeOf<KtMarketStatus>();
    expectTypeOf<MarketStatusFilter>().toEqualTypeOf<KtStatusFilter>();
  });
});
