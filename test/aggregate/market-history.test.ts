/**
 * MarketHistory on a ManualClock with an in-memory store and a scripted exchange: where RECORDED
 * begins, which ranges go to the exchange (once), the request bounds, and the live trade events.
 */
import { describe, expect, it } from 'vitest';
import { candleRange, MarketHistory, type ExchangeHistory, type MarketHistoryStore, type MarketTickView } from '../../src/aggregate/market-history.js';
import { ManualClock } from '../../src/core/clock.js';
import { silentLogger } from '../../src/core/logger.js';
import { uncoveredRanges, type CandleRecord, type TradeEvent, type TradeRecord } from '../../src/core/market-history.js';
import { createNorthstarPubSub } from '../../src/core/pubsub.js';

const T0 = Date.UTC(2026, 11, 1, 12, 0, 0);
const MIN = 60_000;

function memoryStore(ticks: MarketTickView[] = []): MarketHistoryStore & { trades: TradeRecord[]; candles: CandleRecord[] } {
  const trades: TradeRecord[] = [];
  const candles: CandleRecord[] = [];
  const ranges: Array<{ key: string; fromMs: number; toMs: number }> = [];
  return {
    trades,
    candles,
    storeTrades: (list) => {
      const fresh = list.filter((t) => !trades.some((s) => s.id === t.id));
      trades.push(...fresh);
      return Promise.resolve(fresh.length);
    },
    latestTrades: (q) =>
      Promise.resolve(
        trades
          .filter((t) => t.ticker === q.ticker && t.atMs < q.before.getTime())
          .sort((a, b) => b.atMs - a.atMs)
          .slice(0, q.limit),
      ),
    tradesBetween: (q) =>
      Promise.resolve(trades.filter((t) => t.ticker === q.ticker && t.atMs >= q.from.getTime() && t.atMs < q.to.getTime()).sort((a, b) => a.atMs - b.atMs)),
    firstOwnTradeAt: (ticker) => {
      const own = trades.filter((t) => t.ticker === ticker && t.origin === 'ws').sort((a, b) => a.atMs - b.atMs)[0];
      return Promise.resolve(own ? new Date(own.atMs) : null);
    },
    storeExchangeCandles: (list) => {
      for (const c of list) {
        const at = candles.findIndex((s) => s.ticker === c.ticker && s.interval === c.interval && s.startMs === c.startMs);
        if (at >= 0) candles.splice(at, 1, c);
        else candles.push(c);
      }
      return Promise.resolve();
    },
    exchangeCandles: (q) =>
      Promise.resolve(
        candles
          .filter((c) => c.ticker === q.ticker && c.interval === q.interval && c.startMs >= q.from.getTime() && c.startMs < q.to.getTime())
          .sort((a, b) => a.startMs - b.startMs),
      ),
    recordBackfill: (input) => {
      ranges.push({ key: `${input.kind}/${input.ticker}/${input.interval}`, fromMs: input.from.getTime(), toMs: input.to.getTime() });
      return Promise.resolve();
    },
    backfilledRanges: (q) =>
      Promise.resolve(ranges.filter((r) => r.key === `${q.kind}/${q.ticker}/${q.interval}` && r.fromMs < q.to.getTime() && r.toMs > q.from.getTime())),
    marketTicks: (q) => Promise.resolve(ticks.filter((t) => t.at >= q.from && t.at < q.to).slice(0, q.limit ?? Infinity)),
    latestMarketTickBefore: (_ticker, at) => Promise.resolve(ticks.filter((t) => t.at < at).at(-1) ?? null),
  };
}

function exchangeCandle(startMs: number): CandleRecord {
  const ohlc = { open: 400_000, high: 400_000, low: 400_000, close: 400_000 };
  return {
    ticker: 'KX',
    interval: 'ONE_MINUTE',
    startMs,
    endMs: startMs + MIN,
    price: ohlc,
    yesBid: ohlc,
    yesAsk: ohlc,
    volumeHundredths: 100,
    openInterestHundredths: 5,
    origin: 'EXCHANGE',
  };
}

function scriptedExchange(): ExchangeHistory & { calls: Array<[number, number]> } {
  const calls: Array<[number, number]> = [];
  return {
    calls,
    candles: (tickers, _interval, fromMs, toMs) => {
      calls.push([fromMs, toMs]);
      const reads = new Map<string, { candles: CandleRecord[]; malformed: number }>();
      for (const ticker of tickers) {
        const candles: CandleRecord[] = [];
        for (let s = fromMs; s < toMs; s += MIN) candles.push({ ...exchangeCandle(s), ticker });
        reads.set(ticker, { candles, malformed: 0 });
      }
      return Promise.resolve(reads);
    },
    trades: () => Promise.resolve({ trades: [], malformed: 0, exhausted: true }),
  };
}

