/**
 * Candles and trades as the API serves them: the service's own records where it has them, the
 * exchange's history before that.
 *
 * - Trades from the WebSocket trade channel are published at once (`tradeExecuted`) and written in
 *   small batches (a query first waits for the pending batch, so what a subscriber saw, `trades`
 *   answers).
 * - `candles`: periods from the service's first own record of the market on (its first market tick,
 *   its first trade received live, or the first trade of any market this process received: from
 *   then on the trade channel covered every market) are RECORDED, built from the ticks and trades
 *   (candles.ts), unless a run of the service did not cover them completely (downtime, a crash:
 *   service-coverage.ts). Periods before it, and those, are EXCHANGE: Kalshi's candlesticks, read once per range and
 *   kept; a range read is remembered even when it held nothing, so asking again does not call the
 *   exchange again. A range with a malformed candlestick is not remembered (it is read again next
 *   time) and the period's previously stored candle, if any, stays.
 * - `trades`: the stored trades, newest first; when they do not reach back far enough and a stretch
 *   the service did not cover (before its first record, or while it was down) was never read,
 *   GET /markets/trades fills it (and the range is remembered).
 * - A gap on the trade channel's sequence is read back from GET /markets/trades over its time span.
 * Exchange failures reach the client as the coded upstream errors of the schema's one error edge.
 */
import type { Clock, TimerHandle } from '../core/clock.js';
import { InputError } from '../core/errors.js';
import type { Logger } from '../core/logger.js';
import {
  candleIntervalMs,
  uncoveredRanges,
  type CandleInterval,
  type CandleRecord,
  type TimeRange,
  type TradeEvent,
  type TradeRecord,
} from '../core/market-history.js';
import type { NorthstarPubSub } from '../core/pubsub.js';
import { buildCandles, ceilToInterval, floorToInterval, type QuoteTick } from './candles.js';
import type { ServiceCoverage } from './service-coverage.js';

/** As Kalshi caps one candlestick answer. */
export const MAX_CANDLES_PER_ANSWER = 10_000;
export const MAX_TRADES_PER_ANSWER = 1000;
/** GET /markets/trades reads at most per `trades` answer (each follows up to 3 pages). */
const MAX_TRADE_READS = 3;
/** Reads of the service's own records for one answer (a very busy market over a week of minutes). */
const MAX_RECORDS_PER_READ = 200_000;
const TRADE_FLUSH_MS = 200;
const TRADE_BATCH = 500;
/** Trades read back over REST for one trade-channel gap (GET /markets/trades pages of 1000, all markets). */
const MAX_GAP_TRADES = 3000;
/** A gap before the first trade of the channel: how far back its lost trades are looked for. */
const FIRST_GAP_LOOKBACK_MS = 60_000;
/** Kalshi's min_ts / max_ts are whole seconds, and a feed trade's time may differ from its REST twin's: ids are compared this far around. */
const SAME_TRADE_SLACK_MS = 2000;

/** One market tick as the history store reads it: dollars and contracts. */
export interface MarketTickView {
  at: Date;
  bid: number | null;
  ask: number | null;
  openInterest: number | null;
}

export interface BackfillRangeView {
  fromMs: number;
  toMs: number;
}

/** What this needs of the history store. */
export interface MarketHistoryStore {
  storeTrades(trades: readonly TradeRecord[]): Promise<number>;
  latestTrades(query: { ticker: string; before: Date; limit: number }): Promise<TradeRecord[]>;
  tradesBetween(query: { ticker: string; from: Date; to: Date; limit: number }): Promise<TradeRecord[]>;
  firstOwnTradeAt(ticker: string): Promise<Date | null>;
  storeExchangeCandles(candles: readonly CandleRecord[]): Promise<void>;
  exchangeCandles(query: { ticker: string; interval: CandleInterval; from: Date; to: Date }): Promise<CandleRecord[]>;
  recordBackfill(input: { kind: 'candles' | 'trades'; ticker: string; interval: CandleInterval | null; from: Date; to: Date; rows: number }): Promise<void>;
  backfilledRanges(query: { kind: 'candles' | 'trades'; ticker: string; interval: CandleInterval | null; from: Date; to: Date }): Promise<BackfillRangeView[]>;
  /** The service's market ticks (market_ticks); without them RECORDED candles carry no bid, ask or open interest. */
  marketTicks?(query: { ticker: string; from: Date; to: Date; limit?: number }): Promise<MarketTickView[]>;
  latestMarketTickBefore?(ticker: string, at: Date): Promise<MarketTickView | null>;
}

