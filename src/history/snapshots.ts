/**
 * P&L snapshots: the aggregator writes one tick every SNAPSHOT_INTERVAL_MS: its aggregate once, as a
 * document (snapshot-documents.ts), and one money-only row per agent (and one with no agent for the
 * whole book) pointing at it. The schema pages through them, groups them by day, and charts one
 * agent's P&L over time. Money crosses this boundary as decimal strings, never as floats, and is
 * stored as decimal text: exact on SQLite as on PostgreSQL.
 */
import { Decimal } from 'decimal.js';
import { InputError, RequestLimitError } from '../core/errors.js';
import { candleIntervalMs, type CandleInterval } from '../core/market-history.js';
import { decodeCursor, encodeCursor } from './cursor.js';
import { Prisma, providerOf, type HistoryClient } from './database.js';
import {
  aggregateFor,
  encodeKeyframe,
  payloadsFor,
  withReferences,
  type DocumentBody,
  type DocumentEncoder,
  type DocumentReader,
} from './snapshot-documents.js';

/** Money as decimal strings ('1234567.89'), exactly as the P&L calculator produced them. */
export interface PnlAmounts {
  revenueUsd: string;
  realizedPnlUsd: string;
  unrealizedPnlUsd: string;
  totalPnlUsd: string;
}

export interface SnapshotInput {
  takenAt: Date;
  /** null: the snapshot of the whole book rather than of one agent. */
  agentId: string | null;
  availabilityScore: number;
  aggregate: unknown;
  kalshi?: unknown;
  anthropic?: unknown;
  john?: unknown;
  metadata?: unknown;
  /** Omitted: all four amounts are stored as 0. */
  pnl?: PnlAmounts;
}

/** One snapshot tick: its aggregate is stored once, however many agents it has. */
export interface SnapshotTickInput {
  takenAt: Date;
  availabilityScore: number;
  /** The whole aggregate; each agent's row reads it with `pnl` narrowed to that agent. */
  aggregate: unknown;
  /** Per-source payloads of the whole-book row. */
  kalshi?: unknown;
  anthropic?: unknown;
  john?: unknown;
  metadata?: unknown;
  agents: Array<{ agentId: string; pnl: PnlAmounts }>;
}

export interface SnapshotRow {
  /** The numeric row id, as a string. */
  id: string;
  takenAt: Date;
  agentId: string | null;
  availabilityScore: number;
  /** The parsed aggregate JSON. */
  aggregate: unknown;
  pnl: PnlAmounts;
}

/** A snapshot with its per-source payloads; null where the writer stored none. */
export interface SnapshotDetail extends SnapshotRow {
  kalshi: unknown;
  anthropic: unknown;
  john: unknown;
  metadata: unknown;
}

export interface SnapshotRange {
  /** Inclusive. */
  from: Date;
  /** Inclusive. */
  to: Date;
  /** undefined: every snapshot; null: only the whole-book snapshots; a string: that agent's. */
  agentId?: string | null;
}

export interface ListSnapshotsArgs extends SnapshotRange {
  /** Page size, clamped to 1..MAX_PAGE_SIZE. */
  first: number;
  /** endCursor of the previous page. */
  after?: string | null;
}

export interface SnapshotPage {
  /** Newest first. */
  nodes: SnapshotRow[];
  hasNextPage: boolean;
  endCursor: string | null;
  /** Rows in the whole range, across all pages. */
  totalCount: number;
}

export interface DailySnapshotGroup {
  /** UTC day, 'YYYY-MM-DD'. */
  date: string;
  agentId: string | null;
  snapshotCount: number;
  firstAt: Date;
  lastAt: Date;
}

export interface PnlPoint extends PnlAmounts {
  at: Date;
  agentId: string;
}

export interface PnlHistoryArgs {
  agentId: string;
  from: Date;
  to: Date;
  /** The last point of each UTC-aligned bucket; omitted: every stored point. */
  interval?: CandleInterval | null;
  /** At most this many points, oldest first (a cut the caller asked for). */
  limit?: number;
  /**
   * The most points the range may hold (default and ceiling MAX_PNL_POINTS). A range that holds
   * more is refused with a RequestLimitError (code RESULT_TOO_LARGE), not cut short: a chart drawn
   * from a silently truncated series looks complete and is not.
   */
  maxPoints?: number;
}

