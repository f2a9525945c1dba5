import { afterAll, beforeAll, describe, expect, test, vi } from 'vitest';
import { ManualClock } from '../../../src/core/clock.js';
import type {
  ErrorBody,
  GetMarketOrderbookResponse,
  GetMarketResponse,
  GetMarketsResponse,
  GetTradesResponse,
  MarketPayload,
} from '../../../src/sources/kalshi/protocol.js';
import { startKalshiRestSimulator, type KalshiRestSimulator } from '../../../src/simulators/kalshi/rest-server.js';

const START = Date.UTC(2026, 10, 24, 12, 0, 0);

async function getJson<T>(sim: KalshiRestSimulator, path: string): Promise<{ status: number; body: T; headers: Headers }> {
  const response = await fetch(`${sim.baseUrl}${path}`);
  return { status: response.status, body: (await response.json()) as T, headers: response.headers };
}

function expectErrorBody(body: unknown): void {
  const error = body as ErrorBody;
  expect(Object.keys(error).sort()).toEqual(['code', 'details', 'message', 'service']);
  for (const value of Object.values(error)) expect(typeof value).toBe('string');
  expect(error.code.length).toBeGreaterThan(0);
}

describe('Kalshi REST simulator', () => {
  let clock: ManualClock;
  let sim: KalshiRestSimulator;

  beforeAll(async () => {
    clock = new ManualClock(START);
    // Short lifetimes so that a few simulated minutes produce closed, determined and pending markets.
    sim = await startKalshiRestSimulator({ clock, seed: 11, modelOptions: { meanMarketLifetimeMs: 4 * 60_000, settlementTimerSeconds: 20 } });
    await clock.advance(6 * 60_000);
  });
  afterAll(async () => {
    await sim.close();
  });

  test('serves under /trade-api/v2 on loopback with JSON and a request id', async () => {
    expect(sim.baseUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/trade-api\/v2$/);
    const response = await fetch(`${sim.baseUrl}/markets?limit=1`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    expect(response.headers.get('x-request-id')).toMatch(/^sim-\d+$/);
    await response.body?.cancel();
  });

  test('paging with limit=7 returns every market exactly once, with an empty cursor on the last page', async () => {
    const tickers: string[] = [];
    const sizes: number[] = [];
    let cursor = '';
    do {
      const { status, body } = await getJson<GetMarketsResponse<MarketPayload>>(
        sim,
        `/markets?limit=7${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
      );
      expect(status).toBe(200);
      sizes.push(body.markets.length);
      tickers.push(...body.markets.map((m) => m.ticker));
      cursor = body.cursor;
    } while (cursor !== '');
    const all = sim.model.listMarkets().map((m) => m.ticker);
    expect(all.length).toBeGreaterThan(20);
    expect(tickers).toEqual(all);
    expect(new Set(tickers).size).toBe(tickers.length);
    expect(sizes.slice(0, -1).every((n) => n === 7)).toBe(true);
    expect(sizes.at(-1)).toBeGreaterThan(0);
  });

  test('paging stays exact while the market moves between pages', async () => {
    const seen: string[] = [];
    const before = new Set(sim.model.listMarkets().map((m) => m.ticker));
    let cursor = '';
    do {
      const { body } = await getJson<GetMarketsResponse>(sim, `/markets?limit=5${cursor ? `&cursor=${cursor}` : ''}`);
      seen.push(...body.markets.map((m) => m.ticker));
      cursor = body.cursor;
      await clock.advance(1000);
    } while (cursor !== '');
    expect(new Set(seen).size).toBe(seen.length);
    for (const ticker of before) if (sim.model.getState(ticker)) expect(seen).toContain(ticker);
  });

  test('the default page is 100 markets at most', async () => {
    const { body } = await getJson<GetMarketsResponse>(sim, '/markets');
    expect(body.markets.length).toBe(Math.min(100, sim.model.listMarkets().length));
  });

  test('filters by event, series and tickers', async () => {
    const byEvent = await getJson<GetMarketsResponse>(sim, '/markets?event_ticker=KXCPI-26DEC');
    expect(byEvent.body.markets.length).toBeGreaterThan(0);
    expect(byEvent.body.markets.every((m) => m.event_ticker === 'KXCPI-26DEC')).toBe(true);

    const bySeries = await getJson<GetMarketsResponse>(sim, '/markets?series_ticker=KXFED');
    expect(bySeries.body.markets.length).toBeGreaterThan(0);
    expect(bySeries.body.markets.every((m) => m.ticker.startsWith('KXFED-'))).toBe(true);

    const [a, b] = sim.model.listMarkets();
    const byTickers = await getJson<GetMarketsResponse>(sim, `/markets?tickers=${a!.ticker},${b!.ticker},NOPE`);
    expect(byTickers.body.markets.map((m) => m.ticker)).toEqual([a!.ticker, b!.ticker]);

    const none = await getJson<GetMarketsResponse>(sim, '/markets?event_ticker=NOPE');
    expect(none.body).toEqual({ markets: [], cursor: '' });
  });

  test('status filters map to response statuses', async () => {
    const statusesFor = async (filter: string): Promise<Set<string>> => {
      const { status, body } = await getJson<GetMarketsResponse>(sim, `/markets?limit=1000&status=${filter}`);
      expect(status).toBe(200);
      return new Set(body.markets.map((m) => m.status));
    };
    expect(await statusesFor('open')).toEqual(new Set(['active']));
    const unopened = await statusesFor('unopened');
    expect([...unopened].every((s) => s === 'initialized')).toBe(true);
    const closed = await statusesFor('closed');
    expect(closed.size).toBeGreaterThan(0);
    expect([...closed].every((s) => ['closed', 'determined', 'disputed', 'amended'].includes(s))).toBe(true);
    const settled = await statusesFor('settled');
    expect([...settled].every((s) => s === 'finalized')).toBe(true);
    expect(await statusesFor('paused')).toEqual(new Set());
    // Empty means "any status", as on the real API.
    const any = await getJson<GetMarketsResponse>(sim, '/markets?limit=1000&status=');
    expect(any.body.markets.length).toBe(sim.model.listMarkets().length);
  });

  test.each([
    '/markets?limit=0',
    '/markets?limit=1001',
    '/markets?limit=ten',
    '/markets?limit=-5',
    '/markets?status=live',
    '/markets?cursor=not-a-cursor',
    '/markets?mve_filter=maybe',
    '/markets/trades?limit=0',
    '/markets/trades?min_ts=yesterday',
  ])('400 with Kalshi error body: %s', async (path) => {
    const { status, body } = await getJson<ErrorBody>(sim, path);
    expect(status).toBe(400);
    expectErrorBody(body);
  });

  test('a trades cursor is not a markets cursor', async () => {
    const trades = await getJson<GetTradesResponse>(sim, '/markets/trades?limit=1');
    expect(trades.body.cursor).not.toBe('');
    const { status } = await getJson<ErrorBody>(sim, `/markets?cursor=${trades.body.cursor}`);
    expect(status).toBe(400);
  });

  test('GET /markets/{ticker} answers { market } or 404 with the error body', async () => {
    const ticker = sim.model.listMarkets()[0]!.ticker;
    const found = await getJson<GetMarketResponse>(sim, `/markets/${ticker}`);
    expect(found.status).toBe(200);
    expect(found.body.market).toEqual(sim.model.getMarket(ticker));

    const missing = await getJson<ErrorBody>(sim, '/markets/KXNOPE-26DEC-T1');
    expect(missing.status).toBe(404);
    expectErrorBody(missing.body);
    expect(missing.body.code).toBe('not_found');
  });

  test('unknown routes are 404 and other methods 405, with the error body', async () => {
    for (const path of ['/events', '/markets/X/candles', '/markets/X/orderbook/extra']) {
      const { status, body } = await getJson<ErrorBody>(sim, path);
      expect(status).toBe(404);
      expectErrorBody(body);
    }
    const outside = await fetch(sim.baseUrl.replace('/trade-api/v2', '/elsewhere'));
    expect(outside.status).toBe(404);
    await outside.body?.cancel();
    const post = await fetch(`${sim.baseUrl}/markets`, { method: 'POST', body: '{}' });
    expect(post.status).toBe(405);
    expectErrorBody(await post.json());
  });

  test('order book: bids only, ascending, consistent with the quote, depth honoured', async () => {
    const market = sim.model.listMarkets().find((m) => m.status === 'active')!;
    const { status, body } = await getJson<GetMarketOrderbookResponse>(sim, `/markets/${market.ticker}/orderbook`);
    expect(status).toBe(200);
    const { yes_dollars: yes, no_dollars: no } = body.orderbook_fp;
    expect(yes.length).toBeGreaterThan(1);
    expect(yes.at(-1)![0]).toBe(market.yes_bid_dollars);
    // YES ask = 1 − best NO bid.
    expect(Math.round((1 - Number(no.at(-1)![0])) * 100)).toBe(Math.round(Number(market.yes_ask_dollars) * 100));
    expect([...yes].sort((x, y) => Number(x[0]) - Number(y[0]))).toEqual(yes);

    const top = await getJson<GetMarketOrderbookResponse>(sim, `/markets/${market.ticker}/orderbook?depth=1`);
    expect(top.body.orderbook_fp.yes_dollars).toEqual(yes.slice(-1));
    expect((await getJson(sim, `/markets/${market.ticker}/orderbook?depth=101`)).status).toBe(400);
    expect((await getJson(sim, '/markets/NOPE/orderbook')).status).toBe(404);
  });

  test('trades: newest first, paged, filterable by ticker', async () => {
    const first = await getJson<GetTradesResponse>(sim, '/markets/trades?limit=10');
    expect(first.body.trades.length).toBe(10);
    const second = await getJson<GetTradesResponse>(sim, `/markets/trades?limit=10&cursor=${first.body.cursor}`);
    const times = [...first.body.trades, ...second.body.trades].map((t) => Date.parse(t.created_time));
    for (let i = 1; i < times.length; i++) expect(times[i]).toBeLessThanOrEqual(times[i - 1]!);
    const ids = new Set([...first.body.trades, ...second.body.trades].map((t) => t.trade_id));
    expect(ids.size).toBe(20);

    const ticker = first.body.trades[0]!.ticker;
    const mine = await getJson<GetTradesResponse>(sim, `/markets/trades?ticker=${ticker}&limit=1000`);
    expect(mine.body.trades.length).toBeGreaterThan(0);
    expect(mine.body.trades.every((t) => t.ticker === ticker)).toBe(true);
  });

  test('injected faults are served, counted, then cleared', async () => {
    const before = sim.requestCount();
    sim.injectFault({ kind: 'status', status: 503, times: 2 });
    expect((await getJson(sim, '/markets?limit=1')).status).toBe(503);
    expect((await getJson(sim, '/markets?limit=1')).status).toBe(503);
    expect((await getJson(sim, '/markets?limit=1')).status).toBe(200);
    expect(sim.requestCount() - before).toBe(3);
  });
});

describe('simulator lifecycle', () => {
  test('close() drops keep-alive sockets and stops serving', async () => {
    const sim = await startKalshiRestSimulator({ seed: 1 });
    const first = await fetch(`${sim.baseUrl}/markets?limit=1`, { keepalive: true });
    expect(first.status).toBe(200);
    await first.arrayBuffer();
    const started = Date.now();
    await sim.close();
    expect(Date.now() - started).toBeLessThan(1000);
    await expect(fetch(`${sim.baseUrl}/markets`)).rejects.toThrow();
    await sim.close();
  });

  test('on the system clock the state keeps moving between requests', async () => {
    const sim = await startKalshiRestSimulator({ seed: 2, stepIntervalMs: 10 });
    try {
      const at = sim.model.now;
      await vi.waitFor(() => expect(sim.model.now).toBeGreaterThan(at));
    } finally {
      await sim.close();
    }
  });
});
