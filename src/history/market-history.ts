/**
 * The market-history tables: public trades (`trades`: the ticker interned as in market_ticks, one
 * row per market, time and trade id), candlesticks read from the exchange (`exchange_candles`, one
 * row per ticker, interval and start) and the ranges already read from it (`history_backfills`),
 * so a range is asked for once, even when it held nothing.
 *
 * Writes are single `INSERT … ON CONFLICT` statements (at most ROWS_PER_STATEMENT rows each), no
 * transaction: the SQLite connection is shared (serial-connection.ts), and nothing here may hold it
 * across awaits. A trade stored twice keeps its first row; a candle read again replaces the old one.
 */
import {
  CANDLE_INTERVAL_MINUTES,
  type CandleInterval,
  type CandleRecord,
  type OhlcMicros,
  type TimeRange,
  type TradeRecord,
  uncoveredRanges,
} from '../core/market-history.js';
import { Prisma, type HistoryClient } from './database.js';
import { idOf, tickerIds } from './market-ticks.js';

const ROWS_PER_STATEMENT = 100;

/** The interval column of a trades backfill. */
const TRADES_INTERVAL = 0;

export type BackfillKind = 'candles' | 'trades';

/** The records this module stores, under the names HistoryStore's signatures use. */
export type TradeInput = TradeRecord;
export type CandleInput = CandleRecord;
export interface CandleQuery {
  ticker: string;
  interval: CandleInterval;
  from: Date;
  to: Date;
}
export interface BackfillInput {
  kind: BackfillKind;
  ticker: string;
  /** null for trades. */
  interval: CandleInterval | null;
  from: Date;
  to: Date;
  rows: number;
}
export type BackfillQuery = Omit<BackfillInput, 'rows'>;

export type BackfillRange = TimeRange;

function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

const bigintOrNull = (value: number | null): bigint | null => (value === null ? null : BigInt(value));
const numberOrNull = (value: bigint | number | null): number | null => (value === null ? null : Number(value));

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/**
 * Kalshi's trade ids are UUIDs: 36 characters of text, more than half of a stored trade. Stored as
 * `~` + the 16 bytes in base64url (23 characters); any other id as it is, one that begins with `~`
 * behind one more `~`, so every stored form reads back to exactly the id received.
 */
export function storedTradeId(id: string): string {
  if (UUID.test(id)) return `~${Buffer.from(id.replaceAll('-', ''), 'hex').toString('base64url')}`;
  return id.startsWith('~') ? `~${id}` : id;
}