/**
 * The most points one pnlHistory answer carries: 90 days hourly (2,160) or 3 days by the minute
 * (4,320) fit; every stored 5-second point of a day (17,280) does not.
 */
export const MAX_PNL_POINTS = 5000;
/**
 * Buckets per statement and rows per page: each statement stays a few milliseconds, and the event
 * loop gets a turn between them (a macrotask: better-sqlite3 answers synchronously, so awaiting the
 * client alone would run every statement in one go).
 */
const BUCKETS_PER_STATEMENT = 200;
const ROWS_PER_PAGE = 500;

export const MAX_PAGE_SIZE = 500;
/**
 * Rows per INSERT. 11 columns × 50 rows stays under the 999 bound parameters Prisma allows in one
 * SQLite statement; beyond that it splits the insert itself, measurably slower.
 */
const INSERT_CHUNK_ROWS = 50;
const MAX_INT4 = 2_147_483_647;
const DECIMAL = /^-?\d+(\.\d+)?$/;

const rowColumns = {
  id: true,
  snapshotTime: true,
  agentId: true,
  availabilityScore: true,
  documentId: true,
  revenueUsd: true,
  realizedPnlUsd: true,
  unrealizedPnlUsd: true,
  totalPnlUsd: true,
} as const satisfies Prisma.PnlSnapshotSelect;

type SelectedRow = Prisma.PnlSnapshotGetPayload<{ select: typeof rowColumns }>;

/** Stored as written (writes normalize), so reads are a copy. */
function money(value: string): string {
  return value;
}

/**
 * The canonical text of a decimal: '1.50' → '1.5', '-0' → '0', as the DECIMAL columns read back
 * before. toFixed() rather than toString(): decimal.js switches to exponent notation below 1e-7.
 */
function canonicalMoney(value: string): string {
  return new Decimal(value).toFixed();
}

function amounts(row: Pick<SelectedRow, 'revenueUsd' | 'realizedPnlUsd' | 'unrealizedPnlUsd' | 'totalPnlUsd'>): PnlAmounts {
  return {
    revenueUsd: money(row.revenueUsd),
    realizedPnlUsd: money(row.realizedPnlUsd),
    unrealizedPnlUsd: money(row.unrealizedPnlUsd),
    totalPnlUsd: money(row.totalPnlUsd),
  };
}

function documentOf(documents: Map<number, DocumentBody>, row: SelectedRow): DocumentBody {
  const document = documents.get(row.documentId);
  if (!document) throw new Error(`snapshot ${row.id}: its document ${row.documentId} is missing`);
  return document;
}

function toRow(row: SelectedRow, documents: Map<number, DocumentBody>): SnapshotRow {
  return {
    id: String(row.id),
    takenAt: row.snapshotTime,
    agentId: row.agentId,
    availabilityScore: row.availabilityScore,
    aggregate: aggregateFor(documentOf(documents, row), row.agentId),
    pnl: amounts(row),
  };
}

function validDate(value: Date, name: string): Date {
  if (!(value instanceof Date) || Number.isNaN(value.getTime())) throw new InputError(`${name} must be a valid date`);
  return value;
}

function rangeWhere(range: SnapshotRange): Prisma.PnlSnapshotWhereInput {
  const from = validDate(range.from, 'from');
  const to = validDate(range.to, 'to');
  if (from.getTime() > to.getTime()) throw new InputError('from must not be after to');
  return {
    snapshotTime: { gte: from, lte: to },
    ...(range.agentId === undefined ? {} : { agentId: range.agentId }),
  };
}

function checkedDate(value: Date, what: string): Date {
  // Programming errors in the writer, not user input: plain errors, saying which row.
  if (!(value instanceof Date) || Number.isNaN(value.getTime())) throw new TypeError(`${what}: takenAt is not a valid date`);
  return value;
}

