/**
 * PortfolioPnl: the P&L state the composition root used to keep in closures (the latest positions,
 * the attribution rules), marked to the markets as held when asked. The arithmetic itself is
 * pnl.test.ts's.
 */
import { describe, expect, it } from 'vitest';
import type { AttributedPosition, MarketMarks } from '../../src/aggregate/pnl.js';
import { attributionRules, PortfolioPnl } from '../../src/aggregate/portfolio-pnl.js';
import type { BusinessMetricRecord } from '../../src/core/domain.js';
import { ConfigError } from '../../src/core/errors.js';

const position = (ticker: string, subaccount: number, contracts: number, costUsd: number): AttributedPosition => ({
  ticker,
  subaccount,
  positionHundredths: contracts * 100,
  marketExposureMicros: costUsd * 1_000_000,
  realizedPnlMicros: 0,
  feesPaidMicros: 0,
  totalTradedMicros: costUsd * 1_000_000,
  lastUpdatedAt: null,
});

const revenue = (agentId: string, value: number): BusinessMetricRecord => ({
  id: `metric:${agentId}:revenue_usd:2026-12`,
  source: 'john',
  agentId,
  metricName: 'revenue_usd',
  metricValue: value,
  metricUnit: 'USD',
  period: '2026-12',
  comparisonPeriodValue: null,
  provenance: { originAt: 0, fetchedAt: 0, tier: 'LIVE' },
});

describe('PortfolioPnl', () => {
  it('marks the latest positions to the markets as held now, attributed by the rules it was given', () => {
    const marks = new Map<string, MarketMarks>([['KXA', { bid: 0.4, ask: 0.5, last: null }]]);
    let metrics: BusinessMetricRecord[] = [];
    const pnl = new PortfolioPnl({ marks: (ticker) => marks.get(ticker) ?? null, revenue: () => metrics });
    expect(pnl.current()).toEqual([]);

    pnl.attributeBy(attributionRules('subaccount:1=agent:kalshi:one', null));
    pnl.positionsPolled([position('KXA', 1, 10, 4)]);
    // 10 YES contracts that cost $4, marked at the mid 0.45: +$0.50.
    expect(pnl.current()).toEqual([expect.objectContaining({ agentId: 'agent:kalshi:one', unrealizedPnlUsd: '0.50', totalPnlUsd: '0.50' })]);

    // The next read sees the market and John's revenue as they are then; a new poll replaces the positions.
    marks.set('KXA', { bid: 0.5, ask: 0.6, last: null });
    metrics = [revenue('agent:john:main', 100)];
    expect(pnl.current()).toEqual([
      expect.objectContaining({ agentId: 'agent:john:main', revenueUsd: '100.00' }),
      expect.objectContaining({ agentId: 'agent:kalshi:one', unrealizedPnlUsd: '1.50' }),
    ]);
    pnl.positionsPolled([]);
    expect(pnl.current().map((r) => r.agentId)).toEqual(['agent:john:main']);
  });
});

describe('attributionRules', () => {
  const simulatorDefault = attributionRules('prefix:KX=agent:sim', null);

  it('AGENT_ATTRIBUTION when set, else the simulator default, else none', () => {
    expect(attributionRules('subaccount:0=agent:x', simulatorDefault)).toEqual(attributionRules('subaccount:0=agent:x', null));
    expect(attributionRules(null, simulatorDefault)).toBe(simulatorDefault);
    expect(attributionRules(null, null)).toEqual([]);
  });

  it('a bad AGENT_ATTRIBUTION is a configuration error naming it', () => {
    expect(() => attributionRules('nonsense', null)).toThrow(ConfigError);
    expect(() => attributionRules('nonsense', null)).toThrow(/^Invalid configuration: AGENT_ATTRIBUTION /);
  });
});
