/**
 * Shape checks for Kalshi response envelopes, run on parsed JSON before anything trusts its type.
 *
 * Only the envelope is checked here. The markets inside a page are checked one by one by
 * normalizeMarket, so a single malformed market costs that market, not the whole page.
 */
import type {
  BatchGetMarketCandlesticksResponse,
  EventPosition,
  GetBalanceResponse,
  GetMarketCandlesticksResponse,
  GetMarketsResponse,
  GetPositionsResponse,
  GetTradesResponse,
  Market,
  MarketCandlestick,
  MarketPosition,
  OrderbookFp,
  PriceLevelFp,
  Trade,
} from './protocol.js';
import { isRecord } from '../../core/is-record.js';
import { PayloadShapeError } from '../payload-shape-error.js';

/** Re-exported for the parsers and clients beside this file; each is defined once, for every source. */
export { isRecord, PayloadShapeError };

function recordField(body: unknown, field: string, what: string): Record<string, unknown> {
  if (!isRecord(body)) throw new PayloadShapeError(`${what}: body is not a JSON object`);
  const value = body[field];
  if (!isRecord(value)) throw new PayloadShapeError(`${what}: "${field}" is missing or not an object`);
  return value;
}

function arrayOfRecords(body: Record<string, unknown>, field: string, what: string): Record<string, unknown>[] {
  const value = body[field];
  if (!Array.isArray(value)) throw new PayloadShapeError(`${what}: "${field}" is missing or not an array`);
  value.forEach((item, index) => {
    if (!isRecord(item)) throw new PayloadShapeError(`${what}: ${field}[${index}] is not an object`);
  });
  return value as Record<string, unknown>[];
}

function cursorField(body: Record<string, unknown>, what: string): string {
  const cursor = body.cursor;
  if (typeof cursor !== 'string') throw new PayloadShapeError(`${what}: "cursor" is missing or not a string`);
  return cursor;
}

/** `GET /markets`: `{ markets: object[], cursor: string }`. */
export function readMarketsPage(body: unknown): GetMarketsResponse {
  if (!isRecord(body)) throw new PayloadShapeError('markets page: body is not a JSON object');
  const markets = arrayOfRecords(body, 'markets', 'markets page');
  return { markets: markets as unknown as Market[], cursor: cursorField(body, 'markets page') };
}

/** `GET /markets/{ticker}`: `{ market: object }`. */
export function readMarketResponse(body: unknown): Market {
  return recordField(body, 'market', 'market response') as unknown as Market;
}

function readSide(book: Record<string, unknown>, side: 'yes_dollars' | 'no_dollars'): PriceLevelFp[] {
  const levels = book[side];
  // An empty side may be sent as null or left out (the WebSocket snapshot does the latter).
  if (levels === undefined || levels === null) return [];
  if (!Array.isArray(levels)) throw new PayloadShapeError(`orderbook: ${side} is not an array`);
  return levels.map((level, index) => {
    if (!Array.isArray(level) || level.length !== 2 || typeof level[0] !== 'string' || typeof level[1] !== 'string') {
      throw new PayloadShapeError(`orderbook: ${side}[${index}] is not a [price, count] pair of strings`);
    }
    return [level[0], level[1]];
  });
}

/** `GET /markets/{ticker}/orderbook`: `{ orderbook_fp: { yes_dollars, no_dollars } }`. */
export function readOrderbookResponse(body: unknown): OrderbookFp {
  const book = recordField(body, 'orderbook_fp', 'orderbook');
  return { yes_dollars: readSide(book, 'yes_dollars'), no_dollars: readSide(book, 'no_dollars') };
}

/**
 * `GET /markets/orderbooks`: `{ orderbooks: [{ ticker, orderbook_fp: { yes_dollars, no_dollars } }] }`.
 * The whole answer is refused when one entry is malformed: its books arrived together, and a book
 * that cannot be read says the envelope is not the documented one.
 */
export function readOrderbooksResponse(body: unknown): Array<{ ticker: string; orderbook: OrderbookFp }> {
  if (!isRecord(body)) throw new PayloadShapeError('orderbooks: body is not a JSON object');
  return arrayOfRecords(body, 'orderbooks', 'orderbooks').map((entry, index) => {
    if (typeof entry.ticker !== 'string' || entry.ticker === '') throw new PayloadShapeError(`orderbooks: orderbooks[${index}].ticker is not a ticker`);
    return { ticker: entry.ticker, orderbook: readOrderbookResponse(entry) };
  });
}

