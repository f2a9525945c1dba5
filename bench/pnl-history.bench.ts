/**
 * `pnlHistory` over a million snapshot rows: one agent, one day, through the history store
 * (Prisma + the (agent_id, snapshot_time) index), next to the same SQL run directly on
 * better-sqlite3 in the same run (the floor), and the query plan that proves the index is used.
 * Bar: a one-day range answers in under 50 ms.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { HistoryStore } from '../src/history/index.js';
import { percentile } from './lib/measure.js';
import { seedSnapshots } from './lib/seed-snapshots.js';

const ROWS = Number(process.env.BENCH_SNAPSHOT_ROWS ?? 1_000_000);
const RUNS = 60;

export async function run(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'northstar-pnl-bench-'));
  const file = join(dir, 'history.db');
  const seedStarted = performance.now();
  const { agents, to } = await seedSnapshots({ file, rows: ROWS });
  console.log(
    `\npnlHistory over ${ROWS.toLocaleString('en-US')} snapshot rows (${agents.length} agents, 90 days; seeded in ${((performance.now() - seedStarted) / 1000).toFixed(1)} s)`,
  );

  const store = await HistoryStore.open(`file:${file}`, { migrate: false });
  const raw = new Database(file, { readonly: true });
  const sql = `SELECT snapshot_time, agent_id, revenue_usd, realized_pnl_usd, unrealized_pnl_usd, total_pnl_usd FROM pnl_snapshots
               WHERE agent_id = ? AND snapshot_time >= ? AND snapshot_time <= ? ORDER BY snapshot_time ASC`;
  const plan = raw.prepare(`EXPLAIN QUERY PLAN ${sql}`).all('x', 'a', 'b') as Array<{ detail: string }>;
  console.log(`query plan: ${plan.map((p) => p.detail).join(' | ')}`);

  const ranges = Array.from({ length: RUNS }, (_, i) => {
    const dayStart = to - (1 + (i % 80)) * 86_400_000;
    return { agentId: agents[i % agents.length]!, from: new Date(dayStart), to: new Date(dayStart + 86_400_000) };
  });
  const iso = (d: Date) => d.toISOString().replace('Z', '+00:00');
  const rawStatement = raw.prepare(sql);

  const time = async (fn: (r: (typeof ranges)[number]) => Promise<number> | number) => {
    const latencies: number[] = [];
    let points = 0;
    for (const r of ranges) {
      const t = performance.now();
      points += await fn(r);
      latencies.push(performance.now() - t);
    }
    latencies.sort((a, b) => a - b);
    return { p50: percentile(latencies, 50), p99: percentile(latencies, 99), points: points / ranges.length };
  };
  await time(async (r) => (await store.pnlHistory(r)).length); // warm-up
  const baseline = await time((r) => rawStatement.all(r.agentId, iso(r.from), iso(r.to)).length);
  const served = await time(async (r) => (await store.pnlHistory(r)).length);
  const line = (name: string, m: { p50: number; p99: number; points: number }) =>
    `${name.padEnd(44)} p50 ${m.p50.toFixed(2).padStart(7)} ms   p99 ${m.p99.toFixed(2).padStart(7)} ms   ${m.points.toFixed(0)} points`;
  console.log(line('baseline: the same SQL on better-sqlite3', baseline));
  console.log(line('HistoryStore.pnlHistory (Prisma)', served));
  console.log(`one-day range under 50 ms: ${served.p99 < 50 ? 'yes' : 'NO'} (p99 ${served.p99.toFixed(2)} ms)`);

  raw.close();
  await store.close();
  await rm(dir, { recursive: true, force: true });
}
