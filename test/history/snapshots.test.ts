import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { InputError } from '../../src/core/errors.js';
import type { SnapshotSink } from '../../src/aggregate/snapshot-writer.js';
import type { HistoryStore, SnapshotInput } from '../../src/history/index.js';
import type { HistoryReader } from '../../src/schema/context.js';
import { openTestStore, type TestStore } from './helpers.js';

let ctx: TestStore;
let store: HistoryStore;

// Compile-time contracts: the store is what the schema reads from and the snapshot writer writes to.
const contracts = (history: HistoryStore): [HistoryReader, SnapshotSink] => [history, history];
void contracts;

beforeAll(async () => {
  ctx = await openTestStore();
  store = ctx.store;
});
afterAll(async () => {
  await ctx.cleanup();
});
beforeEach(async () => {
  await store.prisma.pnlSnapshot.deleteMany();
});

const T0 = Date.UTC(2026, 2, 1, 12, 0, 0);
const RANGE = { from: new Date(T0 - 10 * 86_400_000), to: new Date(T0 + 10 * 86_400_000) };

function snapshot(takenAtMs: number, agentId: string | null, extra: Partial<SnapshotInput> = {}): SnapshotInput {
  return { takenAt: new Date(takenAtMs), agentId, availabilityScore: 1, aggregate: { at: takenAtMs, agentId }, ...extra };
}

async function rowCount(): Promise<number> {
  return store.prisma.pnlSnapshot.count();
}

describe('writeSnapshots', () => {
  it('stores every field and derives the UTC date', async () => {
    await store.writeSnapshots([
      snapshot(Date.UTC(2026, 2, 1, 23, 30), 'agent-1', {
        availabilityScore: 0.67,
        aggregate: { markets: 3, nested: { ok: true } },
        kalshi: { markets: [] },
        john: { revenue: 12 },
        metadata: { version: 1 },
        pnl: { revenueUsd: '10.5', realizedPnlUsd: '-2.25', unrealizedPnlUsd: '0.1', totalPnlUsd: '8.35' },
      }),
    ]);
    const [raw] = await store.prisma.pnlSnapshot.findMany();
    expect(raw?.snapshotDate).toBe('2026-03-01');
    const detail = await store.getSnapshot(String(raw?.id));
    expect(detail).toEqual({
      id: String(raw?.id),
      takenAt: new Date(Date.UTC(2026, 2, 1, 23, 30)),
      agentId: 'agent-1',
      availabilityScore: 0.67,
      aggregate: { markets: 3, nested: { ok: true } },
      pnl: { revenueUsd: '10.5', realizedPnlUsd: '-2.25', unrealizedPnlUsd: '0.1', totalPnlUsd: '8.35' },
      kalshi: { markets: [] },
      anthropic: null,
      john: { revenue: 12 },
      metadata: { version: 1 },
    });
    expect(await store.getSnapshot('999999')).toBeNull();
    expect(await store.getSnapshot('not-an-id')).toBeNull();
  });

  it('defaults the money columns to 0', async () => {
    await store.writeSnapshots([snapshot(T0, null)]);
    const page = await store.listSnapshots({ ...RANGE, first: 10 });
    expect(page.nodes[0]?.pnl).toEqual({ revenueUsd: '0', realizedPnlUsd: '0', unrealizedPnlUsd: '0', totalPnlUsd: '0' });
  });

  it('writes nothing when one row of a batch fails in the database', async () => {
    // A trigger makes the database itself reject one row late in the batch, after earlier
    // statements of the same transaction have already inserted rows.
    const db = new Database(ctx.url.slice('file:'.length));
    db.exec(`CREATE TRIGGER reject_boom BEFORE INSERT ON pnl_snapshots WHEN NEW.agent_id = 'boom'
             BEGIN SELECT RAISE(ABORT, 'boom rejected'); END;`);
    try {
      // 120 rows are three INSERT statements; the bad row is in the last one.
      const rows = Array.from({ length: 120 }, (_, i) => snapshot(T0 + i, i === 110 ? 'boom' : 'agent-1'));
      // (The SQLite adapter reports RAISE(ABORT) from a trigger as a foreign key violation.)
      await expect(store.writeSnapshots(rows)).rejects.toThrow();
      expect(await rowCount()).toBe(0);
      // The connection is usable afterwards and the same batch minus the bad row goes in whole.
      await store.writeSnapshots(rows.filter((row) => row.agentId !== 'boom'));
      expect(await rowCount()).toBe(119);
    } finally {
      db.exec('DROP TRIGGER reject_boom');
      db.close();
    }
  });

  it('writes nothing when one row is invalid', async () => {
    const rows = [snapshot(T0, 'a'), snapshot(T0 + 1, 'b', { pnl: { revenueUsd: '1', realizedPnlUsd: 'x', unrealizedPnlUsd: '0', totalPnlUsd: '1' } })];
    await expect(store.writeSnapshots(rows)).rejects.toThrow(/pnl.realizedPnlUsd/);
    await expect(store.writeSnapshots([snapshot(Number.NaN, 'a')])).rejects.toThrow(/takenAt/);
    expect(await rowCount()).toBe(0);
  });
});