/** What this needs of the exchange (the Kalshi source's history reads). */
export interface ExchangeHistory {
  /** Candles of these markets in [fromMs, toMs), per ticker (as few calls as the exchange allows: 100 markets each). */
  candles(
    tickers: readonly string[],
    interval: CandleInterval,
    fromMs: number,
    toMs: number,
  ): Promise<Map<string, { candles: CandleRecord[]; malformed: number }>>;
  trades(ticker: string, maxMs: number, limit: number): Promise<{ trades: TradeRecord[]; malformed: number; exhausted: boolean }>;
  /** Every market's trades in [minMs, maxMs] (whole seconds, inclusive), at most `limit`: a trade-channel gap read back. */
  tradesInRange?(minMs: number, maxMs: number, limit: number): Promise<{ trades: TradeRecord[]; malformed: number; exhausted: boolean }>;
}

export interface MarketHistoryOptions {
  /** null until the history store is open. */
  store: () => MarketHistoryStore | null;
  /** null while the exchange is not reachable through a started source. */
  exchange: () => ExchangeHistory | null;
  pubsub: NorthstarPubSub;
  clock: Clock;
  logger: Logger;
  /**
   * The service's own runs (service-coverage.ts). Without it every time after the first own record
   * counts as covered (the service is assumed never to have been down).
   */
  coverage?: ServiceCoverage;
}

export interface CandlesQuery {
  ticker: string;
  interval: CandleInterval;
  from: Date;
  to: Date;
}

const toMicros = (dollars: number | null): number | null => (dollars === null || !Number.isFinite(dollars) ? null : Math.round(dollars * 1_000_000));
const toHundredths = (count: number | null): number | null => (count === null || !Number.isFinite(count) ? null : Math.round(count * 100));

function quoteOf(tick: MarketTickView): QuoteTick {
  return { atMs: tick.at.getTime(), bidMicros: toMicros(tick.bid), askMicros: toMicros(tick.ask), openInterestHundredths: toHundredths(tick.openInterest) };
}

/** Checks a candle request and puts it on the interval's grid; the caller's mistakes are InputErrors. */
export function candleRange(query: CandlesQuery, nowMs: number): { fromMs: number; toMs: number } {
  const fromMs = query.from.getTime();
  const toMs = query.to.getTime();
  if (!(fromMs < toMs)) throw new InputError(`from must be before to (got from ${query.from.toISOString()}, to ${query.to.toISOString()})`);
  const alignedFrom = floorToInterval(fromMs, query.interval);
  // No candles of the future: the last one is the period now running.
  const alignedTo = Math.min(ceilToInterval(toMs, query.interval), ceilToInterval(nowMs + 1, query.interval));
  const count = Math.max(0, (alignedTo - alignedFrom) / candleIntervalMs(query.interval));
  if (count > MAX_CANDLES_PER_ANSWER) {
    throw new InputError(
      `at most ${MAX_CANDLES_PER_ANSWER} candles per answer: ${count} ${query.interval} candles were asked for; narrow the range or take a longer interval`,
    );
  }
  return { fromMs: alignedFrom, toMs: Math.max(alignedFrom, alignedTo) };
}

export class MarketHistory {
  private readonly clock: Clock;
  private readonly logger: Logger;
  private pending: TradeRecord[] = [];
  private writing: Promise<void> = Promise.resolve();
  private timer: TimerHandle | null = null;
  private seq = 0;
  /** When this process received its first live trade (of any market): the trade channel's coverage. */
  private liveSinceMs: number | null = null;
  /** The newest trade time of the channel so far: where a gap after it starts. */
  private lastLiveAtMs: number | null = null;
  /** Set by tradesLost(): the start of the gap the next trade closes (null: no trade before it). */
  private lostFromMs: number | null | undefined = undefined;
  /** Gaps waiting to be read back, merged while one read runs. */
  private lostSpan: TimeRange | null = null;
  private refetching: Promise<void> | null = null;
  private stopped = false;