function checkedPnl(pnl: PnlAmounts | undefined, what: string): PnlAmounts | Record<string, never> {
  if (!pnl) return {};
  const out: Record<string, string> = {};
  // Checked as the runtime value it is: callers' rows need not hold to the type.
  for (const [name, value] of Object.entries(pnl) as [string, unknown][]) {
    if (typeof value !== 'string' || !DECIMAL.test(value)) throw new TypeError(`${what}: pnl.${name} is not a decimal string (${JSON.stringify(value)})`);
    out[name] = canonicalMoney(value);
  }
  return out as unknown as PnlAmounts;
}

function rowData(
  input: { takenAt: Date; agentId: string | null; availabilityScore: number; pnl?: PnlAmounts },
  what: string,
): Omit<Prisma.PnlSnapshotCreateManyInput, 'documentId' | 'createdAt'> {
  const takenAt = checkedDate(input.takenAt, what);
  if (!Number.isFinite(input.availabilityScore)) throw new TypeError(`${what}: availabilityScore must be finite`);
  return {
    snapshotDate: takenAt.toISOString().slice(0, 10),
    snapshotTime: takenAt,
    agentId: input.agentId,
    availabilityScore: input.availabilityScore,
    ...checkedPnl(input.pnl, what),
  };
}

function bodyOf(row: Pick<SnapshotInput, 'aggregate' | 'kalshi' | 'anthropic' | 'john' | 'metadata'>, what: string): DocumentBody {
  if ((JSON.stringify(row.aggregate) as string | undefined) === undefined) throw new TypeError(`${what}: aggregate is not JSON-serializable`);
  return {
    a: row.aggregate,
    ...(row.kalshi === undefined ? {} : { k: row.kalshi }),
    ...(row.anthropic === undefined ? {} : { an: row.anthropic }),
    ...(row.john === undefined ? {} : { j: row.john }),
    ...(row.metadata === undefined ? {} : { m: row.metadata }),
  };
}

async function insertRows(tx: Prisma.TransactionClient, data: Prisma.PnlSnapshotCreateManyInput[]): Promise<void> {
  for (let start = 0; start < data.length; start += INSERT_CHUNK_ROWS) {
    await tx.pnlSnapshot.createMany({ data: data.slice(start, start + INSERT_CHUNK_ROWS) });
  }
}

/**
 * Rows of any shape (each with its own aggregate): each distinct document is stored once, whole.
 * All rows or none.
 */
export async function writeSnapshots(prisma: HistoryClient, rows: SnapshotInput[], now: Date): Promise<void> {
  if (rows.length === 0) return;
  const prepared = rows.map((row, index) => {
    const what = `snapshot ${index}`;
    const data = rowData(row, what);
    const body = bodyOf(row, what);
    return { data, body, key: JSON.stringify(body) };
  });
  const distinct = new Map<string, DocumentBody>();
  for (const row of prepared) if (!distinct.has(row.key)) distinct.set(row.key, row.body);
  const encoded = new Map<string, Awaited<ReturnType<typeof encodeKeyframe>>>();
  for (const [key, body] of distinct) encoded.set(key, await encodeKeyframe(body));
  await prisma.$transaction(async (tx) => {
    const ids = new Map<string, number>();
    for (const [key, document] of encoded) {
      // The newest of its rows' times: retention removes a document only once all its rows are gone.
      const takenAt = new Date(Math.max(...prepared.filter((row) => row.key === key).map((row) => (row.data.snapshotTime as Date).getTime())));
      ids.set(key, (await tx.snapshotDocument.create({ data: { takenAt, ...document }, select: { id: true } })).id);
    }
    await insertRows(
      tx,
      prepared.map((row) => ({ ...row.data, documentId: ids.get(row.key)!, createdAt: now })),
    );
  });
}

