/**
 * Candles and trades through the whole service, against a fake exchange that speaks only the
 * documented protocol (test/support/fake-kalshi.ts):
 * - a range before the service started is answered with Kalshi's candlesticks (EXCHANGE), kept:
 *   asking again does not call the exchange again, also for a range where it had none;
 * - a malformed candlestick is skipped, logged and counted; the range is read again next time and
 *   a period stored before keeps its candle;
 * - trades pushed on the fake's WebSocket trade channel reach a graphql-ws `tradeExecuted`
 *   subscriber (filtered by ticker) and `trades`, older ones are backfilled from GET /markets/trades
 *   once, and a RECORDED ONE_MINUTE candle over them has their OHLC and volume;
 * - a gap on the trade sid is counted as lost trades and drops no book;
 * - an exchange failure is a coded upstream error, and the range is read again next time;
 * - bad input is a coded BAD_USER_INPUT; `Market.candles` works nested, one exchange call for a list of markets.
 */
import { createClient as createWsClient, type Client } from 'graphql-ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { fakeMarket, startFakeKalshi, type FakeCandlestick, type FakeKalshi } from '../support/fake-kalshi.js';
import { startService, type RunningService } from '../support/service.js';
import { until } from '../support/until.js';

const MIN = 60_000;
const A = 'FAKE-26-A';
const B = 'FAKE-26-B';
const C = 'FAKE-26-C';

interface GqlAnswer<T> {
  data?: T;
  errors?: Array<{ message: string; extensions?: { code?: string } }>;
}

async function gql<T>(url: string, query: string, variables: Record<string, unknown> = {}): Promise<GqlAnswer<T>> {
  const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query, variables }) });
  return (await response.json()) as GqlAnswer<T>;
}

async function data<T>(url: string, query: string, variables: Record<string, unknown> = {}): Promise<T> {
  const answer = await gql<T>(url, query, variables);
  if (answer.errors) throw new Error(`GraphQL errors: ${JSON.stringify(answer.errors)}`);
  return answer.data as T;
}

interface CandleView {
  start: string;
  end: string;
  price: { open: number | null; high: number | null; low: number | null; close: number | null };
  yesBid: { open: number | null; close: number | null };
  yesAsk: { open: number | null; close: number | null };
  volume: number;
  openInterest: number | null;
  origin: string;
}

const CANDLES = `query ($ticker: String!, $interval: CandleInterval!, $from: DateTime!, $to: DateTime!) {
  candles(ticker: $ticker, interval: $interval, from: $from, to: $to) {
    start end price { open high low close } yesBid { open close } yesAsk { open close } volume openInterest origin
  }
}`;

const dollars = (cents: number): string => (cents / 100).toFixed(4);

/** A documented candlestick ending at `endMs`, its bid walking by `cents`. */
function candlestick(endMs: number, bidCents: number, fields: Partial<FakeCandlestick> = {}): FakeCandlestick {
  return {
    end_period_ts: endMs / 1000,
    yes_bid: { open_dollars: dollars(bidCents), low_dollars: dollars(bidCents - 1), high_dollars: dollars(bidCents + 1), close_dollars: dollars(bidCents + 1) },
    yes_ask: {
      open_dollars: dollars(bidCents + 2),
      low_dollars: dollars(bidCents + 1),
      high_dollars: dollars(bidCents + 3),
      close_dollars: dollars(bidCents + 3),
    },
    price: {
      open_dollars: dollars(bidCents + 1),
      low_dollars: dollars(bidCents),
      high_dollars: dollars(bidCents + 2),
      close_dollars: dollars(bidCents + 1),
      mean_dollars: dollars(bidCents + 1),
    },
    volume_fp: '12.50',
    open_interest_fp: '300.00',
    ...fields,
  };
}

/** A sample of /metrics (0 when absent). */
async function metric(url: string, series: string): Promise<number> {
  const text = await (await fetch(url.replace(/\/graphql$/, '/metrics'))).text();
  const line = text.split('\n').find((l) => l.startsWith(`${series} `) || l.startsWith(series + '{'));
  return line ? Number(line.split(' ').at(-1)) : 0;
}

const malformedCount = (url: string): Promise<number> => metric(url, 'northstar_upstream_malformed_payloads_total{source="kalshi"}');

