/**
 * market_ticks: each market's quote (bid, ask, last, cumulative volume, open interest) when it
 * changed, at most one tick per market and second (market-tick-recorder.ts coalesces), packed into
 * blocks: one row per market and block, (ticker_id, start_ms, body), the body the block's ticks as
 * deltas (tick-block-codec.ts: about 8.5 bytes a tick on disk where a row per tick took about 29).
 * The ticker is interned (market_tickers), prices are integer micro-dollars and counts integer hundredths of a
 * contract, exact; on SQLite the primary key is the table (WITHOUT ROWID), so one b-tree serves
 * every read of a ticker over a time range and the retention sweep.
 *
 * Blocks:
 * - A block starts at its first tick (start_ms) and holds ticks in [start_ms, start_ms + BLOCK_MS),
 *   at most MAX_TICKS_PER_BLOCK of them. Its first tick is a keyframe, so it decodes alone.
 * - The writer keeps each market's open block in memory (OpenTickBlocks, held by the HistoryStore)
 *   and, on every flush that touches it, rewrites that block's row with its whole body (an upsert;
 *   a block is a few hundred bytes). So a flush is durable as soon as its statement commits, and a
 *   SIGKILL loses only ticks not yet flushed.
 * - A tick at or past the block's end, before its start, or past a full block starts a new block.
 *   A tick inside the block's span but not after its last tick (a rewrite of the same ms, or a late
 *   one) replaces or joins the block's ticks: the later write wins, as it did for rows.
 * - A new process holds no open block, so its first tick per market starts a new block. A new
 *   block whose start is already a row (the same ms written before) is merged with that row, its
 *   own ticks winning, rather than overwriting it.
 * - Blocks of one market can overlap in time only if the clock went backwards (or across a restart
 *   with the clock behind); readers then take every tick of every block, and a tick at the same ms
 *   in two blocks reads from the block that starts later.
 *
 * Readers select the blocks that can hold ticks in [from, to) (start_ms in (from - BLOCK_MS, to):
 * one range seek), decode them, keep the ticks in range and apply the limit, oldest first.
 * Retention (retention.ts) deletes whole blocks that end before its horizon.
 */
import { Prisma, type HistoryClient } from './database.js';
import { decodeTickBlock, TickBlockEncoder, type BlockTick, type TickValues } from './tick-block-codec.js';

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

/** What the recorder writes: the same fields, in the stored units (exact integers ≥ 0, or null). */
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

/** A block holds ticks within this long after its first: a minute, ~60 ticks at the recorder's rate. */
export const BLOCK_MS = 60_000;
/** Bounds the body a flush rewrites when ticks come faster than the recorder's one a second. */
const MAX_TICKS_PER_BLOCK = 120;
/** SQLite allows 32766 bound parameters; 3 per row × 500 stays far below, and statements stay short. */
const ROWS_PER_STATEMENT = 500;
/** Block keys per lookup of stored blocks: 2 parameters each, below the adapter's 999 for SQLite. */
const KEYS_PER_LOOKUP = 200;
/** Blocks a reader fetches per statement (a limit met early stops it). */
const BLOCKS_PER_READ = 256;
export const MAX_TICKS_PER_READ = 100_000;

const MICROS = 1_000_000;
const HUNDREDTHS = 100;

/** The history client or a transaction on it (the legacy converter writes blocks inside one). */
export type TickClient = HistoryClient | Prisma.TransactionClient;

/** Dollars → integer micro-dollars; null stays null. Kalshi prices have at most 4 decimals. */
export function toMicros(dollars: number | null | undefined): number | null {
  return dollars === null || dollars === undefined || !Number.isFinite(dollars) ? null : Math.round(dollars * MICROS);
}

/** Contracts → integer hundredths (Kalshi's `_fp` counts have 2 decimals); null stays null. */
export function toHundredths(count: number | null | undefined): number | null {
  return count === null || count === undefined || !Number.isFinite(count) ? null : Math.round(count * HUNDREDTHS);
}

/** One market's block as this process holds it: its ticks, and the encoder that appends to its body. */
class OpenBlock {
  encoder: TickBlockEncoder;

  constructor(
    readonly tickerId: number,
    readonly startMs: number,
    /** Oldest first, distinct ms. */
    public ticks: BlockTick[] = [],
  ) {
    this.encoder = new TickBlockEncoder(startMs);
    ticks.forEach((tick) => this.encoder.append(tick));
  }

  get lastAtMs(): number {
    return this.ticks.at(-1)?.atMs ?? this.startMs;
  }

  /** Whether `atMs` starts a new block instead of going into this one. */
  excludes(atMs: number): boolean {
    return atMs < this.startMs || atMs >= this.startMs + BLOCK_MS || (atMs > this.lastAtMs && this.ticks.length >= MAX_TICKS_PER_BLOCK);
  }

