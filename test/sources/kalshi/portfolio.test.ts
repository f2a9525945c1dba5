/**
 * The portfolio: parsing positions and balances into integers, the simulated account's accounting
 * as it trades, and the signed endpoints end to end (client ↔ simulator), including the 401s.
 */
import { generateKeyPairSync } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { ManualClock } from '../../../src/core/clock.js';
import { UpstreamError } from '../../../src/core/errors.js';
import { KalshiRestClient } from '../../../src/sources/kalshi/client.js';
import { normalizeBalance, normalizePositions, type KalshiPosition } from '../../../src/sources/kalshi/portfolio.js';
import type { ErrorBody, GetBalanceResponse, MarketPosition } from '../../../src/sources/kalshi/protocol.js';
import { signKalshiRequest } from '../../../src/sources/kalshi/signing.js';
import { PayloadShapeError, readBalanceResponse, readPositionsPage } from '../../../src/sources/kalshi/wire-guards.js';
import { KalshiMarketModel } from '../../../src/simulators/kalshi/market-model.js';
import { kalshiFeeMicros, KalshiPortfolioModel } from '../../../src/simulators/kalshi/portfolio-model.js';
import { createSimulatorCredentials } from '../../../src/simulators/kalshi/rest-auth.js';
import { startKalshiRestSimulator, type KalshiRestSimulator } from '../../../src/simulators/kalshi/rest-server.js';

const START = Date.UTC(2026, 10, 24, 12, 0, 0);
const DEPOSIT_MICROS = 10_000 * 1_000_000;

async function upstreamErrorOf(call: Promise<unknown>): Promise<UpstreamError> {
  const error = await call.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(UpstreamError);
  return error as UpstreamError;
}

const sum = (positions: readonly KalshiPosition[], pick: (p: KalshiPosition) => number): number => positions.reduce((total, p) => total + pick(p), 0);

describe('portfolio envelope guards', () => {
  test('readPositionsPage: market_positions must be an array of objects; cursor and event_positions may be absent', () => {
    expect(readPositionsPage({ market_positions: [{ ticker: 'A' }], event_positions: [], cursor: 'c' })).toEqual({
      market_positions: [{ ticker: 'A' }],
      event_positions: [],
      cursor: 'c',
    });
    expect(readPositionsPage({ market_positions: [] })).toEqual({ market_positions: [], event_positions: [], cursor: '' });
    expect(readPositionsPage({ market_positions: [], event_positions: null, cursor: null }).cursor).toBe('');
    for (const bad of [
      null,
      [],
      'x',
      {},
      { market_positions: {} },
      { market_positions: [1] },
      { market_positions: [], event_positions: 'x' },
      { market_positions: [], cursor: 5 },
    ]) {
      expect(() => readPositionsPage(bad)).toThrow(PayloadShapeError);
    }
  });

  test('readBalanceResponse: an object with balance_dollars (string) or balance (number)', () => {
    expect(readBalanceResponse({ balance: 5 })).toEqual({ balance: 5 });
    expect(readBalanceResponse({ balance_dollars: '5.00' })).toEqual({ balance_dollars: '5.00' });
    for (const bad of [null, [], { balance: '5' }, { balance_dollars: 5 }, { portfolio_value: 1 }]) {
      expect(() => readBalanceResponse(bad)).toThrow(PayloadShapeError);
    }
  });
});

