/**
 * The history store as a client and an operator see it, with the whole service running on its
 * simulators: `snapshots` and `pnlHistory(interval: ONE_MINUTE)` answer the same money, exactly;
 * the SQLite file's pnl_snapshots rows carry no aggregate JSON (each tick's aggregate is one
 * document however many agents it has), their money is decimal text whose parts add up to the total
 * exactly, and market_ticks holds at most one tick per market and second; a range too large for
 * pnlHistory is refused with a code, not cut short.
 */
import path from 'node:path';
import Database from 'better-sqlite3';
import { Decimal } from 'decimal.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeTickBlock } from '../../src/history/tick-block-codec.js';
import { startService, type RunningService } from '../support/service.js';
import { until } from '../support/until.js';

interface Money {
  revenueUsd: number;
  realizedPnlUsd: number;
  unrealizedPnlUsd: number;
  totalPnlUsd: number;
}
interface SnapshotNode {
  takenAt: string;
  agentId: string | null;
  aggregate: { pnl: Array<Money & { agentId: string }> };
}

let service: RunningService;

beforeAll(async () => {
  service = await startService({ SNAPSHOT_INTERVAL_MS: '200' });
});

afterAll(async () => {
  await service.stop();
});

async function graphql<T>(
  query: string,
  variables: Record<string, unknown> = {},
): Promise<{ data?: T; errors?: Array<{ message: string; extensions?: Record<string, unknown> }> }> {
  const response = await fetch(service.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query, variables }) });
  return (await response.json()) as { data?: T; errors?: Array<{ message: string; extensions?: Record<string, unknown> }> };
}

const SNAPSHOTS = `query ($from: DateTime!, $to: DateTime!, $agentId: String) {
  snapshots(from: $from, to: $to, agentId: $agentId, first: 500) {
    edges { node { takenAt agentId aggregate { pnl { agentId revenueUsd realizedPnlUsd unrealizedPnlUsd totalPnlUsd } } } }
  }
}`;
const PNL_HISTORY = `query ($agentId: String!, $from: DateTime!, $to: DateTime!, $interval: CandleInterval) {
  pnlHistory(agentId: $agentId, from: $from, to: $to, interval: $interval) { at revenueUsd realizedPnlUsd unrealizedPnlUsd totalPnlUsd }
}`;

