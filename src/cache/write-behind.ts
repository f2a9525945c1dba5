/**
 * Write-behind for a slow tier (L3): requests enqueue entries and return at once; a single writer
 * drains the queue after the current turn of the event loop, in batches. Writes of the same key made
 * while a batch is in flight collapse into one (the latest wins), so a poller updating a market every
 * second costs one upsert per batch, not one per update. A failed batch is logged and dropped: L3 is
 * a cache, and the next write of each key supersedes it.
 */
import { silentLogger, type Logger } from '../core/logger.js';
import type { CacheEntry } from './entry.js';

export interface WriteBehindOptions {
  write: (batch: Array<[string, CacheEntry]>) => Promise<void>;
  /** Entries per write call. @default 500 */
  maxBatch?: number;
  logger?: Logger;
  /** Called with each failed batch's error (metrics are counted by the tier itself). */
  onError?: (error: unknown) => void;
}

export class WriteBehind {
  private readonly pending = new Map<string, CacheEntry>();
  private readonly write: WriteBehindOptions['write'];
  private readonly maxBatch: number;
  private readonly logger: Logger;
  private readonly onError: ((error: unknown) => void) | undefined;
  private draining: Promise<void> | null = null;

  constructor(options: WriteBehindOptions) {
    this.write = options.write;
    this.maxBatch = options.maxBatch ?? 500;
    this.logger = options.logger ?? silentLogger;
    this.onError = options.onError;
  }

  /** Entries waiting to be written. */
  get size(): number {
    return this.pending.size;
  }

  enqueue(entries: Iterable<readonly [string, CacheEntry]>): void {
    for (const [key, entry] of entries) {
      // Re-insert so the key moves to the back: the order of writes follows the order of updates.
      this.pending.delete(key);
      this.pending.set(key, entry);
    }
    if (this.pending.size > 0) this.draining ??= this.drainSoon();
  }

  /** Resolves when everything enqueued so far (and since) has been written or has failed. */
  async flush(): Promise<void> {
    while (this.draining) await this.draining;
  }

  private async drainSoon(): Promise<void> {
    // After the request that enqueued has finished its turn: its response is not held up by the write.
    await new Promise<void>((resolve) => setImmediate(resolve));
    try {
      while (this.pending.size > 0) {
        const batch: Array<[string, CacheEntry]> = [];
        for (const [key, entry] of this.pending) {
          batch.push([key, entry]);
          this.pending.delete(key);
          if (batch.length >= this.maxBatch) break;
        }
        try {
          await this.write(batch);
        } catch (error) {
          this.onError?.(error);
          this.logger.warn({ err: error, keys: batch.length }, 'background cache write failed; dropped');
        }
      }
    } finally {
      this.draining = null;
    }
  }
}
