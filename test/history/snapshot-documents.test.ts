/**
 * Each snapshot tick's aggregate is stored once (snapshot_documents), whatever the number of agents,
 * as a keyframe or a delta against one; every read path answers what was written; retention keeps
 * a keyframe while a kept delta needs it; and the migration carries rows of the old layout (the
 * whole aggregate in every row, money as REAL) over to the new one, reading back as before.
 */
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { snapshotTick } from '../../src/aggregate/snapshot-writer.js';
import type { AggregateRecord } from '../../src/core/domain.js';
import { brotliCompressSync } from 'node:zlib';
import { diff, patch } from '../../src/history/json-delta.js';
import { DocumentReader } from '../../src/history/snapshot-documents.js';
import { HistoryStore, pruneHistory } from '../../src/history/index.js';
import { market } from '../support/records.js';
import { DAY_MS, makeTempDir, openTestStore, type TempDir, type TestStore, databaseBeforeMigration } from './helpers.js';

let test: TestStore | undefined;
let temp: TempDir | undefined;
afterEach(async () => {
  await test?.cleanup();
  await temp?.cleanup();
  test = undefined;
  temp = undefined;
});

const T0 = Date.UTC(2026, 10, 24, 12, 0, 0);
const RANGE = { from: new Date(T0 - DAY_MS), to: new Date(T0 + DAY_MS) };

/** A tick at `at`; its markets as fetched at `marketsAt` (one moves with every tick). */
function aggregate(at: number, agents: number, marketsAt = at): AggregateRecord {
  return {
    takenAt: new Date(at).toISOString(),
    requestId: `req-${at}`,
    markets: Array.from({ length: 20 }, (_, i) => (i === 0 ? market('M0', 0.1 + ((at / 5000) % 7) / 100, at) : market(`M${i}`, 0.5, marketsAt))),
    insight: null,
    businessMetrics: [],
    components: [{ source: 'kalshi', availability: 'LIVE', simulated: true, breaker: 'CLOSED', lastError: null }],
    pnl: Array.from({ length: agents }, (_, i) => ({
      agentId: `agent-${i}`,
      revenueUsd: '0.1',
      realizedPnlUsd: '0.2',
      unrealizedPnlUsd: `${i}.000001`,
      totalPnlUsd: '0.30000000000000004',
    })),
    availabilityScore: 1,
    fetchDurationMs: 3,
  } as unknown as AggregateRecord;
}

const json = (value: unknown): unknown => JSON.parse(JSON.stringify(value));

function rawDb(store: TestStore) {
  return new Database(store.url.slice('file:'.length), { readonly: true });
}

describe('json-delta', () => {
  it('patch(base, diff(base, next)) is next: keyed arrays added, removed and moved, keys removed, values replaced', () => {
    const base = {
      a: 1,
      list: [
        { id: 'x', v: 1 },
        { id: 'y', v: 2 },
        { id: 'z', v: [1, 2] },
      ],
      gone: true,
      plain: [1, 2, 3],
      nested: { deep: { n: null } },
    };
    const next = {
      a: 2,
      list: [
        { id: 'z', v: [1, 2] },
        { id: 'w', v: 9 },
        { id: 'x', v: 1, extra: 's' },
      ],
      plain: [1, 2],
      nested: { deep: { n: 'now' } },
    };
    const delta = diff(base, next);
    expect(patch(base, delta)).toEqual(next);
    expect(diff(next, json(next))).toBeNull();
    expect(patch(base, diff(base, base))).toBe(base);
    // Unchanged elements of a keyed array cost nothing: only 'x' (changed) and 'w' (new) are in the delta.
    expect(JSON.stringify(delta)).not.toContain('"y"');
  });
});

