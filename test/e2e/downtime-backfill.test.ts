/**
 * Downtime is read from the exchange: the real process records a trade of the market, is
 * SIGKILLed, and while it is down the documented-protocol fake Kalshi trades on. Restarted on the
 * same database, the service knows it was not running (service_runs: the first run's last
 * heartbeat, then nothing until the restart), so
 * - the minute of the downtime is an EXCHANGE candle with the fake's values, not a RECORDED one
 *   with the quote carried over and no trades;
 * - `trades` has the trades made during the downtime, read from GET /markets/trades once (asking
 *   again does not read again), the trade the first run recorded itself held once.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fakeMarket, startFakeKalshi, type FakeKalshi, type FakeTrade } from '../support/fake-kalshi.js';
import { authHeaders, graphqlUrl, startServiceProcess, type ServiceProcess } from '../support/service-process.js';
import { until } from '../support/until.js';

const A = 'FAKE-DOWN-A';
const MIN = 60_000;

async function data<T>(url: string, query: string, variables: Record<string, unknown> = {}): Promise<T> {
  const response = await fetch(url, {
    method: 'POST',
    headers: authHeaders({ 'content-type': 'application/json' }),
    body: JSON.stringify({ query, variables }),
  });
  const answer = (await response.json()) as { data?: T; errors?: unknown[] };
  if (answer.errors) throw new Error(`GraphQL errors: ${JSON.stringify(answer.errors)}`);
  return answer.data as T;
}

function restTrade(id: string, atMs: number, yesCents: number, count: string): FakeTrade {
  return {
    trade_id: id,
    ticker: A,
    count_fp: count,
    yes_price_dollars: (yesCents / 100).toFixed(4),
    no_price_dollars: ((100 - yesCents) / 100).toFixed(4),
    taker_outcome_side: 'no',
    created_time: new Date(atMs).toISOString(),
  };
}

const TRADES = `{ trades(ticker: "${A}", limit: 10) { id price count at } }`;
const CANDLES = `query ($from: DateTime!, $to: DateTime!) {
  candles(ticker: "${A}", interval: ONE_MINUTE, from: $from, to: $to) { start origin volume price { high } yesBid { open } }
}`;

describe('downtime after a crash is backfilled from the exchange', () => {
  let fake: FakeKalshi;
  let first: ServiceProcess | undefined;
  let second: ServiceProcess | undefined;

  beforeAll(async () => {
    fake = await startFakeKalshi({ markets: [fakeMarket(A, { volume_24h_fp: '300.00' })] });
    fake.setBook(A, { yes: [['0.4500', '10.00']], no: [['0.5300', '4.00']] });
  });
  afterAll(async () => {
    await second?.dispose();
    await first?.dispose();
    await fake?.close();
  });

  it('candles over the downtime are EXCHANGE and its trades are in trades', async () => {
    const env = { ...fake.env(), KALSHI_TRACK_TOP_N: '1', KALSHI_POLL_INTERVAL_MS: '200' };
    first = await startServiceProcess(env);
    const firstUrl = graphqlUrl(first);
    await fake.waitFor(() => fake.subscriptions().find((sub) => sub.channel === 'trade' && sub.tickers.size === 0), 10_000, 'a trade subscription');
    // The first run's own record of the market: a trade from the feed, stored.
    const upAt = Date.now() - 1000;
    expect(fake.pushTrade({ trade_id: 'up-1', market_ticker: A, yes_price_dollars: '0.4500', count_fp: '1.00', taker_outcome_side: 'yes', ts_ms: upAt })).toBe(
      1,
    );
    await until('the first run stored its trade', 5000, async () =>
      (await data<{ trades: Array<{ id: string }> }>(firstUrl, TRADES)).trades.length > 0 ? true : null,
    );
    expect((await first.signal('SIGKILL')).code).toBeNull();

    // While it is down, the exchange trades on (its REST listing also has the trade the first run saw).
    const downAt = Date.now() + 10;
    fake.setTrades([restTrade('up-1', upAt, 45, '1.00'), restTrade('down-1', downAt, 61, '7.00'), restTrade('down-2', downAt + 5, 63, '2.50')]);
    const minute = Math.floor(downAt / MIN) * MIN;
    const bid = { open_dollars: '0.6000', low_dollars: '0.5900', high_dollars: '0.6200', close_dollars: '0.6100' };
    fake.setCandlesticks(A, 1, [
      {
        end_period_ts: (minute + MIN) / 1000,
        yes_bid: bid,
        yes_ask: { open_dollars: '0.6300', low_dollars: '0.6200', high_dollars: '0.6500', close_dollars: '0.6400' },
        price: { open_dollars: '0.6100', low_dollars: '0.6100', high_dollars: '0.6300', close_dollars: '0.6300', mean_dollars: '0.6200' },
        volume_fp: '9.50',
        open_interest_fp: '120.00',
      },
    ]);
    await until('a moment after the downtime trades', 1000, () => (Date.now() > downAt + 20 ? true : null));

    second = await startServiceProcess({ ...env, DATABASE_URL: `file:${first.dbPath}`, CACHE_DIR: `${first.dir}/cache` });
    const url = graphqlUrl(second);

    const tradeReads = (): number => fake.requests.filter((r) => r.route === 'trades' && r.query.ticker === A).length;
    const answer = await data<{ trades: Array<{ id: string; price: number; count: number }> }>(url, TRADES);
    expect(answer.trades.map((t) => t.id)).toEqual(['down-2', 'down-1', 'up-1']);
    expect(answer.trades[1]).toMatchObject({ price: 0.61, count: 7 });
    const reads = tradeReads();
    expect((await data<{ trades: Array<{ id: string }> }>(url, TRADES)).trades.map((t) => t.id)).toEqual(['down-2', 'down-1', 'up-1']);
    expect(tradeReads()).toBe(reads);

    const candleReads = fake.requests.filter((r) => r.route === 'candlesticks').length;
    const candles = await data<{
      candles: Array<{ start: string; origin: string; volume: number; price: { high: number | null }; yesBid: { open: number | null } }>;
    }>(url, CANDLES, { from: new Date(minute).toISOString(), to: new Date(minute + MIN).toISOString() });
    expect(candles.candles).toEqual([{ start: new Date(minute).toISOString(), origin: 'EXCHANGE', volume: 9.5, price: { high: 0.63 }, yesBid: { open: 0.6 } }]);
    expect(fake.requests.filter((r) => r.route === 'candlesticks').length).toBe(candleReads + 1);
  });
});
