// The P&L chart's data: per-agent series from pnlHistory, extended by aggregateUpdated, a re-read
// after a reconnect that adds nothing twice, and the total over agents.
import { describe, expect, it } from 'vitest';
import {
  addPoints,
  chartColumns,
  timeWindow,
  lastSampleAt,
  mergeSamples,
  pointsOfAggregate,
  PNL_BUCKET_MS,
  since,
  totalSeries,
  type PnlPointInput,
  type PnlSample,
} from '../../dashboard/src/shaping/pnl.js';

const base = Date.parse('2026-03-10T12:00:00Z');
const iso = (ms: number): string => new Date(ms).toISOString();

function point(agentId: string, atMs: number, revenue: number, realized: number, unrealized: number): PnlPointInput {
  return { agentId, at: iso(atMs), revenueUsd: revenue, realizedPnlUsd: realized, unrealizedPnlUsd: unrealized, totalPnlUsd: revenue + realized + unrealized };
}

const sample = (atMs: number, revenue: number, realized: number, unrealized: number): PnlSample => ({
  at: atMs,
  revenue,
  realized,
  unrealized,
  total: revenue + realized + unrealized,
});

describe('per-agent series', () => {
  it('keeps revenue, realized and unrealized apart, per agent, oldest first', () => {
    const book = addPoints(new Map(), [
      point('beta', base + PNL_BUCKET_MS, 5, 0, 1),
      point('alpha', base + PNL_BUCKET_MS, 100, 20, -5),
      point('alpha', base, 90, 10, -2),
    ]);
    expect([...book.keys()]).toEqual(['alpha', 'beta']);
    expect(book.get('alpha')).toEqual([sample(base, 90, 10, -2), sample(base + PNL_BUCKET_MS, 100, 20, -5)]);
    expect(book.get('beta')).toEqual([sample(base + PNL_BUCKET_MS, 5, 0, 1)]);
  });

  it('live points inside one bucket move that bucket’s sample; the next bucket adds one', () => {
    let book = addPoints(new Map(), [point('alpha', base, 1, 0, 0)]);
    book = addPoints(book, [point('alpha', base + 500, 2, 0, 0)]);
    book = addPoints(book, [point('alpha', base + 1000, 3, 0, 0)]);
    expect(book.get('alpha')).toEqual([sample(base + 1000, 3, 0, 0)]);
    book = addPoints(book, [point('alpha', base + PNL_BUCKET_MS + 10, 4, 0, 0)]);
    expect(book.get('alpha')!.map((s) => s.revenue)).toEqual([3, 4]);
  });

  it('an older point never replaces a newer one in its minute (an answer that arrives late)', () => {
    const merged = mergeSamples([sample(base + 4000, 9, 0, 0)], [sample(base + 1000, 1, 0, 0)]);
    expect(merged).toEqual([sample(base + 4000, 9, 0, 0)]);
  });

  it('a re-read after a reconnect adds the missed points and repeats none', () => {
    const history = [0, 1, 2].map((m) => point('alpha', base + m * 60_000 + 55_000, m, m, 0));
    let book = addPoints(new Map(), history);
    const since = lastSampleAt(book, 'alpha');
    expect(since).toBe(base + 2 * 60_000 + 55_000);
    // pnlHistory from the last point held answers it again, then what was missed.
    const reread = [point('alpha', since!, 2, 2, 0), point('alpha', base + 3 * 60_000 + 55_000, 3, 3, 0), point('alpha', base + 4 * 60_000 + 55_000, 4, 4, 0)];
    book = addPoints(book, reread);
    expect(book.get('alpha')!.map((s) => s.realized)).toEqual([0, 1, 2, 3, 4]);
    book = addPoints(book, reread);
    expect(book.get('alpha')).toHaveLength(5);
  });

  it('points with a bad time or amount are skipped', () => {
    const book = addPoints(new Map(), [
      { ...point('alpha', base, 1, 1, 1), at: 'yesterday' },
      { ...point('alpha', base, 1, 1, 1), totalPnlUsd: Number.NaN },
    ]);
    expect(book.get('alpha')).toBeUndefined();
  });

  it('an agent with no points has nowhere to re-read from', () => {
    expect(lastSampleAt(new Map(), 'ghost')).toBeNull();
  });
});