  constructor(private readonly options: MarketHistoryOptions) {
    this.clock = options.clock;
    this.logger = options.logger;
  }

  /** A trade from the WebSocket: published now, stored with the next batch. */
  tradeReceived(trade: TradeRecord, feed: { sid: number; seq: number } | null): void {
    this.liveSinceMs ??= Math.min(trade.atMs, trade.receivedAtMs);
    if (this.lostFromMs !== undefined) {
      // The lost trades lie between the last trade before the gap and this one.
      this.queueRefetch({ fromMs: this.lostFromMs ?? trade.atMs - FIRST_GAP_LOOKBACK_MS, toMs: trade.atMs });
      this.lostFromMs = undefined;
    }
    this.lastLiveAtMs = Math.max(this.lastLiveAtMs ?? trade.atMs, trade.atMs);
    const event: TradeEvent = { trade, seq: ++this.seq, feed };
    this.options.pubsub.publish('tradeExecuted', event);
    this.pending.push(trade);
    if (this.pending.length >= TRADE_BATCH) {
      this.flush().catch((error: unknown) => this.logger.warn({ err: error }, 'storing trades failed'));
      return;
    }
    this.timer ??= this.clock.setTimeout(() => {
      this.timer = null;
      this.flush().catch((error: unknown) => this.logger.warn({ err: error }, 'storing trades failed'));
    }, TRADE_FLUSH_MS);
  }

  /**
   * The trade channel skipped sequence numbers: trades were lost between the last trade and the next
   * one. When the next one arrives, that span is read back from GET /markets/trades (all markets,
   * bounded: MAX_GAP_TRADES) and the trades not already held (by id) are stored.
   */
  tradesLost(count: number): void {
    if (count <= 0 || this.lostFromMs !== undefined) return;
    this.lostFromMs = this.lastLiveAtMs;
  }

  /** Resolves when the gaps read back so far are stored (for tests and shutdown). */
  async gapsSettled(): Promise<void> {
    while (this.refetching) await this.refetching;
  }

  /** Writes the pending trades; resolves when every trade received so far is stored (or its write failed). */
  flush(): Promise<void> {
    this.timer?.cancel();
    this.timer = null;
    const batch = this.pending;
    this.pending = [];
    const write = this.writing.then(async () => {
      if (batch.length > 0) await this.store.storeTrades(batch);
    });
    // The chain never rejects, so one failed batch does not fail every later flush.
    this.writing = write.catch((error: unknown) => this.logger.warn({ err: error, trades: batch.length }, 'storing trades failed; they are lost'));
    return write;
  }