describe('the history on disk', () => {
  it('answers the same money through snapshots and pnlHistory(interval: ONE_MINUTE), stored once per tick as decimal text', { timeout: 60_000 }, async () => {
    const from = new Date(Date.now() - 60_000).toISOString();
    // A few ticks with P&L, for an agent the simulator attributes positions to.
    const { agentId, to } = await until('snapshots with P&L', 30_000, async () => {
      const { data } = await graphql<{ snapshots: { edges: Array<{ node: SnapshotNode }> } }>(SNAPSHOTS, {
        from,
        to: new Date(Date.now() + 60_000).toISOString(),
        agentId: null,
      });
      const nodes = data?.snapshots.edges.map((edge) => edge.node) ?? [];
      // The newest stored tick ends both queries below: ticks are written in order, so every earlier
      // one is stored too, and ticks written while the queries run are outside both answers.
      return nodes.length >= 3 && nodes[0]!.aggregate.pnl.length > 0 ? { agentId: nodes[0]!.aggregate.pnl[0]!.agentId, to: nodes[0]!.takenAt } : null;
    });
    const listed = await graphql<{ snapshots: { edges: Array<{ node: SnapshotNode }> } }>(SNAPSHOTS, { from, to, agentId });
    expect(listed.errors).toBeUndefined();
    const rows = listed.data!.snapshots.edges.map((edge) => edge.node);
    expect(rows.length).toBeGreaterThan(0);
    const history = await graphql<{ pnlHistory: Array<Money & { at: string }> }>(PNL_HISTORY, { agentId, from, to, interval: 'ONE_MINUTE' });
    expect(history.errors).toBeUndefined();
    const points = history.data!.pnlHistory;

    // Each point is the newest snapshot of its minute, with exactly the money the snapshot's aggregate has.
    const newestPerMinute = new Map<string, SnapshotNode>();
    for (const row of rows) {
      const minute = row.takenAt.slice(0, 16);
      const held = newestPerMinute.get(minute);
      if (!held || held.takenAt < row.takenAt) newestPerMinute.set(minute, row);
    }
    expect(points.map((point) => point.at)).toEqual([...newestPerMinute.values()].map((row) => row.takenAt).sort());
    for (const point of points) {
      const row = newestPerMinute.get(point.at.slice(0, 16))!;
      const pnl = row.aggregate.pnl.find((entry) => entry.agentId === agentId)!;
      expect({
        revenueUsd: point.revenueUsd,
        realizedPnlUsd: point.realizedPnlUsd,
        unrealizedPnlUsd: point.unrealizedPnlUsd,
        totalPnlUsd: point.totalPnlUsd,
      }).toEqual({
        revenueUsd: pnl.revenueUsd,
        realizedPnlUsd: pnl.realizedPnlUsd,
        unrealizedPnlUsd: pnl.unrealizedPnlUsd,
        totalPnlUsd: pnl.totalPnlUsd,
      });
    }

    // The file itself, read as an operator would.
    const db = new Database(path.join(service.dir, 'northstar.db'), { readonly: true, fileMustExist: true });
    // The tick recorder writes a second once it is over, on its one-second flush.
    await until('market ticks recorded', 15_000, () => ((db.prepare('SELECT count(*) AS n FROM market_ticks').get() as { n: number }).n > 0 ? true : null));
    // One read transaction: the service keeps writing ticks, and the counts below must see the same ones.
    db.exec('BEGIN');
    try {
      const json = db
        .prepare(
          `SELECT count(*) AS n FROM pnl_snapshots WHERE aggregated_json IS NOT NULL OR kalshi_data_json IS NOT NULL
             OR anthropic_analysis_json IS NOT NULL OR john_metrics_json IS NOT NULL OR metadata_json IS NOT NULL`,
        )
        .get() as { n: number };
      expect(json.n).toBe(0);
      // One document per tick, shared by the tick's rows (the whole book and every agent).
      const ticks = db
        .prepare('SELECT count(DISTINCT snapshot_time) AS times, count(DISTINCT document_id) AS documents, count(*) AS rows FROM pnl_snapshots')
        .get() as {
        times: number;
        documents: number;
        rows: number;
      };
      expect(ticks.documents).toBe(ticks.times);
      expect(ticks.rows).toBeGreaterThan(ticks.documents);
      expect(db.prepare('SELECT count(*) AS n FROM snapshot_documents').get()).toEqual({ n: ticks.documents });
      // Money is decimal text, and its parts add up to the total exactly (a double would not: 0.1 + 0.2).
      const money = db
        .prepare(
          'SELECT typeof(total_pnl_usd) AS type, revenue_usd AS r, realized_pnl_usd AS p, unrealized_pnl_usd AS u, total_pnl_usd AS t FROM pnl_snapshots WHERE agent_id = ?',
        )
        .all(agentId) as Array<{ type: string; r: string; p: string; u: string; t: string }>;
      expect(money.length).toBeGreaterThan(0);
      for (const row of money) {
        expect(row.type).toBe('text');
        expect(new Decimal(row.r).plus(row.p).plus(row.u).toFixed()).toBe(new Decimal(row.t).toFixed());
      }
      // Market ticks from the live markets, packed per market into blocks: at most one tick per market and second.
      const blocks = db.prepare('SELECT ticker_id AS id, start_ms AS start, body FROM market_ticks').all() as Array<{
        id: number;
        start: number;
        body: Buffer;
      }>;
      const tickSeconds = blocks.flatMap((block) => decodeTickBlock(block.start, block.body).map((tick) => `${block.id}:${Math.floor(tick.atMs / 1000)}`));
      expect(tickSeconds.length).toBeGreaterThan(0);
      expect(new Set(tickSeconds).size).toBe(tickSeconds.length);
    } finally {
      db.exec('COMMIT');
      db.close();
    }
  });

  it('refuses a pnlHistory range of more points than it answers, with a code', async () => {
    const body = await graphql<unknown>(PNL_HISTORY, {
      agentId: 'agent:kalshi:macro',
      from: '2020-01-01T00:00:00Z',
      to: '2026-01-01T00:00:00Z',
      interval: 'ONE_MINUTE',
    });
    expect(body.errors?.[0]?.extensions).toMatchObject({ code: 'RESULT_TOO_LARGE', maxPoints: 5000 });
    expect(body.errors?.[0]?.message).toMatch(/narrow the range or choose a wider interval/);
  });
});
