import { describe, expect, test } from 'vitest';
import { UpstreamError } from '../../../src/core/errors.js';
import { normalizeMarket, normalizeOrderBook } from '../../../src/sources/kalshi/normalize.js';
import type { Market, OrderbookFp } from '../../../src/sources/kalshi/protocol.js';

const FETCHED = Date.UTC(2026, 10, 24, 12, 0, 5);

const wire: Market = {
  ticker: 'KXCPI-26DEC-T3.0',
  event_ticker: 'KXCPI-26DEC',
  market_type: 'binary',
  title: 'Will CPI inflation be above 3.0% in Dec 2026?',
  yes_sub_title: 'Above 3.0%',
  no_sub_title: '3.0% or below',
  status: 'active',
  yes_bid_dollars: '0.4400',
  yes_ask_dollars: '0.4700',
  no_bid_dollars: '0.5300',
  no_ask_dollars: '0.5600',
  last_price_dollars: '0.4500',
  previous_price_dollars: '0.4100',
  volume_fp: '12345.50',
  volume_24h_fp: '678.00',
  open_interest_fp: '4321.25',
  open_time: '2026-11-01T00:00:00Z',
  close_time: '2027-01-13T13:30:00Z',
  expected_expiration_time: '2027-01-13T14:00:00Z',
  latest_expiration_time: '2027-01-20T14:00:00Z',
  updated_time: '2026-11-24T12:00:00Z',
  created_time: '2026-10-30T00:00:00Z',
  result: '',
};

function expectDataError(run: () => unknown, message?: RegExp): void {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(UpstreamError);
    const upstream = error as UpstreamError;
    expect(upstream.source).toBe('kalshi');
    expect(upstream.category).toBe('data');
    expect(upstream.retryable).toBe(false);
    if (message) expect(upstream.message).toMatch(message);
    return;
  }
  throw new Error('expected a data error');
}

describe('normalizeMarket', () => {
  test('maps every field', () => {
    expect(normalizeMarket(wire, FETCHED)).toEqual({
      id: 'kalshi:KXCPI-26DEC-T3.0',
      source: 'kalshi',
      ticker: 'KXCPI-26DEC-T3.0',
      eventTicker: 'KXCPI-26DEC',
      title: 'Will CPI inflation be above 3.0% in Dec 2026?',
      type: 'PREDICTION',
      status: 'ACTIVE',
      prices: { bid: 0.44, ask: 0.47, last: 0.45, previous: 0.41, high: null, low: null },
      volume: { volume24h: 678, volume: 12345.5, openInterest: 4321.25 },
      eventDate: '2027-01-13T14:00:00.000Z',
      expiryDate: '2027-01-20T14:00:00.000Z',
      updatedAt: '2026-11-24T12:00:00.000Z',
      // Prices are as of the response: freshness counts from the fetch, not from updated_time.
      provenance: { originAt: FETCHED, fetchedAt: FETCHED, tier: 'LIVE' },
      // Without a request time, every price is observed at the fetch.
      priceObservedAt: {
        bid: { at: FETCHED },
        ask: { at: FETCHED },
        last: { at: FETCHED },
        previous: { at: FETCHED },
        high: { at: FETCHED },
        low: { at: FETCHED },
      },
    });
  });

  test('prices are observed when the request left, not at updated_time (a metadata time) nor at the fetch', () => {
    const record = normalizeMarket(wire, FETCHED, FETCHED - 250);
    expect(record.provenance).toEqual({ originAt: FETCHED, fetchedAt: FETCHED, tier: 'LIVE' });
    expect(record.priceObservedAt?.bid).toEqual({ at: FETCHED - 250 });
    expect(record.priceObservedAt?.ask).toEqual({ at: FETCHED - 250 });
    expect(Object.values(record.priceObservedAt ?? {}).every((o) => o.upstreamAt === undefined)).toBe(true);
    // A request time after the answer cannot be: the earlier of the two is kept.
    expect(normalizeMarket(wire, FETCHED, FETCHED + 5).priceObservedAt?.last).toEqual({ at: FETCHED });
  });

  test('absent fields fall back: close_time for dates, fetch time for updates, null prices', () => {
    const sparse: Market = { ticker: 'T', event_ticker: 'E', status: 'closed', close_time: '2026-12-01T00:00:00Z' };
    const record = normalizeMarket(sparse, FETCHED);
    expect(record.title).toBe('T');
    expect(record.status).toBe('CLOSED');
    expect(record.prices).toEqual({ bid: null, ask: null, last: null, previous: null, high: null, low: null });
    expect(record.volume).toEqual({ volume24h: 0, volume: null, openInterest: null });
    expect(record.eventDate).toBe('2026-12-01T00:00:00.000Z');
    expect(record.expiryDate).toBe('2026-12-01T00:00:00.000Z');
    expect(record.updatedAt).toBe(new Date(FETCHED).toISOString());
    expect(record.provenance).toEqual({ originAt: FETCHED, fetchedAt: FETCHED, tier: 'LIVE' });
    expect(normalizeMarket({ ...sparse, close_time: undefined }, FETCHED).eventDate).toBeNull();
  });

  test('title falls back to yes_sub_title (title is deprecated upstream)', () => {
    expect(normalizeMarket({ ...wire, title: undefined }, FETCHED).title).toBe('Above 3.0%');
    expect(normalizeMarket({ ...wire, title: '' }, FETCHED).title).toBe('Above 3.0%');
  });

  test("Kalshi's empty-side markers read as null: 0 bid, $1 ask, 0 last", () => {
    const record = normalizeMarket(
      { ...wire, yes_bid_dollars: '0.0000', yes_ask_dollars: '1.0000', last_price_dollars: '0.0000', previous_price_dollars: '0.0000' },
      FETCHED,
    );
    expect(record.prices).toMatchObject({ bid: null, ask: null, last: null, previous: null });
  });

  test('keeps sub-penny precision exactly', () => {
    expect(normalizeMarket({ ...wire, yes_bid_dollars: '0.123456' }, FETCHED).prices.bid).toBe(0.123456);
  });

  test.each([
    ['missing ticker', { ticker: undefined }, /without a ticker/],
    ['empty ticker', { ticker: '' }, /without a ticker/],
    ['numeric ticker', { ticker: 42 }, /without a ticker/],
    ['garbage bid', { yes_bid_dollars: 'abc' }, /KXCPI-26DEC-T3.0: yes_bid_dollars: "abc" is not a dollar amount/],
    ['NaN ask', { yes_ask_dollars: 'NaN' }, /yes_ask_dollars/],
    ['numeric price', { last_price_dollars: 0.45 }, /last_price_dollars must be a string/],
    ['price above $1', { yes_ask_dollars: '1.2000' }, /outside 0..1/],
    ['negative price', { yes_bid_dollars: '-0.0100' }, /outside 0..1/],
    ['garbage volume', { volume_fp: '12 contracts' }, /volume_fp/],
    ['negative open interest', { open_interest_fp: '-1.00' }, /open_interest_fp/],
    ['unknown status', { status: 'live' }, /status "live"/],
    ['garbage date', { close_time: 'next tuesday' }, /close_time/],
  ])('rejects a market with %s as a data error', (_name, patch, message) => {
    expectDataError(() => normalizeMarket({ ...wire, ...patch } as Market, FETCHED), message);
  });

  test('rejects a non-object as a data error', () => {
    expectDataError(() => normalizeMarket(null as unknown as Market, FETCHED));
    expectDataError(() => normalizeMarket('KXCPI' as unknown as Market, FETCHED));
  });
});

