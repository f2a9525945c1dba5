/**
 * computeAgentPnl: the definitions (realized net of fees, YES and NO marked to the mid, closed and
 * unpriced positions, revenue from John), exact decimal sums and the documented rounding; then end
 * to end against the real simulator, checked against the simulated account's own books.
 */
import { Decimal } from 'decimal.js';
import { afterEach, describe, expect, it } from 'vitest';
import { parseAttribution, attribute } from '../../src/aggregate/attribution.js';
import { DEFAULT_SIMULATED_ATTRIBUTION } from '../../src/simulators/kalshi/attribution.js';
import { computeAgentPnl, computeAgentPnlReport, type AttributedPosition, type MarketMarks } from '../../src/aggregate/pnl.js';
import { ManualClock } from '../../src/core/clock.js';
import type { BusinessMetricRecord } from '../../src/core/domain.js';
import { silentLogger } from '../../src/core/logger.js';
import { KalshiRestClient } from '../../src/sources/kalshi/client.js';
import { KalshiPortfolioPoller } from '../../src/sources/kalshi/portfolio-poller.js';
import { createSimulatorCredentials } from '../../src/simulators/kalshi/rest-auth.js';
import { startKalshiRestSimulator, type KalshiRestSimulator } from '../../src/simulators/kalshi/rest-server.js';

function position(overrides: Partial<AttributedPosition> & { ticker: string }): AttributedPosition {
  return {
    subaccount: 0,
    positionHundredths: 0,
    marketExposureMicros: 0,
    realizedPnlMicros: 0,
    feesPaidMicros: 0,
    totalTradedMicros: 0,
    lastUpdatedAt: null,
    ...overrides,
  };
}

function revenue(agentId: string, value: number, originAt = 1_000, metricName = 'revenue_usd', period = '2026-11'): BusinessMetricRecord {
  return {
    id: `metric:${agentId}:${metricName}:${period}`,
    source: 'john',
    agentId,
    metricName,
    metricValue: value,
    metricUnit: 'USD',
    period,
    comparisonPeriodValue: null,
    provenance: { originAt, fetchedAt: originAt, tier: 'LIVE' },
  };
}

function prices(table: Record<string, MarketMarks>): (ticker: string) => MarketMarks | null {
  return (ticker) => table[ticker] ?? null;
}

const ALL_TO_A = parseAttribution('subaccount:0=agent:a');

