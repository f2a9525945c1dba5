import { describe, expect, test } from 'vitest';
import { ManualClock } from '../../../src/core/clock.js';
import { KalshiMarketModel, type SimMarket } from '../../../src/simulators/kalshi/market-model.js';

const START = Date.UTC(2026, 10, 24, 12, 0, 0);

function snapshot(model: KalshiMarketModel): unknown {
  return {
    now: model.now,
    markets: model.listMarkets(),
    books: model.listStates().map((m) => model.orderbook(m.ticker)),
    trades: model.recentTradePayloads(),
  };
}

/** The invariants every active market keeps at every moment. */
function expectSaneActiveMarket(m: Readonly<SimMarket>): void {
  const quote = m.quote;
  expect(quote, m.ticker).not.toBeNull();
  if (!quote) return;
  expect(quote.bidCents).toBeGreaterThanOrEqual(1);
  expect(quote.askCents).toBeLessThanOrEqual(99);
  const spread = quote.askCents - quote.bidCents;
  expect(spread).toBeGreaterThanOrEqual(1);
  expect(spread).toBeLessThanOrEqual(4);
  // Books are bids only, ascending, and agree with the quote: YES ask = 100 − best NO bid.
  expect(m.yesBids.at(-1)?.priceCents).toBe(quote.bidCents);
  expect(100 - (m.noBids.at(-1)?.priceCents ?? 0)).toBe(quote.askCents);
  for (const side of [m.yesBids, m.noBids]) {
    for (let i = 1; i < side.length; i++) expect(side[i]!.priceCents).toBeGreaterThan(side[i - 1]!.priceCents);
    for (const level of side) expect(level.sizeHundredths).toBeGreaterThan(0);
  }
}