  /**
   * The newest `limit` trades before `before`. Walking back from `before`, a stretch is complete
   * when the service followed the trade channel through it (from its first own record on) or when
   * it was read from the exchange before; a stretch that is neither is read from GET /markets/trades
   * (and remembered), until `limit` trades are held or the exchange has nothing older. Without a
   * trade channel (no WebSocket) the newest stretch is read again on every ask.
   */
  async trades(ticker: string, limit: number, before: Date | null): Promise<TradeRecord[]> {
    if (!Number.isInteger(limit) || limit < 0 || limit > MAX_TRADES_PER_ANSWER) {
      throw new InputError(`limit must be an integer from 0 to ${MAX_TRADES_PER_ANSWER} (got ${limit})`);
    }
    if (limit === 0) return [];
    await this.settled();
    const beforeDate = before ?? new Date(this.clock.now() + 1);
    const query = { ticker, before: beforeDate, limit };
    const exchange = this.options.exchange();
    if (!exchange) return this.store.latestTrades(query);
    const own = await this.ownRecordsSince(ticker, false);
    const covered = await this.store.backfilledRanges({ kind: 'trades', ticker, interval: null, from: new Date(0), to: new Date(beforeDate.getTime() + 1) });
    // The service's own: from its first record on, except while it was not running (read from the exchange).
    if (own !== null) covered.push(...complement(own, await this.holes(own, own, this.clock.now())));
    let edge = beforeDate.getTime();
    for (let reads = 0; reads < MAX_TRADE_READS;) {
      const held = await this.store.latestTrades(query);
      // The newest `limit` all lie in the complete stretch [edge, before): nothing missing can be newer.
      if (held.length >= limit && held.at(-1)!.atMs >= edge) break;
      const cover = covered.find((range) => range.fromMs < edge && range.toMs >= edge);
      if (cover) {
        if (cover.fromMs <= 0) break;
        edge = cover.fromMs;
        continue;
      }
      reads++;
      const read = await exchange.trades(ticker, edge, limit);
      // Kalshi's max_ts is in whole seconds: the answer may repeat trades we hold from just after the
      // edge; and a stretch read across a downtime holds the feed's trades from before it.
      const oldestRead = Math.min(edge, ...read.trades.map((trade) => trade.atMs));
      const near = await this.store.tradesBetween({
        ticker,
        from: new Date(oldestRead - SAME_TRADE_SLACK_MS),
        to: new Date(edge + SAME_TRADE_SLACK_MS),
        limit: MAX_TRADES_PER_ANSWER * 10,
      });
      const seen = new Set(near.map((trade) => trade.id));
      await this.store.storeTrades(read.trades.filter((trade) => !seen.has(trade.id)));
      const exhausted = read.exhausted || read.trades.length === 0;
      const oldest = exhausted ? 0 : Math.min(...read.trades.map((trade) => trade.atMs), edge);
      if (read.malformed === 0) {
        await this.store.recordBackfill({ kind: 'trades', ticker, interval: null, from: new Date(oldest), to: new Date(edge), rows: read.trades.length });
        covered.push({ fromMs: oldest, toMs: edge });
      }
      if (exhausted) break;
      edge = oldest;
    }
    return this.store.latestTrades(query);
  }

  async candles(query: CandlesQuery): Promise<CandleRecord[]> {
    const [candles] = await this.candlesMany([query]);
    return candles ?? [];
  }

  /**
   * Candles of several markets (Market.candles over a list): the ranges they need from the exchange
   * are read together, one call per 100 markets asking the same range, not one call per market.
   */
  async candlesMany(queries: readonly CandlesQuery[]): Promise<CandleRecord[][]> {
    const now = this.clock.now();
    const ranges = queries.map((query) => candleRange(query, now));
    await this.settled();
    const exchange = this.options.exchange();
    const plans = await Promise.all(
      queries.map(async (query, index) => {
        const { fromMs, toMs } = ranges[index]!;
        if (fromMs === toMs) return null;
        const own = await this.ownRecordsSince(query.ticker, true);
        // The period holding the first own record is RECORDED (partly ours beats not at all ours).
        const split = own === null ? toMs : Math.min(Math.max(floorToInterval(own, query.interval), fromMs), toMs);
        // After it, a period the service was not running for all of (downtime, a crash) is EXCHANGE:
        // the exchange's candle is complete, ours would miss the trades of the downtime.
        const holes = own === null ? [] : await this.holes(own, fromMs, Math.min(toMs, now));
        const segments = periodSegments(fromMs, toMs, split, holes, query.interval);
        const gaps: TimeRange[] = [];
        if (exchange) {
          for (const segment of segments.filter((s) => s.exchange)) {
            const read = await this.store.backfilledRanges({
              kind: 'candles',
              ticker: query.ticker,
              interval: query.interval,
              from: new Date(segment.fromMs),
              to: new Date(segment.toMs),
            });
            gaps.push(...uncoveredRanges(segment.fromMs, segment.toMs, read));
          }
        }
        return { query, segments, gaps };
      }),
    );
    if (exchange)
      await this.readFromExchange(
        exchange,
        plans.flatMap((plan) => (plan ? plan.gaps.map((gap) => ({ ticker: plan.query.ticker, interval: plan.query.interval, ...gap })) : [])),
        now,
      );
    return Promise.all(
      plans.map(async (plan) => {
        if (!plan) return [];
        const { query, segments } = plan;
        const parts = await Promise.all(
          segments.map((segment) =>
            segment.exchange
              ? this.store.exchangeCandles({ ticker: query.ticker, interval: query.interval, from: new Date(segment.fromMs), to: new Date(segment.toMs) })
              : this.recordedCandles(query.ticker, query.interval, segment.fromMs, segment.toMs),
          ),
        );
        return parts.flat();
      }),
    );
  }

