/**
 * Type-level contract for the portfolio: what the simulator serves is what kalshi-typescript says
 * the API sends, and what the API sends is readable by our client. A field renamed or dropped on
 * either side fails `tsc` and this file.
 */
import type {
  EventPosition as KtEventPosition,
  GetBalanceResponse as KtGetBalanceResponse,
  GetPositionsResponse as KtGetPositionsResponse,
  MarketPosition as KtMarketPosition,
} from 'kalshi-typescript';
import { describe, expectTypeOf, test } from 'vitest';
import type { EventPosition, GetBalanceResponse, GetPositionsResponse, MarketPosition } from '../../../src/sources/kalshi/protocol.js';
import type { balancePayload, eventPositionsPayload, marketPositionPayload, positionsPagePayload } from '../../../src/simulators/kalshi/payloads.js';

describe('simulator portfolio payloads are kalshi-typescript payloads', () => {
  test('GET /portfolio/positions', () => {
    expectTypeOf<ReturnType<typeof marketPositionPayload>>().toExtend<KtMarketPosition>();
    expectTypeOf<ReturnType<typeof eventPositionsPayload>>().toExtend<KtEventPosition[]>();
    expectTypeOf<ReturnType<typeof positionsPagePayload>>().toExtend<KtGetPositionsResponse>();
  });

  test('GET /portfolio/balance', () => {
    expectTypeOf<ReturnType<typeof balancePayload>>().toExtend<KtGetBalanceResponse>();
  });
});

describe('what the real API sends is readable by our client', () => {
  test('positions and balance', () => {
    expectTypeOf<KtMarketPosition>().toExtend<MarketPosition>();
    expectTypeOf<KtEventPosition>().toExtend<EventPosition>();
    expectTypeOf<KtGetBalanceResponse>().toExtend<GetBalanceResponse>();
    // The SDK's cursor is optional; ours is always a string once read (wire-guards fills in '').
    expectTypeOf<Omit<KtGetPositionsResponse, 'cursor'>>().toExtend<Omit<GetPositionsResponse, 'cursor'>>();
  });
});
