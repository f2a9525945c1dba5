/**
 * The history store: one object over the Prisma client that the aggregator writes snapshots to and
 * the schema reads history from. The queries live beside it, one concern per file (snapshots.ts,
 * records.ts); this class binds them to a client and a clock and owns the connection.
 */
import { systemClock, type Clock } from '../core/clock.js';
import { silentLogger, type Logger } from '../core/logger.js';
import { encodeCursor } from './cursor.js';
import { openDatabase, type HistoryClient } from './database.js';
import { convertLegacyTicks } from './legacy-tick-converter.js';
import * as marketHistory from './market-history.js';
import * as ticks from './market-ticks.js';
import { migrateDatabase } from './migrate.js';
import * as records from './records.js';
import * as serviceRuns from './service-runs.js';
import { DocumentEncoder, DocumentReader } from './snapshot-documents.js';
import * as snapshots from './snapshots.js';

export interface HistoryStoreOptions {
  /** Stamps created_at / logged_at / fetch_timestamp. @default systemClock */
  clock?: Clock;
  logger?: Logger;
}

export interface OpenHistoryStoreOptions extends HistoryStoreOptions {
  /** Apply pending migrations before opening. @default true */
  migrate?: boolean;
}

export class HistoryStore {
  readonly prisma: HistoryClient;
  private readonly clock: Clock;
  private readonly logger: Logger;
  private closed: Promise<void> | null = null;
  /** market_tickers ids seen so far: tickers never change id. */
  private readonly tickerIds = new Map<string, number>();
  /** Each market's open market_ticks block in this process, rewritten on every flush (market-ticks.ts). */
  private readonly tickBlocks = new ticks.OpenTickBlocks();
  /** The snapshot writer's last keyframe, and the readers' decoded keyframes (snapshot-documents.ts). */
  private readonly documentEncoder = new DocumentEncoder();
  private readonly documentReader = new DocumentReader();

  constructor(prisma: HistoryClient, options: HistoryStoreOptions = {}) {
    this.prisma = prisma;
    this.clock = options.clock ?? systemClock;
    this.logger = options.logger ?? silentLogger;
  }

  /**
   * Migrates (unless told not to) and opens DATABASE_URL: what startup calls. Market ticks of the
   * old layout still in the database are packed into blocks first (legacy-tick-converter.ts; one
   * query when there are none), so no reader or writer ever sees them.
   */
  static async open(databaseUrl: string, options: OpenHistoryStoreOptions = {}): Promise<HistoryStore> {
    if (options.migrate ?? true) await migrateDatabase(databaseUrl, options.logger);
    const prisma = await openDatabase(databaseUrl);
    try {
      await convertLegacyTicks(prisma, options.logger);
    } catch (error) {
      await prisma.$disconnect();
      throw error;
    }
    return new HistoryStore(prisma, options);
  }

  private now(): Date {
    return new Date(this.clock.now());
  }

  writeSnapshots(rows: snapshots.SnapshotInput[]): Promise<void> {
    return snapshots.writeSnapshots(this.prisma, rows, this.now());
  }

  /** One snapshot tick: its aggregate stored once, a money-only row per agent and one for the whole book. */
  writeSnapshotTick(tick: snapshots.SnapshotTickInput): Promise<void> {
    return snapshots.writeSnapshotTick(this.prisma, tick, this.documentEncoder, this.now());
  }

  listSnapshots(args: snapshots.ListSnapshotsArgs): Promise<snapshots.SnapshotPage> {
    return snapshots.listSnapshots(this.prisma, args, this.documentReader);
  }

  /** The cursor that resumes a listing right after `row` (for per-edge cursors). */
  cursorOf(row: Pick<snapshots.SnapshotRow, 'id' | 'takenAt'>): string {
    return encodeCursor({ takenAtMs: row.takenAt.getTime(), id: Number(row.id) });
  }

  getSnapshot(id: string): Promise<snapshots.SnapshotDetail | null> {
    return snapshots.getSnapshot(this.prisma, id, this.documentReader);
  }

  dailySnapshots(range: snapshots.SnapshotRange): Promise<snapshots.DailySnapshotGroup[]> {
    return snapshots.dailySnapshots(this.prisma, range);
  }

  pnlHistory(args: snapshots.PnlHistoryArgs): Promise<snapshots.PnlPoint[]> {
    return snapshots.pnlHistory(this.prisma, args);
  }