export function tradeIdOf(stored: string): string {
  if (!stored.startsWith('~')) return stored;
  if (stored.startsWith('~~')) return stored.slice(1);
  const hex = Buffer.from(stored.slice(1), 'base64url').toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/**
 * Stores trades; a trade already stored (same market, time and id) is left as it is. Returns how
 * many were new. `known` is the store's memo of interned ticker ids.
 */
export async function storeTrades(prisma: HistoryClient, trades: readonly TradeRecord[], known: Map<string, number>): Promise<number> {
  if (trades.length === 0) return 0;
  const ids = await tickerIds(
    prisma,
    trades.map((trade) => trade.ticker),
    known,
  );
  let inserted = 0;
  const unique = [...new Map(trades.map((trade) => [`${trade.ticker}\u0000${trade.atMs}\u0000${trade.id}`, trade])).values()];
  for (const batch of chunks(unique, ROWS_PER_STATEMENT)) {
    const rows = batch.map(
      (t) =>
        Prisma.sql`(${ids.get(t.ticker)!}, ${BigInt(t.atMs)}, ${storedTradeId(t.id)}, ${t.priceMicros}, ${BigInt(t.countHundredths)}, ${t.takerSide === 'yes'}, ${t.origin === 'ws'})`,
    );
    inserted += await prisma.$executeRaw`
      INSERT INTO "trades" ("ticker_id", "at_ms", "trade_id", "price_micros", "count_hundredths", "taker_yes", "from_feed")
      VALUES ${Prisma.join(rows)}
      ON CONFLICT ("ticker_id", "at_ms", "trade_id") DO NOTHING`;
  }
  return inserted;
}

type StoredTrade = Prisma.MarketTradeGetPayload<object>;

function tradeOf(ticker: string, row: StoredTrade): TradeRecord {
  const atMs = Number(row.atMs);
  return {
    id: tradeIdOf(row.tradeId),
    ticker,
    priceMicros: row.priceMicros,
    countHundredths: Number(row.countHundredths),
    takerSide: row.takerYes ? 'yes' : 'no',
    atMs,
    origin: row.fromFeed ? 'ws' : 'rest',
    // Not stored: when it arrived matters only to the live event.
    receivedAtMs: atMs,
  };
}

/** A market's trades before `before` (exclusive), newest first. */
export async function latestTrades(
  prisma: HistoryClient,
  query: { ticker: string; before: Date; limit: number },
  known: Map<string, number>,
): Promise<TradeRecord[]> {
  const tickerId = await idOf(prisma, query.ticker, known);
  if (tickerId === null) return [];
  const rows = await prisma.marketTrade.findMany({
    where: { tickerId, atMs: { lt: BigInt(query.before.getTime()) } },
    orderBy: [{ atMs: 'desc' }, { tradeId: 'desc' }],
    take: query.limit,
  });
  return rows.map((row) => tradeOf(query.ticker, row));
}

/** A market's trades in [from, to), oldest first, at most `limit`. */
export async function tradesBetween(
  prisma: HistoryClient,
  query: { ticker: string; from: Date; to: Date; limit: number },
  known: Map<string, number>,
): Promise<TradeRecord[]> {
  const tickerId = await idOf(prisma, query.ticker, known);
  if (tickerId === null) return [];
  const rows = await prisma.marketTrade.findMany({
    where: { tickerId, atMs: { gte: BigInt(query.from.getTime()), lt: BigInt(query.to.getTime()) } },
    orderBy: [{ atMs: 'asc' }, { tradeId: 'asc' }],
    take: query.limit,
  });
  return rows.map((row) => tradeOf(query.ticker, row));
}

/** The first trade of this market the service received itself (not from a backfill), if any. */
export async function firstOwnTradeAt(prisma: HistoryClient, ticker: string, known: Map<string, number>): Promise<Date | null> {
  const tickerId = await idOf(prisma, ticker, known);
  if (tickerId === null) return null;
  const row = await prisma.marketTrade.findFirst({ where: { tickerId, fromFeed: true }, orderBy: { atMs: 'asc' }, select: { atMs: true } });
  return row ? new Date(Number(row.atMs)) : null;
}

function ohlcColumns(ohlc: OhlcMicros): [number | null, number | null, number | null, number | null] {
  return [ohlc.open, ohlc.high, ohlc.low, ohlc.close];
}

/** Stores exchange candles, replacing any stored for the same (ticker, interval, start). */
export async function storeExchangeCandles(prisma: HistoryClient, candles: readonly CandleRecord[], fetchedAt: Date): Promise<void> {
  const unique = [...new Map(candles.map((c) => [`${c.ticker}\u0000${c.interval}\u0000${c.startMs}`, c])).values()];
  for (const batch of chunks(unique, ROWS_PER_STATEMENT)) {
    const rows = batch.map((c) => {
      const values = [...ohlcColumns(c.price), ...ohlcColumns(c.yesBid), ...ohlcColumns(c.yesAsk)];
      return Prisma.sql`(${c.ticker}, ${CANDLE_INTERVAL_MINUTES[c.interval]}, ${new Date(c.startMs)}, ${Prisma.join(values)}, ${BigInt(c.volumeHundredths)}, ${bigintOrNull(c.openInterestHundredths)}, ${fetchedAt})`;
    });
    await prisma.$executeRaw`
      INSERT INTO "exchange_candles" ("ticker", "interval_minutes", "start_at",
        "price_open", "price_high", "price_low", "price_close",
        "yes_bid_open", "yes_bid_high", "yes_bid_low", "yes_bid_close",
        "yes_ask_open", "yes_ask_high", "yes_ask_low", "yes_ask_close",
        "volume_hundredths", "open_interest_hundredths", "fetched_at")
      VALUES ${Prisma.join(rows)}
      ON CONFLICT ("ticker", "interval_minutes", "start_at") DO UPDATE SET
        "price_open" = excluded."price_open", "price_high" = excluded."price_high",
        "price_low" = excluded."price_low", "price_close" = excluded."price_close",
        "yes_bid_open" = excluded."yes_bid_open", "yes_bid_high" = excluded."yes_bid_high",
        "yes_bid_low" = excluded."yes_bid_low", "yes_bid_close" = excluded."yes_bid_close",
        "yes_ask_open" = excluded."yes_ask_open", "yes_ask_high" = excluded."yes_ask_high",
        "yes_ask_low" = excluded."yes_ask_low", "yes_ask_close" = excluded."yes_ask_close",
        "volume_hundredths" = excluded."volume_hundredths",
        "open_interest_hundredths" = excluded."open_interest_hundredths",
        "fetched_at" = excluded."fetched_at"`;
  }
}

/** Stored exchange candles of a market with start in [from, to), ascending. */
export async function exchangeCandles(prisma: HistoryClient, query: CandleQuery): Promise<CandleRecord[]> {
  const minutes = CANDLE_INTERVAL_MINUTES[query.interval];
  const rows = await prisma.exchangeCandle.findMany({
    where: { ticker: query.ticker, intervalMinutes: minutes, startAt: { gte: query.from, lt: query.to } },
    orderBy: { startAt: 'asc' },
  });
  return rows.map((row) => ({
    ticker: row.ticker,
    interval: query.interval,
    startMs: row.startAt.getTime(),
    endMs: row.startAt.getTime() + minutes * 60_000,
    price: { open: row.priceOpen, high: row.priceHigh, low: row.priceLow, close: row.priceClose },
    yesBid: { open: row.yesBidOpen, high: row.yesBidHigh, low: row.yesBidLow, close: row.yesBidClose },
    yesAsk: { open: row.yesAskOpen, high: row.yesAskHigh, low: row.yesAskLow, close: row.yesAskClose },
    volumeHundredths: Number(row.volumeHundredths),
    openInterestHundredths: numberOrNull(row.openInterestHundredths),
    origin: 'EXCHANGE',
  }));
}

function intervalColumn(kind: BackfillKind, interval: CandleInterval | null): number {
  return kind === 'trades' || interval === null ? TRADES_INTERVAL : CANDLE_INTERVAL_MINUTES[interval];
}

/** Notes that [from, to) was read from the exchange (with `rows` rows, possibly none). */
export async function recordBackfill(prisma: HistoryClient, input: BackfillInput, fetchedAt: Date): Promise<void> {
  await prisma.historyBackfill.create({
    data: {
      kind: input.kind,
      ticker: input.ticker,
      intervalMinutes: intervalColumn(input.kind, input.interval),
      fromAt: input.from,
      toAt: input.to,
      rows: input.rows,
      fetchedAt,
    },
  });
}

/** The ranges already read that overlap [from, to), ascending by start. */
export async function backfilledRanges(prisma: HistoryClient, query: BackfillQuery): Promise<BackfillRange[]> {
  const rows = await prisma.historyBackfill.findMany({
    where: {
      kind: query.kind,
      ticker: query.ticker,
      intervalMinutes: intervalColumn(query.kind, query.interval),
      fromAt: { lt: query.to },
      toAt: { gt: query.from },
    },
    orderBy: { fromAt: 'asc' },
    select: { fromAt: true, toAt: true },
  });
  return rows.map((row) => ({ fromMs: row.fromAt.getTime(), toMs: row.toAt.getTime() }));
}

/** The parts of [fromMs, toMs) no stored range covers. */
export const uncovered = uncoveredRanges;
