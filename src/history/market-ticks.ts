/**
 * market_ticks: each market's quote (bid, ask, last, cumulative volume, open interest) when it
 * changed, at most one row per market and second (market-tick-recorder.ts coalesces). Stored small:
 * the ticker is interned (market_tickers), prices are integer micro-dollars and counts integer
 * hundredths of a contract, and on SQLite the primary key (ticker_id, at_ms) is the table (WITHOUT
 * ROWID), so one b-tree holds the rows and serves every read of a ticker over a time range.
 *
 * Writes are `INSERT … ON CONFLICT` statements of at most ROWS_PER_STATEMENT rows, one batch per
 * flush; a row written twice for the same (ticker, ms) keeps the later values.
 *
 * Rows store only what changed. A tick usually moves one or two of its five fields (a trade moves
 * last and volume, a quote one side), and an unchanged field is stored as NULL, which costs SQLite
 * no payload byte: about a third of the table at the simulator's rate. So:
 * - NULL = unchanged since the market's previous row; ABSENT (-1) = no value (an empty book side);
 * - a keyframe (every field stored) is written at least every KEYFRAME_MS per market, for the first
 *   row a process writes for a market, and for a row that does not come after the last one
 *   written; so a reader rebuilds any row from at most KEYFRAME_MS of earlier rows
 *   (CARRY_IN_ROWS), and retention, which deletes the oldest rows, can leave at most that first
 *   stretch with fields it cannot rebuild (read as null).
 */
import { Prisma, type HistoryClient } from './database.js';

/** One market's quote at one time, as the candles read it: dollars and contracts. */
export interface MarketTickRow {
  ticker: string;
  at: Date;
  bid: number | null;
  ask: number | null;
  last: number | null;
  /** The market's cumulative traded volume, contracts (the period's volume is a difference of two). */
  volume: number | null;
  openInterest: number | null;
}

/** What the recorder writes: the same fields, in the stored units (exact integers). */
export interface MarketTickInput {
  ticker: string;
  atMs: number;
  bidMicros: number | null;
  askMicros: number | null;
  lastMicros: number | null;
  volumeHundredths: number | null;
  openInterestHundredths: number | null;
}

export interface MarketTickQuery {
  ticker: string;
  /** Inclusive. */
  from: Date;
  /** Exclusive: a candle's [start, end). */
  to: Date;
  /** At most this many rows, oldest first. @default MAX_TICKS_PER_READ */
  limit?: number;
}

/** Stored for "no value" (prices and counts are never negative); NULL means "unchanged". */
const ABSENT = -1;
/** A keyframe per market at least this often. */
const KEYFRAME_MS = 60_000;
/** Rows a reader looks back to rebuild a row: one a second at most, so this spans a keyframe interval twice. */
const CARRY_IN_ROWS = 120;

type Fields = [bid: number | null, ask: number | null, last: number | null, volume: number | null, openInterest: number | null];

/** What the writer last stored per ticker id (this process's rows only: a restart begins with keyframes). */
export class TickEncoderState {
  readonly last = new Map<number, { atMs: number; keyframeAtMs: number; fields: Fields }>();
}

const fieldsOf = (t: MarketTickInput): Fields => [t.bidMicros, t.askMicros, t.lastMicros, t.volumeHundredths, t.openInterestHundredths];

/** The stored form of one tick: every field on a keyframe, else only the changed ones. */
function encode(state: TickEncoderState, id: number, tick: MarketTickInput): Fields {
  const fields = fieldsOf(tick);
  const previous = state.last.get(id);
  const keyframe = !previous || tick.atMs <= previous.atMs || tick.atMs - previous.keyframeAtMs >= KEYFRAME_MS;
  state.last.set(id, { atMs: tick.atMs, keyframeAtMs: keyframe ? tick.atMs : previous.keyframeAtMs, fields });
  return fields.map((value, index) => (!keyframe && value === previous.fields[index] ? null : (value ?? ABSENT))) as Fields;
}

