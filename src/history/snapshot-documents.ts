/**
 * snapshot_documents: a snapshot tick's aggregate (and its per-source payloads), stored once for
 * all the tick's pnl_snapshots rows. A document is brotli-compressed JSON, either whole (a keyframe)
 * or as the changes since its keyframe (json-delta.ts): between two ticks five seconds apart most of
 * an aggregate is the same, and what moves is a few prices and timestamps per market. Reading one
 * document decodes at most two (itself and its keyframe, which a small cache keeps decoded).
 *
 * Encodings: 'json' (plain UTF-8 JSON: rows carried over from the old layout by the migration),
 * 'br' (a brotli keyframe), 'br-delta' (a brotli delta against base_id).
 */
import { promisify } from 'node:util';
import { brotliCompress, brotliDecompress, constants as zlib } from 'node:zlib';
import { LRUCache } from 'lru-cache';
import type { HistoryClient } from './database.js';
import { diff, patch, type Delta } from './json-delta.js';

const compress = promisify(brotliCompress);
const decompress = promisify(brotliDecompress);

/** What a document holds. Short keys: they are stored in every keyframe. */
export interface DocumentBody {
  /** The aggregate. */
  a: unknown;
  /** Per-source payloads as the writer gave them (null: none). */
  k?: unknown;
  an?: unknown;
  j?: unknown;
  m?: unknown;
  /**
   * 1: a tick document, shared by the tick's rows: an agent's row reads the aggregate with its `pnl`
   * narrowed to that agent, and only the whole-book row has the per-source payloads.
   */
  t?: 1;
}

export type DocumentEncoding = 'json' | 'br' | 'br-delta';

export interface EncodedDocument {
  baseId: number | null;
  encoding: DocumentEncoding;
  body: Uint8Array<ArrayBuffer>;
}

/**
 * A new keyframe after this many deltas, or when a delta grows past this share of a whole document:
 * deltas are against the keyframe (not the previous tick), so they grow as the aggregate drifts.
 */
export const KEYFRAME_EVERY = 120;
const DELTA_MAX_SHARE = 0.5;

/**
 * Brotli quality 5: within a few per cent of the best ratio on these documents, at a fraction of
 * quality 11's time (a 1,000-market keyframe stays in the tens of milliseconds, off the event loop).
 */
const BROTLI = { params: { [zlib.BROTLI_PARAM_QUALITY]: 5 } };

async function brotli(text: string): Promise<Uint8Array<ArrayBuffer>> {
  const buffer = await compress(Buffer.from(text, 'utf8'), BROTLI);
  return new Uint8Array(buffer.buffer.slice(buffer.byteOffset, buffer.byteOffset + buffer.byteLength));
}

/** JSON as stored: parsed back from its text, so undefined fields and Dates read as they will later. */
function asJson(value: unknown): { text: string; value: unknown } {
  const text = JSON.stringify(value) as string | undefined;
  if (text === undefined) throw new TypeError('snapshot document is not JSON-serializable');
  return { text, value: JSON.parse(text) as unknown };
}

export async function encodeKeyframe(body: DocumentBody): Promise<EncodedDocument> {
  return { baseId: null, encoding: 'br', body: await brotli(asJson(body).text) };
}

/**
 * The writer's side: remembers the last keyframe it stored (id and value), so each tick is encoded
 * as a delta against it. A process starts without one, so its first tick is a keyframe.
 */
export class DocumentEncoder {
  private keyframe: { id: number; value: unknown; deltas: number } | null = null;

  /** The document for this body, and what to remember once it is stored (`stored(id)`). */
  async encode(body: DocumentBody): Promise<{ document: EncodedDocument; stored: (id: number) => void }> {
    const next = asJson(body);
    const base = this.keyframe;
    if (base && base.deltas < KEYFRAME_EVERY) {
      const delta = diff(base.value, next.value);
      const deltaText = JSON.stringify(delta);
      if (deltaText.length <= next.text.length * DELTA_MAX_SHARE) {
        return {
          document: { baseId: base.id, encoding: 'br-delta', body: await brotli(deltaText) },
          stored: () => {
            if (this.keyframe === base) base.deltas += 1;
          },
        };
      }
    }
    return {
      document: { baseId: null, encoding: 'br', body: await brotli(next.text) },
      stored: (id) => {
        this.keyframe = { id, value: next.value, deltas: 0 };
      },
    };
  }