describe('computeAgentPnl', () => {
  it('marks a YES position to the mid and nets fees out of realized', () => {
    const [record] = computeAgentPnl({
      positions: [position({ ticker: 'KXA', positionHundredths: 1000, marketExposureMicros: 4_000_000, realizedPnlMicros: 1_250_000, feesPaidMicros: 70_000 })],
      markets: prices({ KXA: { bid: 0.45, ask: 0.47, last: 0.1 } }),
      revenue: [],
      rules: ALL_TO_A,
    });
    // 10 contracts × 0.46 = 4.60, cost 4.00; realized 1.25 − 0.07.
    expect(record).toEqual({ agentId: 'agent:a', revenueUsd: '0.00', realizedPnlUsd: '1.18', unrealizedPnlUsd: '0.60', totalPnlUsd: '1.78' });
  });

  it('values a NO position at 1 − the YES mid', () => {
    const [record] = computeAgentPnl({
      positions: [position({ ticker: 'KXB', positionHundredths: -500, marketExposureMicros: 2_500_000 })],
      markets: prices({ KXB: { bid: 0.4, ask: 0.43, last: null } }),
      revenue: [],
      rules: ALL_TO_A,
    });
    // 5 NO contracts × (1 − 0.415) = 2.925, cost 2.50.
    expect(record?.unrealizedPnlUsd).toBe('0.425');
    expect(record?.totalPnlUsd).toBe('0.425');
  });

  it('counts a closed position (quantity 0) in realized only, without asking for its price', () => {
    const asked: string[] = [];
    const [record] = computeAgentPnl({
      positions: [position({ ticker: 'KXC', positionHundredths: 0, realizedPnlMicros: -3_000_000, feesPaidMicros: 100_000 })],
      markets: (ticker) => {
        asked.push(ticker);
        return null;
      },
      revenue: [],
      rules: ALL_TO_A,
    });
    expect(record).toMatchObject({ realizedPnlUsd: '-3.10', unrealizedPnlUsd: '0.00', totalPnlUsd: '-3.10' });
    expect(asked).toEqual([]);
  });

  it('falls back to the last trade, and leaves an unpriced position unmarked (reported, not guessed)', () => {
    const report = computeAgentPnlReport({
      positions: [
        position({ ticker: 'ONESIDED', positionHundredths: 100, marketExposureMicros: 300_000 }),
        position({ ticker: 'NOPRICE', positionHundredths: -200, marketExposureMicros: 900_000, realizedPnlMicros: 10_000, subaccount: 0 }),
        position({ ticker: 'UNKNOWN', positionHundredths: 300, marketExposureMicros: 1_000_000 }),
      ],
      markets: prices({ ONESIDED: { bid: 0.2, ask: null, last: 0.35 }, NOPRICE: { bid: null, ask: null, last: null } }),
      revenue: [],
      rules: ALL_TO_A,
    });
    // ONESIDED: 1 × 0.35 − 0.30; the other two add nothing to unrealized.
    expect(report.records).toEqual([{ agentId: 'agent:a', revenueUsd: '0.00', realizedPnlUsd: '0.01', unrealizedPnlUsd: '0.05', totalPnlUsd: '0.06' }]);
    expect(report.unmarked).toEqual([
      { agentId: 'agent:a', ticker: 'NOPRICE', subaccount: 0 },
      { agentId: 'agent:a', ticker: 'UNKNOWN', subaccount: 0 },
    ]);
  });

  it('splits by attribution, adds John revenue (latest record), lists agents with either, sorted', () => {
    const records = computeAgentPnl({
      positions: [
        position({ ticker: 'KXNBAGAME-1', subaccount: 1, realizedPnlMicros: 5_000_000 }),
        position({ ticker: 'KXCPI-1', subaccount: 1, realizedPnlMicros: 2_000_000 }),
        position({ ticker: 'KXCPI-2', subaccount: 7, realizedPnlMicros: 1_000_000 }),
      ],
      markets: prices({}),
      revenue: [
        revenue('agent:john:main', 1000, 1_000),
        revenue('agent:john:main', 1234.56, 2_000),
        revenue('agent:john:main', 99, 3_000, 'deals_closed'),
        revenue('agent:kalshi:sports', 0.1),
        revenue('agent:john:smb', Number.NaN),
      ],
      rules: parseAttribution('subaccount:1=agent:kalshi:macro,prefix:KXNBA=agent:kalshi:sports'),
    });
    expect(records).toEqual([
      { agentId: 'agent:john:main', revenueUsd: '1234.56', realizedPnlUsd: '0.00', unrealizedPnlUsd: '0.00', totalPnlUsd: '1234.56' },
      { agentId: 'agent:kalshi:macro', revenueUsd: '0.00', realizedPnlUsd: '2.00', unrealizedPnlUsd: '0.00', totalPnlUsd: '2.00' },
      { agentId: 'agent:kalshi:sports', revenueUsd: '0.10', realizedPnlUsd: '5.00', unrealizedPnlUsd: '0.00', totalPnlUsd: '5.10' },
      { agentId: 'agent:unattributed', revenueUsd: '0.00', realizedPnlUsd: '1.00', unrealizedPnlUsd: '0.00', totalPnlUsd: '1.00' },
    ]);
  });

  it('returns nothing for nothing', () => {
    expect(computeAgentPnl({ positions: [], markets: prices({}), revenue: [], rules: [] })).toEqual([]);
  });

  it('sums many small amounts exactly (where floats drift)', () => {
    const positions: AttributedPosition[] = [];
    let float = 0;
    for (let i = 0; i < 1000; i++) {
      // $0.10 and $0.20 realized, $0.01 fee, and 0.01 contract marked at mid 0.3 (cost 0): all exact in decimal.
      positions.push(position({ ticker: `T${i}`, realizedPnlMicros: i % 2 === 0 ? 100_000 : 200_000, feesPaidMicros: 10_000, positionHundredths: 1 }));
      float += i % 2 === 0 ? 0.1 : 0.2;
      float -= 0.01;
    }
    expect(float).not.toBe(140); // the naive sum is off
    const [record] = computeAgentPnl({
      positions,
      markets: () => ({ bid: 0.1, ask: 0.5, last: null }),
      revenue: [revenue('agent:a', 0.1), revenue('agent:a', 0.2, 0)],
      rules: ALL_TO_A,
    });
    // 500 × 0.1 + 500 × 0.2 − 1000 × 0.01 = 140; 1000 × 0.01 × 0.3 = 3.
    expect(record).toEqual({ agentId: 'agent:a', revenueUsd: '0.10', realizedPnlUsd: '140.00', unrealizedPnlUsd: '3.00', totalPnlUsd: '143.10' });
  });

  it('rounds half-even to the micro-dollar once, and total is the sum of the shown parts', () => {
    const run = (bid: number, ask: number) =>
      computeAgentPnl({
        positions: [position({ ticker: 'X', positionHundredths: 1 })],
        markets: () => ({ bid, ask, last: null }),
        revenue: [revenue('agent:a', 1e-7 * 5)],
        rules: ALL_TO_A,
      })[0];
    // 0.01 × 0.45555 = 0.0045555 → 0.004556 (to even); 0.01 × 0.45545 = 0.0045545 → 0.004554.
    expect(run(0.4555, 0.4556)).toMatchObject({ unrealizedPnlUsd: '0.004556', revenueUsd: '0.00', totalPnlUsd: '0.004556' });
    expect(run(0.4554, 0.4555)).toMatchObject({ unrealizedPnlUsd: '0.004554' });
  });

  it('prints 2 to 6 decimals and never a negative zero', () => {
    const one = (realizedPnlMicros: number) =>
      computeAgentPnl({ positions: [position({ ticker: 'X', realizedPnlMicros })], markets: prices({}), revenue: [], rules: ALL_TO_A })[0]?.realizedPnlUsd;
    expect(one(12_500_000)).toBe('12.50');
    expect(one(-5)).toBe('-0.000005');
    expect(one(3_141_500)).toBe('3.1415');
    expect(one(-1_000_000)).toBe('-1.00');
    expect(one(123_456_789_012_345)).toBe('123456789.012345');
    const tiny = computeAgentPnl({ positions: [], markets: prices({}), revenue: [revenue('agent:a', -1e-9)], rules: [] })[0];
    expect(tiny?.revenueUsd).toBe('0.00');
  });
});

