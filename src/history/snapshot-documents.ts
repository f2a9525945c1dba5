/**
 * snapshot_documents: a snapshot tick's aggregate (and its per-source payloads), stored once for
 * all the tick's pnl_snapshots rows. A document is brotli-compressed JSON, either whole (a keyframe)
 * or as the changes since the previous tick's document (json-delta.ts): between two ticks five
 * seconds apart most of an aggregate is the same, and what moves is a few prices and timestamps per
 * market. A keyframe starts a chain at least every KEYFRAME_EVERY documents, so reading one decodes
 * at most that many small deltas from its keyframe; a cache keeps decoded documents, and a page of
 * consecutive snapshots decodes each document once.
 *
 * Encodings: 'json' (plain UTF-8 JSON: rows carried over from the old layout by the migration),
 * 'br' (a brotli keyframe), 'br-delta' (a brotli delta against base_id, the previous document),
 * 'deflate-delta' (a raw-deflate delta against base_id, compressed with a preset dictionary: the
 * texts of the chain's previous documents, see DICTIONARY_DOCUMENTS); a delta is whichever of the
 * two is smaller.
 */
import { promisify } from 'node:util';
import { brotliCompress, brotliDecompress, deflateRaw, inflateRaw, constants as zlib } from 'node:zlib';
import { LRUCache } from 'lru-cache';
import type { HistoryClient } from './database.js';
import { diff, patch, type Delta } from './json-delta.js';

const compress = promisify(brotliCompress);
const decompress = promisify(brotliDecompress);
const deflate = promisify(deflateRaw);
const inflate = promisify(inflateRaw);

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
  /** Payloads that are a field of the aggregate, stored once: { k: 'markets' } means k = a.markets. */
  r?: Partial<Record<'k' | 'an' | 'j', string>>;
}

/**
 * The body with each payload that is (the same object as) a field of the aggregate replaced by a
 * reference to it: the writer's kalshi payload is the aggregate's markets, and storing them twice
 * would double every document.
 */
export function withReferences(body: DocumentBody): DocumentBody {
  const aggregate = body.a;
  if (typeof aggregate !== 'object' || aggregate === null) return body;
  const out: DocumentBody = { ...body };
  const refs: NonNullable<DocumentBody['r']> = {};
  for (const key of ['k', 'an', 'j'] as const) {
    const value = body[key];
    if (value === undefined || value === null || typeof value !== 'object') continue;
    const field = Object.entries(aggregate).find(([, v]) => v === value)?.[0];
    if (field === undefined) continue;
    refs[key] = field;
    delete out[key];
  }
  if (Object.keys(refs).length > 0) out.r = refs;
  return out;
}

function resolved(document: DocumentBody, key: 'k' | 'an' | 'j'): unknown {
  const field = document.r?.[key];
  if (field !== undefined) return (document.a as Record<string, unknown>)[field] ?? null;
  return document[key] ?? null;
}

export type DocumentEncoding = 'json' | 'br' | 'br-delta' | 'deflate-delta';

export interface EncodedDocument {
  baseId: number | null;
  encoding: DocumentEncoding;
  body: Uint8Array<ArrayBuffer>;
}

/**
 * A new keyframe after this many deltas (10 minutes at 5 s: a cold read decodes at most this many),
 * or when a delta, compressed, would be more than this share of the last keyframe, compressed. (The
 * delta's text is often most of the document's, its tags and keys repeating; compressed, it is a
 * small fraction.)
 */
export const KEYFRAME_EVERY = 120;
const DELTA_MAX_SHARE = 0.5;

/**
 * Brotli (on the thread pool, off the event loop) for keyframes: quality 5, within a few per cent of
 * the best ratio at a fraction of quality 11's time (a 1,000-market keyframe is over a megabyte of
 * JSON); for deltas (a few kilobytes each) the best quality, a fifth smaller and cheap at that size,
 * or deflate with a dictionary where that is smaller (below).
 */
const KEYFRAME_BROTLI = { params: { [zlib.BROTLI_PARAM_QUALITY]: 5, [zlib.BROTLI_PARAM_MODE]: zlib.BROTLI_MODE_TEXT } };
const DELTA_BROTLI = { params: { [zlib.BROTLI_PARAM_QUALITY]: 11, [zlib.BROTLI_PARAM_MODE]: zlib.BROTLI_MODE_TEXT } };

/**
 * A delta is compressed with the texts of the chain's previous DICTIONARY_DOCUMENTS documents as
 * deflate's preset dictionary (its window is the last 32 KiB of them). Consecutive deltas share most
 * of their text — the same tickers, keys and structure, and values that moved back — which a delta
 * compressed alone pays for every time: at the simulator's 23 markets a delta is ~1,160 bytes with
 * brotli at its best quality alone and ~715 with this dictionary. Only texts the reader decodes
 * anyway while walking the chain are used (never a re-serialized document, whose key order could
 * differ), so a document decodes from its ancestors alone.
 */
