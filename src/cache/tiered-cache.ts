/**
 * The read-through cache over the four tiers. The promise: an answer comes from the fastest tier
 * that holds it fresh, a failing upstream is covered by the freshest value any tier still has, and
 * every answer says where it came from and how old it is.
 *
 * Read path for a batch of keys (one call per tier for all keys still missing):
 *   L1 (memory) → L2 (one MGET) → L3 (one findMany) → L4 (in-memory index of the files) → load.
 * A hit in a slower tier is copied into the faster ones (L2 → L1; L3 and L4 → L1 + L2); a copy never
 * outlives the entry it was copied from. Keys no tier holds fresh go to `load` in one call; concurrent
 * requests for the same key share that call (single flight). Loaded values are served as LIVE and
 * written to L1 at once, to L2 without waiting, and to L3 by a background writer: no request waits
 * on Redis or the database to write.
 *
 * When the load fails (or there is no loader, or it leaves a key out), the key is served from the
 * freshest stale copy found on the way (L1's expired entries, L3's expired rows, L4's files; the
 * latest originAt wins, a tie goes to the faster tier), flagged `stale: true`. With no copy anywhere
 * the key is null; the error reaches the caller through `onError`, never as a rejection, so one bad
 * key does not fail a batch.
 *
 * Tier labels: a value copied into L1 on a read is served as L1 from then on. Values warmed into L1
 * at startup keep the label of the tier they came from (L4: the fallback files; L3: the database
 * rows of the warmed kinds) until something fresher replaces them: they are not today's upstream,
 * and the quality stamp should say so.
 *
 * Values are shared, not copied, between L1 and callers: treat served values as immutable.
 */
import type { Clock } from '../core/clock.js';
import type { CacheTier, SourceId } from '../core/domain.js';
import { silentLogger, type Logger } from '../core/logger.js';
import { CacheMetrics } from './cache-metrics.js';
import { isFresh, parseCacheKey, ttlPolicy, type CacheEntry, type Served, type TtlPolicy } from './entry.js';
import type { MemoryTier } from './l1-memory.js';
import type { RedisTier } from './l2-redis.js';
import type { DatabaseTier, PruneJob } from './l3-sqlite.js';
import type { FileTier, LoadResult, SnapshotJob } from './l4-files.js';
import { WriteBehind } from './write-behind.js';

/** What a loader returns per key. `fetchedAt` defaults to the time the load finished. */
export interface LoadedValue<T> {
  value: T;
  originAt: number;
  source: SourceId;
  fetchedAt?: number;
}

/**
 * Fetches the keys no tier holds fresh, in one upstream call. Keys missing from the returned map are
 * treated like a failed load for that key (stale value if any, else null); extra keys are ignored.
 */
export type Loader<T> = (missing: string[]) => Promise<Map<string, LoadedValue<T>>>;

export interface GetOptions {
  /** TTLs for values loaded or copied by this call. @default the policy of the key's kind */
  ttl?: TtlPolicy;
  /**
   * Told about each load failure once, with the keys it affected (served stale or null). A key the
   * loader left out comes with a NotLoadedError.
   */
  onError?: (error: unknown, keys: string[]) => void;
}

/** A value pushed by a feed (poller, WebSocket) rather than loaded on a miss. */
export interface CacheWrite<T> {
  key: string;
  value: T;
  source: SourceId;
  originAt: number;
  /** @default now */
  fetchedAt?: number;
}

export interface TierStatus {
  tier: CacheTier;
  healthy: boolean;
  hits: number;
  misses: number;
}

export interface TieredCacheOptions {
  l1: MemoryTier;
  l2?: RedisTier | null;
  l3?: DatabaseTier | null;
  l4?: FileTier | null;
  clock: Clock;
  /** Counts per tier for status() and Prometheus. @default a CacheMetrics on a private registry */
  metrics?: CacheMetrics;
  logger?: Logger;
  /** TTLs by the kind in the key (`data:{source}:{kind}:…`); see defaultTtlPolicies(). */
  policies?: Partial<Record<string, TtlPolicy>>;
  /** For keys whose kind has no policy. @default the config defaults: 15 s / 60 s / 3600 s */
  defaultTtl?: TtlPolicy;
}

