/**
 * P&L snapshots: the aggregator writes one row per agent (and one with no agent for the whole
 * book) every SNAPSHOT_INTERVAL_MS; the schema pages through them, groups them by day, and charts
 * one agent's P&L over time. Money crosses this boundary as decimal strings, never as floats.
 */
import { InputError } from '../core/errors.js';
import { decodeCursor, encodeCursor } from './cursor.js';
import type { HistoryClient, Prisma } from './database.js';

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
  /** At most this many points, oldest first. Unbounded when omitted: callers bound the range. */
  limit?: number;
}

export const MAX_PAGE_SIZE = 500;
/**
 * Rows per INSERT. 15 columns × 50 rows stays under the 999 bound parameters Prisma allows in one
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
  aggregatedJson: true,
  revenueUsd: true,
  realizedPnlUsd: true,
  unrealizedPnlUsd: true,
  totalPnlUsd: true,
} as const satisfies Prisma.PnlSnapshotSelect;

type SelectedRow = Prisma.PnlSnapshotGetPayload<{ select: typeof rowColumns }>;
type Money = SelectedRow['revenueUsd'];

/** toFixed() rather than toString(): decimal.js switches to exponent notation below 1e-7. */
function money(value: Money): string {
  return value.toFixed();
}

function amounts(row: Pick<SelectedRow, 'revenueUsd' | 'realizedPnlUsd' | 'unrealizedPnlUsd' | 'totalPnlUsd'>): PnlAmounts {
  return {
    revenueUsd: money(row.revenueUsd),
    realizedPnlUsd: money(row.realizedPnlUsd),
    unrealizedPnlUsd: money(row.unrealizedPnlUsd),
    totalPnlUsd: money(row.totalPnlUsd),
  };
}

function toRow(row: SelectedRow): SnapshotRow {
  return {
    id: String(row.id),
    takenAt: row.snapshotTime,
    agentId: row.agentId,
    availabilityScore: row.availabilityScore,
    aggregate: JSON.parse(row.aggregatedJson) as unknown,
    pnl: amounts(row),
  };
}

function parseJson(text: string | null): unknown {
  return text === null ? null : (JSON.parse(text) as unknown);
}

function optionalJson(value: unknown): string | null {
  return value === undefined ? null : JSON.stringify(value);
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

function toData(row: SnapshotInput, index: number): Prisma.PnlSnapshotCreateManyInput {
  // Programming errors in the writer, not user input: plain errors, reported with the row index.
  if (!(row.takenAt instanceof Date) || Number.isNaN(row.takenAt.getTime())) {
    throw new TypeError(`snapshot ${index}: takenAt is not a valid date`);
  }
  if (!Number.isFinite(row.availabilityScore)) throw new TypeError(`snapshot ${index}: availabilityScore must be finite`);
  const aggregatedJson = JSON.stringify(row.aggregate) as string | undefined;
  if (aggregatedJson === undefined) throw new TypeError(`snapshot ${index}: aggregate is not JSON-serializable`);
  if (row.pnl) {
    // Checked as the runtime value it is: callers' rows need not hold to the type.
    for (const [name, value] of Object.entries(row.pnl) as [string, unknown][]) {
      if (typeof value !== 'string' || !DECIMAL.test(value))
        throw new TypeError(`snapshot ${index}: pnl.${name} is not a decimal string (${JSON.stringify(value)})`);
    }
  }
  return {
    snapshotDate: row.takenAt.toISOString().slice(0, 10),
    snapshotTime: row.takenAt,
    agentId: row.agentId,
    availabilityScore: row.availabilityScore,
    aggregatedJson,
    kalshiDataJson: optionalJson(row.kalshi),
    anthropicAnalysisJson: optionalJson(row.anthropic),
    johnMetricsJson: optionalJson(row.john),
    metadataJson: optionalJson(row.metadata),
    ...(row.pnl ?? {}),
  };
}

/** All rows or none: every chunk is one statement of a single transaction. */
export async function writeSnapshots(prisma: HistoryClient, rows: SnapshotInput[], now: Date): Promise<void> {
  if (rows.length === 0) return;
  const data = rows.map((row, index) => ({ ...toData(row, index), createdAt: now }));
  const statements = [];
  for (let start = 0; start < data.length; start += INSERT_CHUNK_ROWS) {
    statements.push(prisma.pnlSnapshot.createMany({ data: data.slice(start, start + INSERT_CHUNK_ROWS) }));
  }
  await prisma.$transaction(statements);
}

/** Newest first, in (snapshot_time, id) order, so equal timestamps page deterministically. */
export async function listSnapshots(prisma: HistoryClient, args: ListSnapshotsArgs): Promise<SnapshotPage> {
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
  const last = page.at(-1);
  return {
    nodes: page.map(toRow),
    hasNextPage,
    endCursor: last ? encodeCursor({ takenAtMs: last.snapshotTime.getTime(), id: last.id }) : null,
    totalCount,
  };
}

export async function getSnapshot(prisma: HistoryClient, id: string): Promise<SnapshotDetail | null> {
  // An id that cannot be a row id names no snapshot; PostgreSQL would reject it as out of range.
  if (!/^\d{1,10}$/.test(id) || Number(id) > MAX_INT4) return null;
  const row = await prisma.pnlSnapshot.findUnique({
    where: { id: Number(id) },
    select: { ...rowColumns, kalshiDataJson: true, anthropicAnalysisJson: true, johnMetricsJson: true, metadataJson: true },
  });
  if (!row) return null;
  return {
    ...toRow(row),
    kalshi: parseJson(row.kalshiDataJson),
    anthropic: parseJson(row.anthropicAnalysisJson),
    john: parseJson(row.johnMetricsJson),
    metadata: parseJson(row.metadataJson),
  };
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

/** Oldest first; reads only the money columns, from the (agent_id, snapshot_time) index. */
export async function pnlHistory(prisma: HistoryClient, args: PnlHistoryArgs): Promise<PnlPoint[]> {
  const rows = await prisma.pnlSnapshot.findMany({
    where: rangeWhere(args),
    orderBy: [{ snapshotTime: 'asc' }, { id: 'asc' }],
    select: { snapshotTime: true, revenueUsd: true, realizedPnlUsd: true, unrealizedPnlUsd: true, totalPnlUsd: true },
    ...(args.limit === undefined ? {} : { take: Math.max(1, Math.trunc(args.limit)) }),
  });
  return rows.map((row) => ({ at: row.snapshotTime, agentId: args.agentId, ...amounts(row) }));
}