describe('candles and trades through the service', () => {
  let fake: FakeKalshi;
  let service: RunningService;
  let ws: Client;
  /** A whole minute, half an hour before the service started. */
  let past: number;

  beforeAll(async () => {
    past = Math.floor(Date.now() / MIN) * MIN - 30 * MIN;
    fake = await startFakeKalshi({
      markets: [fakeMarket(A, { volume_24h_fp: '300.00' }), fakeMarket(B, { volume_24h_fp: '200.00' }), fakeMarket(C, { volume_24h_fp: '100.00' })],
    });
    fake.setBook(A, { yes: [['0.4500', '10.00']], no: [['0.5300', '4.00']] });
    service = await startService({ ...fake.env(), KALSHI_TRACK_TOP_N: '1' });
    ws = createWsClient({ url: service.url.replace(/^http/, 'ws'), webSocketImpl: WebSocket, retryAttempts: 0, lazy: false });
    await fake.waitFor(
      () => fake.subscriptions().find((sub) => sub.channel === 'trade' && sub.tickers.size === 0),
      5000,
      'a trade subscription for every market',
    );
  });
  afterAll(async () => {
    await ws?.dispose();
    await service?.stop();
    await fake?.close();
  });

  const candleCalls = (): number => fake.requests.filter((r) => r.route === 'candlesticks' || r.route === 'series-candlesticks').length;

  it('a range before the service started is EXCHANGE candles, read from the exchange once', async () => {
    fake.setCandlesticks(A, 1, [
      candlestick(past + MIN, 40),
      candlestick(past + 2 * MIN, 41),
      candlestick(past + 3 * MIN, 42, { price: {}, volume_fp: '0.00' }),
    ]);
    const variables = { ticker: A, interval: 'ONE_MINUTE', from: new Date(past).toISOString(), to: new Date(past + 5 * MIN).toISOString() };
    const before = candleCalls();
    const first = await data<{ candles: CandleView[] }>(service.url, CANDLES, variables);
    expect(first.candles).toEqual([
      {
        start: new Date(past).toISOString(),
        end: new Date(past + MIN).toISOString(),
        price: { open: 0.41, high: 0.42, low: 0.4, close: 0.41 },
        yesBid: { open: 0.4, close: 0.41 },
        yesAsk: { open: 0.42, close: 0.43 },
        volume: 12.5,
        openInterest: 300,
        origin: 'EXCHANGE',
      },
      expect.objectContaining({ start: new Date(past + MIN).toISOString(), origin: 'EXCHANGE' }),
      // Nothing traded: the price is all null.
      expect.objectContaining({ price: { open: null, high: null, low: null, close: null }, volume: 0, origin: 'EXCHANGE' }),
    ]);
    expect(candleCalls()).toBe(before + 1);
    const request = fake.requests.filter((r) => r.route === 'candlesticks').at(-1)!;
    expect(request.query).toMatchObject({
      market_tickers: A,
      period_interval: '1',
      start_ts: String((past + MIN) / 1000),
      end_ts: String((past + 5 * MIN) / 1000),
    });

    // Asked again (and a range inside it): answered from what was kept.
    expect(await data<{ candles: CandleView[] }>(service.url, CANDLES, variables)).toEqual(first);
    await data(service.url, CANDLES, { ...variables, from: new Date(past + MIN).toISOString() });
    expect(candleCalls()).toBe(before + 1);

    // A range where the exchange had nothing is remembered as well.
    const empty = { ...variables, ticker: B };
    expect((await data<{ candles: CandleView[] }>(service.url, CANDLES, empty)).candles).toEqual([]);
    expect((await data<{ candles: CandleView[] }>(service.url, CANDLES, empty)).candles).toEqual([]);
    expect(candleCalls()).toBe(before + 2);
  });

  it('a malformed candlestick is skipped, logged and counted; the range is read again and a stored period keeps its candle', async () => {
    const from = past - 20 * MIN;
    const good = (i: number, bid = 50): FakeCandlestick => candlestick(from + (i + 1) * MIN, bid + i);
    const broken = (i: number): FakeCandlestick => candlestick(from + (i + 1) * MIN, 50, { yes_bid: { open_dollars: 'lots' } });
    const variables = { ticker: C, interval: 'ONE_MINUTE', from: new Date(from).toISOString(), to: new Date(from + 4 * MIN).toISOString() };
    const calls = candleCalls();
    const malformedBefore = await malformedCount(service.url);

    fake.setCandlesticks(C, 1, [good(0), broken(1), good(2), good(3)]);
    const first = await data<{ candles: CandleView[] }>(service.url, CANDLES, variables);
    expect(first.candles.map((c) => c.start)).toEqual([0, 2, 3].map((i) => new Date(from + i * MIN).toISOString()));
    expect(await malformedCount(service.url)).toBe(malformedBefore + 1);

    // The exchange now sends period 1 right but period 3 broken: period 3 keeps the candle read before.
    fake.setCandlesticks(C, 1, [good(0), good(1), good(2), broken(3)]);
    const second = await data<{ candles: CandleView[] }>(service.url, CANDLES, variables);
    expect(candleCalls()).toBe(calls + 2);
    expect(second.candles).toHaveLength(4);
    expect(second.candles[3]).toEqual(first.candles[2]);
    expect(await malformedCount(service.url)).toBe(malformedBefore + 2);

    // Once read whole, the range is remembered.
    fake.setCandlesticks(C, 1, [good(0), good(1), good(2), good(3)]);
    await data(service.url, CANDLES, variables);
    await data(service.url, CANDLES, variables);
    expect(candleCalls()).toBe(calls + 3);
  });

  it('an exchange that fails answers a coded upstream error, and nothing is remembered as read', async () => {
    const from = past - 60 * MIN;
    const variables = { ticker: B, interval: 'ONE_MINUTE', from: new Date(from).toISOString(), to: new Date(from + 2 * MIN).toISOString() };
    const remove = fake.override('candlesticks', { status: 503 });
    const failed = await gql<{ candles: CandleView[] }>(service.url, CANDLES, variables);
    expect(failed.errors?.[0]?.extensions?.code).toBe('UPSTREAM_UNAVAILABLE');
    remove();
    fake.setCandlesticks(B, 1, [candlestick(from + MIN, 30)]);
    const calls = candleCalls();
    expect((await data<{ candles: CandleView[] }>(service.url, CANDLES, variables)).candles).toHaveLength(1);
    expect(candleCalls()).toBe(calls + 1);
  });

  it('live trades reach tradeExecuted (filtered by ticker) and trades; older ones are backfilled once; a RECORDED minute candle has their OHLC and volume', async () => {
    // Four prints a second apart, all in the past (trades answers up to now) and in one minute.
    const first = Math.floor((Date.now() - 6000) / MIN) * MIN + Math.min((Date.now() - 6000) % MIN, MIN - 4001);
    const minute = Math.floor(first / MIN) * MIN;
    const offset = first - minute;
    // Two trades at the exchange from before the service started, for the backfill.
    fake.setTrades([
      {
        trade_id: 'old-1',
        ticker: A,
        count_fp: '3.00',
        yes_price_dollars: '0.3900',
        no_price_dollars: '0.6100',
        taker_outcome_side: 'yes',
        created_time: new Date(past).toISOString(),
      },
      {
        trade_id: 'old-2',
        ticker: A,
        count_fp: '1.00',
        yes_price_dollars: '0.3800',
        no_price_dollars: '0.6200',
        taker_outcome_side: 'no',
        created_time: new Date(past - MIN).toISOString(),
      },
    ]);

    const seen: Array<{ id: string; ticker: string; price: number; count: number; takerSide: string; at: string }> = [];
    const subscribed = new Promise<void>((resolve, reject) => {
      const stop = ws.subscribe<{ tradeExecuted: (typeof seen)[number] }>(
        {
          query: `subscription ($tickers: [String!]) { tradeExecuted(tickers: $tickers) { id ticker price count takerSide at } }`,
          variables: { tickers: [A] },
        },
        {
          next: (value) => {
            if (value.data) seen.push(value.data.tradeExecuted);
            if (seen.length === 4) {
              stop();
              resolve();
            }
          },
          error: reject,
          complete: () => undefined,
        },
      );
    });
    // The subscription is live once a trade sent after it arrives: keep sending a marker on B until then.
    const prints = [
      { trade_id: 'live-1', yes_price_dollars: '0.4500', count_fp: '10.00', taker_outcome_side: 'yes' as const, ts_ms: minute + offset },
      { trade_id: 'live-2', yes_price_dollars: '0.5000', count_fp: '2.50', taker_outcome_side: 'yes' as const, ts_ms: minute + offset + 1000 },
      { trade_id: 'live-3', yes_price_dollars: '0.4200', count_fp: '1.00', taker_outcome_side: 'no' as const, ts_ms: minute + offset + 2000 },
      { trade_id: 'live-4', yes_price_dollars: '0.4700', count_fp: '4.25', taker_outcome_side: 'yes' as const, ts_ms: minute + offset + 3000 },
    ];
    await until('the tradeExecuted subscription to be registered', 5000, () => (service.app.pubsub.openStreams > 0 ? true : null));
    // Another market's trade is filtered out on the server.
    expect(
      fake.pushTrade({
        trade_id: 'other-1',
        market_ticker: B,
        yes_price_dollars: '0.3000',
        count_fp: '1.00',
        taker_outcome_side: 'yes',
        ts_ms: minute + offset,
      }),
    ).toBe(1);
    for (const print of prints) expect(fake.pushTrade({ ...print, market_ticker: A })).toBe(1);
    await subscribed;
    expect(seen).toEqual(
      prints.map((p) => ({
        id: p.trade_id,
        ticker: A,
        price: Number(p.yes_price_dollars),
        count: Number(p.count_fp),
        takerSide: p.taker_outcome_side,
        at: new Date(p.ts_ms).toISOString(),
      })),
    );

    const tradesCalls = (): number => fake.requests.filter((r) => r.route === 'trades').length;
    const TRADES = `query ($ticker: String!, $limit: Int) { trades(ticker: $ticker, limit: $limit) { id price count takerSide at } }`;
    const answer = await data<{ trades: Array<{ id: string; price: number; count: number }> }>(service.url, TRADES, { ticker: A, limit: 10 });
    expect(answer.trades.map((t) => t.id)).toEqual(['live-4', 'live-3', 'live-2', 'live-1', 'old-1', 'old-2']);
    expect(answer.trades[5]).toMatchObject({ price: 0.38, count: 1 });
    const afterFirst = tradesCalls();
    expect(afterFirst).toBeGreaterThan(0);
    // The exchange said there is nothing older: asking again reads only what is stored.
    expect((await data<{ trades: unknown[] }>(service.url, TRADES, { ticker: A, limit: 10 })).trades).toHaveLength(6);
    expect(tradesCalls()).toBe(afterFirst);
    expect((await data<{ trades: Array<{ id: string }> }>(service.url, TRADES, { ticker: A, limit: 2 })).trades.map((t) => t.id)).toEqual(['live-4', 'live-3']);

    const { candles } = await data<{ candles: CandleView[] }>(service.url, CANDLES, {
      ticker: A,
      interval: 'ONE_MINUTE',
      from: new Date(minute).toISOString(),
      to: new Date(minute + MIN).toISOString(),
    });
    expect(candles).toHaveLength(1);
    expect(candles[0]).toMatchObject({
      start: new Date(minute).toISOString(),
      end: new Date(minute + MIN).toISOString(),
      price: { open: 0.45, high: 0.5, low: 0.42, close: 0.47 },
      volume: 17.75,
      origin: 'RECORDED',
    });
  });

  it('Market.candles works nested, and from the same store', async () => {
    const { market } = await data<{ market: { ticker: string; candles: CandleView[] } }>(
      service.url,
      `query ($from: DateTime!, $to: DateTime!) { market(ticker: "${A}") { ticker candles(interval: ONE_MINUTE, from: $from, to: $to) { start origin volume } } }`,
      { from: new Date(past).toISOString(), to: new Date(past + 3 * MIN).toISOString() },
    );
    expect(market.candles).toEqual([
      { start: new Date(past).toISOString(), origin: 'EXCHANGE', volume: 12.5 },
      { start: new Date(past + MIN).toISOString(), origin: 'EXCHANGE', volume: 12.5 },
      { start: new Date(past + 2 * MIN).toISOString(), origin: 'EXCHANGE', volume: 0 },
    ]);
  });

  it('Market.candles over a list of markets asks the exchange once for all of them', async () => {
    const hour = Math.floor(past / 3_600_000) * 3_600_000 - 5 * 3_600_000;
    fake.setCandlesticks(A, 60, [candlestick(hour + 3_600_000, 40)]);
    fake.setCandlesticks(C, 60, [candlestick(hour + 2 * 3_600_000, 60)]);
    const before = candleCalls();
    const { markets } = await data<{ markets: Array<{ ticker: string; candles: Array<{ start: string; origin: string }> }> }>(
      service.url,
      `query ($from: DateTime!, $to: DateTime!) { markets(limit: 10) { ticker candles(interval: ONE_HOUR, from: $from, to: $to) { start origin } } }`,
      { from: new Date(hour).toISOString(), to: new Date(hour + 3 * 3_600_000).toISOString() },
    );
    expect(Object.fromEntries(markets.map((m) => [m.ticker, m.candles]))).toEqual({
      [A]: [{ start: new Date(hour).toISOString(), origin: 'EXCHANGE' }],
      [B]: [],
      [C]: [{ start: new Date(hour + 3_600_000).toISOString(), origin: 'EXCHANGE' }],
    });
    expect(candleCalls()).toBe(before + 1);
    const request = fake.requests.filter((r) => r.route === 'candlesticks').at(-1)!;
    expect(request.query.market_tickers!.split(',').sort()).toEqual([A, B, C]);
    expect(request.query.period_interval).toBe('60');
  });

  it('a gap on the trade sid counts the lost trades and drops no book', async () => {
    const snapshotsAsked = (): number => fake.commands.filter((c) => c.cmd === 'update_subscription' && c.params.action === 'get_snapshot').length;
    const before = snapshotsAsked();
    expect(await metric(service.url, 'northstar_kalshi_trades_lost_total')).toBe(0);
    expect(
      fake.pushTrade(
        { trade_id: 'after-gap', market_ticker: A, yes_price_dollars: '0.4400', count_fp: '1.00', taker_outcome_side: 'yes', ts_ms: Date.now() },
        { skipSeq: 2 },
      ),
    ).toBe(1);
    // The trade after the gap still arrives; the two before it are counted as lost.
    await until('the trade after the gap', 5000, async () => {
      const answer = await data<{ trades: Array<{ id: string }> }>(service.url, `{ trades(ticker: "${A}", limit: 1) { id } }`);
      return answer.trades[0]?.id === 'after-gap' ? true : null;
    });
    expect(await metric(service.url, 'northstar_kalshi_trades_lost_total')).toBe(2);
    expect(snapshotsAsked()).toBe(before);
    const book = await data<{ orderBook: { bids: Array<{ price: number }>; quality: { cacheTier: string } } }>(
      service.url,
      `{ orderBook(ticker: "${A}") { bids { price } quality { cacheTier } } }`,
    );
    expect(book.orderBook.bids[0]?.price).toBe(0.45);
    expect(book.orderBook.quality.cacheTier).toBe('LIVE');
  });

  it('bad input is a coded BAD_USER_INPUT', async () => {
    const at = (ms: number): string => new Date(ms).toISOString();
    const cases: Array<[Record<string, unknown>, RegExp]> = [
      [{ ticker: A, interval: 'ONE_MINUTE', from: at(past), to: at(past) }, /from must be before to/],
      [{ ticker: A, interval: 'ONE_MINUTE', from: at(past - 30 * 86_400_000), to: at(past) }, /at most 10000 candles/],
      [{ ticker: 'NO-SUCH-MARKET', interval: 'ONE_HOUR', from: at(past), to: at(past + MIN) }, /unknown ticker/],
    ];
    for (const [variables, message] of cases) {
      const answer = await gql(service.url, CANDLES, variables);
      expect(answer.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
      expect(answer.errors?.[0]?.message).toMatch(message);
    }
    const badLimit = await gql(service.url, `{ trades(ticker: "${A}", limit: 5000) { id } }`);
    expect(badLimit.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    const badInterval = await gql(service.url, `{ candles(ticker: "${A}", interval: TWO_MINUTES, from: "${at(past)}", to: "${at(past + MIN)}") { start } }`);
    expect(badInterval.errors?.[0]?.extensions?.code).toBeDefined();
  });
});