export interface BackgroundJobOptions {
  /** L4 snapshot of L1. null: no snapshot job. @default 60000 */
  snapshotIntervalMs?: number | null;
  /** L3 prune of rows past the stale horizon. null: no prune job. @default 600000 */
  pruneIntervalMs?: number | null;
}

/** An entry L1 holds after the startup warm, and the tier it came from. */
export interface WarmedEntry {
  key: string;
  entry: CacheEntry;
  tier: CacheTier;
}

/** The loader returned no value for a key it was asked for. */
export class NotLoadedError extends Error {
  override readonly name = 'NotLoadedError';
  constructor(readonly key: string) {
    super(`the loader returned no value for ${key}`);
  }
}

type Outcome = { kind: 'served'; served: Served<unknown> } | { kind: 'failed'; error: unknown } | { kind: 'no-loader' };

interface Candidate {
  entry: CacheEntry;
  tier: CacheTier;
}

function served(entry: CacheEntry, tier: CacheTier, stale: boolean): Served<unknown> {
  return { value: entry.value, tier, originAt: entry.originAt, fetchedAt: entry.fetchedAt, stale };
}

/** A copy of `entry` for a faster tier: stored now, expiring with that tier's TTL or its source's, whichever is first. */
function copyFor(entry: CacheEntry, now: number, tierTtlMs: number): CacheEntry {
  return { ...entry, storedAt: now, expiresAt: Math.min(entry.expiresAt, now + tierTtlMs) };
}

export class TieredCache {
  readonly l1: MemoryTier;
  readonly l2: RedisTier | null;
  readonly l3: DatabaseTier | null;
  readonly l4: FileTier | null;
  readonly metrics: CacheMetrics;
  private readonly clock: Clock;
  private readonly logger: Logger;
  private readonly policies: Partial<Record<string, TtlPolicy>>;
  private readonly defaultTtl: TtlPolicy;
  /** Single flight: the upstream load in progress for each key. */
  private readonly inflight = new Map<string, Promise<Outcome>>();
  /** L2 writes nobody waits for; flush() and close() do. */
  private readonly background = new Set<Promise<unknown>>();
  private readonly l3Writer: WriteBehind | null;
  private snapshotJob: SnapshotJob | null = null;
  private pruneJob: PruneJob | null = null;
  private lastLoadError: { error: unknown; at: number; keys: string[] } | null = null;
  private closing: Promise<void> | null = null;

  constructor(options: TieredCacheOptions) {
    this.l1 = options.l1;
    this.l2 = options.l2 ?? null;
    this.l3 = options.l3 ?? null;
    this.l4 = options.l4 ?? null;
    this.clock = options.clock;
    this.metrics = options.metrics ?? new CacheMetrics();
    this.logger = options.logger ?? silentLogger;
    this.policies = options.policies ?? {};
    this.defaultTtl = options.defaultTtl ?? ttlPolicy(15_000, 60, 3600);
    const l3 = this.l3;
    this.l3Writer = l3 ? new WriteBehind({ write: (batch) => l3.setMany(batch), logger: this.logger }) : null;
  }

  private ttlFor(key: string, override: TtlPolicy | undefined): TtlPolicy {
    if (override) return override;
    const kind = parseCacheKey(key)?.kind;
    return (kind === undefined ? undefined : this.policies[kind]) ?? this.defaultTtl;
  }

  private track(promise: Promise<unknown>): void {
    const tracked = promise.catch(() => {}).finally(() => this.background.delete(tracked));
    this.background.add(tracked);
  }

  /** Read-through for one key. */
  async get<T>(key: string, load?: Loader<T>, options?: GetOptions): Promise<Served<T> | null> {
    const [result] = await this.getMany<T>([key], load, options);
    return result ?? null;
  }