describe('normalizePositions', () => {
  const wire: MarketPosition = {
    ticker: 'KXFED-26DEC-T4.00',
    exchange_index: 0,
    position_fp: '-12.50',
    market_exposure_dollars: '7.3750',
    realized_pnl_dollars: '-1.204500',
    fees_paid_dollars: '0.4100',
    total_traded_dollars: '31.0000',
    last_updated_ts: '2026-11-24T11:59:30.250Z',
  };

  test('parses counts to signed hundredths and money to micro-dollars', () => {
    expect(normalizePositions([wire, { ...wire, ticker: 'KXCPI-26DEC-T3.0', position_fp: '40.00' }])).toEqual([
      {
        ticker: 'KXFED-26DEC-T4.00',
        positionHundredths: -1250,
        marketExposureMicros: 7_375_000,
        realizedPnlMicros: -1_204_500,
        feesPaidMicros: 410_000,
        totalTradedMicros: 31_000_000,
        lastUpdatedAt: Date.parse('2026-11-24T11:59:30.250Z'),
      },
      expect.objectContaining({ ticker: 'KXCPI-26DEC-T3.0', positionHundredths: 4000 }),
    ]);
  });

  test('a missing time is null; numeric epoch strings are read as seconds or milliseconds', () => {
    const noTime: Omit<typeof wire, 'last_updated_ts'> & Partial<typeof wire> = { ...wire };
    delete noTime.last_updated_ts;
    expect(normalizePositions([noTime])[0]!.lastUpdatedAt).toBeNull();
    expect(normalizePositions([{ ...wire, last_updated_ts: '1795521600' }])[0]!.lastUpdatedAt).toBe(1_795_521_600_000);
    expect(normalizePositions([{ ...wire, last_updated_ts: '1795521600123' }])[0]!.lastUpdatedAt).toBe(1_795_521_600_123);
  });

  test.each([
    [{ position_fp: undefined }, /position KXFED-26DEC-T4\.00: position_fp: expected a contract count string/],
    [{ position_fp: 12 }, /position_fp: expected a contract count string, got number 12/],
    [{ market_exposure_dollars: '7.37.5' }, /market_exposure_dollars: "7\.37\.5" is not a dollar amount/],
    [{ realized_pnl_dollars: null }, /realized_pnl_dollars/],
    [{ fees_paid_dollars: 'NaN' }, /fees_paid_dollars/],
    [{ total_traded_dollars: undefined }, /total_traded_dollars/],
    [{ last_updated_ts: 'yesterday' }, /last_updated_ts "yesterday" is not a time/],
    [{ ticker: '' }, /position #0 has no ticker/],
  ])('a malformed position fails the whole read as a data error: %j', (patch, message) => {
    const broken = { ...wire, ...patch } as unknown as MarketPosition;
    let error: unknown;
    try {
      normalizePositions([broken]);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(UpstreamError);
    expect(error).toMatchObject({ source: 'kalshi', category: 'data', retryable: false });
    expect((error as Error).message).toMatch(message);
  });
});

describe('normalizeBalance', () => {
  test('prefers the exact dollar string; falls back to integer cents', () => {
    const wire: GetBalanceResponse = { balance: 1234567, balance_dollars: '12345.678901', portfolio_value: 50025, updated_ts: 1_795_521_600 };
    expect(normalizeBalance(wire)).toEqual({ balanceMicros: 12_345_678_901, portfolioValueMicros: 500_250_000, updatedAt: 1_795_521_600_000 });
    expect(normalizeBalance({ balance: 1234567 })).toEqual({ balanceMicros: 12_345_670_000, portfolioValueMicros: null, updatedAt: null });
  });

  test.each([
    [{}, /balance: expected a dollar amount string|balance must be an integer number of cents/],
    [{ balance: 12.5 }, /balance must be an integer number of cents/],
    [{ balance_dollars: 'lots' }, /balance_dollars/],
    [{ balance: 1, portfolio_value: '5' }, /portfolio_value must be an integer number of cents/],
    [{ balance: 1, updated_ts: 'now' }, /updated_ts must be a Unix timestamp/],
  ])('%j is a data error', (wire, message) => {
    expect(() => normalizeBalance(wire as GetBalanceResponse)).toThrow(message);
    expect(() => normalizeBalance(wire as GetBalanceResponse)).toThrow(UpstreamError);
  });
});

describe('KalshiPortfolioModel', () => {
  const make = (seed = 3): KalshiPortfolioModel => {
    // Short market lifetimes, so positions also get settled within the test's half hour.
    const model = new KalshiMarketModel({ startAtMs: START, seed, meanMarketLifetimeMs: 6 * 60_000, settlementTimerSeconds: 20 });
    return new KalshiPortfolioModel({ model, seed: seed * 7 + 1, meanTradeIntervalMs: 15_000 });
  };

  /** cash = deposit + Σ realized − Σ fees − Σ exposure, per subaccount, at every moment. */
  const expectBooksBalance = (portfolio: KalshiPortfolioModel): void => {
    for (const account of portfolio.accounts()) {
      const positions = portfolio.listPositions(account.subaccount);
      let expected = account.depositedMicros + account.archivedRealizedMicros - account.archivedFeesMicros;
      for (const p of positions) expected += p.realizedPnlMicros - p.feesMicros - p.exposureMicros;
      expect(account.cashMicros).toBe(expected);
      expect(account.cashMicros).toBeGreaterThanOrEqual(0);
      for (const p of positions) {
        expect(p.exposureMicros).toBeGreaterThanOrEqual(0);
        expect(p.positionHundredths === 0).toBe(p.exposureMicros === 0);
        expect(p.feesMicros).toBeGreaterThanOrEqual(0);
        expect(Number.isSafeInteger(p.realizedPnlMicros)).toBe(true);
      }
    }
  };

  test('starts with YES and NO positions across series and subaccounts', () => {
    const portfolio = make();
    const positions = portfolio.listPositions();
    expect(positions.length).toBe(6);
    expect(positions.some((p) => p.positionHundredths > 0)).toBe(true);
    expect(positions.some((p) => p.positionHundredths < 0)).toBe(true);
    expect(new Set(positions.map((p) => p.ticker.split('-')[0])).size).toBe(6);
    expect(new Set(positions.map((p) => p.subaccount))).toEqual(new Set([0, 1, 2]));
    // A series always lands in the same subaccount.
    for (const p of positions) expect(positions.filter((q) => q.seriesTicker === p.seriesTicker).every((q) => q.subaccount === p.subaccount)).toBe(true);
    expect(positions.some((p) => p.realizedPnlMicros !== 0 && p.feesMicros > 0)).toBe(true);
    expectBooksBalance(portfolio);
  });

  test('trades as time passes: buys, sells and settlements, with the books balanced after every step', () => {
    const portfolio = make();
    const before = JSON.stringify(portfolio.listPositions());
    for (let minute = 1; minute <= 30; minute++) {
      portfolio.step(START + minute * 60_000);
      expectBooksBalance(portfolio);
    }
    expect(JSON.stringify(portfolio.listPositions())).not.toBe(before);
    const actions = new Set(portfolio.fills().map((f) => f.action));
    expect(actions).toEqual(new Set(['buy', 'sell', 'settle']));
    for (const fill of portfolio.fills()) {
      expect(fill.at).toBeGreaterThan(START);
      if (fill.action !== 'settle') {
        expect(fill.priceCents).toBeGreaterThanOrEqual(1);
        expect(fill.priceCents).toBeLessThanOrEqual(99);
        expect(fill.feeMicros).toBe(kalshiFeeMicros(fill.countHundredths, fill.priceCents));
      }
    }
    expect(portfolio.listPositions().filter((p) => p.positionHundredths !== 0).length).toBeGreaterThanOrEqual(3);
  });

  test('is a pure function of seed and time: the same in small and large steps', () => {
    const a = make(9);
    const b = make(9);
    for (let s = 1; s <= 900; s++) a.step(START + s * 1000);
    b.step(START + 450_000);
    b.step(START + 900_000);
    expect(a.listPositions()).toEqual(b.listPositions());
    expect(a.accounts()).toEqual(b.accounts());
    expect(a.fills()).toEqual(b.fills());
    expect(a.model.listMarkets()).toEqual(b.model.listMarkets());
    expect(make(10).listPositions()).not.toEqual(make(9).listPositions());
  });

  test('does not disturb the market model: its state is the one it has without a portfolio', () => {
    const alone = new KalshiMarketModel({ startAtMs: START, seed: 4 });
    const traded = new KalshiPortfolioModel({ model: new KalshiMarketModel({ startAtMs: START, seed: 4 }), meanTradeIntervalMs: 5000 });
    alone.step(START + 600_000);
    traded.step(START + 600_000);
    expect(traded.model.listMarkets()).toEqual(alone.listMarkets());
  });

  test("Kalshi's fee: 7% of C·P·(1−P), rounded up to the cent", () => {
    expect(kalshiFeeMicros(100, 50)).toBe(20_000); // 0.0175 → 0.02
    expect(kalshiFeeMicros(10_000, 50)).toBe(1_750_000); // 100 contracts: 1.75 exactly
    expect(kalshiFeeMicros(100, 1)).toBe(10_000); // 0.000693 → 0.01
    expect(kalshiFeeMicros(50, 30)).toBe(10_000);
  });
});

describe('portfolio endpoints, signed, client ↔ simulator', () => {
  let clock: ManualClock;
  let sim: KalshiRestSimulator;
  let client: KalshiRestClient;
  let credentials: ReturnType<typeof createSimulatorCredentials>['credentials'];

  beforeAll(async () => {
    clock = new ManualClock(START);
    const pair = createSimulatorCredentials('northstar-test-key');
    credentials = pair.credentials;
    sim = await startKalshiRestSimulator({
      clock,
      seed: 23,
      publicKey: pair.publicKey,
      apiKeyId: 'northstar-test-key',
      portfolioOptions: { meanTradeIntervalMs: 10_000 },
      rateLimit: false,
    });
    client = new KalshiRestClient({ baseUrl: sim.baseUrl, clock, credentials, rateLimit: false });
  });
  afterAll(async () => {
    await client.close();
    await sim.close();
  });

  test('positions of each subaccount parse and match the simulated account', async () => {
    for (const subaccount of [0, 1, 2]) {
      const scan = await client.getAllPositions({ subaccount });
      expect(scan.cursor).toBe('');
      const positions = normalizePositions(scan.marketPositions);
      const expected = sim.portfolio.listPositions(subaccount);
      expect(positions.map((p) => p.ticker)).toEqual(expected.map((p) => p.ticker));
      expect(positions.map((p) => p.positionHundredths)).toEqual(expected.map((p) => p.positionHundredths));
      expect(positions.length).toBeGreaterThan(0);
      expect(new Set(scan.eventPositions.map((e) => e.event_ticker))).toEqual(new Set(expected.map((p) => p.eventTicker)));
    }
    const all = [0, 1, 2].flatMap((subaccount) => sim.portfolio.listPositions(subaccount));
    expect(all.some((p) => p.positionHundredths > 0) && all.some((p) => p.positionHundredths < 0)).toBe(true);
  });

  test('paging, ticker and count filters', async () => {
    const expected = sim.portfolio.listPositions(0).map((p) => p.ticker);
    const paged = await client.getAllPositions({ limit: 1 });
    expect(paged.pages).toBe(expected.length);
    expect(paged.marketPositions.map((p) => p.ticker)).toEqual(expected);
    const one = await client.getPositions({ ticker: expected[0]! });
    expect(one.market_positions.map((p) => p.ticker)).toEqual([expected[0]]);
    const open = await client.getPositions({ countFilter: ['position'], subaccount: 1 });
    expect(open.market_positions.every((p) => p.position_fp !== '0.00')).toBe(true);
    expect((await client.getPositions({ subaccount: 40 })).market_positions).toEqual([]);
  });

  test('balance parses; the dollar string and the cents agree', async () => {
    const wire = await client.getBalance();
    const balance = normalizeBalance(wire);
    const account = sim.portfolio.account(0)!;
    expect(balance.balanceMicros).toBe(account.cashMicros);
    expect(wire.balance).toBe(Math.floor(account.cashMicros / 10_000));
    expect(balance.portfolioValueMicros).toBe(Math.floor(sim.portfolio.portfolioValueMicros(0) / 10_000) * 10_000);
    expect(balance.updatedAt).toBe(Math.floor(account.updatedAt / 1000) * 1000);
    const other = normalizeBalance(await client.getBalance({ subaccount: 2 }));
    expect(other.balanceMicros).toBe(sim.portfolio.account(2)!.cashMicros);
  });

  test('as the clock advances the account trades, and what the API says stays consistent', async () => {
    const read = async () =>
      Promise.all(
        [0, 1, 2].map(async (subaccount) => ({
          positions: normalizePositions((await client.getAllPositions({ subaccount })).marketPositions),
          balance: normalizeBalance(await client.getBalance({ subaccount })),
        })),
      );
    const before = await read();
    await clock.advance(3 * 60_000);
    const after = await read();
    expect(after).not.toEqual(before);
    const changed = after.flatMap((a, i) =>
      a.positions.filter((p) => {
        const old = before[i]!.positions.find((q) => q.ticker === p.ticker);
        return !old || old.positionHundredths !== p.positionHundredths || old.realizedPnlMicros !== p.realizedPnlMicros;
      }),
    );
    expect(changed.length).toBeGreaterThan(0);
    expect(changed.every((p) => p.lastUpdatedAt! > START)).toBe(true);
    // Books balance over the wire: cash = deposit + Σ realized − Σ fees − Σ exposure (nothing archived yet).
    for (const { positions, balance } of after) {
      expect(balance.balanceMicros).toBe(
        DEPOSIT_MICROS + sum(positions, (p) => p.realizedPnlMicros) - sum(positions, (p) => p.feesPaidMicros) - sum(positions, (p) => p.marketExposureMicros),
      );
    }
  });

  test('a 200 of the wrong shape is a data error, not retryable', async () => {
    sim.injectFault({ kind: 'status', status: 200, body: { positions: [] }, times: 1 });
    const error = await upstreamErrorOf(client.getPositions());
    expect(error).toMatchObject({ category: 'data', retryable: false });
    expect(error.message).toMatch(/"market_positions" is missing/);
    sim.injectFault({ kind: 'status', status: 200, body: { balance: 'lots' }, times: 1 });
    expect(await upstreamErrorOf(client.getBalance())).toMatchObject({ category: 'data', retryable: false });
  });

  test('market data stays public: no signature needed', async () => {
    const response = await fetch(`${sim.baseUrl}/markets?limit=1`);
    expect(response.status).toBe(200);
    await response.body?.cancel();
  });

  test("unsigned, stale, foreign-key and wrong-key-id requests get 401 with Kalshi's error body", async () => {
    const url = `${sim.baseUrl}/portfolio/positions`;
    const path = new URL(url).pathname;
    const expect401 = async (headers: Record<string, string>, reason: RegExp) => {
      const response = await fetch(`${url}?limit=5`, { headers });
      expect(response.status).toBe(401);
      const body = (await response.json()) as ErrorBody;
      expect(Object.keys(body).sort()).toEqual(['code', 'details', 'message', 'service']);
      expect(body.code).toBe('authentication_error');
      expect(body.details).toMatch(reason);
    };
    await expect401({}, /missing KALSHI-ACCESS-KEY/);
    expect((await fetch(`${sim.baseUrl}/%70ortfolio/balance`)).status).toBe(401);
    await expect401(signKalshiRequest(credentials, 'GET', path, clock.now() - 10_000), /away from the server clock/);
    const foreign = { keyId: 'northstar-test-key', privateKey: generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey };
    await expect401(signKalshiRequest(foreign, 'GET', path, clock.now()), /signature does not match/);
    await expect401(signKalshiRequest({ ...credentials, keyId: 'someone-else' }, 'GET', path, clock.now()), /unknown API key/);
    // Signed for another path.
    await expect401(signKalshiRequest(credentials, 'GET', `${sim.baseUrl.replace(/^http:\/\/[^/]+/, '')}/portfolio/balance`, clock.now()), /does not match/);
    // The right signature, with the query string on the wire: accepted.
    expect((await fetch(`${url}?limit=5`, { headers: signKalshiRequest(credentials, 'GET', path, clock.now()) })).status).toBe(200);
  });

  test('the client maps a 401 to a final auth error', async () => {
    const foreign = { keyId: 'northstar-test-key', privateKey: generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey };
    const wrong = new KalshiRestClient({ baseUrl: sim.baseUrl, clock, credentials: foreign, rateLimit: false });
    try {
      const error = await upstreamErrorOf(wrong.getPositions());
      expect(error).toMatchObject({ source: 'kalshi', category: 'auth', retryable: false, status: 401 });
      expect(error.message).toMatch(/authentication_error/);
      expect(await upstreamErrorOf(wrong.getBalance())).toMatchObject({ category: 'auth', retryable: false, status: 401 });
    } finally {
      await wrong.close();
    }
  });

  test('without credentials the portfolio calls fail as auth errors before any request', async () => {
    const anonymous = new KalshiRestClient({ baseUrl: sim.baseUrl, clock, rateLimit: false });
    try {
      const before = sim.requestCount();
      for (const call of [anonymous.getPositions(), anonymous.getAllPositions(), anonymous.getBalance()]) {
        const error = await upstreamErrorOf(call);
        expect(error).toMatchObject({ source: 'kalshi', category: 'auth', retryable: false, status: undefined });
        expect(error.message).toMatch(/needs API credentials/);
      }
      expect(sim.requestCount()).toBe(before);
      // Public data still works for it.
      expect((await anonymous.listMarkets({ limit: 1 })).markets).toHaveLength(1);
    } finally {
      await anonymous.close();
    }
  });
});

describe('simulator auth modes', () => {
  test('without a public key, the portfolio only insists that the headers are there', async () => {
    const clock = new ManualClock(START);
    const sim = await startKalshiRestSimulator({ clock, seed: 2, rateLimit: false });
    try {
      expect((await fetch(`${sim.baseUrl}/portfolio/balance`)).status).toBe(401);
      const anyKey = { keyId: 'whoever', privateKey: createSimulatorCredentials().credentials.privateKey };
      const client = new KalshiRestClient({ baseUrl: sim.baseUrl, clock, credentials: anyKey, rateLimit: false });
      try {
        expect(normalizeBalance(await client.getBalance()).balanceMicros).toBeGreaterThan(0);
      } finally {
        await client.close();
      }
    } finally {
      await sim.close();
    }
  });

  test('requireAuth: market data must be signed too, and the signed client reads it', async () => {
    const clock = new ManualClock(START);
    const { credentials, publicKey } = createSimulatorCredentials();
    const sim = await startKalshiRestSimulator({ clock, seed: 2, publicKey, requireAuth: true, rateLimit: false });
    const signed = new KalshiRestClient({ baseUrl: sim.baseUrl, clock, credentials, rateLimit: false });
    const anonymous = new KalshiRestClient({ baseUrl: sim.baseUrl, clock, rateLimit: false });
    try {
      expect(await upstreamErrorOf(anonymous.listMarkets())).toMatchObject({ category: 'auth', retryable: false, status: 401 });
      expect((await signed.listMarkets({ limit: 2 })).markets).toHaveLength(2);
      const ticker = sim.model.listMarkets()[0]!.ticker;
      expect((await signed.getOrderBook(ticker, 1)).yes_dollars.length).toBeLessThanOrEqual(1);
    } finally {
      await signed.close();
      await anonymous.close();
      await sim.close();
    }
  });
});