describe('the window', () => {
  it('history a minute apart, then live points twice a second: one sample per bucket after the history', () => {
    let book = addPoints(new Map(), [point('alpha', base - 60_000, 1, 0, 0), point('alpha', base, 2, 0, 0)]);
    for (let i = 1; i <= 24; i++) book = addPoints(book, [point('alpha', base + i * 500, 3 + i, 0, 0)]);
    // 12 s of live points fall in the buckets of 0 s (with the history's last), 5 s and 10 s.
    expect(book.get('alpha')!.map((s) => s.at - base)).toEqual([-60_000, 4500, 9500, 12_000]);
  });

  it('since drops the samples before the window and keeps the agents', () => {
    const book = addPoints(new Map(), [point('alpha', base, 1, 0, 0), point('alpha', base + 60_000, 2, 0, 0), point('beta', base, 5, 0, 0)]);
    const trimmed = since(book, base + 1);
    expect(trimmed.get('alpha')!.map((s) => s.revenue)).toEqual([2]);
    expect(trimmed.get('beta')).toEqual([]);
  });
});

describe('the aggregate as live points', () => {
  it('each agent’s P&L at the aggregate’s takenAt', () => {
    const points = pointsOfAggregate({
      takenAt: iso(base),
      pnl: [{ agentId: 'alpha', revenueUsd: 1, realizedPnlUsd: 2, unrealizedPnlUsd: 3, totalPnlUsd: 6 }],
    });
    expect(points).toEqual([{ agentId: 'alpha', at: iso(base), revenueUsd: 1, realizedPnlUsd: 2, unrealizedPnlUsd: 3, totalPnlUsd: 6 }]);
  });
});

describe('totalSeries', () => {
  it('sums every agent per bucket, field by field', () => {
    const book = addPoints(new Map(), [point('alpha', base, 10, 1, -1), point('beta', base + 5, 20, 2, 3)]);
    expect(totalSeries(book)).toEqual([{ at: base + 5, revenue: 30, realized: 3, unrealized: 2, total: 35 }]);
  });

  it('an agent that starts later adds nothing before; one that went quiet keeps its last value', () => {
    const book = addPoints(new Map(), [
      point('alpha', base, 10, 0, 0),
      point('alpha', base + PNL_BUCKET_MS, 11, 0, 0),
      point('alpha', base + 2 * PNL_BUCKET_MS, 12, 0, 0),
      point('beta', base + PNL_BUCKET_MS, 100, 0, 0),
    ]);
    expect(totalSeries(book).map((s) => s.revenue)).toEqual([10, 111, 112]);
  });

  it('no agents, no total', () => {
    expect(totalSeries(new Map())).toEqual([]);
  });
});

describe('chartColumns', () => {
  it('x in seconds, then total (drawn first, under the rest), revenue, realized, unrealized', () => {
    expect(chartColumns([sample(base, 1, 2, 3), sample(base + 60_000, 4, 5, 6)])).toEqual([
      [base / 1000, base / 1000 + 60],
      [6, 15],
      [1, 4],
      [2, 5],
      [3, 6],
    ]);
  });
});

describe('timeWindow', () => {
  const at = base / 1000;

  it('one point: ten minutes centred on it, not years', () => {
    expect(timeWindow(at, at, base)).toEqual([at - 300, at + 300]);
  });

  it('points a moment apart: ten minutes centred on them', () => {
    expect(timeWindow(at, at + 20, base)).toEqual([at - 290, at + 310]);
  });

  it('a span of ten minutes or more is drawn as it is', () => {
    expect(timeWindow(at, at + 600, base)).toEqual([at, at + 600]);
    expect(timeWindow(at - 86_400, at, base)).toEqual([at - 86_400, at]);
  });

  it('no points: the ten minutes up to now', () => {
    expect(timeWindow(null, null, base)).toEqual([at - 600, at]);
  });
});