  /** Read-through for a batch: one answer per key, in order (null: nothing fresh, nothing stale, no load). */
  async getMany<T>(keys: readonly string[], load?: Loader<T>, options: GetOptions = {}): Promise<Array<Served<T> | null>> {
    const unique = [...new Set(keys)];
    const answers = new Map<string, Served<unknown>>();
    const staleCopies = new Map<string, Candidate>();
    const considerStale = (key: string, entry: CacheEntry, tier: CacheTier): void => {
      const current = staleCopies.get(key);
      // Strictly newer: on a tie the tier looked at first (the faster one) keeps it.
      if (!current || entry.originAt > current.entry.originAt) staleCopies.set(key, { entry, tier });
    };

    // L1: synchronous; an expired entry is remembered for stale-if-error.
    let missing: string[] = [];
    for (const key of unique) {
      const slot = this.l1.get(key);
      if (slot) {
        answers.set(key, served(slot.entry, slot.label, false));
        continue;
      }
      missing.push(key);
      const old = this.l1.peekStale(key);
      if (old) considerStale(key, old.entry, old.label);
    }
    this.metrics.hit('L1', unique.length - missing.length);
    this.metrics.miss('L1', missing.length);

    // L2: one MGET. Redis drops expired keys itself, so it has no stale copies to offer.
    if (missing.length > 0 && this.l2) {
      const hits = await this.l2.getMany(missing);
      const now = this.clock.now();
      missing = missing.filter((key) => {
        const hit = hits.get(key);
        if (!hit) return true;
        answers.set(key, served(hit.entry, 'L2', false));
        this.l1.set(key, copyFor(hit.entry, now, this.ttlFor(key, options.ttl).l1Ms), { sizeBytes: hit.bytes });
        return false;
      });
      this.metrics.hit('L2', hits.size);
      this.metrics.miss('L2', missing.length);
    }

    // L3: one findMany; expired rows come back too and are stale candidates.
    if (missing.length > 0 && this.l3) {
      const rows = await this.l3.getMany(missing);
      const now = this.clock.now();
      const toL2: Array<[string, CacheEntry]> = [];
      const before = missing.length;
      missing = missing.filter((key) => {
        const row = rows.get(key);
        if (!row) return true;
        if (!isFresh(row.entry, now)) {
          considerStale(key, row.entry, 'L3');
          return true;
        }
        const ttl = this.ttlFor(key, options.ttl);
        answers.set(key, served(row.entry, 'L3', false));
        this.l1.set(key, copyFor(row.entry, now, ttl.l1Ms), { sizeBytes: row.bytes });
        toL2.push([key, copyFor(row.entry, now, ttl.l2Seconds * 1000)]);
        return false;
      });
      this.metrics.hit('L3', before - missing.length);
      this.metrics.miss('L3', missing.length);
      if (this.l2 && toL2.length > 0) this.track(this.l2.setMany(toL2));
    }

    // L4: the in-memory index of the files; usually only stale copies, since files are snapshots.
    if (missing.length > 0 && this.l4) {
      const found = this.l4.getMany(missing);
      const now = this.clock.now();
      const toL2: Array<[string, CacheEntry]> = [];
      const before = missing.length;
      missing = missing.filter((key) => {
        const entry = found.get(key);
        if (!entry) return true;
        if (!isFresh(entry, now)) {
          considerStale(key, entry, 'L4');
          return true;
        }
        const ttl = this.ttlFor(key, options.ttl);
        answers.set(key, served(entry, 'L4', false));
        this.l1.set(key, copyFor(entry, now, ttl.l1Ms));
        toL2.push([key, copyFor(entry, now, ttl.l2Seconds * 1000)]);
        return false;
      });
      this.metrics.hit('L4', before - missing.length);
      this.metrics.miss('L4', missing.length);
      if (this.l2 && toL2.length > 0) this.track(this.l2.setMany(toL2));
    }

    // The upstream, once per key across concurrent callers; stale copies cover its failures.
    if (missing.length > 0) {
      const outcomes = await this.loadMissing(missing, load, options.ttl);
      const failures = new Map<unknown, string[]>();
      for (const key of missing) {
        const outcome = outcomes.get(key);
        if (outcome?.kind === 'served') {
          answers.set(key, { ...outcome.served });
          continue;
        }
        if (outcome?.kind === 'failed') {
          const keysOfError = failures.get(outcome.error);
          if (keysOfError) keysOfError.push(key);
          else failures.set(outcome.error, [key]);
        }
        const copy = staleCopies.get(key);
        if (copy) {
          answers.set(key, served(copy.entry, copy.tier, true));
          this.metrics.staleServed(copy.tier);
        }
      }
      if (options.onError) for (const [error, failedKeys] of failures) options.onError(error, failedKeys);
    }

    return keys.map((key) => (answers.get(key) as Served<T> | undefined) ?? null);
  }

