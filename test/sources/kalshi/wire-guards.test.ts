import { describe, expect, test } from 'vitest';
import {
  describeErrorBody,
  PayloadShapeError,
  readMarketResponse,
  readMarketsPage,
  readOrderbookResponse,
  readTradesPage,
} from '../../../src/sources/kalshi/wire-guards.js';

describe('readMarketsPage', () => {
  test('accepts the envelope and leaves market fields to the normalizer', () => {
    const page = { markets: [{ ticker: 'A' }, { no_ticker: true }], cursor: '' };
    expect(readMarketsPage(page)).toEqual(page);
  });
  test.each([
    ['not an object', []],
    ['no markets', { cursor: '' }],
    ['markets not an array', { markets: {}, cursor: '' }],
    ['a market that is not an object', { markets: [{ ticker: 'A' }, 'B'], cursor: '' }],
    ['no cursor', { markets: [] }],
    ['a numeric cursor', { markets: [], cursor: 5 }],
  ])('rejects %s', (_name, body) => {
    expect(() => readMarketsPage(body)).toThrow(PayloadShapeError);
  });
});

describe('readMarketResponse', () => {
  test('returns the market', () => {
    expect(readMarketResponse({ market: { ticker: 'A' } })).toEqual({ ticker: 'A' });
  });
  test.each([
    ['null', null],
    ['no market', {}],
    ['market null', { market: null }],
    ['market an array', { market: [] }],
  ])('rejects %s', (_name, body) => {
    expect(() => readMarketResponse(body)).toThrow(PayloadShapeError);
  });
});

describe('readOrderbookResponse', () => {
  test('returns both sides; a missing or null side is empty', () => {
    expect(readOrderbookResponse({ orderbook_fp: { yes_dollars: [['0.40', '1.00']], no_dollars: [] } })).toEqual({
      yes_dollars: [['0.40', '1.00']],
      no_dollars: [],
    });
    expect(readOrderbookResponse({ orderbook_fp: { yes_dollars: null } })).toEqual({ yes_dollars: [], no_dollars: [] });
  });
  test.each([
    ['no orderbook_fp', {}],
    ['the old integer-cent book', { orderbook: { yes: [[40, 10]] } }],
    ['a side that is an object', { orderbook_fp: { yes_dollars: {}, no_dollars: [] } }],
    ['a level of three', { orderbook_fp: { yes_dollars: [['0.40', '1.00', 'x']], no_dollars: [] } }],
    ['a level of numbers', { orderbook_fp: { yes_dollars: [], no_dollars: [[0.4, 1]] } }],
  ])('rejects %s', (_name, body) => {
    expect(() => readOrderbookResponse(body)).toThrow(PayloadShapeError);
  });
});

describe('readTradesPage', () => {
  test('accepts the envelope', () => {
    expect(readTradesPage({ trades: [{ trade_id: 'x' }], cursor: 'c' })).toEqual({ trades: [{ trade_id: 'x' }], cursor: 'c' });
  });
  test.each([
    ['no trades', { cursor: '' }],
    ['no cursor', { trades: [] }],
    ['a trade that is a string', { trades: ['x'], cursor: '' }],
  ])('rejects %s', (_name, body) => {
    expect(() => readTradesPage(body)).toThrow(PayloadShapeError);
  });
});

describe('describeErrorBody', () => {
  test("reads both of Kalshi's error shapes", () => {
    expect(describeErrorBody({ code: 'not_found', message: 'market not found', details: '', service: 'exchange' })).toBe('not_found: market not found');
    expect(describeErrorBody({ error: 'too many requests' })).toBe('too many requests');
    expect(describeErrorBody({ error: { code: 'bad_request', message: 'invalid limit' } })).toBe('bad_request: invalid limit');
    expect(describeErrorBody({ code: 'internal' })).toBe('internal');
    expect(describeErrorBody({})).toBeUndefined();
    expect(describeErrorBody('oops')).toBeUndefined();
  });
});