const trade = (id: string, atMs: number, priceMicros = 450_000): TradeRecord => ({
  id,
  ticker: 'KX',
  priceMicros,
  countHundredths: 100,
  takerSide: 'yes',
  atMs,
  origin: 'ws',
  receivedAtMs: atMs,
});

describe('candleRange', () => {
  it('puts the range on the grid, drops future periods, and refuses bad ranges', () => {
    const now = T0 + 10 * MIN + 5000;
    expect(candleRange({ ticker: 'KX', interval: 'ONE_MINUTE', from: new Date(T0 + 30_000), to: new Date(T0 + 90_000) }, now)).toEqual({
      fromMs: T0,
      toMs: T0 + 2 * MIN,
    });
    // The period now running is the last one.
    expect(candleRange({ ticker: 'KX', interval: 'ONE_MINUTE', from: new Date(T0), to: new Date(T0 + 60 * MIN) }, now).toMs).toBe(T0 + 11 * MIN);
    expect(() => candleRange({ ticker: 'KX', interval: 'ONE_HOUR', from: new Date(T0), to: new Date(T0) }, now)).toThrow(/from must be before to/);
    expect(() => candleRange({ ticker: 'KX', interval: 'ONE_MINUTE', from: new Date(T0 - 10_001 * MIN), to: new Date(T0) }, now)).toThrow(/at most 10000/);
    expect(candleRange({ ticker: 'KX', interval: 'ONE_MINUTE', from: new Date(T0 - 10_000 * MIN), to: new Date(T0) }, now)).toEqual({
      fromMs: T0 - 10_000 * MIN,
      toMs: T0,
    });
  });
});