  /**
   * Joins loads already in flight, re-checks L1 (a load may have finished while this call read the
   * slower tiers: its value is in L1 before its in-flight entry is removed, so no key is loaded
   * twice), and starts one load for the rest.
   */
  private async loadMissing(keys: string[], load: Loader<unknown> | undefined, ttl: TtlPolicy | undefined): Promise<Map<string, Outcome>> {
    const outcomes = new Map<string, Outcome>();
    const waits: Array<Promise<void>> = [];
    const toLoad: string[] = [];
    let joined = 0;
    for (const key of keys) {
      const flight = this.inflight.get(key);
      if (flight) {
        joined += 1;
        waits.push(flight.then((outcome) => void outcomes.set(key, outcome)));
        continue;
      }
      const slot = this.l1.get(key);
      if (slot) outcomes.set(key, { kind: 'served', served: served(slot.entry, slot.label, false) });
      else if (load) toLoad.push(key);
      else outcomes.set(key, { kind: 'no-loader' });
    }
    this.metrics.singleFlightJoined(joined);
    if (load && toLoad.length > 0) {
      const loaded = this.startLoad(toLoad, load, ttl);
      for (const key of toLoad) waits.push(loaded.get(key)!.then((outcome) => void outcomes.set(key, outcome)));
    }
    await Promise.all(waits);
    return outcomes;
  }

  /** Registers every key as in flight, then calls the loader once for all of them. */
  private startLoad(keys: string[], load: Loader<unknown>, ttlOverride: TtlPolicy | undefined): Map<string, Promise<Outcome>> {
    const settlers = new Map<string, (outcome: Outcome) => void>();
    const promises = new Map<string, Promise<Outcome>>();
    for (const key of keys) {
      const promise = new Promise<Outcome>((resolve) => {
        settlers.set(key, (outcome) => {
          if (this.inflight.get(key) === promise) this.inflight.delete(key);
          resolve(outcome);
        });
      });
      promises.set(key, promise);
      this.inflight.set(key, promise);
    }
    const settle = (key: string, outcome: Outcome): void => settlers.get(key)!(outcome);

    (async () => {
      const startedAt = performance.now();
      let loaded: Map<string, LoadedValue<unknown>>;
      try {
        loaded = await load([...keys]);
        this.metrics.observe('LIVE', 'load', startedAt);
      } catch (error) {
        this.metrics.observe('LIVE', 'load', startedAt);
        this.metrics.error('LIVE', 'load');
        this.metrics.miss('LIVE', keys.length);
        this.lastLoadError = { error, at: this.clock.now(), keys: [...keys] };
        this.logger.debug({ err: error, keys: keys.length }, 'cache load failed; serving stale copies where there are any');
        for (const key of keys) settle(key, { kind: 'failed', error });
        return;
      }
      const now = this.clock.now();
      const toL2: Array<[string, CacheEntry]> = [];
      const toL3: Array<[string, CacheEntry]> = [];
      let hits = 0;
      for (const key of keys) {
        const item = loaded.get(key);
        if (!item) {
          settle(key, { kind: 'failed', error: new NotLoadedError(key) });
          continue;
        }
        // L1 before settle: a caller that missed the in-flight entry finds the value in L1 instead.
        const entry = this.stage(key, item, now, this.ttlFor(key, ttlOverride), toL2, toL3);
        hits += 1;
        settle(key, { kind: 'served', served: served(entry, 'LIVE', false) });
      }
      this.metrics.hit('LIVE', hits);
      this.metrics.miss('LIVE', keys.length - hits);
      this.writeBehind(toL2, toL3);
    })().catch((error: unknown) => {
      // A bug past the load itself (staging, write-behind): say so, and let no caller wait forever.
      this.logger.error({ err: error, keys: keys.length }, 'cache load bookkeeping failed');
      for (const key of keys) settle(key, { kind: 'failed', error });
    });
    return promises;
  }

