/**
 * The candlestick and trade reads against the fake exchange (documented protocol only): the
 * client's requests and envelope checks, and the history reads' handling of a malformed
 * candlestick or trade (skipped, logged, counted, the rest kept).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../../../src/core/clock.js';
import { silentLogger } from '../../../src/core/logger.js';
import { createMetrics } from '../../../src/core/metrics.js';
import { createNorthstarPubSub } from '../../../src/core/pubsub.js';
import { KalshiRestClient } from '../../../src/sources/kalshi/client.js';
import { kalshiHistoryReads } from '../../../src/sources/kalshi/history-reads.js';
import { KALSHI_RETRY_POLICY } from '../../../src/sources/kalshi/retry-policy.js';
import { SourceGuard } from '../../../src/sources/resilience/source-guard.js';
import { SourceStatusBoard } from '../../../src/sources/source-status.js';
import { fakeMarket, startFakeKalshi, type FakeKalshi } from '../../support/fake-kalshi.js';

const END = Date.UTC(2026, 10, 20, 10, 0, 0);
const MIN = 60_000;

const candle = (endMs: number, bid = '0.4100') => ({
  end_period_ts: endMs / 1000,
  yes_bid: { open_dollars: bid, low_dollars: '0.4000', high_dollars: '0.4200', close_dollars: '0.4100' },
  yes_ask: { open_dollars: '0.4500', low_dollars: '0.4400', high_dollars: '0.4600', close_dollars: '0.4500' },
  price: {},
  volume_fp: '0.00',
  open_interest_fp: '10.00',
});

describe('Kalshi history reads against the documented fake', () => {
  let fake: FakeKalshi;
  let client: KalshiRestClient;

  beforeAll(async () => {
    fake = await startFakeKalshi({ markets: [fakeMarket('KX-A'), fakeMarket('KX-B')] });
    client = new KalshiRestClient({ baseUrl: fake.baseUrl, rateLimit: false });
  });
  afterAll(async () => {
    await client.close();
    await fake.close();
  });

  it('GET /markets/candlesticks and GET /series/…/candlesticks, with the documented parameters', async () => {
    fake.setCandlesticks('KX-A', 60, [candle(END - 60 * MIN), candle(END)]);
    const batch = await client.getCandlesticksBatch(['KX-A', 'KX-B'], { startTs: (END - 60 * MIN) / 1000, endTs: END / 1000, periodInterval: 60 });
    expect(batch.markets).toEqual([
      { market_ticker: 'KX-A', candlesticks: [candle(END - 60 * MIN), candle(END)] },
      { market_ticker: 'KX-B', candlesticks: [] },
    ]);
    expect(fake.requests.at(-1)!.query).toEqual({
      market_tickers: 'KX-A,KX-B',
      start_ts: String((END - 60 * MIN) / 1000),
      end_ts: String(END / 1000),
      period_interval: '60',
    });
    const single = await client.getMarketCandlesticks('KX', 'KX-A', { startTs: END / 1000, endTs: END / 1000, periodInterval: 60 });
    expect(single).toEqual({ ticker: 'KX-A', candlesticks: [candle(END)] });
    expect(fake.requests.at(-1)!.path).toBe('/trade-api/v2/series/KX/markets/KX-A/candlesticks');
    await expect(client.getCandlesticksBatch([], { startTs: 0, endTs: 1, periodInterval: 1 })).rejects.toThrow(/1 to 100 markets/);
  });

  it('an answer without the documented envelope is a data error, not retried', async () => {
    const remove = fake.override('candlesticks', { body: { candles: [] } });
    await expect(client.getCandlesticksBatch(['KX-A'], { startTs: 0, endTs: 1, periodInterval: 1 })).rejects.toMatchObject({
      category: 'data',
      retryable: false,
    });
    remove();
    const again = fake.override('candlesticks', { body: { markets: [{ market_ticker: 'KX-A', candlesticks: 'none' }] } });
    await expect(client.getCandlesticksBatch(['KX-A'], { startTs: 0, endTs: 1, periodInterval: 1 })).rejects.toThrow(/candlesticks/);
    again();
  });

  it('a malformed candlestick or trade is skipped, logged and counted; the others are kept', async () => {
    const metrics = createMetrics({ collectProcessMetrics: false });
    const statuses = new SourceStatusBoard(systemClock, createNorthstarPubSub(), [{ source: 'kalshi', simulated: false, enabled: true }]);
    const guard = new SourceGuard({
      source: 'kalshi',
      clock: systemClock,
      logger: silentLogger,
      statuses,
      breaker: { timeoutMs: 2000, errorThresholdPercentage: 50, resetTimeoutMs: 5000, volumeThreshold: 5 },
      retry: KALSHI_RETRY_POLICY,
      metrics,
    });
    const reads = kalshiHistoryReads({ client, guard, clock: systemClock, logger: silentLogger, metrics, signal: new AbortController().signal });
    fake.setCandlesticks('KX-B', 1, [candle(END - MIN), { ...candle(END), yes_bid: { open_dollars: 'nope' } }, candle(END + MIN, '0.4200')]);
    const answer = await reads.candles(['KX-B', 'KX-A'], 'ONE_MINUTE', END - 2 * MIN, END + MIN);
    // One call for both markets.
    expect(fake.requests.at(-1)!.query.market_tickers).toBe('KX-B,KX-A');
    expect(answer.get('KX-A')).toEqual({ candles: [], malformed: 0 });
    const read = answer.get('KX-B')!;
    expect(read.malformed).toBe(1);
    expect(read.candles.map((c) => [c.startMs, c.yesBid.open])).toEqual([
      [END - 2 * MIN, 410_000],
      [END, 420_000],
    ]);
    fake.setTrades([
      {
        trade_id: 't1',
        ticker: 'KX-B',
        count_fp: '2.00',
        yes_price_dollars: '0.4100',
        no_price_dollars: '0.5900',
        taker_outcome_side: 'yes',
        created_time: new Date(END).toISOString(),
      },
      {
        trade_id: 't2',
        ticker: 'KX-B',
        count_fp: 'two',
        yes_price_dollars: '0.4100',
        no_price_dollars: '0.5900',
        taker_outcome_side: 'yes',
        created_time: new Date(END - 1000).toISOString(),
      },
    ]);
    const trades = await reads.trades('KX-B', END + MIN, 10);
    expect(trades).toMatchObject({ malformed: 1, exhausted: true, trades: [{ id: 't1', priceMicros: 410_000, countHundredths: 200, origin: 'rest' }] });
    const counted = await metrics.registry.getSingleMetricAsString('northstar_upstream_malformed_payloads_total');
    expect(counted).toContain('northstar_upstream_malformed_payloads_total{source="kalshi"} 2');
    await guard.shutdown();
  });
});
