/**
 * L1: process memory, over lru-cache. Bounded by entry count and by an estimate of bytes; evicts the
 * least recently used.
 *
 * Expiry is NOT lru-cache's TTL: each entry carries its own `expiresAt`, checked against the
 * injected Clock. That keeps two things lru-cache's TTL would take away: a ManualClock drives expiry
 * in tests, and an expired entry stays readable through `peekStale` (until evicted by size) so the
 * tiered cache can serve it when the upstream fails. Nothing purges on a timer (no ttlAutopurge): a
 * stale entry costs only its memory, and the LRU bound caps that.
 */
import { LRUCache } from 'lru-cache';
import type { Clock } from '../core/clock.js';
import type { CacheTier } from '../core/domain.js';
import { isFresh, type CacheEntry } from './entry.js';

/**
 * What L1 remembers about an entry besides the entry: the tier label it is served under. A value
 * backfilled on a read is an L1 value from then on; a value warmed from the L4 files at startup keeps
 * the label L4 until something fresher replaces it, so nobody mistakes a file from yesterday for a
 * hot in-memory value.
 */
export interface MemorySlot {
  entry: CacheEntry;
  label: CacheTier;
}

export interface MemoryTierOptions {
  clock: Clock;
  /** Most entries held. @default 10000 */
  maxEntries?: number;
  /** Most bytes held, estimated as the JSON length of each value plus a fixed overhead. @default 50 MiB */
  maxBytes?: number;
}

/** Per-entry bookkeeping (keys, provenance numbers, the slot objects) on top of the JSON length. */
const ENTRY_OVERHEAD_BYTES = 256;

export function estimateBytes(value: unknown): number {
  try {
    return (JSON.stringify(value)?.length ?? 0) + ENTRY_OVERHEAD_BYTES;
  } catch {
    // Cycles or BigInts: not something a JSON cache can hold anyway; count it as large but storable.
    return 64 * 1024;
  }
}

export class MemoryTier {
  private readonly lru: LRUCache<string, MemorySlot>;
  private readonly clock: Clock;

  constructor(options: MemoryTierOptions) {
    this.clock = options.clock;
    this.lru = new LRUCache<string, MemorySlot>({
      max: options.maxEntries ?? 10_000,
      maxSize: options.maxBytes ?? 50 * 1024 * 1024,
      sizeCalculation: (slot) => estimateBytes(slot.entry.value),
    });
  }

  /** A fresh entry (and marks it recently used), or undefined when absent or expired. */
  get(key: string): MemorySlot | undefined {
    const slot = this.lru.peek(key);
    if (!slot || !isFresh(slot.entry, this.clock.now())) return undefined;
    this.lru.get(key);
    return slot;
  }

  /** The entry whether fresh or not, without touching recency: for stale-if-error and snapshots. */
  peekStale(key: string): MemorySlot | undefined {
    return this.lru.peek(key);
  }

  /**
   * Stores an entry. `sizeBytes` skips re-serializing a value whose JSON length is already known
   * (it came from Redis or SQLite as a string). An entry larger than the byte bound is not stored.
   */
  set(key: string, entry: CacheEntry, options: { label?: CacheTier; sizeBytes?: number } = {}): void {
    const slot: MemorySlot = { entry, label: options.label ?? 'L1' };
    if (options.sizeBytes === undefined) this.lru.set(key, slot);
    else this.lru.set(key, slot, { size: options.sizeBytes + ENTRY_OVERHEAD_BYTES });
  }

  delete(key: string): boolean {
    return this.lru.delete(key);
  }

  /** Every entry, fresh or stale, most recently used first: what the L4 snapshot job writes. */
  *entries(): IterableIterator<[string, CacheEntry]> {
    for (const [key, slot] of this.lru.entries()) yield [key, slot.entry];
  }

  get size(): number {
    return this.lru.size;
  }

  /** The estimated bytes held. */
  get bytes(): number {
    return this.lru.calculatedSize;
  }

  clear(): void {
    this.lru.clear();
  }
}
