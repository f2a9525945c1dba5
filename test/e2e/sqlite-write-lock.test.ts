/**
 * Another process holds the service's SQLite file under a write lock for a few seconds (a backup
 * tool, an operator's sqlite3 shell, a second instance pointed at the same file by mistake). The
 * service must go on answering at its usual speed: its reads do not need the lock (WAL), and its
 * writes wait for it without stopping anything else. better-sqlite3 is synchronous, so a write that
 * waited inside SQLite's busy handler froze the whole process, every query included, for as long
 * as the lock was held (measured: one query took 3,994 ms during a 4 s lock, against 9 ms before).
 * And the writes that met the lock are stored once it goes: none is given up.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authHeaders, graphqlUrl, startServiceProcess, type ServiceProcess } from '../support/service-process.js';
import { holdWriteLock } from '../support/sqlite-lock.js';
import { until } from '../support/until.js';

const LOCK_MS = 4000;
/** Far above the ~10 ms a query takes here, far below the lock: a frozen process cannot pass it. */
const WORST_LATENCY_MS = 1500;

const SNAPSHOTS = `query Snapshots($from: DateTime!, $to: DateTime!) { snapshots(from: $from, to: $to, first: 100) { totalCount } }`;

describe('a write lock held on the SQLite file by another process', () => {
  let service: ServiceProcess;
  let url: string;

  const post = async (query: string, variables?: Record<string, unknown>): Promise<{ data?: Record<string, unknown>; errors?: unknown[] }> => {
    const response = await fetch(url, {
      method: 'POST',
      headers: authHeaders({ 'content-type': 'application/json' }),
      body: JSON.stringify({ query, variables }),
    });
    return (await response.json()) as { data?: Record<string, unknown>; errors?: unknown[] };
  };
  const snapshotsBetween = async (from: Date, to: Date): Promise<number> => {
    const body = await post(SNAPSHOTS, { from: from.toISOString(), to: to.toISOString() });
    return (body.data?.snapshots as { totalCount: number } | undefined)?.totalCount ?? -1;
  };

  beforeAll(async () => {
    // A snapshot every 300 ms: the writer meets the lock several times while it is held.
    service = await startServiceProcess({ SNAPSHOT_INTERVAL_MS: '300', AGGREGATION_INTERVAL_MS: '200', KALSHI_POLL_INTERVAL_MS: '200' });
    url = graphqlUrl(service);
    const started = new Date(Date.now() - 60_000);
    await until('a first stored snapshot', 30_000, async () => ((await snapshotsBetween(started, new Date(Date.now() + 60_000))) > 0 ? true : null));
  }, 90_000);
  afterAll(() => service?.dispose());

  it('keeps answering queries at their usual speed, and stores what it wrote meanwhile once it is released', { timeout: 60_000 }, async () => {
    const since = new Date(Date.now() - 120_000);
    const to = new Date(Date.now() + 120_000);
    const held = await holdWriteLock(service.dbPath, LOCK_MS);
    const latencies: number[] = [];
    const storedDuringLock = new Set<number>();
    let released = false;
    const lockGone = held.released.then((ms) => {
      released = true;
      return ms;
    });
    while (!released) {
      const started = performance.now();
      const body = await post(
        `query During($from: DateTime!, $to: DateTime!) {
        markets(limit: 5) { ticker } sources { source breaker } snapshots(from: $from, to: $to, first: 1) { totalCount }
      }`,
        { from: since.toISOString(), to: to.toISOString() },
      );
      latencies.push(performance.now() - started);
      expect(body.errors).toBeUndefined();
      expect((body.data?.markets as unknown[]).length).toBeGreaterThan(0);
      if (!released) storedDuringLock.add((body.data?.snapshots as { totalCount: number }).totalCount);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const heldMs = await lockGone;
    expect(heldMs).toBeGreaterThanOrEqual(LOCK_MS - 100);
    // A query every ~100 ms for the whole lock: the process never stopped answering.
    expect(latencies.length).toBeGreaterThan(LOCK_MS / 100 / 2);
    expect(Math.max(...latencies)).toBeLessThan(WORST_LATENCY_MS);

    // The lock held: nothing was stored while it lasted (the writer's write waited for it)…
    expect(storedDuringLock.size).toBe(1);
    // …and once it went, that write and the ones after it were stored, none given up.
    const before = [...storedDuringLock][0]!;
    await until('the snapshots written after the lock', 15_000, async () => ((await snapshotsBetween(since, to)) > before ? true : null));
    expect(service.logs.filter((line) => /snapshot write failed|storing trades failed|cache write failed/.test(String(line.msg)))).toEqual([]);
  });
});
