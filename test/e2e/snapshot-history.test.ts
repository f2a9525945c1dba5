/**
 * A stored snapshot is history: its markets' nested order book and latest insight are what was
 * stored with it (or null when nothing was), never today's live values. The whole service runs on
 * its simulators; the test takes a snapshot, lets the live books and insights move on, and reads
 * the snapshot back over GraphQL beside the live values.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startService, type RunningService } from '../support/service.js';
import { until } from '../support/until.js';

interface MarketView {
  ticker: string;
  orderBook: { bids: Array<{ price: number }> } | null;
  latestInsight: { id: string } | null;
}
interface StoredAggregate {
  insight: { id: string; tickers: string[] } | null;
  markets: MarketView[];
}
interface SnapshotNode {
  id: string;
  takenAt: string;
  aggregate: StoredAggregate;
}

const MARKET_FIELDS = 'ticker orderBook { bids { price } } latestInsight { id }';
const SNAPSHOTS = `query ($from: DateTime!, $to: DateTime!) {
  snapshots(from: $from, to: $to, first: 500) { edges { node { id takenAt aggregate { insight { id tickers } markets { ${MARKET_FIELDS} } } } } }
}`;
const LIVE = `{ markets(limit: 1000) { ${MARKET_FIELDS} } }`;

let service: RunningService;

beforeAll(async () => {
  service = await startService();
});

afterAll(async () => {
  await service.stop();
});

async function graphql<T>(query: string, variables: Record<string, unknown> = {}): Promise<T> {
  const response = await fetch(service.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query, variables }) });
  const body = (await response.json()) as { data?: T; errors?: unknown[] };
  expect(body.errors).toBeUndefined();
  return body.data!;
}

const allSnapshots = async (): Promise<SnapshotNode[]> =>
  (
    await graphql<{ snapshots: { edges: Array<{ node: SnapshotNode }> } }>(SNAPSHOTS, {
      from: new Date(0).toISOString(),
      to: new Date(Date.now() + 60_000).toISOString(),
    })
  ).snapshots.edges.map((edge) => edge.node);

describe('a stored snapshot', () => {
  it('resolves its markets’ order books and latest insights from what was stored, never from the live values', { timeout: 60_000 }, async () => {
    // A snapshot that stored markets and an insight.
    const taken = await until('a snapshot with markets and an insight', 30_000, async () => {
      const found = (await allSnapshots()).find((s) => s.aggregate.markets.length > 0 && s.aggregate.insight !== null);
      return found ?? null;
    });
    const stored = taken.aggregate.insight!;

    // The live values move on: a newer insight about one of its markets, and live books.
    const live = await until('a newer live insight about a market of the snapshot', 30_000, async () => {
      const markets = (await graphql<{ markets: MarketView[] }>(LIVE)).markets;
      const moved = markets.some((m) => stored.tickers.includes(m.ticker) && m.latestInsight !== null && m.latestInsight.id !== stored.id);
      return moved && markets.some((m) => m.orderBook !== null) ? new Map(markets.map((m) => [m.ticker, m])) : null;
    });

    const again = (await allSnapshots()).find((s) => s.id === taken.id);
    expect(again).toBeDefined();
    let comparedWithNewerInsight = 0;
    let comparedWithLiveBook = 0;
    for (const market of again!.aggregate.markets) {
      // Snapshots store no order books: null, whatever the live book is now.
      expect(market.orderBook).toBeNull();
      if (live.get(market.ticker)?.orderBook) comparedWithLiveBook += 1;
      // The stored insight, for the markets it covered; nothing stored says which insight was the
      // latest for the others at takenAt, so null.
      expect(market.latestInsight).toEqual(stored.tickers.includes(market.ticker) ? { id: stored.id } : null);
      const liveInsight = live.get(market.ticker)?.latestInsight;
      if (liveInsight && liveInsight.id !== stored.id && stored.tickers.includes(market.ticker)) comparedWithNewerInsight += 1;
    }
    expect(comparedWithLiveBook).toBeGreaterThan(0);
    expect(comparedWithNewerInsight).toBeGreaterThan(0);
  });
});
