/**
 * The service's own coverage on a ManualClock with an in-memory run store: the heartbeat keeps the
 * run alive, and MarketHistory answers a period no run fully covered (a crash, the time until the
 * restart) from the exchange, once, and reads the trades of the downtime from GET /markets/trades.
 */
import { describe, expect, it } from 'vitest';
import { MarketHistory, type ExchangeHistory, type MarketHistoryStore } from '../../src/aggregate/market-history.js';
import { ServiceCoverage, type ServiceRunStore } from '../../src/aggregate/service-coverage.js';
import { ManualClock } from '../../src/core/clock.js';
import { silentLogger } from '../../src/core/logger.js';
import type { CandleRecord, TimeRange, TradeRecord } from '../../src/core/market-history.js';
import { createNorthstarPubSub } from '../../src/core/pubsub.js';

const T0 = Date.UTC(2026, 11, 1, 12, 0, 0);
const MIN = 60_000;

function runStore(previous: TimeRange[]): ServiceRunStore & { runs: TimeRange[] } {
  const runs = previous.map((run) => ({ ...run }));
  return {
    runs,
    startServiceRun: (at) => Promise.resolve(runs.push({ fromMs: at.getTime(), toMs: at.getTime() }) - 1),
    serviceRunAlive: (id, at) => {
      runs[id]!.toMs = at.getTime();
      return Promise.resolve();
    },
    serviceRunsBetween: (from, to) => Promise.resolve(runs.filter((r) => r.fromMs < to.getTime() && r.toMs >= from.getTime()).map((r) => ({ ...r }))),
    firstServiceRunStart: () => Promise.resolve(runs.length > 0 ? new Date(Math.min(...runs.map((r) => r.fromMs))) : null),
  };
}

function historyStore(trades: TradeRecord[]): MarketHistoryStore {
  const candles: CandleRecord[] = [];
  const ranges: Array<{ key: string; fromMs: number; toMs: number }> = [];
  return {
    storeTrades: (list) => {
      const fresh = list.filter((t) => !trades.some((s) => s.id === t.id));
      trades.push(...fresh);
      return Promise.resolve(fresh.length);
    },
    latestTrades: (q) =>
      Promise.resolve(
        trades
          .filter((t) => t.atMs < q.before.getTime())
          .sort((a, b) => b.atMs - a.atMs)
          .slice(0, q.limit),
      ),
    tradesBetween: (q) => Promise.resolve(trades.filter((t) => t.atMs >= q.from.getTime() && t.atMs < q.to.getTime()).sort((a, b) => a.atMs - b.atMs)),
    firstOwnTradeAt: () => {
      const own = trades.filter((t) => t.origin === 'ws').sort((a, b) => a.atMs - b.atMs)[0];
      return Promise.resolve(own ? new Date(own.atMs) : null);
    },
    storeExchangeCandles: (list) => {
      candles.push(...list);
      return Promise.resolve();
    },
    exchangeCandles: (q) =>
      Promise.resolve(candles.filter((c) => c.startMs >= q.from.getTime() && c.startMs < q.to.getTime()).sort((a, b) => a.startMs - b.startMs)),
    recordBackfill: (input) => {
      ranges.push({ key: input.kind, fromMs: input.from.getTime(), toMs: input.to.getTime() });
      return Promise.resolve();
    },
    backfilledRanges: (q) => Promise.resolve(ranges.filter((r) => r.key === q.kind && r.fromMs < q.to.getTime() && r.toMs > q.from.getTime())),
  };
}

const trade = (id: string, atMs: number, origin: 'ws' | 'rest'): TradeRecord => ({
  id,
  ticker: 'KX',
  priceMicros: 450_000,
  countHundredths: 100,
  takerSide: 'yes',
  atMs,
  origin,
  receivedAtMs: atMs,
});