describe('normalizeOrderBook', () => {
  const book: OrderbookFp = {
    yes_dollars: [
      ['0.4200', '100.00'],
      ['0.4300', '25.50'],
      ['0.4400', '10.00'],
    ],
    no_dollars: [
      ['0.5100', '7.00'],
      ['0.5200', '3.00'],
      ['0.5300', '12.00'],
    ],
  };

  test('YES bids best first; NO bids become YES asks at exactly 1 − p, best first', () => {
    const record = normalizeOrderBook('KXCPI-26DEC-T3.0', book, FETCHED);
    expect(record.bids).toEqual([
      { price: 0.44, size: 10 },
      { price: 0.43, size: 25.5 },
      { price: 0.42, size: 100 },
    ]);
    expect(record.asks).toEqual([
      { price: 0.47, size: 12 },
      { price: 0.48, size: 3 },
      { price: 0.49, size: 7 },
    ]);
    expect(record).toMatchObject({ ticker: 'KXCPI-26DEC-T3.0', seq: null, updatedAt: new Date(FETCHED).toISOString() });
    expect(record.provenance).toEqual({ originAt: FETCHED, fetchedAt: FETCHED, tier: 'LIVE' });
  });

  test('exact decimal derivation where float subtraction drifts', () => {
    // In floats 1 − 0.07 is 0.9299999999999999 and 1 − 0.43 is 0.5700000000000001.
    expect(1 - 0.07).not.toBe(0.93);
    expect(1 - 0.43).not.toBe(0.57);
    const record = normalizeOrderBook(
      'T',
      {
        yes_dollars: [],
        no_dollars: [
          ['0.0700', '1.00'],
          ['0.123456', '1.00'],
          ['0.4300', '1.00'],
          ['0.4400', '1.00'],
        ],
      },
      FETCHED,
    );
    expect(record.asks.map((l) => l.price)).toEqual([0.56, 0.57, 0.876544, 0.93]);
    // Every cent from 1 to 99 derives exactly.
    for (let cents = 1; cents <= 99; cents++) {
      const noPrice = `0.${String(cents).padStart(2, '0')}00`;
      const [ask] = normalizeOrderBook('T', { yes_dollars: [], no_dollars: [[noPrice, '1.00']] }, FETCHED).asks;
      expect(ask!.price).toBe(Number(`0.${String(100 - cents).padStart(2, '0')}`));
    }
  });

  test('empty sides, missing sides and emptied levels', () => {
    expect(normalizeOrderBook('T', { yes_dollars: [], no_dollars: [] }, FETCHED)).toMatchObject({ bids: [], asks: [] });
    expect(normalizeOrderBook('T', {} as OrderbookFp, FETCHED)).toMatchObject({ bids: [], asks: [] });
    expect(normalizeOrderBook('T', { yes_dollars: [['0.40', '0.00']], no_dollars: [] }, FETCHED).bids).toEqual([]);
  });

  test.each([
    ['garbage price', { yes_dollars: [['abc', '1.00']], no_dollars: [] }],
    ['garbage count', { yes_dollars: [['0.40', 'lots']], no_dollars: [] }],
    ['price of 0', { yes_dollars: [['0.0000', '1.00']], no_dollars: [] }],
    ['price of 1', { yes_dollars: [], no_dollars: [['1.0000', '1.00']] }],
    ['negative count', { yes_dollars: [['0.40', '-1.00']], no_dollars: [] }],
    ['a level that is not a pair', { yes_dollars: [['0.40']], no_dollars: [] }],
    ['numbers instead of strings', { yes_dollars: [[0.4, 1]], no_dollars: [] }],
    ['a side that is not an array', { yes_dollars: 'none', no_dollars: [] }],
  ])('rejects a book with %s as a data error', (_name, bad) => {
    expectDataError(() => normalizeOrderBook('KX-T', bad as unknown as OrderbookFp, FETCHED), /KX-T/);
  });
});