/** One tick: its document once (a delta against the encoder's keyframe when it can), then its rows. */
export async function writeSnapshotTick(prisma: HistoryClient, tick: SnapshotTickInput, encoder: DocumentEncoder, now: Date): Promise<void> {
  const whole = rowData({ takenAt: tick.takenAt, agentId: null, availabilityScore: tick.availabilityScore }, 'snapshot tick');
  const agents = tick.agents.map((agent) =>
    rowData(
      { takenAt: tick.takenAt, agentId: agent.agentId, availabilityScore: tick.availabilityScore, pnl: agent.pnl },
      `snapshot tick agent ${agent.agentId}`,
    ),
  );
  const { document, stored } = await encoder.encode(withReferences({ ...bodyOf(tick, 'snapshot tick'), t: 1 }));
  try {
    const id = await prisma.$transaction(async (tx) => {
      const created = await tx.snapshotDocument.create({ data: { takenAt: tick.takenAt, ...document }, select: { id: true } });
      await insertRows(
        tx,
        [whole, ...agents].map((row) => ({ ...row, documentId: created.id, createdAt: now })),
      );
      return created.id;
    });
    stored(id);
  } catch (error) {
    // The keyframe this tick would have become (or its base) may not be stored: start afresh.
    encoder.reset();
    throw error;
  }
}

/** Newest first, in (snapshot_time, id) order, so equal timestamps page deterministically. */
export async function listSnapshots(prisma: HistoryClient, args: ListSnapshotsArgs, reader: DocumentReader): Promise<SnapshotPage> {
  const where = rangeWhere(args);
  const first = Math.min(MAX_PAGE_SIZE, Math.max(1, Math.trunc(args.first) || 1));
  let pageWhere = where;
  if (args.after) {
    const after = decodeCursor(args.after);
    const at = new Date(after.takenAtMs);
    pageWhere = { AND: [where, { OR: [{ snapshotTime: { lt: at } }, { snapshotTime: at, id: { lt: after.id } }] }] };
  }
  // One transaction so the page and the count see the same rows.
  const [rows, totalCount] = await prisma.$transaction([
    prisma.pnlSnapshot.findMany({
      where: pageWhere,
      orderBy: [{ snapshotTime: 'desc' }, { id: 'desc' }],
      take: first + 1,
      select: rowColumns,
    }),
    prisma.pnlSnapshot.count({ where }),
  ]);
  const hasNextPage = rows.length > first;
  const page = hasNextPage ? rows.slice(0, first) : rows;
  const documents = await reader.load(
    prisma,
    page.map((row) => row.documentId),
  );
  const last = page.at(-1);
  return {
    nodes: page.map((row) => toRow(row, documents)),
    hasNextPage,
    endCursor: last ? encodeCursor({ takenAtMs: last.snapshotTime.getTime(), id: last.id }) : null,
    totalCount,
  };
}

export async function getSnapshot(prisma: HistoryClient, id: string, reader: DocumentReader): Promise<SnapshotDetail | null> {
  // An id that cannot be a row id names no snapshot; PostgreSQL would reject it as out of range.
  if (!/^\d{1,10}$/.test(id) || Number(id) > MAX_INT4) return null;
  const row = await prisma.pnlSnapshot.findUnique({ where: { id: Number(id) }, select: rowColumns });
  if (!row) return null;
  const documents = await reader.load(prisma, [row.documentId]);
  return { ...toRow(row, documents), ...payloadsFor(documentOf(documents, row), row.agentId) };
}

/** The seed's daily_snapshots view, as a grouped query both providers run. */
export async function dailySnapshots(prisma: HistoryClient, range: SnapshotRange): Promise<DailySnapshotGroup[]> {
  const groups = await prisma.pnlSnapshot.groupBy({
    by: ['snapshotDate', 'agentId'],
    where: rangeWhere(range),
    _count: { _all: true },
    _min: { snapshotTime: true },
    _max: { snapshotTime: true },
  });
  return (
    groups
      .map((group) => ({
        date: group.snapshotDate,
        agentId: group.agentId,
        snapshotCount: group._count._all,
        // A group has at least one row, so its min and max exist.
        firstAt: group._min.snapshotTime as Date,
        lastAt: group._max.snapshotTime as Date,
      }))
      // Sorted here: SQLite puts NULL agent ids first and PostgreSQL last; whole-book rows lead.
      .sort((a, b) => a.date.localeCompare(b.date) || compareAgent(a.agentId, b.agentId))
  );
}