describe('computeAgentPnl end to end against the simulator', () => {
  let sim: KalshiRestSimulator | null = null;
  let client: KalshiRestClient | null = null;
  afterEach(async () => {
    await client?.close();
    await sim?.close();
    sim = null;
    client = null;
  });

  async function readPortfolio(seed: number) {
    const clock = new ManualClock();
    const { credentials, publicKey } = createSimulatorCredentials();
    sim = await startKalshiRestSimulator({
      clock,
      seed,
      publicKey,
      apiKeyId: credentials.keyId,
      rateLimit: false,
      portfolioOptions: { meanTradeIntervalMs: 5_000 },
    });
    client = new KalshiRestClient({ baseUrl: sim.baseUrl, credentials, clock, rateLimit: false, timeoutMs: 2000 });
    // Ten simulated minutes: about a hundred trades, some sells (realized P&L), maybe settlements.
    await clock.advance(600_000);
    const received: AttributedPosition[][] = [];
    const poller = new KalshiPortfolioPoller({
      client,
      clock,
      guard: { call: (_operation, fn) => fn(new AbortController().signal) },
      logger: silentLogger,
      subaccounts: [0, 1, 2],
      intervalMs: 60_000,
      onPositions: (positions) => received.push(positions),
    });
    await poller.pollOnce();
    expect(received).toHaveLength(1);
    const model = sim.model;
    const markets = (ticker: string): MarketMarks | null => {
      const state = model.getState(ticker);
      if (!state) return null;
      return {
        bid: state.quote ? state.quote.bidCents / 100 : null,
        ask: state.quote ? state.quote.askCents / 100 : null,
        last: state.lastCents === null ? null : state.lastCents / 100,
      };
    };
    return { sim, positions: received[0]!, markets };
  }

  const microsOf = (usd: string | undefined) => new Decimal(usd ?? 'NaN').times(1_000_000).toNumber();

  it("per subaccount agent: realized − fees matches the account's cash identity, unrealized the mid marks", async () => {
    const { sim, positions, markets } = await readPortfolio(11);
    const rules = parseAttribution('subaccount:0=agent:s0,subaccount:1=agent:s1,subaccount:2=agent:s2');
    const report = computeAgentPnlReport({ positions, markets, revenue: [], rules });
    expect(report.records.map((r) => r.agentId)).toEqual(['agent:s0', 'agent:s1', 'agent:s2']);
    expect(positions.some((p) => p.positionHundredths > 0)).toBe(true);
    expect(positions.some((p) => p.positionHundredths < 0)).toBe(true);
    expect(sim.portfolio.fills().some((f) => f.action === 'sell')).toBe(true);
    for (const account of sim.portfolio.accounts()) {
      const listed = sim.portfolio.listPositions(account.subaccount);
      const exposure = listed.reduce((sum, p) => sum + p.exposureMicros, 0);
      // cash = deposit + Σ realized − Σ fees − Σ exposure, archived (pruned) positions included.
      const expectedRealized = account.cashMicros - account.depositedMicros + exposure - account.archivedRealizedMicros + account.archivedFeesMicros;
      const record = report.records.find((r) => r.agentId === `agent:s${account.subaccount}`);
      expect(microsOf(record?.realizedPnlUsd)).toBe(expectedRealized);
      let unrealized = 0;
      for (const p of listed) {
        if (p.positionHundredths === 0) continue;
        const state = sim.model.getState(p.ticker);
        const held = Math.abs(p.positionHundredths);
        // Integer micro-dollars: hundredths × cents × 100, the mid as (bid + ask) × 50.
        const yesValue = state?.quote ? held * (state.quote.bidCents + state.quote.askCents) * 50 : held * (state?.lastCents ?? Number.NaN) * 100;
        const value = p.positionHundredths > 0 ? yesValue : held * 100 * 100 - yesValue;
        unrealized += value - p.exposureMicros;
      }
      expect(microsOf(record?.unrealizedPnlUsd)).toBe(unrealized);
      expect(microsOf(record?.totalPnlUsd)).toBe(expectedRealized + unrealized);
    }
    expect(report.unmarked).toEqual([]);
  });

  it('with the default attribution, each agent gets exactly the books of its positions', async () => {
    const { sim, positions, markets } = await readPortfolio(23);
    const records = computeAgentPnl({ positions, markets, revenue: [revenue('agent:john:main', 4200.5)], rules: DEFAULT_SIMULATED_ATTRIBUTION });
    const expected = new Map<string, number>();
    for (const p of sim.portfolio.listPositions()) {
      const agent = attribute(p, DEFAULT_SIMULATED_ATTRIBUTION);
      expected.set(agent, (expected.get(agent) ?? 0) + p.realizedPnlMicros - p.feesMicros);
    }
    expect(records.map((r) => r.agentId)).toEqual(['agent:john:main', ...[...expected.keys()].sort()]);
    expect(records[0]).toMatchObject({ revenueUsd: '4200.50', totalPnlUsd: '4200.50' });
    for (const [agent, micros] of expected) {
      expect(microsOf(records.find((r) => r.agentId === agent)?.realizedPnlUsd)).toBe(micros);
    }
  });
});
