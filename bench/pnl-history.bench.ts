/**
 * `pnlHistory` over 90 days of snapshots at the default interval (a row per agent every 5 s: 1.55
 * million rows per agent; 3 agents by default, BENCH_PNL_AGENTS) through the history store:
 * - the 90-day range by the hour and by the day (pnlHistory(interval)), and 3 days by the minute;
 * - the 90-day range without an interval, which the row cap refuses (RESULT_TOO_LARGE) at once;
 * next to baselines in the same run: GROUP BY bucket with max(snapshot_time) on better-sqlite3 (reads
 * every row of the range), and the unbucketed 90-day read the old pnlHistory did (once).
 * It prints p50/p99 and the longest event-loop block seen while the store answered
 * (perf_hooks.monitorEventLoopDelay): better-sqlite3 runs on the main thread, so a query's time is
 * a block. Bar: under 50 ms, and no block longer than that.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import Database from 'better-sqlite3';
import type { CandleInterval } from '../src/core/market-history.js';
import { RequestLimitError } from '../src/core/errors.js';
import { HistoryStore } from '../src/history/index.js';
import { percentile } from './lib/measure.js';
import { seedSnapshots } from './lib/seed-snapshots.js';

const AGENTS = Number(process.env.BENCH_PNL_AGENTS ?? 3);
const FILE = process.env.BENCH_PNL_DB; // an already seeded file (kept), for repeated runs
const DAYS = 90;
const SNAPSHOT_INTERVAL_MS = 5000;
const ROWS = Math.round(((DAYS * 86_400_000) / SNAPSHOT_INTERVAL_MS) * AGENTS);
const RUNS = 40;
const DAY_MS = 86_400_000;

interface Measured {
  p50: number;
  p99: number;
  points: number;
  blockMs: number;
}

export async function run(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'northstar-pnl-bench-'));
  const file = FILE ?? join(dir, 'history.db');
  const seedStarted = performance.now();
  const { agents, to } = FILE
    ? { agents: Array.from({ length: AGENTS }, (_, i) => `agent:bench:${i}`), to: Date.UTC(2026, 10, 24) }
    : await seedSnapshots({ file, rows: ROWS, agents: AGENTS, days: DAYS });
  console.log(
    `\npnlHistory over ${DAYS} days at ${SNAPSHOT_INTERVAL_MS / 1000} s: ${ROWS.toLocaleString('en-US')} rows (${AGENTS} agents; seeded in ${((performance.now() - seedStarted) / 1000).toFixed(1)} s)`,
  );

  const store = await HistoryStore.open(`file:${file}`, { migrate: false });
  const raw = new Database(file, { readonly: true });
  const from90 = to - DAYS * DAY_MS;

  const time = async (fn: (i: number) => Promise<number> | number, runs = RUNS): Promise<Measured> => {
    // Warm-up: JIT, statement caches, and each agent's pages once (a freshly seeded file is not yet
    // mapped; the first read of each agent's range costs up to ~100 ms more, once).
    for (let i = 0; i < Math.min(runs, AGENTS); i++) await fn(i);
    const latencies: number[] = [];
    let points = 0;
    const delay = monitorEventLoopDelay({ resolution: 1 });
    delay.enable();
    for (let i = 0; i < runs; i++) {
      const t = performance.now();
      points += await fn(i);
      latencies.push(performance.now() - t);
      // Lets the delay monitor's timer run between calls, so each block is measured on its own.
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
    delay.disable();
    latencies.sort((a, b) => a - b);
    return { p50: percentile(latencies, 50), p99: percentile(latencies, 99), points: points / runs, blockMs: delay.max / 1e6 };
  };
  const line = (name: string, m: Measured) =>
    `${name.padEnd(58)} p50 ${m.p50.toFixed(2).padStart(8)} ms   p99 ${m.p99.toFixed(2).padStart(8)} ms   longest block ${m.blockMs.toFixed(1).padStart(6)} ms   ${m.points.toFixed(0)} points`;

  const bucketed = (interval: CandleInterval, days: number) => async (i: number) =>
    (await store.pnlHistory({ agentId: agents[i % agents.length]!, from: new Date(to - days * DAY_MS), to: new Date(to), interval })).length;

  // Baseline: GROUP BY bucket with max(snapshot_time), then the row at that time (the textbook query).
  const groupBy = raw.prepare(
    // CROSS JOIN keeps the groups as the outer loop (SQLite would otherwise scan every row per group).
    `SELECT p.snapshot_time, p.total_pnl_usd FROM (
       SELECT max(snapshot_time) AS at FROM pnl_snapshots WHERE agent_id = ? AND snapshot_time >= ? AND snapshot_time <= ? GROUP BY snapshot_time / 3600000
     ) b CROSS JOIN pnl_snapshots p ON p.agent_id = ? AND p.snapshot_time = b.at ORDER BY p.snapshot_time`,
  );
  const plan = raw.prepare(
    `EXPLAIN QUERY PLAN SELECT id FROM pnl_snapshots WHERE agent_id = ? AND snapshot_time >= ? AND snapshot_time < ? ORDER BY snapshot_time DESC, id DESC LIMIT 1`,
  );
  console.log(`per-bucket seek plan: ${(plan.all('a', 'b', 'c') as Array<{ detail: string }>).map((p) => p.detail).join(' | ')}`);

  const hourly = await time(bucketed('ONE_HOUR', DAYS));
  const daily = await time(bucketed('ONE_DAY', DAYS));
  const minutely = await time(bucketed('ONE_MINUTE', 3));
  let refusedCode = '';
  const refused = await time(async (i) => {
    try {
      await store.pnlHistory({ agentId: agents[i % agents.length]!, from: new Date(from90), to: new Date(to) });
    } catch (error) {
      if (error instanceof RequestLimitError) refusedCode = error.code;
      else throw error;
    }
    return 0;
  });

  // The baselines last: the unbucketed read allocates 1.5 million rows, whose collection would land in the measurements above.
  const baselineGroupBy = await time((i) => groupBy.all(agents[i % agents.length], from90, to, agents[i % agents.length]).length, 5);
  const unbucketed = raw.prepare(
    `SELECT snapshot_time, revenue_usd, realized_pnl_usd, unrealized_pnl_usd, total_pnl_usd FROM pnl_snapshots WHERE agent_id = ? AND snapshot_time >= ? AND snapshot_time <= ? ORDER BY snapshot_time`,
  );
  const baselineAll = await time((i) => unbucketed.all(agents[i % agents.length], from90, to).length, 2);
  console.log(line('baseline: GROUP BY hour, max(snapshot_time) (better-sqlite3)', baselineGroupBy));
  console.log(line('baseline: every row of 90 days, unbucketed (better-sqlite3)', baselineAll));
  console.log(line('pnlHistory 90 days, interval ONE_HOUR', hourly));
  console.log(line('pnlHistory 90 days, interval ONE_DAY', daily));
  console.log(line('pnlHistory 3 days, interval ONE_MINUTE', minutely));
  console.log(line(`pnlHistory 90 days, no interval (refused: ${refusedCode})`, refused));
  const worst = Math.max(hourly.p99, daily.p99, refused.p99);
  const block = Math.max(hourly.blockMs, daily.blockMs, refused.blockMs);
  console.log(`90-day range under 50 ms: ${worst < 50 ? 'yes' : 'NO'} (worst p99 ${worst.toFixed(2)} ms); longest event-loop block ${block.toFixed(1)} ms`);
  console.log(
    `3 days by the minute (${minutely.points.toFixed(0)} points) under 50 ms: ${minutely.p99 < 50 ? 'yes' : 'NO'} (p99 ${minutely.p99.toFixed(2)} ms, longest block ${minutely.blockMs.toFixed(1)} ms)`,
  );

  raw.close();
  await store.close();
  await rm(dir, { recursive: true, force: true });
}