const DICTIONARY_DOCUMENTS = 3;
const DICTIONARY_BYTES = 32 * 1024;
const DELTA_DEFLATE = { level: 9, memLevel: 9 } as const;

/** The previous documents' texts as the dictionary: each kept to its last 32 KiB (all a window can reach). */
type ChainTexts = readonly Buffer[];

function withText(texts: ChainTexts, text: Buffer): ChainTexts {
  return [...texts, text.subarray(Math.max(0, text.byteLength - DICTIONARY_BYTES))].slice(-DICTIONARY_DOCUMENTS);
}

function dictionaryOf(texts: ChainTexts): Buffer {
  const joined = Buffer.concat(texts);
  return joined.subarray(Math.max(0, joined.byteLength - DICTIONARY_BYTES));
}

/** A copy of its own: a zlib result may be a view into a pooled buffer. */
function asBytes(buffer: Buffer): Uint8Array<ArrayBuffer> {
  const bytes = new Uint8Array(buffer.byteLength);
  bytes.set(buffer);
  return bytes;
}

async function brotli(text: string | Buffer, options: typeof KEYFRAME_BROTLI = KEYFRAME_BROTLI): Promise<Uint8Array<ArrayBuffer>> {
  return asBytes(await compress(typeof text === 'string' ? Buffer.from(text, 'utf8') : text, options));
}

/**
 * The delta as the smaller of deflate with the chain's dictionary and brotli alone: the dictionary
 * wins on the small deltas of a few markets moving (~715 bytes against ~1,160 at the simulator's
 * 23), brotli on deltas of thousands of markets, whose text outgrows deflate's 32 KiB window.
 */