describe('KalshiMarketModel', () => {
  test('starts with ≥ 20 active markets across ≥ 4 events, Kalshi-style tickers', () => {
    const model = new KalshiMarketModel({ startAtMs: START });
    const markets = model.listMarkets();
    expect(model.activeCount()).toBeGreaterThanOrEqual(20);
    expect(new Set(markets.map((m) => m.event_ticker)).size).toBeGreaterThanOrEqual(4);
    expect(markets.map((m) => m.ticker)).toContain('KXCPI-26DEC-T3.0');
    for (const m of markets) {
      expect(m.ticker.startsWith(`${m.event_ticker}-`)).toBe(true);
      expect(m.event_ticker).toMatch(/^KX[A-Z]+-[0-9]{2}[A-Z0-9]+$/);
    }
    for (const m of model.listStates()) expectSaneActiveMarket(m);
  });

  test('lists several events per series when asked: the following months, meetings and games', () => {
    const one = new KalshiMarketModel({ startAtMs: START });
    const three = new KalshiMarketModel({ startAtMs: START, eventsPerSeries: 3 });
    const markets = three.listMarkets();
    expect(markets).toHaveLength(one.listMarkets().length * 3);
    expect(new Set(markets.map((m) => m.ticker)).size).toBe(markets.length);
    const eventsBySeries = new Map<string, Set<string>>();
    for (const m of markets) {
      const series = m.event_ticker.split('-')[0]!;
      eventsBySeries.set(series, (eventsBySeries.get(series) ?? new Set()).add(m.event_ticker));
    }
    for (const events of eventsBySeries.values()) expect(events.size).toBe(3);
    // CPI: December, January and February are listed together.
    expect(markets.map((m) => m.event_ticker)).toEqual(expect.arrayContaining(['KXCPI-26DEC', 'KXCPI-27JAN', 'KXCPI-27FEB']));
    for (const m of three.listStates()) expectSaneActiveMarket(m);
  });

  test('the same seed stepped to the same times gives identical states', async () => {
    const clockA = new ManualClock(START);
    const clockB = new ManualClock(START);
    const a = new KalshiMarketModel({ startAtMs: clockA.now(), seed: 42 });
    const b = new KalshiMarketModel({ startAtMs: clockB.now(), seed: 42 });
    for (let i = 0; i < 40; i++) {
      await clockA.advance(30_000);
      await clockB.advance(30_000);
      a.step(clockA.now());
      b.step(clockB.now());
    }
    expect(snapshot(a)).toEqual(snapshot(b));
    // …and the states did move.
    expect(a.listMarkets().some((m) => m.updated_time !== new Date(START).toISOString())).toBe(true);
  });

  test('stepping in small or large chunks gives the same state', () => {
    const a = new KalshiMarketModel({ startAtMs: START, seed: 9 });
    const b = new KalshiMarketModel({ startAtMs: START, seed: 9 });
    for (let t = 1; t <= 600; t++) a.step(START + t * 1000);
    b.step(START + 600_000);
    expect(snapshot(a)).toEqual(snapshot(b));
  });

  test('different seeds give different markets', () => {
    const a = new KalshiMarketModel({ startAtMs: START, seed: 1 });
    const b = new KalshiMarketModel({ startAtMs: START, seed: 2 });
    expect(snapshot(a)).not.toEqual(snapshot(b));
  });

  test('quotes walk inside the bounds; volumes and open interest only grow', () => {
    const model = new KalshiMarketModel({ startAtMs: START, seed: 3 });
    const seen = new Map<string, { volume: number; oi: number; v24: number }>();
    const bids = new Map<string, Set<number>>();
    for (let minute = 1; minute <= 30; minute++) {
      model.step(START + minute * 60_000);
      for (const m of model.listStates()) {
        if (m.status === 'active') {
          expectSaneActiveMarket(m);
          const set = bids.get(m.ticker) ?? new Set<number>();
          set.add(m.quote!.bidCents);
          bids.set(m.ticker, set);
        }
        const before = seen.get(m.ticker);
        if (before) {
          expect(m.volumeHundredths).toBeGreaterThanOrEqual(before.volume);
          expect(m.volume24hHundredths).toBeGreaterThanOrEqual(before.v24);
          expect(m.openInterestHundredths).toBeGreaterThanOrEqual(before.oi);
        }
        seen.set(m.ticker, { volume: m.volumeHundredths, oi: m.openInterestHundredths, v24: m.volume24hHundredths });
      }
    }
    // The walk actually moves, and trades print.
    expect([...bids.values()].some((set) => set.size > 3)).toBe(true);
    expect(model.recentTrades().length).toBeGreaterThan(50);
    const trades = model.recentTrades();
    for (let i = 1; i < trades.length; i++) expect(trades[i]!.seq).toBeLessThan(trades[i - 1]!.seq);
  });

  test('markets close, get determined, settle, and are replaced; ≥ 20 stay active', () => {
    const model = new KalshiMarketModel({
      startAtMs: START,
      seed: 5,
      meanMarketLifetimeMs: 5 * 60_000,
      settlementTimerSeconds: 30,
      tickMs: 1000,
    });
    const initial = new Set(model.listMarkets().map((m) => m.ticker));
    const statuses = new Set<string>();
    for (let minute = 1; minute <= 60; minute++) {
      model.step(START + minute * 60_000);
      expect(model.activeCount()).toBeGreaterThanOrEqual(20);
      for (const m of model.listMarkets()) {
        statuses.add(m.status);
        if (m.status !== 'active') {
          // A market that is not trading has an empty book and shows no quotes.
          expect(model.orderbook(m.ticker)).toEqual({ orderbook_fp: { yes_dollars: [], no_dollars: [] } });
          expect(m.yes_bid_dollars).toBe('0.0000');
          expect(m.yes_ask_dollars).toBe('1.0000');
        }
        if (m.status === 'determined' || m.status === 'finalized') {
          expect(['yes', 'no']).toContain(m.result);
          expect(m.settlement_value_dollars).toBe(m.result === 'yes' ? '1.0000' : '0.0000');
        }
        if (m.status === 'finalized') expect(m.settlement_ts).toBeTruthy();
      }
    }
    expect(statuses).toEqual(new Set(['initialized', 'active', 'closed', 'determined', 'finalized']));
    const tickers = model.listMarkets().map((m) => m.ticker);
    expect(new Set(tickers).size).toBe(tickers.length);
    expect(tickers.some((t) => !initial.has(t))).toBe(true);
    // Finalized markets are pruned to the retention limit, so the listing does not grow forever.
    expect(model.listMarkets().filter((m) => m.status === 'finalized').length).toBeLessThanOrEqual(30);
  });

  test('order book depth keeps the best levels, ascending', () => {
    const model = new KalshiMarketModel({ startAtMs: START });
    const m = model.listStates()[0]!;
    const full = model.orderbook(m.ticker)!.orderbook_fp;
    const top2 = model.orderbook(m.ticker, 2)!.orderbook_fp;
    expect(top2.yes_dollars).toEqual(full.yes_dollars.slice(-2));
    expect(top2.no_dollars).toEqual(full.no_dollars.slice(-2));
    expect(model.orderbook('NOPE')).toBeUndefined();
  });

  test('a step back in time, or less than a tick, changes nothing', () => {
    const model = new KalshiMarketModel({ startAtMs: START });
    const before = snapshot(model);
    model.step(START - 60_000);
    model.step(START + 249);
    expect(snapshot(model)).toEqual(before);
  });
});