  put(tick: BlockTick): void {
    if (this.ticks.length === 0 || tick.atMs > this.lastAtMs) {
      this.ticks.push(tick);
      this.encoder.append(tick);
      return;
    }
    this.merge([tick]);
  }

  /** Adds the ticks a stored row at this block's start holds, at the ms this block does not hold. */
  keepStored(stored: readonly BlockTick[]): void {
    const own = new Set(this.ticks.map((tick) => tick.atMs));
    this.merge(stored.filter((tick) => !own.has(tick.atMs)));
  }

  /** Adds ticks at any ms in the block's span (those given win at a shared ms), and encodes again. */
  merge(ticks: readonly BlockTick[]): void {
    const byMs = new Map(this.ticks.map((tick) => [tick.atMs, tick]));
    for (const tick of ticks) byMs.set(tick.atMs, tick);
    this.ticks = [...byMs.values()].sort((a, b) => a.atMs - b.atMs);
    this.encoder = new TickBlockEncoder(this.startMs);
    this.ticks.forEach((tick) => this.encoder.append(tick));
  }
}

/**
 * Each market's open block in this process (none after a restart), and the queue that keeps its
 * writes one at a time: a flush reads and changes the open blocks across awaits.
 */
export class OpenTickBlocks {
  readonly open = new Map<number, OpenBlock>();
  private queue: Promise<unknown> = Promise.resolve();

  serially<T>(work: () => Promise<T>): Promise<T> {
    const run = this.queue.then(work, work);
    this.queue = run.catch(() => undefined);
    return run;
  }
}

const valuesOf = (t: Omit<MarketTickInput, 'ticker' | 'atMs'>): TickValues => [
  t.bidMicros,
  t.askMicros,
  t.lastMicros,
  t.volumeHundredths,
  t.openInterestHundredths,
];

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

/** One flush of the recorder: the tickers interned, then every block the ticks touch rewritten. */
export async function writeMarketTicks(
  prisma: HistoryClient,
  ticks: readonly MarketTickInput[],
  known: Map<string, number>,
  blocks: OpenTickBlocks,
): Promise<void> {
  if (ticks.length === 0) return;
  const ids = await tickerIds(
    prisma,
    ticks.map((tick) => tick.ticker),
    known,
  );
  await writeTickBlocks(
    prisma,
    ticks.map((tick) => ({ tickerId: ids.get(tick.ticker)!, tick: { atMs: tick.atMs, values: valuesOf(tick) } })),
    blocks,
  );
}

/**
 * Puts ticks (any order; at a repeated (ticker, ms) the later one wins) into the markets' open
 * blocks, starting blocks where they do not fit, and upserts every block touched.
 */
export function writeTickBlocks(client: TickClient, ticks: ReadonlyArray<{ tickerId: number; tick: BlockTick }>, blocks: OpenTickBlocks): Promise<void> {
  return blocks.serially(async () => {
    const unique = [...new Map(ticks.map((entry) => [`${entry.tickerId}:${entry.tick.atMs}`, entry])).values()].sort((a, b) => a.tick.atMs - b.tick.atMs);
    const touched = new Set<OpenBlock>();
    const started = new Set<OpenBlock>();
    for (const { tickerId, tick } of unique) {
      let block = blocks.open.get(tickerId);
      if (!block || block.excludes(tick.atMs)) {
        block = new OpenBlock(tickerId, tick.atMs);
        blocks.open.set(tickerId, block);
        started.add(block);
      }
      block.put(tick);
      touched.add(block);
    }
    try {
      await mergeStoredBlocks(client, [...started]);
      const rows = [...touched];
      for (let start = 0; start < rows.length; start += ROWS_PER_STATEMENT) {
        const values = rows.slice(start, start + ROWS_PER_STATEMENT).map((b) => Prisma.sql`(${b.tickerId}, ${BigInt(b.startMs)}, ${b.encoder.bytes()})`);
        await client.$executeRaw`
          INSERT INTO "market_ticks" ("ticker_id", "start_ms", "body") VALUES ${Prisma.join(values)}
          ON CONFLICT ("ticker_id", "start_ms") DO UPDATE SET "body" = excluded."body"`;
      }
    } catch (error) {
      // What these blocks hold is no longer known to be what is stored: the next tick of each of
      // these markets starts a new block (and merges with a stored one at the same start).
      for (const block of touched) if (blocks.open.get(block.tickerId) === block) blocks.open.delete(block.tickerId);
      throw error;
    }
  });
}

/** A block this process starts at a start_ms that is already stored keeps the stored ticks too. */
async function mergeStoredBlocks(client: TickClient, started: readonly OpenBlock[]): Promise<void> {
  for (let start = 0; start < started.length; start += KEYS_PER_LOOKUP) {
    const batch = started.slice(start, start + KEYS_PER_LOOKUP);
    const stored = await client.marketTickBlock.findMany({ where: { OR: batch.map((b) => ({ tickerId: b.tickerId, startMs: BigInt(b.startMs) })) } });
    const byKey = new Map(stored.map((row) => [`${row.tickerId}:${row.startMs}`, row.body]));
    for (const block of batch) {
      const body = byKey.get(`${block.tickerId}:${block.startMs}`);
      if (body) block.keepStored(decodeTickBlock(block.startMs, body));
    }
  }
}