describe('json-delta: a change most elements share', () => {
  const listing = (n: number, fetchedAt: number, moved: (i: number) => number) =>
    Array.from({ length: n }, (_, i) => ({ id: `m${i}`, prices: { bid: 0.5 + moved(i) }, provenance: { originAt: fetchedAt, fetchedAt } }));

  it('is written once, so a tick that re-dates 1,000 markets of which 23 moved costs the 23, not the 1,000', () => {
    const base = { markets: listing(1000, 1000, () => 0) };
    const next = { markets: listing(1000, 2000, (i) => (i % 43 === 0 ? 0.01 : 0)) };
    const delta = diff(base, next);
    expect(patch(base, delta)).toEqual(next);
    const text = JSON.stringify(delta);
    // An idle market is not named; a moved one is.
    expect(text).not.toContain('"m1"');
    expect(text).toContain('"m43"');
    expect(text.length).toBeLessThan(24 * 120);
  });

  it('leaves out the unchanged elements, and handles new, removed and moved ones with it', () => {
    const base = { markets: [...listing(40, 1000, () => 0), { id: 'gone', prices: { bid: 1 }, provenance: { originAt: 1, fetchedAt: 1 } }] };
    const moved = listing(40, 2000, (i) => (i === 3 ? 0.02 : 0));
    // Five not re-dated (unchanged), one new, one removed, order reversed.
    for (let i = 30; i < 35; i++) moved[i] = base.markets[i]!;
    const next = { markets: [...moved, { id: 'new', prices: { bid: 0.1 }, provenance: { originAt: 2000, fetchedAt: 2000 } }].reverse() };
    const delta = diff(base, next);
    expect(patch(base, delta)).toEqual(next);
    expect(JSON.stringify(delta)).toContain('"m30"');
  });

  it('patch(base, diff(base, next)) is next for random keyed arrays (seeded)', () => {
    let seed = 0x5eed;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    for (let run = 0; run < 200; run++) {
      const n = Math.floor(random() * 60);
      const stamp = Math.floor(random() * 3);
      const base = listing(n, 1000, () => 0).map((m) => ({ ...m, provenance: { originAt: 1000 + (random() < 0.2 ? 1 : 0), fetchedAt: 1000 } }));
      const next = base
        .filter(() => random() > 0.1)
        .map((m) => (random() < 0.7 ? { ...m, provenance: { originAt: 2000 + stamp, fetchedAt: 2000 } } : m))
        .map((m) => (random() < 0.1 ? { ...m, prices: { bid: Math.round(random() * 100) / 100 } } : m));
      if (random() < 0.3) next.push({ id: `new${run}`, prices: { bid: 0.3 }, provenance: { originAt: 1, fetchedAt: 1 } });
      if (random() < 0.3) next.reverse();
      expect(patch({ markets: base }, diff({ markets: base }, { markets: next }))).toEqual({ markets: next });
    }
  });
});

