/**
 * The simulator against Kalshi's official OpenAPI client: if kalshi-typescript can list markets,
 * read one market and read an order book from it, the simulator speaks the real wire format.
 */
import { Configuration, MarketApi } from 'kalshi-typescript';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { ManualClock } from '../../../src/core/clock.js';
import { normalizeMarket, normalizeOrderBook } from '../../../src/sources/kalshi/normalize.js';
import type { OrderbookFp } from '../../../src/sources/kalshi/protocol.js';
import { startKalshiRestSimulator, type KalshiRestSimulator } from '../../../src/simulators/kalshi/rest-server.js';

describe('contract: kalshi-typescript MarketApi against the simulator', () => {
  let sim: KalshiRestSimulator;
  let api: MarketApi;

  beforeAll(async () => {
    const clock = new ManualClock(Date.UTC(2026, 10, 24, 12, 0, 0));
    sim = await startKalshiRestSimulator({ clock, seed: 31 });
    await clock.advance(30_000);
    api = new MarketApi(new Configuration({ basePath: sim.baseUrl }));
  });
  afterAll(async () => {
    await sim.close();
  });

  test('getMarkets pages with its own cursor handling', async () => {
    const tickers: string[] = [];
    let cursor: string | undefined;
    do {
      const { status, data } = await api.getMarkets(10, cursor);
      expect(status).toBe(200);
      tickers.push(...data.markets.map((m) => m.ticker));
      cursor = data.cursor || undefined;
    } while (cursor);
    expect(tickers).toEqual(sim.model.listMarkets().map((m) => m.ticker));
  });

  test('getMarkets passes status, event and tickers filters', async () => {
    const { data: open } = await api.getMarkets(
      1000,
      undefined,
      undefined,
      undefined,
      undefined,
      undefined,
      undefined,
      undefined,
      undefined,
      undefined,
      undefined,
      'open',
    );
    expect(open.markets.length).toBeGreaterThanOrEqual(20);
    expect(open.markets.every((m) => m.status === 'active')).toBe(true);
    const { data: cpi } = await api.getMarkets(100, undefined, 'KXCPI-26DEC');
    expect(cpi.markets.every((m) => m.event_ticker === 'KXCPI-26DEC')).toBe(true);
  });

  test('getMarket reads one market that normalizes cleanly', async () => {
    const ticker = 'KXCPI-26DEC-T3.0';
    const { status, data } = await api.getMarket(ticker);
    expect(status).toBe(200);
    expect(data.market.ticker).toBe(ticker);
    const record = normalizeMarket(data.market, Date.now());
    expect(record.id).toBe(`kalshi:${ticker}`);
    expect(record.prices.bid!).toBeLessThan(record.prices.ask!);
  });

  test('getMarket on an unknown ticker rejects with a 404', async () => {
    await expect(api.getMarket('KXNOPE-26DEC-T1')).rejects.toMatchObject({ response: { status: 404 } });
  });

  test('getMarketOrderbook reads a book that normalizes to the market quote', async () => {
    const market = sim.model.listMarkets().find((m) => m.status === 'active')!;
    const { status, data } = await api.getMarketOrderbook(market.ticker, 3);
    expect(status).toBe(200);
    expect(data.orderbook_fp.yes_dollars).toHaveLength(3);
    const book = normalizeOrderBook(market.ticker, data.orderbook_fp as OrderbookFp, Date.now());
    expect(book.bids[0]!.price).toBe(Number(market.yes_bid_dollars));
    expect(book.asks[0]!.price).toBe(Number(market.yes_ask_dollars));
  });

  test('getTrades reads trades', async () => {
    const { status, data } = await api.getTrades(5);
    expect(status).toBe(200);
    expect(data.trades).toHaveLength(5);
    expect(typeof data.cursor).toBe('string');
  });
});
