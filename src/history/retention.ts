/**
 * Retention: the job that replaces the seed's cache-expiry trigger and keeps the history tables at
 * RETENTION_DAYS. Rows go in batches bounded by id, so no single statement holds the SQLite write
 * lock (or a PostgreSQL transaction) for long and the snapshot writer keeps getting in between.
 */
import type { Clock } from '../core/clock.js';
import { silentLogger, type Logger } from '../core/logger.js';
import { PollLoop } from '../core/poll-loop.js';
import type { HistoryClient } from './database.js';
import { BLOCK_MS } from './market-ticks.js';
import { KEYFRAME_EVERY } from './snapshot-documents.js';

export interface PruneCounts {
  pnlSnapshots: number;
  snapshotDocuments: number;
  marketTicks: number;
  /** Public trades (market-history.ts), and the records of trade ranges read from the exchange. */
  trades: number;
  tradeBackfills: number;
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

/**
 * The documents past the horizon that kept documents are deltas against (directly or through their
 * chain): kept while those are. A chain is at most KEYFRAME_EVERY documents, written in order, so
 * only the oldest kept documents can reach back past the horizon.
 */
async function chainsInUse(prisma: HistoryClient, olderThan: Date): Promise<number[]> {
  const oldestKept = await prisma.snapshotDocument.findMany({
    where: { takenAt: { gte: olderThan } },
    orderBy: [{ takenAt: 'asc' }, { id: 'asc' }],
    take: KEYFRAME_EVERY + 1,
    select: { baseId: true },
  });
  const inUse = new Set<number>();
  let pending = [...new Set(oldestKept.flatMap((row) => (row.baseId === null ? [] : [row.baseId])))];
  for (let step = 0; pending.length > 0 && step <= KEYFRAME_EVERY; step++) {
    pending.forEach((id) => inUse.add(id));
    const bases = await prisma.snapshotDocument.findMany({ where: { id: { in: pending } }, select: { baseId: true } });
    pending = [...new Set(bases.flatMap((row) => (row.baseId === null || inUse.has(row.baseId) ? [] : [row.baseId])))];
  }
  return [...inUse];
}

/** The ttl_seconds values raw_api_responses rows carry (a handful: the archive writes one default). */
async function rawTtls(prisma: HistoryClient): Promise<number[]> {
  return (await prisma.rawApiResponse.findMany({ distinct: ['ttlSeconds'], select: { ttlSeconds: true } })).map((row) => row.ttlSeconds);
}

function targets(prisma: HistoryClient, olderThan: Date, now: Date, keyframes: number[], ttls: number[]): Target[] {
  const idUpTo = (maxId: number | null) => (maxId === null ? {} : { id: { lte: maxId } });
  const nth = async (query: Promise<{ id: number } | null>) => (await query)?.id ?? null;

  const snapshots = { snapshotTime: { lt: olderThan } };
  // A document goes with its tick's rows (it is as old as the newest of them), unless a kept delta needs it.
  const documents = { takenAt: { lt: olderThan }, ...(keyframes.length ? { id: { notIn: keyframes } } : {}) };
  // Old, or past its own ttl_seconds (the seed's column, 3600 by default): a raw sample is kept for
  // its ttl, not for the whole horizon. One condition per distinct ttl keeps this plain Prisma (no
  // column arithmetic), the same on both providers.
  const raw = {
    OR: [{ fetchTimestamp: { lt: olderThan } }, ...ttls.map((ttl) => ({ ttlSeconds: ttl, fetchTimestamp: { lt: new Date(now.getTime() - ttl * 1000) } }))],
  };
  // Old, or expired: the seed's trigger deleted expired normalized rows on every insert.
  const normalized = { OR: [{ createdAt: { lt: olderThan } }, { expiresAt: { lt: now } }] };
  const audit = { loggedAt: { lt: olderThan } };
  // A cache row is the last good value of its key, kept past expiry for stale-if-error; the cache's
  // own prune job drops rows a day past expiry. Retention only sweeps what is past the horizon.
  const cache = { expiresAt: { lt: olderThan } };
  // A trade range read from the exchange is forgotten with its trades, so asking again reads it again.
  const tradeBackfills = { kind: 'trades', toAt: { lt: olderThan } };

  return [
    {
      table: 'pnlSnapshots',
      nthDueId: (n) => nth(prisma.pnlSnapshot.findFirst({ where: snapshots, orderBy: { id: 'asc' }, skip: n - 1, select: { id: true } })),
      deleteDue: async (maxId) => (await prisma.pnlSnapshot.deleteMany({ where: { ...snapshots, ...idUpTo(maxId) } })).count,
    },
    {
      table: 'snapshotDocuments',
      nthDueId: (n) => nth(prisma.snapshotDocument.findFirst({ where: documents, orderBy: { id: 'asc' }, skip: n - 1, select: { id: true } })),
      deleteDue: async (maxId) => {
        const where = maxId === null ? documents : { AND: [documents, { id: { lte: maxId } }] };
        return (await prisma.snapshotDocument.deleteMany({ where })).count;
      },
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
      table: 'tradeBackfills',
      nthDueId: (n) => nth(prisma.historyBackfill.findFirst({ where: tradeBackfills, orderBy: { id: 'asc' }, skip: n - 1, select: { id: true } })),
      deleteDue: async (maxId) => (await prisma.historyBackfill.deleteMany({ where: { ...tradeBackfills, ...idUpTo(maxId) } })).count,
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
  const counts: PruneCounts = {
    pnlSnapshots: 0,
    snapshotDocuments: 0,
    marketTicks: 0,
    trades: 0,
    tradeBackfills: 0,
    rawApiResponses: 0,
    normalizedData: 0,
    auditLog: 0,
    cacheEntries: 0,
  };
  const keyframes = await chainsInUse(prisma, options.olderThan);
  const tickers = await tickerIds(prisma);
  for (const target of [
    ...targets(prisma, options.olderThan, options.now ?? new Date(), keyframes, await rawTtls(prisma)),
    ...tickTargets(prisma, options.olderThan, tickers),
    ...tradeTargets(prisma, options.olderThan, tickers),
  ]) {
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

async function tickerIds(prisma: HistoryClient): Promise<number[]> {
  return (await prisma.marketTicker.findMany({ select: { id: true }, orderBy: { id: 'asc' } })).map((row) => row.id);
}

/**
 * The rows of one table keyed (ticker_id, at_ms, …), one ticker at a time: the primary key finds a
 * ticker's old rows without an index of its own. A batch is bounded by the at_ms of its last row,
 * as the others by id.
 */
function perTickerTargets(
  table: PrunedTable,
  olderThan: Date,
  tickers: number[],
  rows: {
    nthOldAt(tickerId: number, before: bigint, skip: number): Promise<{ atMs: bigint } | null>;
    deleteOld(tickerId: number, before: bigint, maxAt: bigint | null): Promise<{ count: number }>;
  },
): Target[] {
  const before = BigInt(olderThan.getTime());
  return tickers.map((tickerId) => ({
    table,
    nthDueId: async (n) => {
      const row = await rows.nthOldAt(tickerId, before, n - 1);
      return row ? Number(row.atMs) : null;
    },
    deleteDue: async (maxAt) => (await rows.deleteOld(tickerId, before, maxAt === null ? null : BigInt(maxAt))).count,
  }));
}

const atMsBefore = (before: bigint, maxAt: bigint | null) => ({ lt: before, ...(maxAt === null ? {} : { lte: maxAt }) });

/**
 * market_ticks, along its primary key (ticker_id, start_ms): whole blocks whose every tick is older
 * than the horizon (a block spans less than BLOCK_MS from its start), so a block that straddles the
 * horizon stays whole until the next run after it is past. Counted in blocks.
 */
function tickTargets(prisma: HistoryClient, olderThan: Date, tickers: number[]): Target[] {
  const endsBefore = (before: bigint) => before - BigInt(BLOCK_MS) + 1n;
  return perTickerTargets('marketTicks', olderThan, tickers, {
    nthOldAt: async (tickerId, before, skip) => {
      const where = { tickerId, startMs: { lt: endsBefore(before) } };
      const row = await prisma.marketTickBlock.findFirst({ where, orderBy: { startMs: 'asc' }, skip, select: { startMs: true } });
      return row && { atMs: row.startMs };
    },
    deleteOld: (tickerId, before, maxAt) => prisma.marketTickBlock.deleteMany({ where: { tickerId, startMs: atMsBefore(endsBefore(before), maxAt) } }),
  });
}

/** trades, along its primary key (ticker_id, at_ms, trade_id). */
function tradeTargets(prisma: HistoryClient, olderThan: Date, tickers: number[]): Target[] {
  return perTickerTargets('trades', olderThan, tickers, {
    nthOldAt: (tickerId, before, skip) =>
      prisma.marketTrade.findFirst({ where: { tickerId, atMs: { lt: before } }, orderBy: { atMs: 'asc' }, skip, select: { atMs: true } }),
    deleteOld: (tickerId, before, maxAt) => prisma.marketTrade.deleteMany({ where: { tickerId, atMs: atMsBefore(before, maxAt) } }),
  });
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
 * Runs once now, then `intervalMs` after each run ends (the shared PollLoop): a run that outlasts
 * the interval delays the next one instead of overlapping it. Failures are logged and retried on
 * the next tick; stop() aborts a run between batches.
 */
export function startRetentionJob(options: RetentionJobOptions): RetentionJob {
  const { prisma, clock, retentionDays, intervalMs } = options;
  const logger = options.logger ?? silentLogger;

  const run = async (signal: AbortSignal): Promise<void> => {
    const startedAt = clock.now();
    try {
      const counts = await pruneHistory(prisma, {
        olderThan: new Date(startedAt - retentionDays * DAY_MS),
        now: new Date(startedAt),
        signal,
        ...(options.batchSize === undefined ? {} : { batchSize: options.batchSize }),
      });
      const total = (Object.keys(counts) as PrunedTable[]).reduce((sum, table) => sum + counts[table], 0);
      logger[total > 0 ? 'info' : 'debug']({ deleted: counts, retentionDays, durationMs: clock.now() - startedAt }, 'history retention run');
      options.onRun?.(counts);
    } catch (error) {
      logger.error({ err: error }, 'history retention run failed');
    }
  };

  const loop = new PollLoop({ clock, intervalMs, poll: run, stopReason: 'retention stopped' });
  loop.start();
  return { stop: () => loop.stop() };
}