/** SQLite allows 32766 bound parameters; 7 per row × 500 stays far below, and statements stay short. */
const ROWS_PER_STATEMENT = 500;
export const MAX_TICKS_PER_READ = 100_000;

const MICROS = 1_000_000;
const HUNDREDTHS = 100;

/** Dollars → integer micro-dollars; null stays null. Kalshi prices have at most 4 decimals. */
export function toMicros(dollars: number | null | undefined): number | null {
  return dollars === null || dollars === undefined || !Number.isFinite(dollars) ? null : Math.round(dollars * MICROS);
}

/** Contracts → integer hundredths (Kalshi's `_fp` counts have 2 decimals); null stays null. */
export function toHundredths(count: number | null | undefined): number | null {
  return count === null || count === undefined || !Number.isFinite(count) ? null : Math.round(count * HUNDREDTHS);
}

const bigintOrNull = (value: number | null): bigint | null => (value === null ? null : BigInt(value));
/** Dividing the exact integer once gives the double nearest the stored decimal. */
const scaled = (value: bigint | number | null, unit: number): number | null => (value === null ? null : Number(value) / unit);

/**
 * The ids of these tickers in market_tickers, adding the missing ones (trades use them too:
 * market-history.ts). `known` is the caller's memo (tickers never change id), so a steady stream
 * of flushes asks the database nothing here.
 */
export async function tickerIds(prisma: HistoryClient, tickers: readonly string[], known: Map<string, number>): Promise<Map<string, number>> {
  const missing = [...new Set(tickers)].filter((ticker) => !known.has(ticker));
  for (let start = 0; start < missing.length; start += ROWS_PER_STATEMENT) {
    const batch = missing.slice(start, start + ROWS_PER_STATEMENT);
    await prisma.$executeRaw`INSERT INTO "market_tickers" ("ticker") VALUES ${Prisma.join(batch.map((t) => Prisma.sql`(${t})`))} ON CONFLICT ("ticker") DO NOTHING`;
    for (const row of await prisma.marketTicker.findMany({ where: { ticker: { in: batch } } })) known.set(row.ticker, row.id);
  }
  return known;
}

/** One batch: the tickers interned, then the rows in statements of ROWS_PER_STATEMENT. */
export async function writeMarketTicks(
  prisma: HistoryClient,
  ticks: readonly MarketTickInput[],
  known: Map<string, number>,
  state: TickEncoderState,
): Promise<void> {
  if (ticks.length === 0) return;
  const ids = await tickerIds(
    prisma,
    ticks.map((tick) => tick.ticker),
    known,
  );
  // The newest per (ticker, ms): one statement must not name a key twice (PostgreSQL refuses).
  const unique = [...new Map(ticks.map((tick) => [`${tick.ticker}\u0000${tick.atMs}`, tick])).values()];
  // Encoded in time order per market, so "unchanged" always refers to the row stored just before.
  const encoded = unique
    .sort((a, b) => a.atMs - b.atMs)
    .map((tick) => {
      const id = ids.get(tick.ticker)!;
      return { id, atMs: tick.atMs, fields: encode(state, id, tick) };
    });
  for (let start = 0; start < encoded.length; start += ROWS_PER_STATEMENT) {
    const rows = encoded.slice(start, start + ROWS_PER_STATEMENT).map(({ id, atMs, fields: [bid, ask, last, volume, openInterest] }) => {
      return Prisma.sql`(${id}, ${BigInt(atMs)}, ${bid}, ${ask}, ${last}, ${bigintOrNull(volume)}, ${bigintOrNull(openInterest)})`;
    });
    await prisma.$executeRaw`
      INSERT INTO "market_ticks" ("ticker_id", "at_ms", "bid_micros", "ask_micros", "last_micros", "volume_hundredths", "open_interest_hundredths")
      VALUES ${Prisma.join(rows)}
      ON CONFLICT ("ticker_id", "at_ms") DO UPDATE SET "bid_micros" = excluded."bid_micros", "ask_micros" = excluded."ask_micros",
        "last_micros" = excluded."last_micros", "volume_hundredths" = excluded."volume_hundredths",
        "open_interest_hundredths" = excluded."open_interest_hundredths"`;
  }
}