function compareAgent(a: string | null, b: string | null): number {
  if (a === b) return 0;
  if (a === null) return -1;
  if (b === null) return 1;
  return a < b ? -1 : 1;
}

const moneyColumns = { snapshotTime: true, revenueUsd: true, realizedPnlUsd: true, unrealizedPnlUsd: true, totalPnlUsd: true } as const;

/** One bucket's last row: its time and its four amounts joined by '|' (one column: Prisma's cost is per value). */
interface BucketRow {
  at: Date | string;
  money: string;
}

/** [start, end) of each UTC-aligned bucket that meets [from, to], clipped to it. */
function buckets(from: Date, to: Date, interval: CandleInterval): Array<[number, number]> {
  const size = candleIntervalMs(interval);
  const end = to.getTime() + 1; // `to` is inclusive
  const out: Array<[number, number]> = [];
  for (let start = Math.floor(from.getTime() / size) * size; start < end; start += size) {
    out.push([Math.max(start, from.getTime()), Math.min(start + size, end)]);
  }
  return out;
}

const yieldToEventLoop = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

function tooLarge(what: string, points: number, maxPoints: number): RequestLimitError {
  return new RequestLimitError(`pnlHistory: ${what} holds more than ${maxPoints} points; narrow the range or choose a wider interval`, 'RESULT_TOO_LARGE', {
    maxPoints,
    ...(points > 0 ? { points } : {}),
  });
}

/**
 * The last row of each bucket, in SQL: for every bucket, one seek on the (agent_id, snapshot_time)
 * index to the newest row before the bucket's end (ORDER BY snapshot_time DESC LIMIT 1; on SQLite
 * the index holds equal times in rowid order, so the scan backwards meets the highest id first).
 * That costs O(buckets · log rows) whatever the range holds; GROUP BY bucket with max(snapshot_time)
 * reads every row in the range (a 90-day range is 1.5 million rows per agent at 5 s: about half a
 * second, see bench/pnl-history.bench.ts).
 */
async function lastPerBucket(prisma: HistoryClient, agentId: string, bounds: Array<[number, number]>): Promise<BucketRow[]> {
  if (providerOf(prisma) === 'postgresql') {
    const json = JSON.stringify(bounds.map(([s, e]) => [new Date(s).toISOString(), new Date(e).toISOString()]));
    return prisma.$queryRaw<BucketRow[]>`
      SELECT p."snapshot_time" AS "at", p."revenue_usd" || '|' || p."realized_pnl_usd" || '|' || p."unrealized_pnl_usd" || '|' || p."total_pnl_usd" AS "money"
      FROM jsonb_array_elements(${json}::jsonb) WITH ORDINALITY AS b("v", "n")
      CROSS JOIN LATERAL (
        SELECT q.* FROM "pnl_snapshots" q
        WHERE q."agent_id" = ${agentId} AND q."snapshot_time" >= (b."v" ->> 0)::timestamp AND q."snapshot_time" < (b."v" ->> 1)::timestamp
        ORDER BY q."snapshot_time" DESC, q."id" DESC LIMIT 1
      ) p
      ORDER BY b."n"`;
  }
  // SQLite keeps snapshot_time as integer epoch milliseconds (connection.ts): the bounds are the
  // same integers (Dates bound as parameters become them too, but these travel inside JSON).
  const json = JSON.stringify(bounds);
  return prisma.$queryRaw<BucketRow[]>`
    SELECT p."snapshot_time" AS "at", p."revenue_usd" || '|' || p."realized_pnl_usd" || '|' || p."unrealized_pnl_usd" || '|' || p."total_pnl_usd" AS "money"
    FROM json_each(${json}) b
    JOIN "pnl_snapshots" p ON p."id" = (
      SELECT q."id" FROM "pnl_snapshots" q
      WHERE q."agent_id" = ${agentId} AND q."snapshot_time" >= json_extract(b."value", '$[0]') AND q."snapshot_time" < json_extract(b."value", '$[1]')
      ORDER BY q."snapshot_time" DESC LIMIT 1)
    ORDER BY b."key"`;
}

