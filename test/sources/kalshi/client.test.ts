import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { ManualClock } from '../../../src/core/clock.js';
import { UpstreamError } from '../../../src/core/errors.js';
import { KalshiRestClient } from '../../../src/sources/kalshi/client.js';
import { normalizeMarket, normalizeOrderBook } from '../../../src/sources/kalshi/normalize.js';
import { startKalshiRestSimulator, type KalshiRestSimulator } from '../../../src/simulators/kalshi/rest-server.js';

const START = Date.UTC(2026, 10, 24, 12, 0, 0);

/** A bare HTTP server for answers the simulator would never give. */
async function startRawServer(handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<{ url: string; close(): Promise<void> }> {
  const server = createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/trade-api/v2`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** Runs `call` and returns the UpstreamError it must reject with. */
async function upstreamErrorOf(call: Promise<unknown>): Promise<UpstreamError> {
  const error = await call.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(UpstreamError);
  return error as UpstreamError;
}

describe('KalshiRestClient against the simulator', () => {
  let clock: ManualClock;
  let sim: KalshiRestSimulator;
  let client: KalshiRestClient;

  beforeAll(async () => {
    clock = new ManualClock(START);
    sim = await startKalshiRestSimulator({ clock, seed: 21 });
    await clock.advance(60_000);
    client = new KalshiRestClient({ baseUrl: sim.baseUrl, timeoutMs: 2000 });
  });
  afterAll(async () => {
    await client.close();
    await sim.close();
  });

  test('listMarkets reads one page', async () => {
    const page = await client.listMarkets({ limit: 7 });
    expect(page.markets).toHaveLength(7);
    expect(page.cursor).not.toBe('');
    expect(page.markets.map((m) => m.ticker)).toEqual(
      sim.model
        .listMarkets()
        .slice(0, 7)
        .map((m) => m.ticker),
    );
  });

  test('listAllMarkets follows cursors to the end, once per market', async () => {
    const scan = await client.listAllMarkets({ limit: 7 });
    const expected = sim.model.listMarkets().map((m) => m.ticker);
    expect(scan.markets.map((m) => m.ticker)).toEqual(expected);
    expect(scan.pages).toBe(Math.ceil(expected.length / 7));
    expect(scan.cursor).toBe('');
  });

  test('listAllMarkets stops at maxPages and hands back the cursor', async () => {
    const scan = await client.listAllMarkets({ limit: 5 }, { maxPages: 2 });
    expect(scan.markets).toHaveLength(10);
    expect(scan.pages).toBe(2);
    expect(scan.cursor).not.toBe('');
    const rest = await client.listMarkets({ limit: 5, cursor: scan.cursor });
    expect(rest.markets[0]!.ticker).toBe(sim.model.listMarkets()[10]!.ticker);
  });

  test('filters reach the server', async () => {
    const open = await client.listMarkets({ status: 'open', limit: 1000 });
    expect(open.markets.every((m) => m.status === 'active')).toBe(true);
    const cpi = await client.listMarkets({ eventTicker: 'KXCPI-26DEC' });
    expect(cpi.markets.length).toBeGreaterThan(0);
    expect(cpi.markets.every((m) => m.event_ticker === 'KXCPI-26DEC')).toBe(true);
    const fed = await client.listMarkets({ seriesTicker: 'KXFED' });
    expect(fed.markets.every((m) => m.ticker.startsWith('KXFED-'))).toBe(true);
    const two = sim.model
      .listMarkets()
      .slice(2, 4)
      .map((m) => m.ticker);
    expect((await client.listMarkets({ tickers: two })).markets.map((m) => m.ticker)).toEqual(two);
  });

  test('client + normalizer give sane MarketRecords', async () => {
    const fetchedAt = clock.now();
    const { markets } = await client.listAllMarkets({ status: 'open' });
    expect(markets.length).toBeGreaterThanOrEqual(20);
    for (const wire of markets) {
      const record = normalizeMarket(wire, fetchedAt);
      expect(record.id).toBe(`kalshi:${wire.ticker}`);
      expect(record.type).toBe('PREDICTION');
      expect(record.status).toBe('ACTIVE');
      const { bid, ask, last } = record.prices;
      expect(bid).not.toBeNull();
      expect(ask).not.toBeNull();
      expect(bid!).toBeGreaterThan(0);
      expect(ask!).toBeLessThan(1);
      expect(bid!).toBeLessThan(ask!);
      expect(ask! - bid!).toBeLessThanOrEqual(0.04 + 1e-9);
      if (last !== null) expect(last > 0 && last < 1).toBe(true);
      expect(record.volume.volume!).toBeGreaterThanOrEqual(record.volume.volume24h);
      expect(record.provenance.originAt).toBeLessThanOrEqual(fetchedAt);
      expect(record.eventDate).not.toBeNull();
    }
  });

  test('getMarket returns the market, or null on 404', async () => {
    const ticker = sim.model.listMarkets()[3]!.ticker;
    expect((await client.getMarket(ticker))?.ticker).toBe(ticker);
    expect(await client.getMarket('KXNOPE-26DEC-T1')).toBeNull();
  });

  test('getOrderBook agrees with the market quote once normalized', async () => {
    const wire = sim.model.listMarkets().find((m) => m.status === 'active')!;
    const market = normalizeMarket(wire, clock.now());
    const book = normalizeOrderBook(wire.ticker, await client.getOrderBook(wire.ticker), clock.now());
    expect(book.bids[0]!.price).toBe(market.prices.bid);
    expect(book.asks[0]!.price).toBe(market.prices.ask);
    for (let i = 1; i < book.bids.length; i++) expect(book.bids[i]!.price).toBeLessThan(book.bids[i - 1]!.price);
    for (let i = 1; i < book.asks.length; i++) expect(book.asks[i]!.price).toBeGreaterThan(book.asks[i - 1]!.price);
    const top = await client.getOrderBook(wire.ticker, 1);
    expect(top.yes_dollars).toHaveLength(1);
    expect(top.no_dollars).toHaveLength(1);
  });

  test('listTrades reads a page of trades', async () => {
    const page = await client.listTrades({ limit: 5 });
    expect(page.trades).toHaveLength(5);
    expect(page.cursor).not.toBe('');
  });

  test('404 on the order book is a data error with status and request id', async () => {
    const error = await upstreamErrorOf(client.getOrderBook('KXNOPE-26DEC-T1'));
    expect(error).toMatchObject({ source: 'kalshi', category: 'data', retryable: false, status: 404 });
    expect(error.requestId).toMatch(/^sim-\d+$/);
    expect(error.message).toContain('not_found');
  });

  test("400 is a data error carrying Kalshi's message", async () => {
    const error = await upstreamErrorOf(client.listMarkets({ limit: 0 }));
    expect(error).toMatchObject({ category: 'data', retryable: false, status: 400 });
    expect(error.message).toMatch(/bad_request: invalid limit/);
  });

  test('500 and 503 are retryable service errors', async () => {
    sim.injectFault({ kind: 'status', status: 500, times: 1 });
    expect(await upstreamErrorOf(client.listMarkets())).toMatchObject({ category: 'service', retryable: true, status: 500 });
    sim.injectFault({ kind: 'status', status: 503, times: 1 });
    expect(await upstreamErrorOf(client.getMarket('X'))).toMatchObject({ category: 'service', retryable: true, status: 503 });
  });

  test("429 with Kalshi's body is a retryable rate-limit error without retry-after", async () => {
    sim.injectFault({ kind: 'status', status: 429, body: { error: 'too many requests' }, times: 1 });
    const error = await upstreamErrorOf(client.listMarkets());
    expect(error).toMatchObject({ category: 'rate_limit', retryable: true, status: 429, retryAfterMs: undefined });
    expect(error.message).toContain('too many requests');
  });

  test('401 and 403 are final auth errors', async () => {
    sim.injectFault({ kind: 'status', status: 401, times: 1 });
    expect(await upstreamErrorOf(client.listMarkets())).toMatchObject({ category: 'auth', retryable: false, status: 401 });
    sim.injectFault({ kind: 'status', status: 403, times: 1 });
    expect(await upstreamErrorOf(client.listMarkets())).toMatchObject({ category: 'auth', retryable: false, status: 403 });
  });

  test('a malformed 200 body is a data error, not retryable', async () => {
    sim.injectFault({ kind: 'malformed', times: 1 });
    const error = await upstreamErrorOf(client.listMarkets());
    expect(error).toMatchObject({ category: 'data', retryable: false, status: 200 });
    expect(error.message).toMatch(/not JSON/);
  });

  test('a reset connection is a retryable network error', async () => {
    sim.injectFault({ kind: 'reset', times: 1 });
    expect(await upstreamErrorOf(client.listMarkets())).toMatchObject({ category: 'network', retryable: true, status: undefined });
  });

  test('a slow answer times out as a retryable network error', async () => {
    // The delay runs on the simulator's manual clock, which is not advanced: the answer never comes.
    sim.injectFault({ kind: 'delay', delayMs: 60_000, times: 1 });
    const started = Date.now();
    const error = await upstreamErrorOf(client.listMarkets({}, { timeoutMs: 100 }));
    expect(error).toMatchObject({ category: 'network', retryable: true });
    expect(error.message).toMatch(/timed out after 100 ms/);
    expect(Date.now() - started).toBeLessThan(2000);
  });

  test("the caller's abort is rethrown as is, not classified", async () => {
    sim.injectFault({ kind: 'delay', delayMs: 60_000, times: 1 });
    const controller = new AbortController();
    const reason = new Error('caller went away');
    const call = client.listMarkets({}, { signal: controller.signal });
    setTimeout(() => controller.abort(reason), 20);
    await expect(call).rejects.toBe(reason);
  });

  test('an empty ticker is refused before any request', async () => {
    const before = sim.requestCount();
    await expect(client.getMarket(' ')).rejects.toThrow(/must not be empty/);
    expect(sim.requestCount()).toBe(before);
  });
});

describe('KalshiRestClient failure classification', () => {
  test('connection refused (a closed port) is a retryable network error', async () => {
    const raw = await startRawServer((_req, res) => res.end());
    await raw.close();
    const client = new KalshiRestClient({ baseUrl: raw.url, timeoutMs: 2000 });
    try {
      const error = await upstreamErrorOf(client.listMarkets());
      expect(error).toMatchObject({ source: 'kalshi', category: 'network', retryable: true, status: undefined });
      expect(error.message).toMatch(/ECONNREFUSED/);
    } finally {
      await client.close();
    }
  });

  test('garbage with a 200 is a data error; a JSON body of the wrong shape too', async () => {
    let answer = 'definitely not json {';
    const raw = await startRawServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'request-id': 'req-raw-1' });
      res.end(answer);
    });
    const client = new KalshiRestClient({ baseUrl: raw.url });
    try {
      const garbage = await upstreamErrorOf(client.listMarkets());
      expect(garbage).toMatchObject({ category: 'data', retryable: false, status: 200, requestId: 'req-raw-1' });
      expect(garbage.cause).toBeInstanceOf(SyntaxError);

      answer = JSON.stringify({ data: [] });
      const shape = await upstreamErrorOf(client.listMarkets());
      expect(shape).toMatchObject({ category: 'data', retryable: false });
      expect(shape.message).toMatch(/"markets" is missing/);

      answer = JSON.stringify({ market: 'KXCPI' });
      expect(await upstreamErrorOf(client.getMarket('KXCPI'))).toMatchObject({ category: 'data', retryable: false });

      answer = JSON.stringify({ orderbook: { yes: [[40, 10]] } });
      expect(await upstreamErrorOf(client.getOrderBook('KXCPI'))).toMatchObject({ category: 'data', retryable: false });
    } finally {
      await client.close();
      await raw.close();
    }
  });

  test('an HTML error page on a 502 is still a service error', async () => {
    const raw = await startRawServer((_req, res) => {
      res.writeHead(502, { 'content-type': 'text/html' });
      res.end('<html>Bad Gateway</html>');
    });
    const client = new KalshiRestClient({ baseUrl: raw.url });
    try {
      expect(await upstreamErrorOf(client.listMarkets())).toMatchObject({ category: 'service', retryable: true, status: 502 });
    } finally {
      await client.close();
      await raw.close();
    }
  });

  test('retry-after, when a proxy sends one, is kept', async () => {
    const raw = await startRawServer((_req, res) => {
      res.writeHead(429, { 'content-type': 'application/json', 'retry-after': '2' });
      res.end('{"error":"too many requests"}');
    });
    const client = new KalshiRestClient({ baseUrl: raw.url });
    try {
      expect(await upstreamErrorOf(client.listMarkets())).toMatchObject({ category: 'rate_limit', retryAfterMs: 2000 });
    } finally {
      await client.close();
      await raw.close();
    }
  });

  test('requestHeaders sees the path Kalshi signs; query parameters go on the wire', async () => {
    const seen: { url?: string; signature?: string } = {};
    const raw = await startRawServer((req, res) => {
      seen.url = req.url;
      seen.signature = req.headers['kalshi-access-signature'] as string | undefined;
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"markets":[],"cursor":""}');
    });
    const signed: string[] = [];
    const client = new KalshiRestClient({
      baseUrl: `${raw.url}/`,
      requestHeaders: (method, path) => {
        signed.push(`${method} ${path}`);
        return { 'KALSHI-ACCESS-SIGNATURE': 'sig' };
      },
    });
    try {
      await client.listMarkets({ limit: 3, tickers: ['A', 'B'], status: 'open', mveFilter: 'exclude' });
      expect(signed).toEqual(['GET /trade-api/v2/markets']);
      expect(seen.signature).toBe('sig');
      const url = new URL(seen.url!, 'http://x');
      expect(url.pathname).toBe('/trade-api/v2/markets');
      expect(Object.fromEntries(url.searchParams)).toEqual({ limit: '3', tickers: 'A,B', status: 'open', mve_filter: 'exclude' });
    } finally {
      await client.close();
      await raw.close();
    }
  });

  test('a signer that throws is a final auth error', async () => {
    const client = new KalshiRestClient({
      baseUrl: 'http://127.0.0.1:9/trade-api/v2',
      requestHeaders: () => {
        throw new Error('no private key');
      },
    });
    try {
      expect(await upstreamErrorOf(client.listMarkets())).toMatchObject({ category: 'auth', retryable: false });
    } finally {
      await client.close();
    }
  });
});

describe('KalshiRestClient.close', () => {
  test('a call waiting for a pacing token fails at close(), and no pacing timer is left on the clock', async () => {
    const clock = new ManualClock(START);
    const raw = await startRawServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ markets: [], cursor: '' }));
    });
    const client = new KalshiRestClient({ baseUrl: raw.url, clock, rateLimit: { ratePerSecond: 1, burst: 1 } });
    try {
      await client.listMarkets();
      // The bucket is empty: this call waits for a token, on a timer of the client's clock.
      let settled: 'pending' | 'resolved' | 'rejected' = 'pending';
      let reason: unknown;
      const waiting = client.listMarkets().then(
        () => (settled = 'resolved'),
        (error: unknown) => {
          settled = 'rejected';
          reason = error;
        },
      );
      await clock.advance(0);
      expect(clock.pending).toBe(1);

      await client.close();
      await clock.advance(0);
      expect(clock.pending).toBe(0);
      expect(settled).toBe('rejected');
      await waiting;
      expect(reason).toBeInstanceOf(UpstreamError);
      expect((reason as UpstreamError).category).toBe('network');
      // And a call after close fails the same way, without waiting for anything.
      const after = await upstreamErrorOf(client.listMarkets());
      expect(after.message).toMatch(/closed/);
    } finally {
      await client.close();
      await raw.close();
    }
  });
});