describe('listSnapshots', () => {
  // 23 rows over 8 distinct timestamps, several shared, two agents plus whole-book rows.
  async function seed(): Promise<void> {
    const rows: SnapshotInput[] = [];
    for (let i = 0; i < 23; i++) rows.push(snapshot(T0 + Math.floor(i / 3) * 1000, i % 3 === 0 ? null : i % 3 === 1 ? 'a' : 'b'));
    await store.writeSnapshots(rows);
  }

  async function expectedOrder(agentId?: string | null): Promise<string[]> {
    const rows = await store.prisma.pnlSnapshot.findMany({ where: agentId === undefined ? {} : { agentId }, select: { id: true, snapshotTime: true } });
    return rows.sort((x, y) => y.snapshotTime.getTime() - x.snapshotTime.getTime() || y.id - x.id).map((row) => String(row.id));
  }

  async function collect(args: { first: number; agentId?: string | null }): Promise<{ ids: string[]; pages: number; totals: number[] }> {
    const ids: string[] = [];
    const totals: number[] = [];
    let after: string | null = null;
    let pages = 0;
    for (;;) {
      const page = await store.listSnapshots({ ...RANGE, ...args, after });
      pages++;
      totals.push(page.totalCount);
      ids.push(...page.nodes.map((node) => node.id));
      if (!page.hasNextPage) {
        expect(page.endCursor === null).toBe(page.nodes.length === 0);
        break;
      }
      after = page.endCursor;
    }
    return { ids, pages, totals };
  }

  it('pages newest first with no duplicates or gaps across equal timestamps', async () => {
    await seed();
    const { ids, pages, totals } = await collect({ first: 5 });
    expect(ids).toEqual(await expectedOrder());
    expect(new Set(ids).size).toBe(23);
    expect(pages).toBe(5);
    expect(new Set(totals)).toEqual(new Set([23]));
  });

  it('filters by agent, and null selects the whole-book rows', async () => {
    await seed();
    const a = await collect({ first: 2, agentId: 'a' });
    expect(a.ids).toEqual(await expectedOrder('a'));
    expect(a.totals[0]).toBe(8);
    const book = await collect({ first: 100, agentId: null });
    expect(book.ids).toEqual(await expectedOrder(null));
    expect(book.totals[0]).toBe(8);
  });

  it('includes both ends of the range', async () => {
    await seed();
    const page = await store.listSnapshots({ from: new Date(T0), to: new Date(T0 + 1000), first: 100 });
    expect(page.totalCount).toBe(6);
    expect(page.nodes.map((node) => node.takenAt.getTime())).toEqual([T0 + 1000, T0 + 1000, T0 + 1000, T0, T0, T0]);
    expect(page.hasNextPage).toBe(false);
  });

  it('clamps first to 1..500', async () => {
    await seed();
    expect((await store.listSnapshots({ ...RANGE, first: 0 })).nodes).toHaveLength(1);
    expect((await store.listSnapshots({ ...RANGE, first: -5 })).nodes).toHaveLength(1);
    await store.writeSnapshots(Array.from({ length: 520 }, (_, i) => snapshot(T0 - 5000 - i, 'bulk')));
    const page = await store.listSnapshots({ ...RANGE, first: 10_000 });
    expect(page.nodes).toHaveLength(500);
    expect(page.hasNextPage).toBe(true);
    expect(page.totalCount).toBe(543);
  });

  it('returns the parsed aggregate and the id as a string', async () => {
    await store.writeSnapshots([snapshot(T0, 'a', { aggregate: { list: [1, 2], s: 'x' }, availabilityScore: 0.5 })]);
    const [node] = (await store.listSnapshots({ ...RANGE, first: 1 })).nodes;
    expect(node).toMatchObject({ agentId: 'a', availabilityScore: 0.5, aggregate: { list: [1, 2], s: 'x' }, takenAt: new Date(T0) });
    expect(node?.id).toMatch(/^\d+$/);
  });

  it('gives every row a cursor that resumes right after it', async () => {
    await seed();
    const page = await store.listSnapshots({ ...RANGE, first: 23 });
    const third = page.nodes[2]!;
    const rest = await store.listSnapshots({ ...RANGE, first: 100, after: store.cursorOf(third) });
    expect(rest.nodes.map((node) => node.id)).toEqual(page.nodes.slice(3).map((node) => node.id));
    expect(store.cursorOf(page.nodes.at(-1)!)).toBe(page.endCursor);
  });

  it('rejects a bad cursor and a bad range with InputError', async () => {
    await seed();
    for (const after of ['nope', 'bm9wZQ', Buffer.from('12:x').toString('base64url'), `${Buffer.from('1:1').toString('base64url')}!`]) {
      await expect(store.listSnapshots({ ...RANGE, first: 5, after })).rejects.toBeInstanceOf(InputError);
    }
    await expect(store.listSnapshots({ from: RANGE.to, to: RANGE.from, first: 5 })).rejects.toBeInstanceOf(InputError);
    await expect(store.listSnapshots({ from: new Date('x'), to: RANGE.to, first: 5 })).rejects.toBeInstanceOf(InputError);
  });
});