  /** After a failed write: the keyframe may not be stored; start over with a new one. */
  reset(): void {
    this.keyframe = null;
  }
}

interface StoredDocument {
  id: number;
  baseId: number | null;
  encoding: string;
  body: Uint8Array;
}

async function decodeText(row: StoredDocument): Promise<string> {
  const bytes = Buffer.from(row.body.buffer, row.body.byteOffset, row.body.byteLength);
  if (row.encoding === 'json') return bytes.toString('utf8');
  if (row.encoding === 'br' || row.encoding === 'br-delta') return (await decompress(bytes)).toString('utf8');
  throw new Error(`snapshot document ${row.id}: unknown encoding ${JSON.stringify(row.encoding)}`);
}

/**
 * The reader's side: decodes documents by id, keyframes kept decoded in a small LRU (a page of
 * snapshots mostly shares one or two keyframes). Decoded values are shared: callers must not
 * modify them.
 */
export class DocumentReader {
  private readonly keyframes = new LRUCache<number, DocumentBody>({ max: 32 });

  async load(prisma: HistoryClient, ids: readonly number[]): Promise<Map<number, DocumentBody>> {
    const out = new Map<number, DocumentBody>();
    const wanted = [...new Set(ids)];
    if (wanted.length === 0) return out;
    const rows = await prisma.snapshotDocument.findMany({ where: { id: { in: wanted } }, select: { id: true, baseId: true, encoding: true, body: true } });
    const bases = new Set<number>();
    for (const row of rows) if (row.baseId !== null && !this.keyframes.has(row.baseId)) bases.add(row.baseId);
    const missing = [...bases].filter((id) => !rows.some((row) => row.id === id));
    const baseRows = missing.length
      ? await prisma.snapshotDocument.findMany({ where: { id: { in: missing } }, select: { id: true, baseId: true, encoding: true, body: true } })
      : [];
    // Keyframes first (those asked for and the bases of the deltas), then the deltas over them.
    for (const row of [...rows, ...baseRows]) {
      if (row.baseId !== null) continue;
      const cached = this.keyframes.get(row.id);
      const body = cached ?? (JSON.parse(await decodeText(row)) as DocumentBody);
      if (!cached && row.encoding !== 'json') this.keyframes.set(row.id, body);
      out.set(row.id, body);
    }
    for (const row of rows) {
      if (row.baseId === null) continue;
      const base = this.keyframes.get(row.baseId) ?? out.get(row.baseId);
      if (!base) throw new Error(`snapshot document ${row.id}: its keyframe ${row.baseId} is missing`);
      out.set(row.id, patch(base, JSON.parse(await decodeText(row)) as Delta) as DocumentBody);
    }
    // Only what was asked for: a base fetched for a delta is not an answer.
    for (const id of out.keys()) if (!wanted.includes(id)) out.delete(id);
    return out;
  }
}

/** The aggregate as one row of the document's tick sees it. */
export function aggregateFor(document: DocumentBody, agentId: string | null): unknown {
  if (document.t !== 1 || agentId === null) return document.a;
  const aggregate = document.a as { pnl?: unknown };
  if (typeof aggregate !== 'object' || aggregate === null || !Array.isArray(aggregate.pnl)) return document.a;
  return { ...aggregate, pnl: (aggregate.pnl as Array<{ agentId?: unknown }>).filter((entry) => entry.agentId === agentId) };
}

/** The per-source payloads as one row of the document's tick sees them (null where none). */
export function payloadsFor(document: DocumentBody, agentId: string | null): { kalshi: unknown; anthropic: unknown; john: unknown; metadata: unknown } {
  const shared = document.t === 1 && agentId !== null;
  return {
    kalshi: shared ? null : (document.k ?? null),
    anthropic: shared ? null : (document.an ?? null),
    john: shared ? null : (document.j ?? null),
    metadata: document.m ?? null,
  };
}