/** Rows of one agent in [from, to], counted up to `limit` on the index alone. */
async function countUpTo(prisma: HistoryClient, args: PnlHistoryArgs, limit: number): Promise<number> {
  // Dates bind as the column stores them: a timestamp on PostgreSQL, epoch milliseconds on SQLite.
  const [row] = await prisma.$queryRaw<Array<{ n: bigint | number }>>`
    SELECT count(*) AS "n" FROM (
      SELECT 1 FROM "pnl_snapshots" WHERE "agent_id" = ${args.agentId} AND "snapshot_time" >= ${args.from} AND "snapshot_time" <= ${args.to} LIMIT ${limit}
    ) AS "capped"`;
  return Number(row?.n ?? 0);
}

/**
 * Oldest first; reads only the money columns, from the (agent_id, snapshot_time) index. With an
 * interval, the last point of each bucket; either way at most `maxPoints`, or a RESULT_TOO_LARGE
 * error before anything large is read.
 */
export async function pnlHistory(prisma: HistoryClient, args: PnlHistoryArgs): Promise<PnlPoint[]> {
  const where = rangeWhere(args);
  const maxPoints = Math.min(MAX_PNL_POINTS, Math.max(1, Math.trunc(args.maxPoints ?? MAX_PNL_POINTS)));
  const take = args.limit === undefined ? undefined : Math.max(1, Math.trunc(args.limit));
  if (args.interval) {
    const bounds = buckets(args.from, args.to, args.interval);
    if (bounds.length > maxPoints) throw tooLarge(`the range at ${args.interval}`, bounds.length, maxPoints);
    const wanted = take === undefined ? bounds : bounds.slice(0, take);
    const rows: BucketRow[] = [];
    // Statements of a bounded size: better-sqlite3 runs on the event loop, so one statement's time is
    // a block; between them everything else gets its turn.
    for (let start = 0; start < wanted.length; start += BUCKETS_PER_STATEMENT) {
      if (start > 0) await yieldToEventLoop();
      rows.push(...(await lastPerBucket(prisma, args.agentId, wanted.slice(start, start + BUCKETS_PER_STATEMENT))));
    }
    return rows.map((row) => {
      const [revenueUsd = '0', realizedPnlUsd = '0', unrealizedPnlUsd = '0', totalPnlUsd = '0'] = row.money.split('|');
      return { at: row.at instanceof Date ? row.at : new Date(row.at), agentId: args.agentId, revenueUsd, realizedPnlUsd, unrealizedPnlUsd, totalPnlUsd };
    });
  }
  const wanted = take === undefined ? maxPoints + 1 : Math.min(take, maxPoints + 1);
  // Counting at most one row past the cap (on the index alone) says whether the range holds more.
  if (wanted > maxPoints && (await countUpTo(prisma, args, wanted)) > maxPoints) throw tooLarge('the range', 0, maxPoints);
  const points: PnlPoint[] = [];
  // Pages of a bounded size, for the same reason as the buckets above; keyset, so each is a seek.
  let after: { snapshotTime: Date; id: number } | null = null;
  while (points.length < Math.min(wanted, maxPoints)) {
    if (after) await yieldToEventLoop();
    const keyset: Prisma.PnlSnapshotWhereInput = after
      ? { AND: [where, { OR: [{ snapshotTime: { gt: after.snapshotTime } }, { snapshotTime: after.snapshotTime, id: { gt: after.id } }] }] }
      : where;
    const page: Array<Prisma.PnlSnapshotGetPayload<{ select: typeof moneyColumns & { id: true } }>> = await prisma.pnlSnapshot.findMany({
      where: keyset,
      orderBy: [{ snapshotTime: 'asc' }, { id: 'asc' }],
      select: { ...moneyColumns, id: true },
      take: Math.min(ROWS_PER_PAGE, Math.min(wanted, maxPoints) - points.length),
    });
    for (const row of page) points.push({ at: row.snapshotTime, agentId: args.agentId, ...amounts(row) });
    const last = page.at(-1);
    if (!last || page.length < ROWS_PER_PAGE) break;
    after = { snapshotTime: last.snapshotTime, id: last.id };
  }
  return points;
}