describe('MarketHistory', () => {
  it('periods before the first own record are EXCHANGE (read once), from it on RECORDED', async () => {
    const clock = new ManualClock(T0 + 10 * MIN);
    // The first tick of the market: 12:05:30. Its period (12:05) is RECORDED.
    const store = memoryStore([{ at: new Date(T0 + 5 * MIN + 30_000), bid: 0.41, ask: 0.45, openInterest: 10 }]);
    const exchange = scriptedExchange();
    const history = new MarketHistory({ store: () => store, exchange: () => exchange, pubsub: createNorthstarPubSub(), clock, logger: silentLogger });
    const query = { ticker: 'KX', interval: 'ONE_MINUTE' as const, from: new Date(T0), to: new Date(T0 + 8 * MIN) };
    const candles = await history.candles(query);
    expect(candles.map((c) => [(c.startMs - T0) / MIN, c.origin])).toEqual([
      [0, 'EXCHANGE'],
      [1, 'EXCHANGE'],
      [2, 'EXCHANGE'],
      [3, 'EXCHANGE'],
      [4, 'EXCHANGE'],
      [5, 'RECORDED'],
      [6, 'RECORDED'],
      [7, 'RECORDED'],
    ]);
    expect(candles[5]!.yesBid).toEqual({ open: 410_000, high: 410_000, low: 410_000, close: 410_000 });
    expect(exchange.calls).toEqual([[T0, T0 + 5 * MIN]]);
    await history.candles(query);
    await history.candles({ ...query, from: new Date(T0 - 2 * MIN) });
    // Only the part never read went to the exchange.
    expect(exchange.calls).toEqual([
      [T0, T0 + 5 * MIN],
      [T0 - 2 * MIN, T0],
    ]);
  });

  it('candlesMany reads the range several markets need in one exchange call', async () => {
    const clock = new ManualClock(T0 + 10 * MIN);
    const store = memoryStore();
    const exchange = scriptedExchange();
    const seen: string[][] = [];
    const batching: ExchangeHistory = {
      ...exchange,
      candles: (tickers, ...rest) => {
        seen.push([...tickers]);
        return exchange.candles(tickers, ...rest);
      },
    };
    const history = new MarketHistory({ store: () => store, exchange: () => batching, pubsub: createNorthstarPubSub(), clock, logger: silentLogger });
    const query = (ticker: string) => ({ ticker, interval: 'ONE_MINUTE' as const, from: new Date(T0 - 5 * MIN), to: new Date(T0) });
    const answers = await history.candlesMany([query('A'), query('B'), query('C')]);
    expect(seen).toEqual([['A', 'B', 'C']]);
    expect(answers.map((candles) => candles.map((c) => c.ticker))).toEqual([Array(5).fill('A'), Array(5).fill('B'), Array(5).fill('C')]);
    await history.candlesMany([query('A'), query('B'), query('C')]);
    expect(seen).toHaveLength(1);
  });

  it('without any own record the running period is read but not remembered', async () => {
    const clock = new ManualClock(T0 + 2 * MIN + 10_000);
    const store = memoryStore();
    const exchange = scriptedExchange();
    const history = new MarketHistory({ store: () => store, exchange: () => exchange, pubsub: createNorthstarPubSub(), clock, logger: silentLogger });
    const query = { ticker: 'KX', interval: 'ONE_MINUTE' as const, from: new Date(T0), to: new Date(T0 + 10 * MIN) };
    expect(await history.candles(query)).toHaveLength(3);
    await history.candles(query);
    expect(exchange.calls).toEqual([
      [T0, T0 + 3 * MIN],
      [T0 + 2 * MIN, T0 + 3 * MIN],
    ]);
    expect(uncoveredRanges(T0, T0 + 3 * MIN, [{ fromMs: T0, toMs: T0 + 2 * MIN }])).toEqual([{ fromMs: T0 + 2 * MIN, toMs: T0 + 3 * MIN }]);
  });

  it('trades: stretches the service followed live or read before are not read again; without a trade channel the newest is', async () => {
    const clock = new ManualClock(T0 + 10 * MIN);
    const store = memoryStore();
    const atExchange: TradeRecord[] = [
      { ...trade('x1', T0), origin: 'rest' },
      { ...trade('x2', T0 + MIN), origin: 'rest' },
    ];
    const reads: number[] = [];
    const exchange: ExchangeHistory = {
      ...scriptedExchange(),
      trades: (_ticker, maxMs, limit) => {
        reads.push(maxMs);
        const older = atExchange.filter((t) => t.atMs <= maxMs).sort((a, b) => b.atMs - a.atMs);
        return Promise.resolve({ trades: older.slice(0, limit), malformed: 0, exhausted: older.length <= limit });
      },
    };
    const history = new MarketHistory({ store: () => store, exchange: () => exchange, pubsub: createNorthstarPubSub(), clock, logger: silentLogger });
    // No trade channel: the exchange is read up to now, and the stretch is remembered.
    expect((await history.trades('KX', 5, null)).map((t) => t.id)).toEqual(['x2', 'x1']);
    expect(reads).toEqual([T0 + 10 * MIN + 1]);
    // Later, a new trade at the exchange: only the newest stretch is read again.
    atExchange.push({ ...trade('x3', T0 + 11 * MIN), origin: 'rest' });
    await clock.advance(2 * MIN);
    expect((await history.trades('KX', 5, null)).map((t) => t.id)).toEqual(['x3', 'x2', 'x1']);
    expect(reads).toEqual([T0 + 10 * MIN + 1, T0 + 12 * MIN + 1]);
    // From the first live trade on, the stretch is the service's own: nothing is read for it.
    history.tradeReceived(trade('live', T0 + 12 * MIN), { sid: 1, seq: 1 });
    await clock.advance(MIN);
    expect((await history.trades('KX', 4, null)).map((t) => t.id)).toEqual(['live', 'x3', 'x2', 'x1']);
    expect(reads).toHaveLength(2);
    expect((await history.trades('KX', 1, new Date(T0 + 30_000))).map((t) => t.id)).toEqual(['x1']);
    expect(reads).toHaveLength(2);
  });

  it('live trades are published in order with their feed position, stored in a batch, and build RECORDED candles', async () => {
    const clock = new ManualClock(T0 + 30_000);
    const store = memoryStore();
    const pubsub = createNorthstarPubSub();
    const history = new MarketHistory({ store: () => store, exchange: () => null, pubsub, clock, logger: silentLogger });
    const events: TradeEvent[] = [];
    const stream = pubsub.subscribe('tradeExecuted');
    const reading = (async () => {
      for await (const event of stream) {
        events.push(event);
        if (events.length === 3) break;
      }
    })();
    history.tradeReceived(trade('a', T0 + 1000, 450_000), { sid: 3, seq: 1 });
    history.tradeReceived(trade('b', T0 + 2000, 500_000), { sid: 3, seq: 2 });
    history.tradeReceived(trade('c', T0 + 3000, 420_000), { sid: 3, seq: 4 });
    await reading;
    expect(events.map((e) => [e.seq, e.trade.id, e.feed?.seq])).toEqual([
      [1, 'a', 1],
      [2, 'b', 2],
      [3, 'c', 4],
    ]);
    // Not yet written: the batch waits for its timer, or for a query.
    expect(store.trades).toHaveLength(0);
    const [candle] = await history.candles({ ticker: 'KX', interval: 'ONE_MINUTE', from: new Date(T0), to: new Date(T0 + MIN) });
    expect(store.trades).toHaveLength(3);
    expect(candle).toMatchObject({ origin: 'RECORDED', price: { open: 450_000, high: 500_000, low: 420_000, close: 420_000 }, volumeHundredths: 300 });
    expect((await history.trades('KX', 2, null)).map((t) => t.id)).toEqual(['c', 'b']);
    await expect(history.trades('KX', 1001, null)).rejects.toThrow(/limit must be an integer from 0 to 1000/);
    await history.stop();
  });
});