describe('dailySnapshots', () => {
  it('groups by UTC day and agent across midnight, ordered by date then agent', async () => {
    const lastOfDay1 = Date.UTC(2026, 2, 1, 23, 59, 59, 999);
    const firstOfDay2 = Date.UTC(2026, 2, 2, 0, 0, 0, 0);
    await store.writeSnapshots([
      snapshot(Date.UTC(2026, 2, 1, 8), 'b'),
      snapshot(lastOfDay1, 'b'),
      snapshot(Date.UTC(2026, 2, 1, 9), null),
      snapshot(Date.UTC(2026, 2, 1, 10), 'a'),
      snapshot(firstOfDay2, 'a'),
      snapshot(firstOfDay2 + 60_000, 'a'),
      snapshot(firstOfDay2 + 120_000, null),
    ]);
    expect(await store.dailySnapshots(RANGE)).toEqual([
      { date: '2026-03-01', agentId: null, snapshotCount: 1, firstAt: new Date(Date.UTC(2026, 2, 1, 9)), lastAt: new Date(Date.UTC(2026, 2, 1, 9)) },
      { date: '2026-03-01', agentId: 'a', snapshotCount: 1, firstAt: new Date(Date.UTC(2026, 2, 1, 10)), lastAt: new Date(Date.UTC(2026, 2, 1, 10)) },
      { date: '2026-03-01', agentId: 'b', snapshotCount: 2, firstAt: new Date(Date.UTC(2026, 2, 1, 8)), lastAt: new Date(lastOfDay1) },
      { date: '2026-03-02', agentId: null, snapshotCount: 1, firstAt: new Date(firstOfDay2 + 120_000), lastAt: new Date(firstOfDay2 + 120_000) },
      { date: '2026-03-02', agentId: 'a', snapshotCount: 2, firstAt: new Date(firstOfDay2), lastAt: new Date(firstOfDay2 + 60_000) },
    ]);
    const onlyA = await store.dailySnapshots({ ...RANGE, agentId: 'a' });
    expect(onlyA.map((group) => [group.date, group.snapshotCount])).toEqual([
      ['2026-03-01', 1],
      ['2026-03-02', 2],
    ]);
  });
});

describe('pnlHistory', () => {
  it('returns one agent oldest first with the exact decimal strings written', async () => {
    const amounts = [
      { revenueUsd: '1234567.89', realizedPnlUsd: '0.1', unrealizedPnlUsd: '0.2', totalPnlUsd: '0.3' },
      { revenueUsd: '-42.5', realizedPnlUsd: '0', unrealizedPnlUsd: '99999999.99', totalPnlUsd: '0.0000001' },
      { revenueUsd: '1', realizedPnlUsd: '2', unrealizedPnlUsd: '3', totalPnlUsd: '6' },
    ];
    await store.writeSnapshots([
      snapshot(T0 + 2000, 'agent-7', { pnl: amounts[2]! }),
      snapshot(T0, 'agent-7', { pnl: amounts[0]! }),
      snapshot(T0 + 1000, 'agent-7', { pnl: amounts[1]! }),
      snapshot(T0 + 500, 'agent-8', { pnl: amounts[2]! }),
      snapshot(T0 + 500, null, { pnl: amounts[2]! }),
    ]);
    const points = await store.pnlHistory({ agentId: 'agent-7', ...RANGE });
    expect(points).toEqual([
      { at: new Date(T0), agentId: 'agent-7', ...amounts[0] },
      { at: new Date(T0 + 1000), agentId: 'agent-7', ...amounts[1] },
      { at: new Date(T0 + 2000), agentId: 'agent-7', ...amounts[2] },
    ]);
    expect(await store.pnlHistory({ agentId: 'agent-7', from: new Date(T0 + 1), to: new Date(T0 + 1000) })).toHaveLength(1);
    expect(await store.pnlHistory({ agentId: 'agent-7', ...RANGE, limit: 2 })).toHaveLength(2);
  });

  it('reads from the (agent_id, snapshot_time) index', () => {
    const db = new Database(ctx.url.slice('file:'.length), { readonly: true });
    try {
      const plan = db
        .prepare(
          'EXPLAIN QUERY PLAN SELECT snapshot_time, revenue_usd FROM pnl_snapshots WHERE agent_id = ? AND snapshot_time >= ? AND snapshot_time <= ? ORDER BY snapshot_time, id',
        )
        .all('a', 'x', 'y') as Array<{ detail: string }>;
      expect(plan.map((step) => step.detail).join('\n')).toMatch(/USING INDEX idx_agent \(agent_id=\? AND snapshot_time>\? AND snapshot_time<\?\)/);
    } finally {
      db.close();
    }
  });
});

it('uses a file under the temp directory', () => {
  expect(path.isAbsolute(ctx.url.slice('file:'.length))).toBe(true);
});
