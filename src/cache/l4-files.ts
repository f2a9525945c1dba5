/**
 * L4: JSON files under CACHE_DIR/fallback, the last resort when Redis, the database and every
 * upstream are gone, including right after a restart.
 *
 * Layout: one file per source and kind, `{source}.{kind}.json` (e.g. `kalshi.markets.json`), holding
 * `{ format, version, writtenAt, entries: { [cacheKey]: CacheEntry } }`; keys not built by cacheKey()
 * share `other.json`. Per source/kind rather than per key: a few dozen files instead of thousands,
 * and a snapshot rewrites only the files whose entries changed.
 *
 * Writes are atomic (write `*.tmp-<pid>-<n>`, fsync, rename over the old file), so a crash leaves
 * either the old file or the new one. They happen only in the snapshot job (every 60 s by default,
 * from what L1 holds), never on the request path. Reads come from an in-memory index of what was
 * loaded at startup and written since; the files are read once, by loadAll().
 */
import { PollLoop } from '../core/poll-loop.js';
import { mkdir, open, readdir, readFile, rename, stat, unlink } from 'node:fs/promises';
import path from 'node:path';
import type { Clock } from '../core/clock.js';
import { silentLogger, type Logger } from '../core/logger.js';
import type { CacheMetrics } from './cache-metrics.js';
import { isCacheEntry, parseCacheKey, type CacheEntry } from './entry.js';

export interface FileTierOptions {
  /** CACHE_DIR. Files go in its `fallback` subdirectory. */
  cacheDir: string;
  clock: Clock;
  /** Entries whose value the upstream produced longer ago than this are dropped from the files. @default 7 days */
  maxAgeMs?: number;
  metrics?: CacheMetrics;
  logger?: Logger;
}

export interface LoadResult {
  /** Entries now in the index. */
  entries: number;
  /** Files read successfully. */
  files: number;
  /** Files that could not be read or parsed (a warning was logged for each). */
  skipped: string[];
}

export interface SnapshotResult {
  /** Group files rewritten (or removed when their group emptied). */
  filesWritten: number;
  /** Entries the snapshot offered that were newer than what L4 held. */
  entriesUpdated: number;
}

export interface SnapshotJobOptions {
  /** @default 60000 */
  intervalMs?: number;
  /** What to write: L1's entries (TieredCache.entries()). Read synchronously at the start of a run. */
  entries: () => Iterable<readonly [string, CacheEntry]>;
  /** @default the tier's clock */
  clock?: Clock;
  onRun?: (result: SnapshotResult) => void;
}

export interface SnapshotJob {
  /** Writes a snapshot now and resolves its result (shares a run already in progress). */
  runNow(): Promise<SnapshotResult>;
  /** Cancels the next run and waits for a running one. */
  stop(): Promise<void>;
}

const FILE_FORMAT = 'northstar-cache-l4';
const FILE_VERSION = 1;
const OTHER_GROUP = 'other';
const SAFE_NAME = /^[A-Za-z0-9_-]+$/;
/** A `*.tmp-*` file older than this is debris from a crash, not another process mid-write. */
const LEFTOVER_TMP_AGE_MS = 60 * 60 * 1000;
const DEFAULT_MAX_AGE_MS = 7 * 24 * 60 * 60 * 1000;

interface FileBody {
  format: typeof FILE_FORMAT;
  version: number;
  writtenAt: number;
  entries: Record<string, CacheEntry>;
}

/** The file (without `.json`) a key belongs to. */
export function groupOf(key: string): string {
  const parsed = parseCacheKey(key);
  if (!parsed || !SAFE_NAME.test(parsed.kind)) return OTHER_GROUP;
  return `${parsed.source}.${parsed.kind}`;
}

/**
 * Whether `next` should replace `current`: the later upstream value wins, then the later fetch.
 * Another copy of the same value (an L1 backfill with a new storedAt) does not count as a change,
 * so a snapshot of an unchanged L1 rewrites no file.
 */
function newer(next: CacheEntry, current: CacheEntry | undefined): boolean {
  if (!current) return true;
  if (next.originAt !== current.originAt) return next.originAt > current.originAt;
  return next.fetchedAt > current.fetchedAt;
}

