/**
 * The simulator's candlesticks, read through our client: consistent with its own market model
 * (each period's YES bid / ask close is the next one's open; the period now running closes at the
 * current quote and last trade), the generated past the same on every request, and both documented
 * endpoints agreeing.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { ManualClock } from '../../../src/core/clock.js';
import { KalshiRestClient } from '../../../src/sources/kalshi/client.js';
import type { MarketCandlestick } from '../../../src/sources/kalshi/protocol.js';
import { startKalshiRestSimulator, type KalshiRestSimulator } from '../../../src/simulators/kalshi/rest-server.js';

const START = Date.UTC(2026, 10, 24, 12, 0, 0);
const MIN = 60;

describe('Kalshi simulator candlesticks', () => {
  let clock: ManualClock;
  let sim: KalshiRestSimulator;
  let client: KalshiRestClient;
  const volumeAtStart = new Map<string, number>();

  beforeAll(async () => {
    clock = new ManualClock(START);
    sim = await startKalshiRestSimulator({ clock, seed: 7, rateLimit: false });
    client = new KalshiRestClient({ baseUrl: sim.baseUrl, clock, rateLimit: false });
    for (const market of sim.model.listStates()) volumeAtStart.set(market.ticker, market.volumeHundredths);
    // Ten simulated minutes: recorded bars after the start.
    for (let i = 0; i < 40; i++) await clock.advance(15_000);
  });
  afterAll(async () => {
    await client.close();
    await sim.close();
  });

  const chained = (candles: MarketCandlestick[]): void => {
    for (let i = 1; i < candles.length; i++) {
      expect(candles[i]!.end_period_ts - candles[i - 1]!.end_period_ts).toBeGreaterThan(0);
      expect(candles[i]!.yes_bid.open_dollars).toBe(candles[i - 1]!.yes_bid.close_dollars);
      expect(candles[i]!.yes_ask.open_dollars).toBe(candles[i - 1]!.yes_ask.close_dollars);
    }
  };

  test('minute candles across the start: chained, the last one closing at the current quote and last trade', async () => {
    const ticker = sim.model.listStates().find((m) => m.status === 'active')!.ticker;
    const now = Math.floor(clock.now() / 1000);
    const answer = await client.getCandlesticksBatch([ticker], { startTs: now - 60 * MIN, endTs: now + MIN, periodInterval: 1 });
    expect(answer.markets.map((m) => m.market_ticker)).toEqual([ticker]);
    const candles = answer.markets[0]!.candlesticks;
    // Fifty minutes before the start (generated) and ten after it (recorded), one per minute.
    expect(candles.length).toBeGreaterThanOrEqual(60);
    chained(candles);
    const last = candles.at(-1)!;
    const market = sim.model.getMarket(ticker)!;
    expect(last.yes_bid.close_dollars).toBe(market.yes_bid_dollars);
    expect(last.yes_ask.close_dollars).toBe(market.yes_ask_dollars);
    const traded = candles.filter((c) => c.price.close_dollars !== undefined);
    expect(traded.length).toBeGreaterThan(0);
    for (const c of candles) {
      expect(Number(c.yes_bid.low_dollars)).toBeLessThanOrEqual(Number(c.yes_bid.high_dollars));
      expect(Number(c.volume_fp)).toBeGreaterThanOrEqual(0);
    }
    // The recorded part's volume is what the model traded since the start.
    const modelVolume = sim.model.getState(ticker)!.volumeHundredths - volumeAtStart.get(ticker)!;
    const recordedVolume = candles.filter((c) => c.end_period_ts * 1000 > START).reduce((sum, c) => sum + Math.round(Number(c.volume_fp) * 100), 0);
    expect(modelVolume).toBeGreaterThan(0);
    expect(recordedVolume).toBe(modelVolume);
  });

  test('the generated past is the same on every request and on both endpoints; hours and days too', async () => {
    const state = sim.model.listStates().find((m) => m.status === 'active')!;
    const range = { startTs: Math.floor(START / 1000) - 600 * MIN, endTs: Math.floor(START / 1000) - 60 * MIN, periodInterval: 1 as const };
    const first = await client.getCandlesticksBatch([state.ticker], range);
    const again = await client.getMarketCandlesticks(state.seriesTicker, state.ticker, range);
    expect(again.candlesticks).toEqual(first.markets[0]!.candlesticks);
    expect(first.markets[0]!.candlesticks).toHaveLength(541);
    chained(first.markets[0]!.candlesticks);
    const hours = await client.getCandlesticksBatch([state.ticker], {
      startTs: Math.floor(START / 1000) - 48 * 60 * MIN,
      endTs: Math.floor(clock.now() / 1000) + 3600,
      periodInterval: 60,
    });
    chained(hours.markets[0]!.candlesticks);
    const days = await client.getCandlesticksBatch([state.ticker], {
      startTs: Math.floor(START / 1000) - 10 * 1440 * MIN,
      endTs: Math.floor(clock.now() / 1000) + 86400,
      periodInterval: 1440,
    });
    chained(days.markets[0]!.candlesticks);
    expect(days.markets[0]!.candlesticks.at(-1)!.yes_bid.close_dollars).toBe(sim.model.getMarket(state.ticker)!.yes_bid_dollars);
  });

  test('bad requests answer 400 with the documented error body; unknown markets are left out or 404', async () => {
    const now = Math.floor(clock.now() / 1000);
    await expect(client.getCandlesticksBatch(['X'], { startTs: now, endTs: now, periodInterval: 5 as never })).rejects.toMatchObject({ status: 400 });
    const none = await client.getCandlesticksBatch(['NO-SUCH'], { startTs: now - 60, endTs: now, periodInterval: 1 });
    expect(none.markets).toEqual([]);
    await expect(client.getMarketCandlesticks('KXNONE', 'NO-SUCH', { startTs: now - 60, endTs: now, periodInterval: 1 })).rejects.toMatchObject({
      status: 404,
    });
  });
});