async function smallerDelta(text: Buffer, texts: ChainTexts): Promise<{ encoding: 'deflate-delta' | 'br-delta'; body: Uint8Array<ArrayBuffer> }> {
  const [withDictionary, alone] = await Promise.all([deflate(text, { ...DELTA_DEFLATE, dictionary: dictionaryOf(texts) }), brotli(text, DELTA_BROTLI)]);
  return withDictionary.byteLength <= alone.byteLength ? { encoding: 'deflate-delta', body: asBytes(withDictionary) } : { encoding: 'br-delta', body: alone };
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
 * The writer's side: remembers the last document it stored (id and value), so each tick is encoded
 * as a delta against it. A process starts without one, so its first tick is a keyframe.
 */
export class DocumentEncoder {
  private previous: { id: number; value: unknown; sinceKeyframe: number; keyframeBytes: number; texts: ChainTexts } | null = null;

  /** The document for this body, and what to remember once it is stored (`stored(id)`). */
  async encode(body: DocumentBody): Promise<{ document: EncodedDocument; stored: (id: number) => void }> {
    const next = asJson(body);
    const base = this.previous;
    if (base && base.sinceKeyframe < KEYFRAME_EVERY) {
      const text = Buffer.from(JSON.stringify(diff(base.value, next.value)), 'utf8');
      const delta = await smallerDelta(text, base.texts);
      if (delta.body.byteLength <= base.keyframeBytes * DELTA_MAX_SHARE) {
        return {
          document: { baseId: base.id, ...delta },
          stored: (id) => {
            this.previous = {
              id,
              value: next.value,
              sinceKeyframe: base.sinceKeyframe + 1,
              keyframeBytes: base.keyframeBytes,
              texts: withText(base.texts, text),
            };
          },
        };
      }
    }
    const keyframe = await brotli(next.text);
    return {
      document: { baseId: null, encoding: 'br', body: keyframe },
      stored: (id) => {
        this.previous = { id, value: next.value, sinceKeyframe: 0, keyframeBytes: keyframe.byteLength, texts: withText([], Buffer.from(next.text, 'utf8')) };
      },
    };
  }

  /** After a failed write: the last document may not be stored; start over with a keyframe. */
  reset(): void {
    this.previous = null;
  }
}

interface StoredDocument {
  id: number;
  baseId: number | null;
  encoding: string;
  body: Uint8Array;
}

/** The document's stored text; `texts`: those of its chain's previous documents (a deflate-delta's dictionary). */
async function decodeText(row: StoredDocument, texts: ChainTexts): Promise<Buffer> {
  const bytes = Buffer.from(row.body.buffer, row.body.byteOffset, row.body.byteLength);
  if (row.encoding === 'json') return bytes;
  if (row.encoding === 'br' || row.encoding === 'br-delta') return decompress(bytes);
  if (row.encoding === 'deflate-delta') return inflate(bytes, { dictionary: dictionaryOf(texts) });
  throw new Error(`snapshot document ${row.id}: unknown encoding ${JSON.stringify(row.encoding)}`);
}

const DOCUMENT_COLUMNS = { id: true, baseId: true, encoding: true, body: true } as const;

/**
 * The reader's side: decodes documents by id, walking each delta's chain back to a document it has
 * decoded (kept in an LRU bounded by their JSON size) or to its keyframe. The rows of a chain are
 * read in windows of ids (a chain is written by one writer, so its ids are close together).
 * Decoded values are shared: callers must not modify them.
 */
export class DocumentReader {
  private readonly decoded = new LRUCache<number, { body: DocumentBody; texts: ChainTexts }>({
    maxSize: 64 * 1024 * 1024,
    sizeCalculation: (_value, key) => this.sizes.get(key) ?? 1,
    dispose: (_value, key) => this.sizes.delete(key),
  });
  private readonly sizes = new Map<number, number>();

  async load(prisma: HistoryClient, ids: readonly number[]): Promise<Map<number, DocumentBody>> {
    const wanted = [...new Set(ids)];
    const rows = new Map<number, StoredDocument>();
    const missing = (id: number) => !this.decoded.has(id) && !rows.has(id);
    let needed = wanted.filter(missing);
    while (needed.length > 0) {
      // Each needed id with the ids just before it, where its chain most likely runs.
      const ranges = needed
        .map((id): [number, number] => [Math.max(0, id - KEYFRAME_EVERY - 1), id])
        .sort((a, b) => a[0] - b[0])
        .reduce<Array<[number, number]>>((merged, range) => {
          const last = merged.at(-1);
          if (last && range[0] <= last[1] + 1) last[1] = Math.max(last[1], range[1]);
          else merged.push([...range]);
          return merged;
        }, []);
      const found = await prisma.snapshotDocument.findMany({
        where: { OR: ranges.map(([from, to]) => ({ id: { gte: from, lte: to } })) },
        select: DOCUMENT_COLUMNS,
      });
      for (const row of found) rows.set(row.id, row);
      for (const id of needed) if (!rows.has(id)) rows.set(id, { id, baseId: null, encoding: 'missing', body: new Uint8Array() });
      // The bases the chains still lack (a chain longer than the window, or ids far apart).
      needed = [...new Set([...rows.values()].flatMap((row) => (row.baseId !== null && missing(row.baseId) ? [row.baseId] : [])))];
      needed = needed.filter((id) => wanted.some((w) => this.chainReaches(rows, w, id)));
    }
    const out = new Map<number, DocumentBody>();
    for (const id of wanted) {
      const body = await this.decode(rows, id);
      if (body) out.set(id, body);
    }
    return out;
  }

  /** Whether walking back from `from` through rows already read ends at `id`. */
  private chainReaches(rows: Map<number, StoredDocument>, from: number, id: number): boolean {
    let at: number | null = from;
    for (let steps = 0; at !== null && steps <= 10 * KEYFRAME_EVERY; steps++) {
      if (at === id) return true;
      if (this.decoded.has(at)) return false;
      at = rows.get(at)?.baseId ?? null;
    }
    return false;
  }

  /** Decodes `id`, its chain oldest first; null for an id with no row. */
  private async decode(rows: Map<number, StoredDocument>, id: number): Promise<DocumentBody | null> {
    const chain: StoredDocument[] = [];
    let at: number | null = id;
    let base: DocumentBody | null = null;
    let texts: ChainTexts = [];
    while (at !== null) {
      const cached = this.decoded.get(at);
      if (cached) {
        base = cached.body;
        texts = cached.texts;
        break;
      }
      const row = rows.get(at);
      if (!row) throw new Error(`snapshot document ${id}: document ${at} of its chain is missing`);
      if (row.encoding === 'missing') {
        if (at === id) return null;
        throw new Error(`snapshot document ${id}: document ${at} of its chain is missing`);
      }
      chain.push(row);
      at = row.baseId;
    }
    for (const row of chain.reverse()) {
      const bytes = await decodeText(row, row.baseId === null ? [] : texts);
      const text = bytes.toString('utf8');
      const body: DocumentBody = row.baseId === null ? (JSON.parse(text) as DocumentBody) : (patch(base, JSON.parse(text) as Delta) as DocumentBody);
      texts = withText(row.baseId === null ? [] : texts, bytes);
      const kept = texts.reduce((sum, t) => sum + t.byteLength, 0);
      this.sizes.set(row.id, (row.baseId === null ? text.length : Math.max(1, Math.round(text.length * 4))) + kept);
      this.decoded.set(row.id, { body, texts });
      base = body;
    }
    return base;
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
    kalshi: shared ? null : resolved(document, 'k'),
    anthropic: shared ? null : resolved(document, 'an'),
    john: shared ? null : resolved(document, 'j'),
    metadata: document.m ?? null,
  };
}
