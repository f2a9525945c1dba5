/**
 * L3: the `cache_entries` table of the history database (SQLite, or PostgreSQL when DATABASE_URL
 * says so), through the Prisma client. It survives restarts and is shared by every process on the
 * same database.
 *
 * The last good value of each key is kept PAST its expiry: `expires_at` says when a row stops being
 * fresh, not when it goes. Reads return expired rows too (the tiered cache serves them only when the
 * upstream fails), and a timer job deletes rows once they are older than a stale horizon, in small
 * batches, off the request path.
 */
import { PollLoop } from '../core/poll-loop.js';
import type { Clock } from '../core/clock.js';
import { silentLogger, type Logger } from '../core/logger.js';
import { Prisma, type HistoryClient } from '../history/database.js';
import type { CacheMetrics } from './cache-metrics.js';
import { isSourceId, type CacheEntry } from './entry.js';

export interface DatabaseTierOptions {
  prisma: HistoryClient;
  /** Stamps updated_at and measures the stale horizon. */
  clock: Clock;
  /** How long past expires_at a row is kept for stale-if-error. @default 24 h */
  staleHorizonMs?: number;
  metrics?: CacheMetrics;
  logger?: Logger;
}

/** A row as read: the entry (possibly expired) and its JSON length. */
export interface DatabaseHit {
  entry: CacheEntry;
  bytes: number;
}

export interface PruneExpiredOptions {
  /** Rows whose expires_at is before this go. @default now − staleHorizonMs */
  olderThan?: Date;
  /** Rows per DELETE, so no statement holds the SQLite write lock for long. @default 1000 */
  batchSize?: number;
  /** Stops between batches (shutdown). */
  signal?: AbortSignal;
}

export interface PruneResult {
  deleted: number;
  batches: number;
}

export interface PruneJob {
  /** Runs a prune now (outside the schedule) and resolves its result. */
  runNow(): Promise<PruneResult>;
  /** Cancels the next run and waits for a running one to reach a batch boundary. */
  stop(): Promise<void>;
}

/** SQLite's default limit on bound parameters is 32766, older builds 999: stay far below both. */
const KEYS_PER_QUERY = 500;
/** 7 parameters a row: 700 per statement. */
const ROWS_PER_STATEMENT = 100;
export const DEFAULT_STALE_HORIZON_MS = 24 * 60 * 60 * 1000;

function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

export class DatabaseTier {
  private readonly prisma: HistoryClient;
  private readonly clock: Clock;
  private readonly metrics: CacheMetrics | undefined;
  private readonly logger: Logger;
  readonly staleHorizonMs: number;
  /** The outcome of the last operation: what health reports (the database may come back). */
  private lastOk = true;

  constructor(options: DatabaseTierOptions) {
    this.prisma = options.prisma;
    this.clock = options.clock;
    this.metrics = options.metrics;
    this.logger = options.logger ?? silentLogger;
    this.staleHorizonMs = options.staleHorizonMs ?? DEFAULT_STALE_HORIZON_MS;
  }

  healthy(): boolean {
    return this.lastOk;
  }

  /**
   * Runs the read query once at startup. Prisma prepares a query shape on its first use (~50–100 ms
   * measured here); without this, the first request that falls through to L3 would pay for it.
   */
  async warmUp(): Promise<void> {
    await this.getMany(['\u0000warm-up']);
  }

  /**
   * Every row for `keys`, expired or not (one findMany per 500 keys). A failing database is an empty
   * answer, counted and logged, like a miss.
   */
  async getMany(keys: readonly string[]): Promise<Map<string, DatabaseHit>> {
    const found = new Map<string, DatabaseHit>();
    if (keys.length === 0) return found;
    try {
      await this.operation('get', async () => {
        for (const batch of chunks(keys, KEYS_PER_QUERY)) {
          const rows = await this.prisma.cacheEntry.findMany({
            where: { cacheKey: { in: batch } },
            select: { cacheKey: true, source: true, valueJson: true, originAt: true, fetchedAt: true, expiresAt: true, updatedAt: true },
          });
          for (const row of rows) {
            const entry = this.toEntry(row);
            if (entry) found.set(row.cacheKey, { entry, bytes: row.valueJson.length });
          }
        }
      });
    } catch (error) {
      this.logger.warn({ err: error, keys: keys.length }, 'database cache read failed; treated as a miss');
    }
    return found;
  }