/** `GET /markets/trades`: `{ trades: object[], cursor: string }`. */
export function readTradesPage(body: unknown): GetTradesResponse {
  if (!isRecord(body)) throw new PayloadShapeError('trades page: body is not a JSON object');
  const trades = arrayOfRecords(body, 'trades', 'trades page');
  return { trades: trades as unknown as Trade[], cursor: cursorField(body, 'trades page') };
}

/**
 * `GET /markets/candlesticks`: `{ markets: [{ market_ticker: string, candlesticks: object[] }] }`.
 * The candlesticks themselves are checked one by one (normalizeCandlestick), so one malformed
 * candle costs that candle, not the answer.
 */
export function readCandlesticksBatch(body: unknown): BatchGetMarketCandlesticksResponse {
  if (!isRecord(body)) throw new PayloadShapeError('candlesticks batch: body is not a JSON object');
  const markets = arrayOfRecords(body, 'markets', 'candlesticks batch').map((entry, index) => {
    if (typeof entry.market_ticker !== 'string') throw new PayloadShapeError(`candlesticks batch: markets[${index}].market_ticker is missing or not a string`);
    const candlesticks = arrayOfRecords(entry, 'candlesticks', `candlesticks batch markets[${index}]`);
    return { market_ticker: entry.market_ticker, candlesticks: candlesticks as unknown as MarketCandlestick[] };
  });
  return { markets };
}

/** `GET /series/{series}/markets/{ticker}/candlesticks`: `{ ticker: string, candlesticks: object[] }`. */
export function readMarketCandlesticks(body: unknown): GetMarketCandlesticksResponse {
  if (!isRecord(body)) throw new PayloadShapeError('candlesticks: body is not a JSON object');
  if (typeof body.ticker !== 'string') throw new PayloadShapeError('candlesticks: "ticker" is missing or not a string');
  const candlesticks = arrayOfRecords(body, 'candlesticks', 'candlesticks');
  return { ticker: body.ticker, candlesticks: candlesticks as unknown as MarketCandlestick[] };
}

/**
 * `GET /portfolio/positions`: `{ market_positions: object[], event_positions?: object[], cursor? }`.
 * kalshi-typescript marks the cursor optional and the event list is not used here, so an absent
 * cursor reads as the last page and absent event positions as none.
 */
export function readPositionsPage(body: unknown): GetPositionsResponse {
  if (!isRecord(body)) throw new PayloadShapeError('positions page: body is not a JSON object');
  const positions = arrayOfRecords(body, 'market_positions', 'positions page');
  const events = body.event_positions === undefined || body.event_positions === null ? [] : arrayOfRecords(body, 'event_positions', 'positions page');
  const cursor = body.cursor === undefined || body.cursor === null ? '' : cursorField(body, 'positions page');
  return {
    market_positions: positions as unknown as MarketPosition[],
    event_positions: events as unknown as EventPosition[],
    cursor,
  };
}

/** `GET /portfolio/balance`: an object carrying the cash as `balance_dollars` (string) or `balance` (cents). */
export function readBalanceResponse(body: unknown): GetBalanceResponse {
  if (!isRecord(body)) throw new PayloadShapeError('balance: body is not a JSON object');
  if (typeof body.balance_dollars !== 'string' && typeof body.balance !== 'number') {
    throw new PayloadShapeError('balance: neither "balance_dollars" (string) nor "balance" (number) is present');
  }
  return body;
}

/** The human part of an error body, in either of Kalshi's shapes: `{ code, message }` or `{ error }`. */
export function describeErrorBody(body: unknown): string | undefined {
  if (!isRecord(body)) return undefined;
  const nested = isRecord(body.error) ? body.error : body;
  const code = typeof nested.code === 'string' ? nested.code : undefined;
  const message = typeof nested.message === 'string' ? nested.message : typeof body.error === 'string' ? body.error : undefined;
  if (code && message) return `${code}: ${message}`;
  return message ?? code;
}