export class FileTier {
  /** CACHE_DIR/fallback. */
  readonly directory: string;
  private readonly clock: Clock;
  private readonly maxAgeMs: number;
  private readonly metrics: CacheMetrics | undefined;
  private readonly logger: Logger;
  private readonly index = new Map<string, CacheEntry>();
  /** Groups whose file no longer matches the index. */
  private readonly dirty = new Set<string>();
  /** Serializes writers: two snapshots (the timer's and the one at close) never write the same file at once. */
  private writing: Promise<unknown> = Promise.resolve();
  private tmpCounter = 0;
  private lastWriteOk = true;

  constructor(options: FileTierOptions) {
    this.directory = path.join(options.cacheDir, 'fallback');
    this.clock = options.clock;
    this.maxAgeMs = options.maxAgeMs ?? DEFAULT_MAX_AGE_MS;
    this.metrics = options.metrics;
    this.logger = options.logger ?? silentLogger;
  }

  /** false after a snapshot failed to write (a full disk, a read-only directory) until one succeeds. */
  healthy(): boolean {
    return this.lastWriteOk;
  }

  get size(): number {
    return this.index.size;
  }

  /**
   * Reads every `*.json` file into the index (startup). A file that cannot be parsed, or is not ours,
   * is skipped with a warning; entries of the wrong shape are dropped one by one. Never throws for a
   * bad file; throws only when the directory itself cannot be created or listed.
   */
  async loadAll(): Promise<LoadResult> {
    await mkdir(this.directory, { recursive: true });
    const result: LoadResult = { entries: 0, files: 0, skipped: [] };
    for (const name of (await readdir(this.directory)).sort()) {
      const file = path.join(this.directory, name);
      if (name.includes('.tmp-')) {
        await this.removeLeftover(file);
        continue;
      }
      if (!name.endsWith('.json')) continue;
      let body: unknown;
      try {
        body = JSON.parse(await readFile(file, 'utf8'));
      } catch (error) {
        result.skipped.push(name);
        this.metrics?.error('L4', 'get');
        this.logger.warn({ err: error, file }, 'unreadable cache fallback file skipped');
        continue;
      }
      if (!isFileBody(body)) {
        result.skipped.push(name);
        this.logger.warn({ file }, 'cache fallback file of an unknown format skipped');
        continue;
      }
      result.files += 1;
      for (const [key, entry] of Object.entries(body.entries)) {
        if (!isCacheEntry(entry)) {
          this.logger.warn({ file, key }, 'malformed cache fallback entry skipped');
          continue;
        }
        // A key found in a file other than its own (layout changed): keep it, rewrite it where it belongs.
        if (groupOf(key) !== name.slice(0, -'.json'.length)) this.dirty.add(groupOf(key));
        if (newer(entry, this.index.get(key))) this.index.set(key, entry);
      }
    }
    result.entries = this.index.size;
    return result;
  }

  private async removeLeftover(file: string): Promise<void> {
    try {
      const { mtimeMs } = await stat(file);
      if (Date.now() - mtimeMs > LEFTOVER_TMP_AGE_MS) await unlink(file);
    } catch {
      // Gone already, or not ours to remove: either way nothing to read.
    }
  }

  /** The entry L4 holds for `key`, fresh or not. */
  get(key: string): CacheEntry | undefined {
    return this.index.get(key);
  }

  /** Entries for `keys` that L4 holds, fresh or not. In memory: no I/O on the request path. */
  getMany(keys: readonly string[]): Map<string, CacheEntry> {
    const found = new Map<string, CacheEntry>();
    for (const key of keys) {
      const entry = this.index.get(key);
      if (entry) found.set(key, entry);
    }
    return found;
  }

  /** Every entry L4 holds (to warm L1 at startup). */
  entries(): IterableIterator<[string, CacheEntry]> {
    return this.index.entries();
  }