  /**
   * The rows whose key starts with `prefix`, expired or not, the most recently written first, at
   * most `limit`: what startup warms the in-memory state from. SQLite's LIKE (what `startsWith`
   * becomes) ignores ASCII case, so keys are re-checked here. A failing database is an empty answer,
   * counted and logged, like a miss.
   */
  async getByPrefix(prefix: string, limit: number): Promise<Map<string, DatabaseHit>> {
    const found = new Map<string, DatabaseHit>();
    try {
      await this.operation('get', async () => {
        const rows = await this.prisma.cacheEntry.findMany({
          where: { cacheKey: { startsWith: prefix } },
          orderBy: { updatedAt: 'desc' },
          take: Math.max(1, Math.trunc(limit)),
          select: { cacheKey: true, source: true, valueJson: true, originAt: true, fetchedAt: true, expiresAt: true, updatedAt: true },
        });
        for (const row of rows) {
          if (!row.cacheKey.startsWith(prefix)) continue;
          const entry = this.toEntry(row);
          if (entry) found.set(row.cacheKey, { entry, bytes: row.valueJson.length });
        }
      });
    } catch (error) {
      this.logger.warn({ err: error, prefix }, 'database cache read failed; treated as a miss');
    }
    return found;
  }

  /**
   * One tier operation, timed and counted; its outcome is the tier's health (`healthy`). A failure
   * is rethrown for the caller to handle.
   */
  private async operation<T>(name: 'get' | 'set' | 'prune', run: () => Promise<T>): Promise<T> {
    const startedAt = performance.now();
    try {
      const result = await run();
      this.lastOk = true;
      return result;
    } catch (error) {
      this.lastOk = false;
      this.metrics?.error('L3', name);
      throw error;
    } finally {
      this.metrics?.observe('L3', name, startedAt);
    }
  }

  private toEntry(row: {
    cacheKey: string;
    source: string;
    valueJson: string;
    originAt: Date;
    fetchedAt: Date;
    expiresAt: Date;
    updatedAt: Date;
  }): CacheEntry | null {
    if (!isSourceId(row.source)) return null;
    try {
      return {
        value: JSON.parse(row.valueJson) as unknown,
        source: row.source,
        originAt: row.originAt.getTime(),
        fetchedAt: row.fetchedAt.getTime(),
        storedAt: row.updatedAt.getTime(),
        expiresAt: row.expiresAt.getTime(),
      };
    } catch {
      this.logger.warn({ key: row.cacheKey }, 'unreadable database cache row ignored');
      return null;
    }
  }