  /** Puts a new value in L1 now and queues its L2 and L3 copies, each with its tier's TTL. */
  private stage(
    key: string,
    item: { value: unknown; source: SourceId; originAt: number; fetchedAt?: number | undefined },
    now: number,
    ttl: TtlPolicy,
    toL2: Array<[string, CacheEntry]>,
    toL3: Array<[string, CacheEntry]>,
  ): CacheEntry {
    const entry: CacheEntry = {
      value: item.value,
      source: item.source,
      originAt: item.originAt,
      fetchedAt: item.fetchedAt ?? now,
      storedAt: now,
      expiresAt: now + ttl.l1Ms,
    };
    this.l1.set(key, entry);
    toL2.push([key, { ...entry, expiresAt: now + ttl.l2Seconds * 1000 }]);
    toL3.push([key, { ...entry, expiresAt: now + ttl.l3Seconds * 1000 }]);
    return entry;
  }

  /** L2 without waiting, L3 through the background writer. */
  private writeBehind(toL2: Array<[string, CacheEntry]>, toL3: Array<[string, CacheEntry]>): void {
    if (this.l2 && toL2.length > 0) this.track(this.l2.setMany(toL2));
    if (this.l3Writer && toL3.length > 0) this.l3Writer.enqueue(toL3);
  }

  /** Write-through of one pushed value: L1 now, L2 awaited (bounded by its command timeout), L3 in the background. */
  set<T>(key: string, value: T, meta: Omit<CacheWrite<T>, 'key' | 'value'>, ttl?: TtlPolicy): Promise<void> {
    return this.setMany([{ key, value, ...meta }], ttl);
  }

  /** Write-through of a batch: one L2 pipeline, one L3 upsert statement per 100 rows (in the background). */
  async setMany<T>(items: ReadonlyArray<CacheWrite<T>>, ttl?: TtlPolicy): Promise<void> {
    if (items.length === 0) return;
    const now = this.clock.now();
    const toL2: Array<[string, CacheEntry]> = [];
    const toL3: Array<[string, CacheEntry]> = [];
    for (const item of items) {
      this.stage(item.key, item, now, this.ttlFor(item.key, ttl), toL2, toL3);
    }
    this.l3Writer?.enqueue(toL3);
    if (this.l2) await this.l2.setMany(toL2);
  }

  /** What L1 holds, fresh or stale: the L4 snapshot job's input. */
  entries(): IterableIterator<[string, CacheEntry]> {
    return this.l1.entries();
  }

  /**
   * Startup: loads the L4 files and copies their entries into L1, labelled L4, where L1 has nothing
   * newer. Nothing is copied to L2/L3: they may hold fresher values from other instances. Resolves
   * null without an L4 tier.
   */
  async warmFromL4(): Promise<LoadResult | null> {
    if (!this.l4) return null;
    const result = await this.l4.loadAll();
    for (const [key, entry] of this.l4.entries()) {
      const current = this.l1.peekStale(key);
      if (!current || entry.originAt > current.entry.originAt) this.l1.set(key, entry, { label: 'L4' });
    }
    this.logger.info({ entries: result.entries, files: result.files, skipped: result.skipped }, 'cache warmed from fallback files');
    return result;
  }

