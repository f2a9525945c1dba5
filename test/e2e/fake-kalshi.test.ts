/**
 * The fake exchange (test/support/fake-kalshi.ts) checked against the real service: started with
 * KALSHI_BASE_URL / KALSHI_WS_URL pointing at it, the service lists the fake's markets and serves
 * the fake's book (from the WebSocket feed: snapshot, then a delta) over GraphQL.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { fakeMarket, startFakeKalshi, type FakeKalshi } from '../support/fake-kalshi.js';
import { startService, type RunningService } from '../support/service.js';

async function gql<T>(url: string, query: string, variables: Record<string, unknown> = {}): Promise<T> {
  const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query, variables }) });
  const body = (await response.json()) as { data?: T; errors?: unknown[] };
  if (body.errors) throw new Error(`GraphQL errors: ${JSON.stringify(body.errors)}`);
  return body.data as T;
}

const MARKETS = `query { markets(limit: 100) { ticker status prices { bid ask last } volume { volume24h } } }`;
const BOOK = `query ($ticker: String!) { orderBook(ticker: $ticker, depth: 100) { bids { price size } asks { price size } seq quality { cacheTier } } }`;

describe('fake Kalshi under the real service', () => {
  let fake: FakeKalshi;
  let service: RunningService;

  beforeAll(async () => {
    fake = await startFakeKalshi({
      markets: [
        fakeMarket('FAKE-26-A', { volume_24h_fp: '300.00', yes_bid_dollars: '0.4100', yes_ask_dollars: '0.4300' }),
        fakeMarket('FAKE-26-B', { volume_24h_fp: '200.00' }),
        fakeMarket('FAKE-26-C', { volume_24h_fp: '100.00', status: 'closed' }),
      ],
    });
    fake.setBook('FAKE-26-A', {
      yes: [
        ['0.4000', '5.00'],
        ['0.4100', '12.50'],
      ],
      no: [
        ['0.5500', '3.00'],
        ['0.5700', '7.00'],
      ],
    });
    service = await startService({ ...fake.env(), KALSHI_TRACK_TOP_N: '2' });
  });
  afterAll(async () => {
    await service?.stop();
    await fake?.close();
  });

  it('the listing is read through paged GET /markets, and the service serves it', async () => {
    const data = await gql<{ markets: Array<{ ticker: string; status: string; prices: { bid: number; ask: number } }> }>(service.url, MARKETS);
    expect(data.markets.map((m) => m.ticker).sort()).toEqual(['FAKE-26-A', 'FAKE-26-B', 'FAKE-26-C']);
    const a = data.markets.find((m) => m.ticker === 'FAKE-26-A')!;
    expect(a.status).toBe('ACTIVE');
    expect(a.prices.bid).toBeCloseTo(0.41, 9);
    expect(fake.requests.some((r) => r.route === 'markets')).toBe(true);
  });

  it('the book comes over the WebSocket (snapshot, then a delta) and is served from the YES side', async () => {
    await fake.waitForSubscribed('FAKE-26-A');
    await vi.waitFor(async () => {
      const { orderBook } = await gql<{ orderBook: { bids: unknown[]; asks: unknown[]; quality: { cacheTier: string } } }>(service.url, BOOK, {
        ticker: 'FAKE-26-A',
      });
      expect(orderBook.quality.cacheTier).toBe('LIVE');
      expect(orderBook.bids).toEqual([
        { price: 0.41, size: 12.5 },
        { price: 0.4, size: 5 },
      ]);
      expect(orderBook.asks).toEqual([
        { price: 0.43, size: 7 },
        { price: 0.45, size: 3 },
      ]);
    });
    expect(fake.pushDelta('FAKE-26-A', 'yes', '0.4200', '4.00').sent).toBe(1);
    await vi.waitFor(async () => {
      const { orderBook } = await gql<{ orderBook: { bids: Array<{ price: number; size: number }> } }>(service.url, BOOK, { ticker: 'FAKE-26-A' });
      expect(orderBook.bids[0]).toEqual({ price: 0.42, size: 4 });
    });
  });

  it('serves the documented REST shapes itself', async () => {
    const book = (await (await fetch(`${fake.baseUrl}/markets/FAKE-26-A/orderbook`)).json()) as { orderbook_fp: { yes_dollars: string[][] } };
    expect(book.orderbook_fp.yes_dollars).toEqual([
      ['0.4000', '5.00'],
      ['0.4100', '12.50'],
      ['0.4200', '4.00'],
    ]);
    expect((await fetch(`${fake.baseUrl}/markets/NOPE`)).status).toBe(404);
    const first = (await (await fetch(`${fake.baseUrl}/markets?limit=2`)).json()) as { markets: unknown[]; cursor: string };
    expect(first.markets).toHaveLength(2);
    const second = (await (await fetch(`${fake.baseUrl}/markets?limit=2&cursor=${first.cursor}`)).json()) as { markets: unknown[]; cursor: string };
    expect(second).toMatchObject({ markets: [{ ticker: 'FAKE-26-C' }], cursor: '' });
    const open = (await (await fetch(`${fake.baseUrl}/markets?status=open`)).json()) as { markets: Array<{ ticker: string }> };
    expect(open.markets.map((m) => m.ticker)).toEqual(['FAKE-26-A', 'FAKE-26-B']);
  });
});