type StoredTick = Prisma.MarketTickGetPayload<object>;

const storedFields = (row: StoredTick): Array<bigint | number | null> => [
  row.bidMicros,
  row.askMicros,
  row.lastMicros,
  row.volumeHundredths,
  row.openInterestHundredths,
];

/**
 * Rebuilds full rows: `carried` holds each field's value as of the row before the first (from the
 * rows before it), a NULL takes the value carried, ABSENT reads as null.
 */
function rebuild(ticker: string, rows: readonly StoredTick[], carried: Array<bigint | number | null>): MarketTickRow[] {
  const current = [...carried];
  return rows.map((row) => {
    storedFields(row).forEach((value, index) => {
      if (value !== null) current[index] = value;
    });
    const field = (index: number, unit: number) => {
      const value = current[index] ?? null;
      return value === null || Number(value) === ABSENT ? null : scaled(value, unit);
    };
    return {
      ticker,
      at: new Date(Number(row.atMs)),
      bid: field(0, MICROS),
      ask: field(1, MICROS),
      last: field(2, MICROS),
      volume: field(3, HUNDREDTHS),
      openInterest: field(4, HUNDREDTHS),
    };
  });
}

/** Each field's value just before `beforeMs`: the newest stored value of each in the last CARRY_IN_ROWS rows. */
async function carriedBefore(
  prisma: HistoryClient,
  tickerId: number,
  beforeMs: number,
): Promise<{ carried: Array<bigint | number | null>; newest: StoredTick | null }> {
  const earlier = await prisma.marketTick.findMany({ where: { tickerId, atMs: { lt: BigInt(beforeMs) } }, orderBy: { atMs: 'desc' }, take: CARRY_IN_ROWS });
  const carried: Array<bigint | number | null> = [null, null, null, null, null];
  for (const row of earlier) {
    storedFields(row).forEach((value, index) => {
      if (carried[index] === null && value !== null) carried[index] = value;
    });
    if (carried.every((value) => value !== null)) break;
  }
  return { carried, newest: earlier[0] ?? null };
}

export async function idOf(prisma: HistoryClient, ticker: string, known: Map<string, number>): Promise<number | null> {
  const memo = known.get(ticker);
  if (memo !== undefined) return memo;
  const row = await prisma.marketTicker.findUnique({ where: { ticker } });
  if (row) known.set(ticker, row.id);
  return row?.id ?? null;
}

/** A market's ticks in [from, to), oldest first, at most `limit` (bounded by MAX_TICKS_PER_READ). */
export async function marketTicks(prisma: HistoryClient, query: MarketTickQuery, known: Map<string, number>): Promise<MarketTickRow[]> {
  const id = await idOf(prisma, query.ticker, known);
  if (id === null) return [];
  const take = Math.min(MAX_TICKS_PER_READ, Math.max(1, Math.trunc(query.limit ?? MAX_TICKS_PER_READ)));
  const rows = await prisma.marketTick.findMany({
    where: { tickerId: id, atMs: { gte: BigInt(query.from.getTime()), lt: BigInt(query.to.getTime()) } },
    orderBy: { atMs: 'asc' },
    take,
  });
  if (rows.length === 0) return [];
  // A first row that is a keyframe needs nothing carried in.
  const first = storedFields(rows[0]!);
  const carried = first.every((value) => value !== null) ? first : (await carriedBefore(prisma, id, query.from.getTime())).carried;
  return rebuild(query.ticker, rows, carried);
}

/** The last tick strictly before `at`: the value a candle starting at `at` opens with. */
export async function latestMarketTickBefore(prisma: HistoryClient, ticker: string, at: Date, known: Map<string, number>): Promise<MarketTickRow | null> {
  const id = await idOf(prisma, ticker, known);
  if (id === null) return null;
  const { carried, newest } = await carriedBefore(prisma, id, at.getTime());
  return newest ? rebuild(ticker, [newest], carried)[0]! : null;
}
