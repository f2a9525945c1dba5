/**
 * market_ticks: each market's quote (bid, ask, last, cumulative volume, open interest) when it
 * changed, at most one row per market and second (market-tick-recorder.ts coalesces). Stored small:
 * the ticker is interned (market_tickers), prices are integer micro-dollars and counts integer
 * hundredths of a contract, and on SQLite the primary key (ticker_id, at_ms) is the table (WITHOUT
 * ROWID), so one b-tree holds the rows and serves every read of a ticker over a time range.
 *
 * Writes are `INSERT … ON CONFLICT` statements of at most ROWS_PER_STATEMENT rows, one batch per
 * flush; a row written twice for the same (ticker, ms) keeps the later values.
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
export async function writeMarketTicks(prisma: HistoryClient, ticks: readonly MarketTickInput[], known: Map<string, number>): Promise<void> {
  if (ticks.length === 0) return;
  const ids = await tickerIds(
    prisma,
    ticks.map((tick) => tick.ticker),
    known,
  );
  // The newest per (ticker, ms): one statement must not name a key twice (PostgreSQL refuses).
  const unique = [...new Map(ticks.map((tick) => [`${tick.ticker}\u0000${tick.atMs}`, tick])).values()];
  for (let start = 0; start < unique.length; start += ROWS_PER_STATEMENT) {
    const rows = unique
      .slice(start, start + ROWS_PER_STATEMENT)
      .map(
        (t) =>
          Prisma.sql`(${ids.get(t.ticker)!}, ${BigInt(t.atMs)}, ${t.bidMicros}, ${t.askMicros}, ${t.lastMicros}, ${bigintOrNull(t.volumeHundredths)}, ${bigintOrNull(t.openInterestHundredths)})`,
      );
    await prisma.$executeRaw`
      INSERT INTO "market_ticks" ("ticker_id", "at_ms", "bid_micros", "ask_micros", "last_micros", "volume_hundredths", "open_interest_hundredths")
      VALUES ${Prisma.join(rows)}
      ON CONFLICT ("ticker_id", "at_ms") DO UPDATE SET "bid_micros" = excluded."bid_micros", "ask_micros" = excluded."ask_micros",
        "last_micros" = excluded."last_micros", "volume_hundredths" = excluded."volume_hundredths",
        "open_interest_hundredths" = excluded."open_interest_hundredths"`;
  }
}

type StoredTick = Prisma.MarketTickGetPayload<object>;

function rowOf(ticker: string, row: StoredTick): MarketTickRow {
  return {
    ticker,
    at: new Date(Number(row.atMs)),
    bid: scaled(row.bidMicros, MICROS),
    ask: scaled(row.askMicros, MICROS),
    last: scaled(row.lastMicros, MICROS),
    volume: scaled(row.volumeHundredths, HUNDREDTHS),
    openInterest: scaled(row.openInterestHundredths, HUNDREDTHS),
  };
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
  return rows.map((row) => rowOf(query.ticker, row));
}

/** The last tick strictly before `at`: the value a candle starting at `at` opens with. */
export async function latestMarketTickBefore(prisma: HistoryClient, ticker: string, at: Date, known: Map<string, number>): Promise<MarketTickRow | null> {
  const id = await idOf(prisma, ticker, known);
  if (id === null) return null;
  const row = await prisma.marketTick.findFirst({ where: { tickerId: id, atMs: { lt: BigInt(at.getTime()) } }, orderBy: { atMs: 'desc' } });
  return row ? rowOf(ticker, row) : null;
}
