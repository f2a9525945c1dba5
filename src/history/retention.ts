/**
 * Retention: the job that replaces the seed's cache-expiry trigger and keeps the history tables at
 * RETENTION_DAYS. Rows go in batches bounded by id, so no single statement holds the SQLite write
 * lock (or a PostgreSQL transaction) for long and the snapshot writer keeps getting in between.
 */
import type { Clock, TimerHandle } from '../core/clock.js';
import { silentLogger, type Logger } from '../core/logger.js';
import type { HistoryClient } from './database.js';

export interface PruneCounts {
  pnlSnapshots: number;
  rawApiResponses: number;
  normalizedData: number;
  auditLog: number;
  cacheEntries: number;
}

export type PrunedTable = keyof PruneCounts;

export interface PruneOptions {
  /** Rows strictly older than this go. */
  olderThan: Date;
  /** Rows per DELETE. @default 5000 */
  batchSize?: number;
  /** What "expired" is measured against (cache entries, normalized data). @default new Date() */
  now?: Date;
  /** Stops between batches: shutdown should not wait for a large backlog. */
  signal?: AbortSignal;
  /** Called after every DELETE, with the rows it removed. */
  onBatch?: (table: PrunedTable, deleted: number) => void;
}

/** One table: which rows are due, and how to find the id that closes a batch. */
interface Target {
  table: PrunedTable;
  /** The id of the n-th (1-based) due row in id order, or null when fewer are due. */
  nthDueId(n: number): Promise<number | null>;
  /** Deletes the due rows with id ≤ maxId (all due rows when maxId is null). */
  deleteDue(maxId: number | null): Promise<number>;
}

function targets(prisma: HistoryClient, olderThan: Date, now: Date): Target[] {
  const idUpTo = (maxId: number | null) => (maxId === null ? {} : { id: { lte: maxId } });
  const nth = async (query: Promise<{ id: number } | null>) => (await query)?.id ?? null;

  const snapshots = { snapshotTime: { lt: olderThan } };
  const raw = { fetchTimestamp: { lt: olderThan } };
  // Old, or expired: the seed's trigger deleted expired normalized rows on every insert.
  const normalized = { OR: [{ createdAt: { lt: olderThan } }, { expiresAt: { lt: now } }] };
  const audit = { loggedAt: { lt: olderThan } };
  // A cache row is the last good value of its key, kept past expiry for stale-if-error; the cache's
  // own prune job drops rows a day past expiry. Retention only sweeps what is past the horizon.
  const cache = { expiresAt: { lt: olderThan } };

  return [
    {
      table: 'pnlSnapshots',
      nthDueId: (n) => nth(prisma.pnlSnapshot.findFirst({ where: snapshots, orderBy: { id: 'asc' }, skip: n - 1, select: { id: true } })),
      deleteDue: async (maxId) => (await prisma.pnlSnapshot.deleteMany({ where: { ...snapshots, ...idUpTo(maxId) } })).count,
    },
    {
      table: 'rawApiResponses',
      nthDueId: (n) => nth(prisma.rawApiResponse.findFirst({ where: raw, orderBy: { id: 'asc' }, skip: n - 1, select: { id: true } })),
      deleteDue: async (maxId) => (await prisma.rawApiResponse.deleteMany({ where: { ...raw, ...idUpTo(maxId) } })).count,
    },
    {
      table: 'normalizedData',
      nthDueId: (n) => nth(prisma.normalizedData.findFirst({ where: normalized, orderBy: { id: 'asc' }, skip: n - 1, select: { id: true } })),
      deleteDue: async (maxId) => (await prisma.normalizedData.deleteMany({ where: { ...normalized, ...idUpTo(maxId) } })).count,
    },
    {
      table: 'auditLog',
      nthDueId: (n) => nth(prisma.auditLog.findFirst({ where: audit, orderBy: { id: 'asc' }, skip: n - 1, select: { id: true } })),
      deleteDue: async (maxId) => (await prisma.auditLog.deleteMany({ where: { ...audit, ...idUpTo(maxId) } })).count,
    },
    {
      table: 'cacheEntries',
      nthDueId: (n) => nth(prisma.cacheEntry.findFirst({ where: cache, orderBy: { id: 'asc' }, skip: n - 1, select: { id: true } })),
      deleteDue: async (maxId) => (await prisma.cacheEntry.deleteMany({ where: { ...cache, ...idUpTo(maxId) } })).count,
    },
  ];
}

/**
 * Deletes rows older than `olderThan` (and expired cache / normalized rows) in batches of at most
 * `batchSize`: each batch first finds the id of its last row, then deletes the due rows up to that
 * id, so a DELETE never touches more than a batch.
 */
export async function pruneHistory(prisma: HistoryClient, options: PruneOptions): Promise<PruneCounts> {
  const batchSize = Math.max(1, Math.trunc(options.batchSize ?? 5000));
  const counts: PruneCounts = { pnlSnapshots: 0, rawApiResponses: 0, normalizedData: 0, auditLog: 0, cacheEntries: 0 };
  for (const target of targets(prisma, options.olderThan, options.now ?? new Date())) {
    for (;;) {
      if (options.signal?.aborted) return counts;
      const boundary = await target.nthDueId(batchSize);
      const deleted = await target.deleteDue(boundary);
      if (deleted > 0) {
        counts[target.table] += deleted;
        options.onBatch?.(target.table, deleted);
      }
      // No boundary: fewer than a batch were due, and they are gone now.
      if (boundary === null || deleted === 0) break;
    }
  }
  return counts;
}

export interface RetentionJobOptions {
  prisma: HistoryClient;
  clock: Clock;
  /** Rows older than this many days are deleted. */
  retentionDays: number;
  /** Pause between the end of one run and the start of the next. */
  intervalMs: number;
  logger?: Logger;
  /** @default 5000 */
  batchSize?: number;
  /** Observes each finished run (tests, metrics). */
  onRun?: (counts: PruneCounts) => void;
}

export interface RetentionJob {
  /** Cancels the next run and waits for a running one to reach a batch boundary. */
  stop(): Promise<void>;
}

const DAY_MS = 86_400_000;

/**
 * Runs once now, then `intervalMs` after each run ends: a run that outlasts the interval delays
 * the next one instead of overlapping it. Failures are logged and retried on the next tick.
 */
export function startRetentionJob(options: RetentionJobOptions): RetentionJob {
  const { prisma, clock, retentionDays, intervalMs } = options;
  const logger = options.logger ?? silentLogger;
  const abort = new AbortController();
  let timer: TimerHandle | null = null;
  let running: Promise<void> | null = null;

  const run = async (): Promise<void> => {
    const startedAt = clock.now();
    try {
      const counts = await pruneHistory(prisma, {
        olderThan: new Date(startedAt - retentionDays * DAY_MS),
        now: new Date(startedAt),
        signal: abort.signal,
        ...(options.batchSize === undefined ? {} : { batchSize: options.batchSize }),
      });
      const total = (Object.keys(counts) as PrunedTable[]).reduce((sum, table) => sum + counts[table], 0);
      logger[total > 0 ? 'info' : 'debug']({ deleted: counts, retentionDays, durationMs: clock.now() - startedAt }, 'history retention run');
      options.onRun?.(counts);
    } catch (error) {
      logger.error({ err: error }, 'history retention run failed');
    }
  };

  const tick = (): void => {
    timer = null;
    running = run().finally(() => {
      running = null;
      if (!abort.signal.aborted) timer = clock.setTimeout(tick, intervalMs);
    });
  };
  tick();

  return {
    async stop() {
      abort.abort();
      timer?.cancel();
      timer = null;
      await running;
    },
  };
}