  /** Stops the flush timer and writes what is pending (a gap still being read back is given up). */
  async stop(): Promise<void> {
    this.stopped = true;
    this.lostSpan = null;
    await this.flush().catch(() => undefined);
    await this.writing;
  }

  // ---- internals ----

  private get store(): MarketHistoryStore {
    const store = this.options.store();
    if (!store) throw new Error('the history store is not open');
    return store;
  }

  private async settled(): Promise<void> {
    await this.flush().catch(() => undefined);
  }

  /**
   * The times in [max(fromMs, ownMs), toMs) no run of the service covered (after its first
   * remembered run started; before that nothing is known, so nothing is called uncovered).
   */
  private async holes(ownMs: number, fromMs: number, toMs: number): Promise<TimeRange[]> {
    const coverage = await this.options.coverage?.covered(Math.max(fromMs, ownMs), toMs);
    if (!coverage) return [];
    const start = Math.max(fromMs, ownMs, coverage.sinceMs);
    return start < toMs ? uncoveredRanges(start, toMs, coverage.runs) : [];
  }

  private queueRefetch(span: TimeRange): void {
    if (this.stopped || !this.options.exchange()?.tradesInRange) return;
    this.lostSpan = this.lostSpan ? { fromMs: Math.min(this.lostSpan.fromMs, span.fromMs), toMs: Math.max(this.lostSpan.toMs, span.toMs) } : span;
    this.refetching ??= this.drainRefetches().finally(() => {
      this.refetching = null;
    });
  }

  private async drainRefetches(): Promise<void> {
    while (this.lostSpan && !this.stopped) {
      const span = this.lostSpan;
      this.lostSpan = null;
      try {
        await this.refetch(span);
      } catch (error) {
        this.logger.warn(
          { err: error, from: new Date(span.fromMs), to: new Date(span.toMs) },
          'reading back a trade-channel gap failed; its trades stay missing',
        );
      }
    }
  }

  /** Reads a trade-channel gap back and stores the trades not already held (compared by id). */
  private async refetch(span: TimeRange): Promise<void> {
    const exchange = this.options.exchange();
    if (!exchange?.tradesInRange) return;
    const read = await exchange.tradesInRange(span.fromMs, span.toMs, MAX_GAP_TRADES);
    // The feed's trades up to the gap's end are stored first, so the comparison sees them.
    await this.settled();
    const byTicker = new Map<string, TradeRecord[]>();
    for (const trade of read.trades) byTicker.set(trade.ticker, [...(byTicker.get(trade.ticker) ?? []), trade]);
    const fresh: TradeRecord[] = [];
    for (const [ticker, trades] of byTicker) {
      const times = trades.map((trade) => trade.atMs);
      const held = await this.store.tradesBetween({
        ticker,
        from: new Date(Math.min(...times) - SAME_TRADE_SLACK_MS),
        to: new Date(Math.max(...times) + SAME_TRADE_SLACK_MS),
        limit: MAX_GAP_TRADES * 10,
      });
      const seen = new Set([...held, ...this.pending].map((trade) => trade.id));
      fresh.push(...trades.filter((trade) => !seen.has(trade.id)));
    }
    const stored = await this.store.storeTrades(fresh);
    this.logger.info(
      { from: new Date(span.fromMs), to: new Date(span.toMs), read: read.trades.length, recovered: stored, complete: read.exhausted && read.malformed === 0 },
      'trade-channel gap read back from GET /markets/trades',
    );
  }

  /** Epoch ms of the service's first own record of this market, or null when it has none. */
  private async ownRecordsSince(ticker: string, withTicks: boolean): Promise<number | null> {
    const [trade, tick] = await Promise.all([
      this.store.firstOwnTradeAt(ticker),
      withTicks ? this.ticks({ ticker, from: new Date(0), to: new Date(this.clock.now() + 1), limit: 1 }) : Promise.resolve([]),
    ]);
    const times = [trade?.getTime(), tick[0]?.at.getTime(), this.liveSinceMs ?? undefined].filter((t): t is number => t !== undefined);
    return times.length > 0 ? Math.min(...times) : null;
  }