export async function idOf(prisma: HistoryClient, ticker: string, known: Map<string, number>): Promise<number | null> {
  const memo = known.get(ticker);
  if (memo !== undefined) return memo;
  const row = await prisma.marketTicker.findUnique({ where: { ticker } });
  if (row) known.set(ticker, row.id);
  return row?.id ?? null;
}

/** A decoded tick and the start of the block it came from (which decides between duplicates). */
type Found = BlockTick & { blockStartMs: number };

/** Ticks by ms: at a ms found in two blocks, the block that starts later wins. */
function collect(into: Map<number, Found>, startMs: number, body: Uint8Array, keep: (atMs: number) => boolean): void {
  for (const tick of decodeTickBlock(startMs, body)) {
    if (!keep(tick.atMs)) continue;
    const seen = into.get(tick.atMs);
    if (!seen || seen.blockStartMs < startMs) into.set(tick.atMs, { ...tick, blockStartMs: startMs });
  }
}

const scaled = (value: number | null, unit: number): number | null => (value === null ? null : value / unit);

function rowOf(ticker: string, tick: BlockTick): MarketTickRow {
  const [bid, ask, last, volume, openInterest] = tick.values;
  return {
    ticker,
    at: new Date(tick.atMs),
    // Dividing the exact integer once gives the double nearest the stored decimal.
    bid: scaled(bid, MICROS),
    ask: scaled(ask, MICROS),
    last: scaled(last, MICROS),
    volume: scaled(volume, HUNDREDTHS),
    openInterest: scaled(openInterest, HUNDREDTHS),
  };
}

/** A market's ticks in [from, to), oldest first, at most `limit` (bounded by MAX_TICKS_PER_READ). */
export async function marketTicks(prisma: HistoryClient, query: MarketTickQuery, known: Map<string, number>): Promise<MarketTickRow[]> {
  const id = await idOf(prisma, query.ticker, known);
  if (id === null) return [];
  const take = Math.min(MAX_TICKS_PER_READ, Math.max(1, Math.trunc(query.limit ?? MAX_TICKS_PER_READ)));
  const fromMs = query.from.getTime();
  const toMs = query.to.getTime();
  if (!(fromMs < toMs)) return [];
  const found = new Map<number, Found>();
  // A block starting before `from` may hold ticks after it, but none starts BLOCK_MS or more before.
  let after = BigInt(fromMs - BLOCK_MS);
  for (;;) {
    const rows = await prisma.marketTickBlock.findMany({
      where: { tickerId: id, startMs: { gt: after, lt: BigInt(toMs) } },
      orderBy: { startMs: 'asc' },
      take: BLOCKS_PER_READ,
    });
    for (const row of rows) collect(found, Number(row.startMs), row.body, (atMs) => atMs >= fromMs && atMs < toMs);
    if (rows.length < BLOCKS_PER_READ) break;
    after = rows.at(-1)!.startMs;
    // Blocks not read yet start after `after`, so they hold no tick at or before it.
    let settled = 0;
    for (const atMs of found.keys()) if (atMs <= after) settled += 1;
    if (settled >= take) break;
  }
  return [...found.values()]
    .sort((a, b) => a.atMs - b.atMs)
    .slice(0, take)
    .map((tick) => rowOf(query.ticker, tick));
}

/** The last tick strictly before `at`: the value a candle starting at `at` opens with. */
export async function latestMarketTickBefore(prisma: HistoryClient, ticker: string, at: Date, known: Map<string, number>): Promise<MarketTickRow | null> {
  const id = await idOf(prisma, ticker, known);
  if (id === null) return null;
  const atMs = at.getTime();
  const newest = await prisma.marketTickBlock.findFirst({ where: { tickerId: id, startMs: { lt: BigInt(atMs) } }, orderBy: { startMs: 'desc' } });
  if (!newest) return null;
  // The newest block's first tick is before `at`; only blocks starting less than BLOCK_MS before
  // it can hold a later one (when blocks overlap: see the header).
  const rows = await prisma.marketTickBlock.findMany({
    where: { tickerId: id, startMs: { gt: newest.startMs - BigInt(BLOCK_MS), lt: BigInt(atMs) } },
  });
  const found = new Map<number, Found>();
  for (const row of rows) collect(found, Number(row.startMs), row.body, (ms) => ms < atMs);
  const latest = [...found.values()].reduce<Found | null>((best, tick) => (!best || tick.atMs > best.atMs ? tick : best), null);
  return latest ? rowOf(ticker, latest) : null;
}