describe('snapshot ticks', () => {
  it('stores the aggregate once per tick however many agents there are, and rows carry money only', async () => {
    test = await openTestStore();
    const { store } = test;
    await store.writeSnapshotTick(snapshotTick(aggregate(T0, 1)));
    await store.writeSnapshotTick(snapshotTick(aggregate(T0 + 5000, 60)));
    const db = rawDb(test);
    try {
      expect(db.prepare('SELECT count(*) AS n FROM snapshot_documents').get()).toEqual({ n: 2 });
      expect(db.prepare('SELECT count(*) AS n FROM pnl_snapshots').get()).toEqual({ n: 2 + 61 });
      expect(db.prepare('SELECT count(DISTINCT document_id) AS n FROM pnl_snapshots').get()).toEqual({ n: 2 });
      const json = db
        .prepare(
          'SELECT count(*) AS n FROM pnl_snapshots WHERE aggregated_json IS NOT NULL OR kalshi_data_json IS NOT NULL OR anthropic_analysis_json IS NOT NULL OR john_metrics_json IS NOT NULL OR metadata_json IS NOT NULL',
        )
        .get();
      expect(json).toEqual({ n: 0 });
      // Money as decimal text, exactly as written.
      expect(db.prepare("SELECT typeof(total_pnl_usd) AS t, total_pnl_usd AS v FROM pnl_snapshots WHERE agent_id = 'agent-0' LIMIT 1").get()).toEqual({
        t: 'text',
        v: '0.30000000000000004',
      });
    } finally {
      db.close();
    }
  });

  it('reads back every tick as written, through deltas and keyframes, in this process and in a new one', async () => {
    test = await openTestStore();
    const written = Array.from({ length: 8 }, (_, i) => aggregate(T0 + i * 5000, 3, T0));
    // A market joins and one leaves halfway: the keyed delta handles both.
    written[5]!.markets.push(market('NEW', 0.5, T0 + 25_000));
    written[6]!.markets.splice(0, 1);
    for (const agg of written) await test.store.writeSnapshotTick(snapshotTick(agg));
    const db = rawDb(test);
    const encodings = db.prepare('SELECT encoding FROM snapshot_documents ORDER BY id').all() as Array<{ encoding: string }>;
    db.close();
    expect(encodings[0]?.encoding).toBe('br');
    expect(encodings.filter((row) => row.encoding === 'deflate-delta').length).toBeGreaterThanOrEqual(5);

    const check = async (store: HistoryStore) => {
      const page = await store.listSnapshots({ ...RANGE, first: 100 });
      expect(page.totalCount).toBe(8 * 4);
      for (const node of page.nodes) {
        const agg = written.find((a) => a.takenAt === node.takenAt.toISOString())!;
        const expected = node.agentId === null ? agg : { ...agg, pnl: agg.pnl.filter((p) => p.agentId === node.agentId) };
        expect(node.aggregate).toEqual(json(expected));
      }
      const whole = page.nodes.find((node) => node.agentId === null)!;
      const detail = await store.getSnapshot(whole.id);
      const agg = written.find((a) => a.takenAt === whole.takenAt.toISOString())!;
      expect(detail).toMatchObject({ kalshi: json(agg.markets), anthropic: null, john: [], metadata: { version: 1, requestId: agg.requestId } });
      const agentRow = page.nodes.find((node) => node.agentId === 'agent-1')!;
      expect(await store.getSnapshot(agentRow.id)).toMatchObject({ kalshi: null, anthropic: null, john: null, metadata: { version: 1 } });
      expect((await store.pnlHistory({ agentId: 'agent-2', ...RANGE })).map((p) => p.unrealizedPnlUsd)).toEqual(Array(8).fill('2.000001'));
    };
    await check(test.store);
    const reopened = await HistoryStore.open(test.url, { migrate: false });
    try {
      await check(reopened);
    } finally {
      await reopened.close();
    }
  });

  it('reads a chain in any order from a cold reader, each delta decoded with its ancestors as dictionary', async () => {
    test = await openTestStore();
    const written = Array.from({ length: 6 }, (_, i) => aggregate(T0 + i * 5000, 2, T0));
    for (const agg of written) await test.store.writeSnapshotTick(snapshotTick(agg));
    const ids = (await test.store.prisma.snapshotDocument.findMany({ orderBy: { id: 'asc' }, select: { id: true, encoding: true } })).map((row) => row.id);
    // Newest first, then one from the middle: the second load starts from documents the first cached.
    const reader = new DocumentReader();
    const newest = await reader.load(test.store.prisma, [ids[5]!]);
    expect(newest.get(ids[5]!)?.a).toEqual(json(written[5]));
    const middle = await new DocumentReader().load(test.store.prisma, [ids[3]!, ids[1]!]);
    expect(middle.get(ids[3]!)?.a).toEqual(json(written[3]));
    expect(middle.get(ids[1]!)?.a).toEqual(json(written[1]));
    const again = await reader.load(test.store.prisma, [ids[4]!, ids[2]!]);
    expect(again.get(ids[4]!)?.a).toEqual(json(written[4]));
    expect(again.get(ids[2]!)?.a).toEqual(json(written[2]));
  });

  it('still reads a chain of brotli deltas, as written before deflate-delta', async () => {
    test = await openTestStore();
    const bodies = [0, 1, 2].map((i) => json({ a: aggregate(T0 + i * 5000, 1) }));
    const br = (value: unknown) => new Uint8Array(brotliCompressSync(Buffer.from(JSON.stringify(value))));
    const p = test.store.prisma;
    const first = await p.snapshotDocument.create({ data: { takenAt: new Date(T0), baseId: null, encoding: 'br', body: br(bodies[0]) } });
    const second = await p.snapshotDocument.create({
      data: { takenAt: new Date(T0 + 5000), baseId: first.id, encoding: 'br-delta', body: br(diff(bodies[0], bodies[1])) },
    });
    const third = await p.snapshotDocument.create({
      data: { takenAt: new Date(T0 + 10_000), baseId: second.id, encoding: 'br-delta', body: br(diff(bodies[1], bodies[2])) },
    });
    const read = await new DocumentReader().load(p, [third.id, second.id]);
    expect(read.get(third.id)).toEqual(bodies[2]);
    expect(read.get(second.id)).toEqual(bodies[1]);
  });

  it('retention keeps the documents a kept delta chains back to, removes the rest, and old market ticks', async () => {
    test = await openTestStore();
    // Three ticks, a day apart, in one chain (keyframe, delta, delta).
    for (let i = 0; i < 3; i++) await test.store.writeSnapshotTick(snapshotTick(aggregate(T0 + i * DAY_MS, 1, T0)));
    const horizon = new Date(T0 + 2 * DAY_MS);
    expect(await pruneHistory(test.store.prisma, { olderThan: horizon, batchSize: 1 })).toMatchObject({ pnlSnapshots: 4, snapshotDocuments: 0 });
    const read = async (store: HistoryStore) => (await store.listSnapshots({ from: new Date(0), to: new Date(T0 + 10 * DAY_MS), first: 10 })).nodes;
    expect((await read(test.store)).map((node) => (node.aggregate as AggregateRecord).takenAt)).toEqual(Array(2).fill(new Date(T0 + 2 * DAY_MS).toISOString()));

    // A new process starts a new chain with a keyframe: the old chain is no longer needed.
    const reopened = await HistoryStore.open(test.url, { migrate: false });
    try {
      await reopened.writeSnapshotTick(snapshotTick(aggregate(T0 + 3 * DAY_MS, 1, T0)));
      await reopened.writeMarketTicks([
        { ticker: 'A', atMs: T0, bidMicros: 1, askMicros: 2, lastMicros: null, volumeHundredths: null, openInterestHundredths: null },
        { ticker: 'A', atMs: T0 + 3 * DAY_MS, bidMicros: 1, askMicros: 3, lastMicros: null, volumeHundredths: null, openInterestHundredths: null },
      ]);
      const counts = await pruneHistory(reopened.prisma, { olderThan: new Date(T0 + 3 * DAY_MS), batchSize: 1 });
      expect(counts).toMatchObject({ pnlSnapshots: 2, snapshotDocuments: 3, marketTicks: 1 });
      const nodes = await read(reopened);
      expect(nodes.map((node) => (node.aggregate as AggregateRecord).takenAt)).toEqual(Array(2).fill(new Date(T0 + 3 * DAY_MS).toISOString()));
      expect((await reopened.marketTicks({ ticker: 'A', from: new Date(0), to: new Date(T0 + 10 * DAY_MS) })).map((t) => t.at.getTime())).toEqual([
        T0 + 3 * DAY_MS,
      ]);
    } finally {
      await reopened.close();
    }
  });
});

