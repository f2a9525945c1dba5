// The recent-trades list and the insight feed: merged from an answer and a subscription, newest
// first, each item once.
import { describe, expect, it } from 'vitest';
import { withChunk, withInsights, type InsightInput } from '../../dashboard/src/shaping/insights.js';
import { mergeTrades, tradeRow, type TradeInput } from '../../dashboard/src/shaping/trades.js';

const trade = (id: string, at: string, price = 0.42, count = 1, takerSide = 'yes'): TradeInput => ({ id, at, price, count, takerSide });

describe('mergeTrades', () => {
  const answer = [trade('c', '2026-03-10T13:00:03Z'), trade('b', '2026-03-10T13:00:02Z'), trade('a', '2026-03-10T13:00:01Z')];

  it('newest first, and reports the trades it had not seen, oldest first', () => {
    const first = mergeTrades([], answer, 10);
    expect(first.rows.map((row) => row.id)).toEqual(['c', 'b', 'a']);
    const next = mergeTrades(first.rows, [trade('e', '2026-03-10T13:00:05Z'), trade('d', '2026-03-10T13:00:04Z')], 10);
    expect(next.rows.map((row) => row.id)).toEqual(['e', 'd', 'c', 'b', 'a']);
    expect(next.added.map((row) => row.id)).toEqual(['d', 'e']);
  });

  it('a trade delivered both by the subscription and by the answer is listed once and added once', () => {
    const live = mergeTrades([], [trade('c', '2026-03-10T13:00:03Z')], 10);
    const merged = mergeTrades(live.rows, answer, 10);
    expect(merged.rows.map((row) => row.id)).toEqual(['c', 'b', 'a']);
    expect(merged.added.map((row) => row.id)).toEqual(['a', 'b']);
    expect(mergeTrades(merged.rows, [trade('c', '2026-03-10T13:00:03Z')], 10).added).toEqual([]);
  });

  it('keeps at most `limit` rows, and trades at the same instant in a stable order', () => {
    const same = [trade('x', '2026-03-10T13:00:00Z'), trade('z', '2026-03-10T13:00:00Z'), trade('y', '2026-03-10T13:00:00Z')];
    expect(mergeTrades([], same, 2).rows.map((row) => row.id)).toEqual(['z', 'y']);
    expect(mergeTrades([], [...same].reverse(), 2).rows.map((row) => row.id)).toEqual(['z', 'y']);
  });

  it('reads the side and the time, and skips a trade it cannot read', () => {
    expect(tradeRow(trade('n', '2026-03-10T13:00:00Z', 0.3, 2, 'no'))).toEqual({
      id: 'n',
      at: Date.parse('2026-03-10T13:00:00Z'),
      price: 0.3,
      count: 2,
      side: 'no',
    });
    expect(tradeRow(trade('bad', 'not a time'))).toBeNull();
    expect(mergeTrades([], [trade('bad', 'soon'), trade('ok', '2026-03-10T13:00:00Z')], 5).rows.map((row) => row.id)).toEqual(['ok']);
  });
});

function insight(id: string, createdAt: string, summary = `summary ${id}`): InsightInput {
  return { id, createdAt, summary, sentiment: 'BULLISH', sentimentScore: 0.6, riskLevel: 'LOW', confidence: 0.8, tickers: ['T'], keyFactors: ['k'] };
}

describe('insight feed', () => {
  const now = Date.parse('2026-03-10T13:10:00Z');

  it('recent insights newest first, at most `limit`', () => {
    const feed = withInsights([], [insight('1', '2026-03-10T13:00:00Z'), insight('3', '2026-03-10T13:02:00Z'), insight('2', '2026-03-10T13:01:00Z')], 2);
    expect(feed.map((entry) => entry.id)).toEqual(['3', '2']);
    expect(feed.every((entry) => !entry.streaming && entry.insight !== null)).toBe(true);
  });

  it('streamed text appears chunk by chunk on top, and the last chunk completes it with sentiment, score and risk', () => {
    let feed = withInsights([], [insight('old', '2026-03-10T13:00:00Z')], 10);
    feed = withChunk(feed, { insightId: 'new', delta: 'Prices ', done: false }, now, 10);
    expect(feed[0]).toMatchObject({ id: 'new', text: 'Prices ', streaming: true, insight: null });
    feed = withChunk(feed, { insightId: 'new', delta: 'rose.', done: false }, now + 100, 10);
    expect(feed[0]).toMatchObject({ id: 'new', text: 'Prices rose.', streaming: true, at: now });
    const done = { ...insight('new', '2026-03-10T13:10:01Z'), sentiment: 'BEARISH' as const, sentimentScore: -0.4, riskLevel: 'HIGH' as const };
    feed = withChunk(feed, { insightId: 'new', delta: '', done: true, insight: done }, now + 200, 10);
    expect(feed.map((entry) => entry.id)).toEqual(['new', 'old']);
    expect(feed[0]).toMatchObject({ text: 'Prices rose.', streaming: false, insight: { sentiment: 'BEARISH', sentimentScore: -0.4, riskLevel: 'HIGH' } });
  });

  it('a re-read after a reconnect finishes a half-streamed insight and repeats nothing', () => {
    let feed = withChunk([], { insightId: 'x', delta: 'half', done: false }, now, 10);
    feed = withInsights(feed, [insight('x', '2026-03-10T13:09:00Z'), insight('y', '2026-03-10T13:08:00Z')], 10);
    expect(feed.map((entry) => entry.id)).toEqual(['x', 'y']);
    expect(feed[0]).toMatchObject({ streaming: false, text: 'half', insight: { summary: 'summary x' } });
    feed = withInsights(feed, [insight('x', '2026-03-10T13:09:00Z')], 10);
    expect(feed).toHaveLength(2);
  });

  it('a late chunk for a finished insight changes nothing', () => {
    const feed = withInsights([], [insight('x', '2026-03-10T13:09:00Z')], 10);
    expect(withChunk(feed, { insightId: 'x', delta: 'again', done: false }, now, 10)).toEqual(feed);
  });

  it('a last chunk without an insight ends the streaming entry as text only', () => {
    const feed = withChunk(withChunk([], { insightId: 'x', delta: 'abc', done: false }, now, 10), { insightId: 'x', delta: 'd', done: true }, now, 10);
    expect(feed).toEqual([{ id: 'x', text: 'abcd', streaming: false, at: now, insight: null }]);
  });
});
