/** LiveInsights: the tier an insight from the engine's memory is served with. */
import { describe, expect, it } from 'vitest';
import { LiveInsights, type InsightMemory } from '../../src/aggregate/live-insights.js';
import type { InsightRecord } from '../../src/core/domain.js';

const insight = (id: string, tickers: string[]): InsightRecord => ({
  id,
  source: 'anthropic',
  tickers,
  sentiment: 'NEUTRAL',
  sentimentScore: 0,
  keyFactors: [],
  riskLevel: 'LOW',
  confidence: 0.5,
  summary: id,
  model: 'claude-haiku-4-5',
  createdAt: new Date(0).toISOString(),
  provenance: { originAt: 0, fetchedAt: 0, tier: 'LIVE', simulated: true },
});

/** Newest first, like the insight engine. */
function memory(insights: InsightRecord[]): InsightMemory {
  return {
    latest: (ticker) => insights.find((i) => ticker === null || i.tickers.includes(ticker)) ?? null,
    list: (ticker, limit) => insights.filter((i) => ticker === null || i.tickers.includes(ticker)).slice(0, limit),
  };
}

describe('LiveInsights', () => {
  const newest = insight('insight:2', ['B']);
  const older = insight('insight:1', ['A', 'B']);

  it('serves the newest insight LIVE while Anthropic is live, every older one as held in memory (L1)', () => {
    const insights = new LiveInsights(
      () => memory([newest, older]),
      () => true,
    );
    expect(insights.latest(null)?.provenance.tier).toBe('LIVE');
    expect(insights.latest('B')?.provenance.tier).toBe('LIVE');
    // The newest covering A is not the newest insight: a copy held in memory.
    expect(insights.latest('A')).toMatchObject({ id: 'insight:1', provenance: { tier: 'L1' } });
    expect(insights.list(null, 10).map((i) => [i.id, i.provenance.tier])).toEqual([
      ['insight:2', 'LIVE'],
      ['insight:1', 'L1'],
    ]);
  });

  it('serves everything as L1 while Anthropic is not live, and keeps the other stamps', () => {
    const insights = new LiveInsights(
      () => memory([newest, older]),
      () => false,
    );
    expect(insights.latest(null)?.provenance).toEqual({ originAt: 0, fetchedAt: 0, tier: 'L1', simulated: true });
  });

  it('has nothing before the engine exists', () => {
    const insights = new LiveInsights(
      () => null,
      () => true,
    );
    expect(insights.latest(null)).toBeNull();
    expect(insights.list('A', 5)).toEqual([]);
  });
});