describe('the migration to snapshot documents', () => {
  it('carries rows of the old layout over: one document per tick, rows pointing at it, money as the same decimal text', async () => {
    temp = await makeTempDir();
    const file = path.join(temp.dir, 'old.db');
    const { db, migrate: apply } = await databaseBeforeMigration(file, 'history_fits_on_disk');
    const agg = aggregate(T0, 2);
    agg.pnl[1]!.unrealizedPnlUsd = '0.00005';
    const insert = db.prepare(
      `INSERT INTO pnl_snapshots (snapshot_date, snapshot_time, agent_id, availability_score, revenue_usd, realized_pnl_usd, unrealized_pnl_usd, total_pnl_usd,
         aggregated_json, kalshi_data_json, anthropic_analysis_json, john_metrics_json, metadata_json, created_at)
       VALUES (?, ?, ?, 1, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    const at = new Date(T0).toISOString().replace('Z', '+00:00');
    // As the old writer stored a tick: the whole book, then each agent with the aggregate narrowed to it.
    insert.run('2026-11-24', at, null, 0, 0, 0, 0, JSON.stringify(agg), JSON.stringify(agg.markets), 'null', '[]', '{"version":1}', at);
    for (const pnl of agg.pnl) {
      insert.run(
        '2026-11-24',
        at,
        pnl.agentId,
        12.0,
        Number(pnl.realizedPnlUsd),
        Number(pnl.unrealizedPnlUsd),
        Number(pnl.totalPnlUsd),
        JSON.stringify({ ...agg, pnl: [pnl] }),
        null,
        null,
        null,
        '{"version":1}',
        at,
      );
    }
    // An agent row whose tick has no whole-book row keeps a document of its own.
    const lone = { solo: true, pnl: [{ agentId: 'x' }] };
    insert.run('2026-11-24', at, 'x', 1.5, 0, 0, 0, JSON.stringify(lone), null, null, null, null, at);
    apply();
    expect(db.prepare('SELECT count(*) AS n FROM snapshot_documents').get()).toEqual({ n: 2 });
    expect(db.prepare('SELECT count(*) AS n FROM pnl_snapshots WHERE aggregated_json IS NOT NULL').get()).toEqual({ n: 0 });
    db.close();

    const store = await HistoryStore.open(`file:${file}`, { migrate: false });
    try {
      const page = await store.listSnapshots({ ...RANGE, first: 10 });
      const byAgent = new Map(page.nodes.map((node) => [node.agentId, node]));
      expect(byAgent.get(null)?.aggregate).toEqual(json(agg));
      expect(byAgent.get('agent-0')?.aggregate).toEqual(json({ ...agg, pnl: [agg.pnl[0]] }));
      expect(byAgent.get('agent-1')?.aggregate).toEqual(json({ ...agg, pnl: [agg.pnl[1]] }));
      expect(byAgent.get('x')?.aggregate).toEqual(lone);
      expect(byAgent.get('agent-1')?.pnl).toEqual({ revenueUsd: '12', realizedPnlUsd: '0.2', unrealizedPnlUsd: '0.00005', totalPnlUsd: '0.30000000000000004' });
      expect(byAgent.get('x')?.pnl.revenueUsd).toBe('1.5');
      const detail = await store.getSnapshot(byAgent.get(null)!.id);
      expect(detail).toMatchObject({ kalshi: json(agg.markets), anthropic: null, john: [], metadata: { version: 1 } });
      // New ticks go on from there.
      await store.writeSnapshotTick(snapshotTick(aggregate(T0 + 5000, 2)));
      expect((await store.listSnapshots({ ...RANGE, first: 10 })).totalCount).toBe(page.totalCount + 3);
    } finally {
      await store.close();
    }
  });
});