  /**
   * Upserts every entry: one `INSERT … ON CONFLICT DO UPDATE` statement per 100 rows, no
   * transaction. A statement is atomic by itself, so nothing is held open across awaits: the
   * history store shares this client (and, on SQLite, its one connection), and its writes must
   * never land inside a cache write and roll back with it. Throws on failure: the caller is the
   * background writer, which logs it; no request waits on this.
   */
  async setMany(entries: ReadonlyArray<readonly [string, CacheEntry]>): Promise<void> {
    if (entries.length === 0) return;
    // One row per key, the last write winning, as one upsert after another would leave it
    // (PostgreSQL refuses a statement that updates the same row twice).
    const latest = new Map<string, CacheEntry>();
    for (const [cacheKey, entry] of entries) {
      latest.delete(cacheKey);
      latest.set(cacheKey, entry);
    }
    const updatedAt = new Date(this.clock.now());
    await this.operation('set', async () => {
      // Raw SQL, not Prisma's upsert: Prisma has no multi-row upsert, and a batched $transaction
      // cached a query plan per distinct batch (~10 MB a minute of plans on a busy service). Raw
      // statements are not compiled into plans, so no batch shape is remembered.
      for (const batch of chunks([...latest], ROWS_PER_STATEMENT)) {
        const rows = batch.map(
          ([cacheKey, entry]) =>
            Prisma.sql`(${cacheKey}, ${entry.source}, ${JSON.stringify(entry.value) ?? null}, ${new Date(entry.originAt)}, ${new Date(entry.fetchedAt)}, ${new Date(entry.expiresAt)}, ${updatedAt})`,
        );
        await this.prisma.$executeRaw`
          INSERT INTO "cache_entries" ("cache_key", "source", "value_json", "origin_at", "fetched_at", "expires_at", "updated_at")
          VALUES ${Prisma.join(rows)}
          ON CONFLICT ("cache_key") DO UPDATE SET
            "source" = excluded."source",
            "value_json" = excluded."value_json",
            "origin_at" = excluded."origin_at",
            "fetched_at" = excluded."fetched_at",
            "expires_at" = excluded."expires_at",
            "updated_at" = excluded."updated_at"`;
      }
    });
  }

  /**
   * Deletes rows that expired before `olderThan` (default: the stale horizon ago), at most
   * `batchSize` per DELETE: each batch finds the id of its last due row, then deletes the due rows
   * up to it, so the snapshot writer and cache writes get the write lock in between.
   */
  async pruneExpired(options: PruneExpiredOptions = {}): Promise<PruneResult> {
    const olderThan = options.olderThan ?? new Date(this.clock.now() - this.staleHorizonMs);
    const batchSize = Math.max(1, Math.trunc(options.batchSize ?? 1000));
    const due = { expiresAt: { lt: olderThan } };
    const result: PruneResult = { deleted: 0, batches: 0 };
    return this.operation('prune', async () => {
      for (;;) {
        if (options.signal?.aborted) break;
        const boundary = await this.prisma.cacheEntry.findFirst({ where: due, orderBy: { id: 'asc' }, skip: batchSize - 1, select: { id: true } });
        const { count } = await this.prisma.cacheEntry.deleteMany({ where: boundary ? { ...due, id: { lte: boundary.id } } : due });
        if (count > 0) {
          result.deleted += count;
          result.batches += 1;
        }
        // No boundary: fewer than a batch were due, and they are gone now.
        if (!boundary || count === 0) break;
      }
      return result;
    });
  }

  /**
   * Prunes every `intervalMs` on `clock`, the next run `intervalMs` after the previous one ENDS (a
   * slow run delays the next instead of overlapping it). The first run is one interval after start:
   * startup has better things to do. Failures are logged and retried on the next tick.
   */
  startPruneJob(clock: Clock, intervalMs: number, options: { batchSize?: number; onRun?: (result: PruneResult) => void } = {}): PruneJob {
    const loop = new PollLoop<PruneResult>({
      clock,
      intervalMs,
      firstDelayMs: intervalMs,
      stopReason: 'cache prune job stopped',
      poll: (signal) =>
        this.pruneExpired({ signal, ...(options.batchSize === undefined ? {} : { batchSize: options.batchSize }) })
          .then((result) => {
            if (result.deleted > 0) this.logger.info({ ...result }, 'expired cache rows pruned');
            options.onRun?.(result);
            return result;
          })
          .catch((error: unknown) => {
            this.logger.error({ err: error }, 'cache prune run failed');
            return { deleted: 0, batches: 0 };
          }),
    });
    loop.start();
    // A runNow() during a scheduled run shares it.
    return { runNow: () => loop.pollOnce(), stop: () => loop.stop() };
  }
}