  recordAudit(input: records.AuditInput): Promise<void> {
    return records.recordAudit(this.prisma, input, this.now());
  }

  upsertFreshness(input: records.FreshnessInput): Promise<void> {
    return records.upsertFreshness(this.prisma, input, this.now());
  }

  readFreshness(): Promise<records.FreshnessRow[]> {
    return records.readFreshness(this.prisma);
  }

  recordRawResponse(input: records.RawResponseInput): Promise<void> {
    return records.recordRawResponse(this.prisma, input, this.now());
  }

  recordNormalized(input: records.NormalizedInput): Promise<void> {
    return records.recordNormalized(this.prisma, input, this.now());
  }

  // ---- market ticks: each market's quote when it changed, at most once a second (market-ticks.ts) ----

  /** One flush of the tick recorder: the blocks it touches rewritten. */
  writeMarketTicks(rows: readonly ticks.MarketTickInput[]): Promise<void> {
    return ticks.writeMarketTicks(this.prisma, rows, this.tickerIds, this.tickBlocks);
  }

  /** A market's ticks with `from` ≤ at < `to`, oldest first. */
  marketTicks(query: { ticker: string; from: Date; to: Date; limit?: number }): Promise<ticks.MarketTickRow[]> {
    return ticks.marketTicks(this.prisma, query, this.tickerIds);
  }

  /** The newest tick strictly before `at` (a candle's carry-in open), or null. */
  latestMarketTickBefore(ticker: string, at: Date): Promise<ticks.MarketTickRow | null> {
    return ticks.latestMarketTickBefore(this.prisma, ticker, at, this.tickerIds);
  }

  // ---- market history: trades, exchange candles, backfilled ranges (market-history.ts) ----

  storeTrades(trades: readonly marketHistory.TradeInput[]): Promise<number> {
    return marketHistory.storeTrades(this.prisma, trades, this.tickerIds);
  }

  latestTrades(query: { ticker: string; before: Date; limit: number }): Promise<marketHistory.TradeInput[]> {
    return marketHistory.latestTrades(this.prisma, query, this.tickerIds);
  }

  tradesBetween(query: { ticker: string; from: Date; to: Date; limit: number }): Promise<marketHistory.TradeInput[]> {
    return marketHistory.tradesBetween(this.prisma, query, this.tickerIds);
  }

  firstOwnTradeAt(ticker: string): Promise<Date | null> {
    return marketHistory.firstOwnTradeAt(this.prisma, ticker, this.tickerIds);
  }

  storeExchangeCandles(candles: readonly marketHistory.CandleInput[]): Promise<void> {
    return marketHistory.storeExchangeCandles(this.prisma, candles, this.now());
  }

  exchangeCandles(query: marketHistory.CandleQuery): Promise<marketHistory.CandleInput[]> {
    return marketHistory.exchangeCandles(this.prisma, query);
  }

  recordBackfill(input: marketHistory.BackfillInput): Promise<void> {
    return marketHistory.recordBackfill(this.prisma, input, this.now());
  }

  backfilledRanges(query: marketHistory.BackfillQuery): Promise<marketHistory.BackfillRange[]> {
    return marketHistory.backfilledRanges(this.prisma, query);
  }

  startServiceRun(at: Date): Promise<number> {
    return serviceRuns.startServiceRun(this.prisma, at);
  }

  serviceRunAlive(id: number, at: Date): Promise<void> {
    return serviceRuns.serviceRunAlive(this.prisma, id, at);
  }

  serviceRunsBetween(from: Date, to: Date): Promise<Array<{ fromMs: number; toMs: number }>> {
    return serviceRuns.serviceRunsBetween(this.prisma, from, to);
  }

  firstServiceRunStart(): Promise<Date | null> {
    return serviceRuns.firstServiceRunStart(this.prisma);
  }

  /** For readiness checks: false (and a warning) instead of an exception. */
  async ping(): Promise<boolean> {
    if (this.closed) return false;
    try {
      await this.prisma.$queryRaw`SELECT 1`;
      return true;
    } catch (error) {
      this.logger.warn({ err: error }, 'history database ping failed');
      return false;
    }
  }

  /** Idempotent; later calls wait for the first. */
  close(): Promise<void> {
    this.closed ??= this.prisma.$disconnect();
    return this.closed;
  }
}
