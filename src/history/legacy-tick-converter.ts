/**
 * One-time conversion of market_ticks' earlier layout (one row per tick, only the changed fields:
 * NULL = unchanged since the market's previous row, -1 = no value) into blocks (market-ticks.ts).
 * The migration pack_market_ticks renamed those rows' table legacy_market_ticks; varint blocks
 * cannot be built in SQL on both providers, so the history store converts what is left there when
 * it opens, before anything reads or writes ticks.
 *
 * Per market, oldest first, in chunks of CHUNK_ROWS: each chunk's whole rows (rebuilt as the old
 * readers did, carrying each field from the row before) are written as blocks, and in the same
 * transaction its rows are deleted and the next row gets the values it left unchanged (so what is
 * left is still self-contained). A conversion cut short (a crash) goes on from there at the next
 * open; a finished one leaves the table empty, and costs one query per open afterwards.
 */
import { silentLogger, type Logger } from '../core/logger.js';
import type { HistoryClient, Prisma } from './database.js';
import { OpenTickBlocks, writeTickBlocks } from './market-ticks.js';
import type { TickValues } from './tick-block-codec.js';

const CHUNK_ROWS = 5000;
const TRANSACTION_TIMEOUT_MS = 60_000;

type LegacyRow = Prisma.LegacyMarketTickGetPayload<object>;
type Stored = Array<number | null>;

const storedFields = (row: LegacyRow): Stored =>
  [row.bidMicros, row.askMicros, row.lastMicros, row.volumeHundredths, row.openInterestHundredths].map((value) => (value === null ? null : Number(value)));

/** Converts every row left in legacy_market_ticks; returns how many ticks it converted. */
export async function convertLegacyTicks(prisma: HistoryClient, logger: Logger = silentLogger): Promise<number> {
  if (!(await prisma.legacyMarketTick.findFirst({ select: { tickerId: true } }))) return 0;
  const started = performance.now();
  const tickers = await prisma.legacyMarketTick.findMany({ distinct: ['tickerId'], select: { tickerId: true } });
  let ticks = 0;
  for (const { tickerId } of tickers) ticks += await convertTicker(prisma, tickerId);
  logger.info({ ticks, markets: tickers.length, durationMs: Math.round(performance.now() - started) }, 'market ticks of the old layout packed into blocks');
  return ticks;
}

async function convertTicker(prisma: HistoryClient, tickerId: number): Promise<number> {
  // One for the whole market: a block goes on across chunks (rewritten with the next chunk).
  const blocks = new OpenTickBlocks();
  let converted = 0;
  for (;;) {
    const rows = await prisma.legacyMarketTick.findMany({ where: { tickerId }, orderBy: { atMs: 'asc' }, take: CHUNK_ROWS + 1 });
    const chunk = rows.slice(0, CHUNK_ROWS);
    if (chunk.length === 0) return converted;
    const next = rows[CHUNK_ROWS];
    // A first row with NULLs has nothing to carry them from (retention removed it): no value.
    const current: Stored = [null, null, null, null, null];
    const ticks = chunk.map((row) => {
      storedFields(row).forEach((value, i) => {
        if (value !== null) current[i] = value;
      });
      // The old writer stored nothing below -1 (prices and counts are never negative).
      const values = current.map((value) => (value === null || value < 0 ? null : value)) as TickValues;
      return { tickerId, tick: { atMs: Number(row.atMs), values } };
    });
    await prisma.$transaction(
      async (tx) => {
        await writeTickBlocks(tx, ticks, blocks);
        await tx.legacyMarketTick.deleteMany({ where: { tickerId, atMs: { lte: chunk.at(-1)!.atMs } } });
        if (next) await tx.legacyMarketTick.update({ where: { tickerId_atMs: { tickerId, atMs: next.atMs } }, data: carriedInto(next, current) });
      },
      { timeout: TRANSACTION_TIMEOUT_MS },
    );
    converted += chunk.length;
  }
}

/** The next row's unchanged (NULL) fields, set to the values they carried (ABSENT stays -1). */
function carriedInto(row: LegacyRow, carried: Stored): Prisma.LegacyMarketTickUpdateInput {
  const value = (stored: number | bigint | null, i: number) => (stored === null ? (carried[i] ?? null) : null);
  const data: Prisma.LegacyMarketTickUpdateInput = {};
  const bid = value(row.bidMicros, 0);
  const ask = value(row.askMicros, 1);
  const last = value(row.lastMicros, 2);
  const volume = value(row.volumeHundredths, 3);
  const openInterest = value(row.openInterestHundredths, 4);
  if (bid !== null) data.bidMicros = bid;
  if (ask !== null) data.askMicros = ask;
  if (last !== null) data.lastMicros = last;
  if (volume !== null) data.volumeHundredths = BigInt(volume);
  if (openInterest !== null) data.openInterestHundredths = BigInt(openInterest);
  return data;
}