  /**
   * Startup, after warmFromL4: the L3 rows under `prefixes` (at most `limitPerPrefix` each, the most
   * recently written), copied into L1 labelled L3 wherever they are at least as new as what L1 holds
   * (the L4 files; a tie goes to the database, the faster tier). The database is written seconds
   * after every change, the files only every minute and at shutdown: after a crash it is the fresher
   * of the two. A copy expires with L1's TTL, like any L3 hit copied up. Resolves every entry L1 now
   * holds under `prefixes` (fresh or not), with the tier it came from: what the in-memory state is
   * seeded from.
   */
  async warmFromL3(prefixes: readonly string[], limitPerPrefix = 5000): Promise<WarmedEntry[]> {
    const now = this.clock.now();
    const l3 = this.l3;
    if (l3) {
      for (const prefix of prefixes) {
        const rows = await l3.getByPrefix(prefix, limitPerPrefix);
        for (const [key, row] of rows) {
          const current = this.l1.peekStale(key);
          if (current && current.entry.originAt > row.entry.originAt) continue;
          this.l1.set(key, copyFor(row.entry, now, this.ttlFor(key, undefined).l1Ms), { label: 'L3', sizeBytes: row.bytes });
        }
      }
    }
    const warmed: WarmedEntry[] = [];
    for (const [key, entry] of this.l1.entries()) {
      if (!prefixes.some((prefix) => key.startsWith(prefix))) continue;
      const slot = this.l1.peekStale(key);
      if (slot) warmed.push({ key, entry, tier: slot.label });
    }
    const byTier: Partial<Record<CacheTier, number>> = {};
    for (const { tier } of warmed) byTier[tier] = (byTier[tier] ?? 0) + 1;
    this.logger.info({ prefixes, ...byTier }, 'cache warmed from the database');
    return warmed;
  }

  /** Starts the L4 snapshot job and the L3 prune job (each only when its tier is on). */
  startBackgroundJobs(options: BackgroundJobOptions = {}): void {
    const snapshotIntervalMs = options.snapshotIntervalMs === undefined ? 60_000 : options.snapshotIntervalMs;
    const pruneIntervalMs = options.pruneIntervalMs === undefined ? 600_000 : options.pruneIntervalMs;
    if (this.l4 && snapshotIntervalMs !== null && !this.snapshotJob) {
      this.snapshotJob = this.l4.startSnapshotJob({ intervalMs: snapshotIntervalMs, entries: () => this.entries(), clock: this.clock });
    }
    if (this.l3 && pruneIntervalMs !== null && !this.pruneJob) {
      this.pruneJob = this.l3.startPruneJob(this.clock, pruneIntervalMs);
    }
  }

  /** The last load failure, for diagnostics. */
  lastError(): { error: unknown; at: number; keys: string[] } | null {
    return this.lastLoadError;
  }

  /** Per tier, for `health.cache`. A tier that is off is reported unhealthy. */
  status(): TierStatus[] {
    const row = (tier: 'L1' | 'L2' | 'L3' | 'L4', healthy: boolean): TierStatus => {
      const { hits, misses } = this.metrics.countsOf(tier);
      return { tier, healthy, hits, misses };
    };
    return [row('L1', true), row('L2', this.l2?.healthy() ?? false), row('L3', this.l3?.healthy() ?? false), row('L4', this.l4?.healthy() ?? false)];
  }

  /** Waits for the writes nobody waited for (L2 copies, the L3 queue). */
  async flush(): Promise<void> {
    while (this.background.size > 0) await Promise.all([...this.background]);
    await this.l3Writer?.flush();
  }

  /**
   * Shutdown: stops the jobs (writing a last L4 snapshot when the snapshot job was running), drains
   * pending writes, closes Redis. The database client belongs to the HistoryStore and is not closed
   * here: close the cache first, then the store. Idempotent.
   */
  close(): Promise<void> {
    this.closing ??= (async () => {
      const snapshot = this.snapshotJob;
      this.snapshotJob = null;
      if (snapshot) {
        await snapshot.stop();
        await snapshot.runNow().catch(() => {});
      }
      await this.pruneJob?.stop();
      this.pruneJob = null;
      await this.flush();
      await this.l2?.close();
    })();
    return this.closing;
  }
}
