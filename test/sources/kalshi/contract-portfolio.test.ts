/**
 * The signed portfolio endpoints against Kalshi's official OpenAPI client, configured the way a
 * Kalshi user would (API key id + PEM private key): if kalshi-typescript's own signing gets past the
 * simulator's verification and its PortfolioApi reads positions and balance, then our signature
 * scheme, the simulator's checks and its payloads all agree with Kalshi's.
 *
 * kalshi-typescript signs with Date.now(), so the simulator's clock starts at wall time here.
 *
 * Order matters in this file: every kalshi-typescript API object adds a signing interceptor to the
 * shared global axios instance, so once a signed API exists, every later request is signed. The
 * unsigned checks therefore run before any signed API is constructed.
 */
import { Configuration, MarketApi, PortfolioApi } from 'kalshi-typescript';
import { KalshiAuth } from 'kalshi-typescript/dist/auth.js';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { ManualClock } from '../../../src/core/clock.js';
import { normalizeBalance, normalizePositions } from '../../../src/sources/kalshi/portfolio.js';
import type { GetBalanceResponse, MarketPosition } from '../../../src/sources/kalshi/protocol.js';
import { KalshiRestClient } from '../../../src/sources/kalshi/client.js';
import { verifyKalshiSignature } from '../../../src/sources/kalshi/signing.js';
import { createSimulatorCredentials } from '../../../src/simulators/kalshi/rest-auth.js';
import { startKalshiRestSimulator, type KalshiRestSimulator } from '../../../src/simulators/kalshi/rest-server.js';

const KEY_ID = 'a952bcbe-ec3b-4b5b-b8f9-11dae589608c';

describe('contract: kalshi-typescript PortfolioApi against the simulator', () => {
  let sim: KalshiRestSimulator;
  let pair: ReturnType<typeof createSimulatorCredentials>;
  let privateKeyPem: string;

  beforeAll(async () => {
    pair = createSimulatorCredentials(KEY_ID);
    // Kalshi hands out PKCS#1 PEM files; kalshi-typescript passes the PEM to node:crypto as is.
    privateKeyPem = pair.credentials.privateKey.export({ type: 'pkcs1', format: 'pem' }).toString();
    sim = await startKalshiRestSimulator({ clock: new ManualClock(Date.now()), seed: 41, publicKey: pair.publicKey, apiKeyId: KEY_ID, rateLimit: false });
  });
  afterAll(async () => {
    await sim.close();
  });

  test("kalshi-typescript's KalshiAuth headers pass our verifier (same scheme, independently implemented)", () => {
    const headers = new KalshiAuth(KEY_ID, privateKeyPem).generateAuthHeaders('GET', '/trade-api/v2/portfolio/positions');
    expect(verifyKalshiSignature(pair.publicKey, headers, 'GET', '/trade-api/v2/portfolio/positions')).toEqual({ ok: true, keyId: KEY_ID });
    expect(verifyKalshiSignature(pair.publicKey, headers, 'GET', '/trade-api/v2/portfolio/balance').ok).toBe(false);
  });

  test('without credentials PortfolioApi is refused with a 401', async () => {
    const anonymous = new PortfolioApi(new Configuration({ basePath: sim.baseUrl }));
    await expect(anonymous.getPositions()).rejects.toMatchObject({ response: { status: 401, data: { code: 'authentication_error' } } });
    await expect(anonymous.getBalance()).rejects.toMatchObject({ response: { status: 401 } });
  });

  describe('with an API key and private key', () => {
    let api: PortfolioApi;
    beforeAll(() => {
      api = new PortfolioApi(new Configuration({ basePath: sim.baseUrl, apiKey: KEY_ID, privateKeyPem }));
    });

    test('getPositions reads positions that normalize, following its own cursors', async () => {
      const positions: MarketPosition[] = [];
      let cursor: string | undefined;
      let pages = 0;
      do {
        const { status, data } = await api.getPositions(cursor, 1);
        expect(status).toBe(200);
        positions.push(...data.market_positions);
        expect(data.event_positions.length).toBeGreaterThan(0);
        cursor = data.cursor || undefined;
        pages++;
      } while (cursor);
      expect(pages).toBeGreaterThan(1);
      expect(positions.map((p) => p.ticker)).toEqual(sim.portfolio.listPositions(0).map((p) => p.ticker));
      const records = normalizePositions(positions);
      expect(records.every((r) => Number.isSafeInteger(r.positionHundredths) && r.positionHundredths !== 0)).toBe(true);
    });

    test('getPositions passes ticker and subaccount', async () => {
      const target = sim.portfolio.listPositions(1)[0]!;
      const { data } = await api.getPositions(undefined, undefined, undefined, target.ticker, undefined, 1);
      expect(data.market_positions.map((p) => p.ticker)).toEqual([target.ticker]);
      expect(normalizePositions(data.market_positions)[0]!.positionHundredths).toBe(target.positionHundredths);
    });

    test('getBalance reads a balance that normalizes to the account cash', async () => {
      const { status, data } = await api.getBalance();
      expect(status).toBe(200);
      expect(typeof data.balance).toBe('number');
      expect(typeof data.balance_dollars).toBe('string');
      expect(data.balance_breakdown?.[0]?.exchange_index).toBe(0);
      expect(normalizeBalance(data as GetBalanceResponse).balanceMicros).toBe(sim.portfolio.account(0)!.cashMicros);
    });
  });

  test("GET /markets/orderbooks (signed): kalshi-typescript's getMarketOrderbooks reads many books in one call, our client too", async () => {
    const tickers = sim.model
      .listMarkets()
      .slice(0, 3)
      .map((m) => m.ticker);
    // Unsigned: refused. (Plain fetch: kalshi-typescript's axios instance signs once any api was given a key.)
    expect((await fetch(`${sim.baseUrl}/markets/orderbooks?tickers=${tickers.join(',')}`)).status).toBe(401);
    const signed = new MarketApi(new Configuration({ basePath: sim.baseUrl, apiKey: KEY_ID, privateKeyPem }));
    const { status, data } = await signed.getMarketOrderbooks([...tickers, 'NOPE-NOT-LISTED']);
    expect(status).toBe(200);
    expect(data.orderbooks.map((b) => b.ticker)).toEqual(tickers);
    for (const entry of data.orderbooks) {
      const single = await signed.getMarketOrderbook(entry.ticker);
      expect(entry.orderbook_fp).toEqual(single.data.orderbook_fp);
    }
    const client = new KalshiRestClient({ baseUrl: sim.baseUrl, credentials: pair.credentials, rateLimit: false });
    try {
      const ours = await client.getOrderBooks(tickers);
      expect(ours.map((b) => [b.ticker, b.orderbook])).toEqual(data.orderbooks.map((b) => [b.ticker, b.orderbook_fp]));
    } finally {
      await client.close();
    }
  });
});
