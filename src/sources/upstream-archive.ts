/**
 * Keeps what the upstreams said: raw responses in `raw_api_responses` and normalized records in
 * `normalized_data`. Both are SAMPLED so the history store does not grow with the poll rate: at
 * most one raw response per source and endpoint per `sampleIntervalMs` (default 10 minutes: a
 * 23-market /markets listing is about 32 KB, so one a minute alone was 45 MB of a day's 100 MB
 * history budget), each capped at `maxRawBytes` (default 256 KiB; a larger body is stored as a
 * marker with its size and a prefix) and kept for its `ttl_seconds` (RAW_RESPONSE_TTL_SECONDS, the
 * seed's 3600 by default; retention drops it after that), and normalized records upserted (one row per record id) at most once per interval per
 * source. Writes are fire-and-forget; a failing disk is logged and never slows a poll.
 */
import type { Clock } from '../core/clock.js';
import type { SourceId } from '../core/domain.js';
import type { Logger } from '../core/logger.js';
import type { NormalizedInput, RawResponseInput } from '../history/records.js';

export interface ArchiveStore {
  recordRawResponse(input: RawResponseInput): Promise<void>;
  recordNormalized(input: NormalizedInput): Promise<void>;
}

export interface NormalizedItem {
  id: string;
  ticker?: string | null;
  type?: string | null;
}

const DEFAULT_SAMPLE_INTERVAL_MS = 10 * 60_000;

export interface UpstreamArchiveOptions {
  store: () => ArchiveStore | null;
  clock: Clock;
  logger: Logger;
  sampleIntervalMs?: number;
  maxRawBytes?: number;
  /** raw_api_responses.ttl_seconds: retention drops a raw row this long after it was fetched. @default 3600 */
  ttlSeconds?: number;
}

export class UpstreamArchive {
  private readonly lastRaw = new Map<string, number>();
  private readonly lastNormalized = new Map<SourceId, number>();
  private readonly pending = new Set<Promise<void>>();

  constructor(private readonly options: UpstreamArchiveOptions) {}

  private get interval(): number {
    return this.options.sampleIntervalMs ?? DEFAULT_SAMPLE_INTERVAL_MS;
  }

  /** Records the body if this source+endpoint has not been sampled within the interval. */
  raw(source: SourceId, endpoint: string, body: unknown, status = 200, requestId?: string): boolean {
    const key = `${source} ${endpoint}`;
    const now = this.options.clock.now();
    if (now - (this.lastRaw.get(key) ?? Number.NEGATIVE_INFINITY) < this.interval) return false;
    const store = this.options.store();
    if (!store) return false;
    this.lastRaw.set(key, now);
    this.track(
      store.recordRawResponse({
        source,
        endpoint,
        requestId: requestId ?? null,
        body: capped(body, this.options.maxRawBytes ?? 256 * 1024),
        status,
        ttlSeconds: this.options.ttlSeconds ?? 3600,
      }),
    );
    return true;
  }

  /** Upserts the records (by id) if this source's normalized data was not archived within the interval. */
  normalized<T extends NormalizedItem>(source: SourceId, items: readonly T[]): boolean {
    const now = this.options.clock.now();
    if (now - (this.lastNormalized.get(source) ?? Number.NEGATIVE_INFINITY) < this.interval) return false;
    const store = this.options.store();
    if (!store) return false;
    this.lastNormalized.set(source, now);
    const expiresAt = new Date(now + (this.options.ttlSeconds ?? 3600) * 1000);
    for (const item of items) {
      this.track(
        store.recordNormalized({
          dataId: item.id,
          source,
          ticker: item.ticker ?? null,
          assetType: item.type ?? null,
          value: item,
          cacheTier: 'LIVE',
          expiresAt,
        }),
      );
    }
    return true;
  }

  /** Resolves when every write in flight has finished (shutdown, tests). */
  async flush(): Promise<void> {
    await Promise.all([...this.pending]);
  }

  private track(write: Promise<void>): void {
    const tracked = write
      .catch((error: unknown) => this.options.logger.warn({ err: error }, 'could not archive an upstream response'))
      .finally(() => this.pending.delete(tracked));
    this.pending.add(tracked);
  }
}

function capped(body: unknown, maxBytes: number): unknown {
  const text = JSON.stringify(body) ?? 'null';
  const bytes = Buffer.byteLength(text);
  if (bytes <= maxBytes) return body;
  return { truncated: true, originalBytes: bytes, prefix: text.slice(0, Math.min(4096, maxBytes)) };
}