  /**
   * Merges `entries` into the index (a key keeps its newest value; keys absent from the snapshot
   * keep their old one, so an LRU eviction in L1 does not erase the fallback), drops entries older
   * than maxAgeMs, and atomically rewrites the files whose group changed.
   */
  writeSnapshot(entries: Iterable<readonly [string, CacheEntry]>): Promise<SnapshotResult> {
    let entriesUpdated = 0;
    for (const [key, entry] of entries) {
      if (!newer(entry, this.index.get(key))) continue;
      this.index.set(key, entry);
      this.dirty.add(groupOf(key));
      entriesUpdated += 1;
    }
    const oldest = this.clock.now() - this.maxAgeMs;
    for (const [key, entry] of this.index) {
      if (entry.originAt < oldest) {
        this.index.delete(key);
        this.dirty.add(groupOf(key));
      }
    }
    return this.serialized(async () => ({ filesWritten: await this.writeDirty(), entriesUpdated }));
  }

  private serialized<R>(task: () => Promise<R>): Promise<R> {
    const run = this.writing.then(task, task);
    this.writing = run.catch(() => {});
    return run;
  }

  /** Writes (or removes, when empty) each dirty group's file. */
  private async writeDirty(): Promise<number> {
    if (this.dirty.size === 0) return 0;
    const startedAt = performance.now();
    const groups = [...this.dirty];
    this.dirty.clear();
    const byGroup = new Map<string, Record<string, CacheEntry>>(groups.map((group) => [group, {}]));
    for (const [key, entry] of this.index) {
      const bucket = byGroup.get(groupOf(key));
      if (bucket) bucket[key] = entry;
    }
    let written = 0;
    try {
      await mkdir(this.directory, { recursive: true });
      for (const [group, entries] of byGroup) {
        const file = path.join(this.directory, `${group}.json`);
        if (Object.keys(entries).length === 0) {
          await unlink(file).catch((error: NodeJS.ErrnoException) => {
            if (error.code !== 'ENOENT') throw error;
          });
        } else {
          const body: FileBody = { format: FILE_FORMAT, version: FILE_VERSION, writtenAt: this.clock.now(), entries };
          await this.writeAtomically(file, JSON.stringify(body));
        }
        written += 1;
        // Done with this group: a failure further on must not mark it dirty again.
        byGroup.delete(group);
      }
      this.lastWriteOk = true;
      return written;
    } catch (error) {
      // Whatever was not written is retried by the next snapshot.
      for (const group of byGroup.keys()) this.dirty.add(group);
      this.lastWriteOk = false;
      this.metrics?.error('L4', 'snapshot');
      this.logger.error({ err: error, directory: this.directory }, 'cache fallback snapshot failed');
      throw error;
    } finally {
      this.metrics?.observe('L4', 'snapshot', startedAt);
    }
  }

  /** tmp file, fsync, rename: readers see the old file or the whole new one, never half of it. */
  private async writeAtomically(file: string, content: string): Promise<void> {
    const tmp = `${file}.tmp-${process.pid}-${++this.tmpCounter}`;
    try {
      const handle = await open(tmp, 'w');
      try {
        await handle.writeFile(content, 'utf8');
        await handle.sync();
      } finally {
        await handle.close();
      }
      await rename(tmp, file);
    } catch (error) {
      await unlink(tmp).catch(() => {});
      throw error;
    }
  }

  /**
   * Snapshots `entries()` every `intervalMs` (default 60 s) on the clock, the next run one interval
   * after the previous ends. A failed run is logged and retried on the next tick.
   */
  startSnapshotJob(options: SnapshotJobOptions): SnapshotJob {
    const clock = options.clock ?? this.clock;
    const intervalMs = options.intervalMs ?? 60_000;
    const loop = new PollLoop<SnapshotResult>({
      clock,
      intervalMs,
      firstDelayMs: intervalMs,
      stopReason: 'cache snapshot job stopped',
      poll: () =>
        this.writeSnapshot([...options.entries()])
          .then((result) => {
            options.onRun?.(result);
            return result;
          })
          .catch((): SnapshotResult => ({ filesWritten: 0, entriesUpdated: 0 })),
    });
    loop.start();
    // runNow() still works after stop(): shutdown writes a last snapshot that way.
    return { runNow: () => loop.pollOnce(), stop: () => loop.stop() };
  }
}

function isFileBody(value: unknown): value is FileBody {
  if (typeof value !== 'object' || value === null) return false;
  const body = value as Record<string, unknown>;
  return (
    body.format === FILE_FORMAT && body.version === FILE_VERSION && typeof body.entries === 'object' && body.entries !== null && !Array.isArray(body.entries)
  );
}