  private ticks(query: { ticker: string; from: Date; to: Date; limit: number }): Promise<MarketTickView[]> {
    return this.store.marketTicks?.(query) ?? Promise.resolve([]);
  }

  /** Reads the missing ranges, the same range of many markets in one go; stores them and remembers what was read whole. */
  private async readFromExchange(
    exchange: ExchangeHistory,
    gaps: ReadonlyArray<{ ticker: string; interval: CandleInterval; fromMs: number; toMs: number }>,
    now: number,
  ): Promise<void> {
    const groups = new Map<string, { interval: CandleInterval; fromMs: number; toMs: number; tickers: string[] }>();
    for (const gap of gaps) {
      const key = `${gap.interval}/${gap.fromMs}/${gap.toMs}`;
      const group = groups.get(key) ?? { interval: gap.interval, fromMs: gap.fromMs, toMs: gap.toMs, tickers: [] };
      if (!group.tickers.includes(gap.ticker)) group.tickers.push(gap.ticker);
      groups.set(key, group);
    }
    for (const { interval, fromMs, toMs, tickers } of groups.values()) {
      const reads = await exchange.candles(tickers, interval, fromMs, toMs);
      const candles = [...reads.values()].flatMap((read) => read.candles);
      if (candles.length > 0) await this.store.storeExchangeCandles(candles);
      // The period still running may change: only whole periods are remembered as read.
      const doneTo = Math.min(toMs, floorToInterval(now, interval));
      for (const ticker of tickers) {
        const read = reads.get(ticker) ?? { candles: [], malformed: 0 };
        if (read.malformed > 0) {
          this.logger.warn({ ticker, interval, malformed: read.malformed }, 'exchange candles with malformed entries: the range will be read again');
        } else if (doneTo > fromMs) {
          await this.store.recordBackfill({ kind: 'candles', ticker, interval, from: new Date(fromMs), to: new Date(doneTo), rows: read.candles.length });
        }
      }
    }
  }

  private async recordedCandles(ticker: string, interval: CandleInterval, fromMs: number, toMs: number): Promise<CandleRecord[]> {
    const from = new Date(fromMs);
    const to = new Date(toMs);
    const [before, ticks, trades] = await Promise.all([
      this.store.latestMarketTickBefore?.(ticker, from) ?? null,
      this.ticks({ ticker, from, to, limit: MAX_RECORDS_PER_READ }),
      this.store.tradesBetween({ ticker, from, to, limit: MAX_RECORDS_PER_READ }),
    ]);
    return buildCandles({ ticker, interval, fromMs, toMs, before: before ? quoteOf(before) : null, ticks: ticks.map(quoteOf), trades });
  }
}

/** [fromMs, ∞) without the holes (ascending, inside it). */
function complement(fromMs: number, holes: readonly TimeRange[]): TimeRange[] {
  const out: TimeRange[] = [];
  let at = fromMs;
  for (const hole of holes) {
    if (hole.fromMs > at) out.push({ fromMs: at, toMs: hole.fromMs });
    at = Math.max(at, hole.toMs);
  }
  out.push({ fromMs: at, toMs: Number.POSITIVE_INFINITY });
  return out;
}

/**
 * [fromMs, toMs) cut into runs of periods answered the same way: EXCHANGE before `split` and for
 * every period a hole touches (not fully covered by the service), RECORDED otherwise.
 */
function periodSegments(
  fromMs: number,
  toMs: number,
  split: number,
  holes: readonly TimeRange[],
  interval: CandleInterval,
): Array<TimeRange & { exchange: boolean }> {
  const step = candleIntervalMs(interval);
  const segments: Array<TimeRange & { exchange: boolean }> = [];
  for (let start = fromMs; start < toMs; start += step) {
    const end = start + step;
    const exchange = start < split || holes.some((hole) => hole.fromMs < end && hole.toMs > start);
    const last = segments.at(-1);
    if (last && last.exchange === exchange) last.toMs = end;
    else segments.push({ fromMs: start, toMs: end, exchange });
  }
  return segments;
}