function exchange(downtimeTrades: TradeRecord[]): ExchangeHistory & { candleCalls: Array<[number, number]>; tradeCalls: number[] } {
  const candleCalls: Array<[number, number]> = [];
  const tradeCalls: number[] = [];
  return {
    candleCalls,
    tradeCalls,
    candles: (tickers, interval, fromMs, toMs) => {
      candleCalls.push([fromMs, toMs]);
      const ohlc = { open: 400_000, high: 400_000, low: 400_000, close: 400_000 };
      const candles: CandleRecord[] = [];
      for (let s = fromMs; s < toMs; s += MIN) {
        candles.push({
          ticker: 'KX',
          interval,
          startMs: s,
          endMs: s + MIN,
          price: ohlc,
          yesBid: ohlc,
          yesAsk: ohlc,
          volumeHundredths: 100,
          openInterestHundredths: 5,
          origin: 'EXCHANGE',
        });
      }
      return Promise.resolve(new Map(tickers.map((t) => [t, { candles, malformed: 0 }])));
    },
    trades: (_ticker, maxMs) => {
      tradeCalls.push(maxMs);
      return Promise.resolve({ trades: downtimeTrades.filter((t) => t.atMs <= maxMs), malformed: 0, exhausted: true });
    },
  };
}

describe('ServiceCoverage', () => {
  it('opens a run, keeps it alive on the heartbeat, and writes the last heartbeat on stop', async () => {
    const clock = new ManualClock(T0);
    const store = runStore([]);
    const coverage = new ServiceCoverage({ store: () => store, clock, logger: silentLogger, heartbeatMs: 1000 });
    await coverage.start();
    expect(store.runs).toEqual([{ fromMs: T0, toMs: T0 }]);
    await clock.advance(2500);
    expect(store.runs[0]!.toMs).toBe(T0 + 2000);
    await clock.advance(300);
    await coverage.stop();
    expect(store.runs[0]!.toMs).toBe(T0 + 2800);
  });

  it('a period not fully covered by a run is EXCHANGE (read once); the downtime trades are read from the exchange', async () => {
    // The first run: 12:01:00 to its last heartbeat at 12:03:20 (then a crash). The restart: 12:06:10.
    const clock = new ManualClock(T0 + 6 * MIN + 10_000);
    const runs = runStore([{ fromMs: T0 + MIN, toMs: T0 + 3 * MIN + 20_000 }]);
    const coverage = new ServiceCoverage({ store: () => runs, clock, logger: silentLogger, heartbeatMs: 1000 });
    await coverage.start();
    await clock.advance(4 * MIN - 10_000);
    // Its own trades: the first run's at 12:01:05, this run's at 12:08:30.
    const trades = [trade('own-1', T0 + MIN + 5000, 'ws'), trade('own-2', T0 + 8 * MIN + 30_000, 'ws')];
    const ex = exchange([trade('down-1', T0 + 4 * MIN, 'rest'), trade('own-1', T0 + MIN + 5000, 'rest')]);
    const store = historyStore(trades);
    const history = new MarketHistory({ store: () => store, exchange: () => ex, pubsub: createNorthstarPubSub(), clock, logger: silentLogger, coverage });
    const query = { ticker: 'KX', interval: 'ONE_MINUTE' as const, from: new Date(T0), to: new Date(T0 + 10 * MIN) };
    const origins = (await history.candles(query)).map((c) => [(c.startMs - T0) / MIN, c.origin]);
    expect(origins).toEqual([
      [0, 'EXCHANGE'],
      [1, 'RECORDED'],
      [2, 'RECORDED'],
      [3, 'EXCHANGE'],
      [4, 'EXCHANGE'],
      [5, 'EXCHANGE'],
      [6, 'EXCHANGE'],
      [7, 'RECORDED'],
      [8, 'RECORDED'],
      [9, 'RECORDED'],
    ]);
    expect(ex.candleCalls).toEqual([
      [T0, T0 + MIN],
      [T0 + 3 * MIN, T0 + 7 * MIN],
    ]);
    await history.candles(query);
    expect(ex.candleCalls).toHaveLength(2);

    const answer = await history.trades('KX', 10, null);
    expect(answer.map((t) => t.id)).toEqual(['own-2', 'down-1', 'own-1']);
    // The stretch before the restart was read (the run covered up to it), the trade held once.
    expect(ex.tradeCalls[0]).toBe(T0 + 6 * MIN + 10_000);
    await history.trades('KX', 10, null);
    expect(ex.tradeCalls).toHaveLength(1);
    await coverage.stop();
  });
});
