/**
 * A gap on the trade channel's sequence, through the whole service against the documented-protocol
 * fake Kalshi: the trades the WebSocket skipped are read back from GET /markets/trades over the
 * gap's time span (min_ts / max_ts, every market), so `trades` and the RECORDED candle over them
 * have them, and a trade the feed already delivered is not stored twice (compared by trade id).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fakeMarket, startFakeKalshi, type FakeKalshi, type FakeTrade } from '../support/fake-kalshi.js';
import { startService, type RunningService } from '../support/service.js';
import { until } from '../support/until.js';

const A = 'FAKE-GAP-A';
const B = 'FAKE-GAP-B';

async function data<T>(url: string, query: string, variables: Record<string, unknown> = {}): Promise<T> {
  const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query, variables }) });
  const answer = (await response.json()) as { data?: T; errors?: unknown[] };
  if (answer.errors) throw new Error(`GraphQL errors: ${JSON.stringify(answer.errors)}`);
  return answer.data as T;
}

/** A trade as GET /markets/trades documents it. */
function restTrade(id: string, ticker: string, atMs: number, yesCents: number, count: string): FakeTrade {
  return {
    trade_id: id,
    ticker,
    count_fp: count,
    yes_price_dollars: (yesCents / 100).toFixed(4),
    no_price_dollars: ((100 - yesCents) / 100).toFixed(4),
    taker_outcome_side: 'yes',
    created_time: new Date(atMs).toISOString(),
  };
}

describe('a trade-channel gap is read back over REST', () => {
  let fake: FakeKalshi;
  let service: RunningService;

  beforeAll(async () => {
    fake = await startFakeKalshi({ markets: [fakeMarket(A, { volume_24h_fp: '300.00' }), fakeMarket(B, { volume_24h_fp: '200.00' })] });
    fake.setBook(A, { yes: [['0.4500', '10.00']], no: [['0.5300', '4.00']] });
    service = await startService({ ...fake.env(), KALSHI_TRACK_TOP_N: '1' });
    await fake.waitFor(
      () => fake.subscriptions().find((sub) => sub.channel === 'trade' && sub.tickers.size === 0),
      5000,
      'a trade subscription for every market',
    );
  });
  afterAll(async () => {
    await service?.stop();
    await fake?.close();
  });

  it('the skipped trades show up in trades and in the candle, each once', async () => {
    // Whole seconds apart (Kalshi's min_ts / max_ts are seconds), all in the past (`trades` answers no future).
    const t0 = Math.floor(Date.now() / 1000) * 1000 - 5000;
    const before = { trade_id: 'gap-before', market_ticker: A, yes_price_dollars: '0.4500', count_fp: '1.00', taker_outcome_side: 'yes' as const, ts_ms: t0 };
    expect(fake.pushTrade(before)).toBe(1);
    await until('the trade before the gap is stored', 5000, async () => {
      const answer = await data<{ trades: Array<{ id: string }> }>(service.url, `{ trades(ticker: "${A}", limit: 1) { id } }`);
      return answer.trades[0]?.id === 'gap-before' ? true : null;
    });
    // What the exchange lists over REST: the trade the feed delivered, the two it skipped (one on
    // another market) and the one after the gap.
    fake.setTrades([
      restTrade('gap-before', A, t0, 45, '1.00'),
      restTrade('gap-lost-1', A, t0 + 2000, 52, '3.00'),
      restTrade('gap-lost-2', B, t0 + 3000, 61, '2.00'),
      restTrade('gap-after', A, t0 + 4000, 47, '1.50'),
    ]);
    const after = {
      trade_id: 'gap-after',
      market_ticker: A,
      yes_price_dollars: '0.4700',
      count_fp: '1.50',
      taker_outcome_side: 'yes' as const,
      ts_ms: t0 + 4000,
    };
    expect(fake.pushTrade(after, { skipSeq: 2 })).toBe(1);

    const ids = await until('the skipped trade of A in trades', 5000, async () => {
      const answer = await data<{ trades: Array<{ id: string }> }>(service.url, `{ trades(ticker: "${A}", limit: 10) { id } }`);
      const list = answer.trades.map((t) => t.id);
      return list.includes('gap-lost-1') ? list : null;
    });
    expect(ids).toEqual(['gap-after', 'gap-lost-1', 'gap-before']);
    const onB = await data<{ trades: Array<{ id: string; price: number; count: number }> }>(
      service.url,
      `{ trades(ticker: "${B}", limit: 10) { id price count } }`,
    );
    expect(onB.trades).toContainEqual({ id: 'gap-lost-2', price: 0.61, count: 2 });

    // One read of the gap's span, for every market (no ticker), in whole seconds.
    const readBack = fake.requests.filter((r) => r.route === 'trades' && r.query.min_ts !== undefined);
    expect(readBack).toHaveLength(1);
    expect(readBack[0]!.query).toMatchObject({ min_ts: String(t0 / 1000), max_ts: String((t0 + 4000) / 1000) });
    expect(readBack[0]!.query.ticker).toBeUndefined();

    // The minute candle over them has the skipped trade's price and volume.
    const minute = Math.floor(t0 / 60_000) * 60_000;
    const candles = await data<{ candles: Array<{ start: string; origin: string; volume: number; price: { high: number | null } }> }>(
      service.url,
      `query ($from: DateTime!, $to: DateTime!) { candles(ticker: "${A}", interval: ONE_MINUTE, from: $from, to: $to) { start origin volume price { high } } }`,
      { from: new Date(minute).toISOString(), to: new Date(Math.floor((t0 + 2000) / 60_000) * 60_000 + 60_000).toISOString() },
    );
    const holding = candles.candles.find((c) => Date.parse(c.start) <= t0 + 2000 && t0 + 2000 < Date.parse(c.start) + 60_000)!;
    expect(holding.origin).toBe('RECORDED');
    expect(holding.price.high).toBe(0.52);
  });
});
