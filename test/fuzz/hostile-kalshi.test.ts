/**
 * Hostile Kalshi payloads against the whole service: the fake exchange (documented protocol only)
 * serves a good listing and book, then REST /markets answers and WebSocket order-book frames of
 * the wrong types, with fields missing, with absurd numbers (NaN, 1e308, negative prices, a binary
 * contract above 1 dollar), 10 MB bodies and JSON nested 100,000 levels deep. Each is rejected as
 * bad data (logged, counted on northstar_upstream_malformed_payloads_total) and a client still gets
 * the last good value.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { captureLogs, type LogLine } from '../support/log-capture.js';
import { fakeMarket, startOneMarketExchange, type FakeKalshi } from '../support/fake-kalshi.js';
import { startService, type RunningService } from '../support/service.js';
import { until } from '../support/until.js';
import { graphql, isDataErrorLine, malformedCount } from './upstream-probe.js';

const TICKER = 'KXHOSTILE-26';
const DEEP = 100_000;

let fake: FakeKalshi;
let service: RunningService;
let logs: LogLine[];

interface Served {
  market: { prices: { bid: number | null; ask: number | null } } | null;
  orderBook: { bids: Array<{ price: number; size: number }> } | null;
}

const SERVED = 'query ($t: String!) { market(ticker: $t) { prices { bid ask } } orderBook(ticker: $t) { bids { price size } } }';

async function served(): Promise<Served> {
  return graphql<Served>(service.url, SERVED, { t: TICKER });
}

/** The good values the fake served first: every hostile payload must leave them as they are. */
const GOOD: Served = {
  market: { prices: { bid: 0.41, ask: 0.45 } },
  orderBook: {
    bids: [
      { price: 0.41, size: 12 },
      { price: 0.4, size: 5 },
    ],
  },
};

beforeAll(async () => {
  fake = await startOneMarketExchange(TICKER);
  const capture = captureLogs('info');
  logs = capture.lines;
  service = await startService({ ...fake.env(), KALSHI_TRACK_TOP_N: '1', KALSHI_POLL_INTERVAL_MS: '100' }, { logger: capture.logger });
  await fake.waitForSubscribed(TICKER);
  await until('the good values served', 10_000, async () => {
    const now = await served();
    return JSON.stringify(now) === JSON.stringify(GOOD) ? now : null;
  });
}, 30_000);

afterAll(async () => {
  await service?.stop();
  await fake?.close();
});

/** A listing page holding one market, the good one with `fields` changed (an accepted page would change the prices served). */
function listing(fields: Record<string, unknown>): Record<string, unknown> {
  return {
    markets: [fakeMarket(TICKER, { yes_bid_dollars: '0.3000', yes_ask_dollars: '0.3200', no_bid_dollars: '0.6800', no_ask_dollars: '0.7000', ...fields })],
    cursor: '',
  };
}

/** Serves `rawBody` on /markets until the service logged a data error and counted it; then the good listing again. */
async function serveHostileListing(rawBody: string): Promise<void> {
  const before = await malformedCount(service.url, 'kalshi');
  const logsBefore = logs.length;
  const clear = fake.override('markets', { rawBody });
  try {
    await until('a data error logged and counted for the hostile listing', 10_000, async () =>
      logs.slice(logsBefore).some(isDataErrorLine) && (await malformedCount(service.url, 'kalshi')) > before ? true : null,
    );
    // Still the last good values while the hostile listing is being served.
    expect(await served()).toEqual(GOOD);
  } finally {
    clear();
    // Bad answers in a row open Kalshi's breaker; the next case needs its polls to reach the fake.
    await graphql(service.url, 'mutation { resetBreaker(source: KALSHI) { breaker } }');
  }
}

describe('hostile Kalshi REST /markets answers', () => {
  test.each<[string, string]>([
    ['markets is not a list', JSON.stringify({ markets: 'all of them', cursor: '' })],
    ['a market of the wrong type', JSON.stringify({ markets: [42], cursor: '' })],
    ['a ticker that is a number', JSON.stringify(listing({ ticker: 5 }))],
    ['a price that is a number, not a dollar string', JSON.stringify(listing({ yes_bid_dollars: 0.3 }))],
    ['the status missing', JSON.stringify(listing({ status: undefined }))],
    ['a price of NaN', JSON.stringify(listing({ yes_bid_dollars: 'NaN' }))],
    ['a price of 1e308', JSON.stringify(listing({ yes_bid_dollars: '1e308' }))],
    ['a negative price', JSON.stringify(listing({ yes_bid_dollars: '-0.3000' }))],
    ['a binary contract above 1 dollar', JSON.stringify(listing({ yes_ask_dollars: '1.5000' }))],
    ['a volume of Infinity', JSON.stringify(listing({ volume_fp: 'Infinity' }))],
    ['a body that is not JSON', '<html>502 Bad Gateway</html>'],
    ['a body cut short', JSON.stringify(listing({})).slice(0, 100)],
    ['a list nested 100,000 levels deep', `{"markets": ${'['.repeat(DEEP)}${']'.repeat(DEEP)}, "cursor": ""}`],
    [
      'a price nested 100,000 levels deep',
      JSON.stringify(listing({ yes_bid_dollars: '@DEEP@' })).replace('"@DEEP@"', `${'{"a":'.repeat(DEEP)}1${'}'.repeat(DEEP)}`),
    ],
    ['an extra field nested 100,000 levels deep', JSON.stringify(listing({ extra: '@DEEP@' })).replace('"@DEEP@"', `${'['.repeat(DEEP)}${']'.repeat(DEEP)}`)],
    ['a 10 MB body', JSON.stringify({ ...listing({}), padding: 'x'.repeat(10 * 1024 * 1024) })],
  ])('%s: rejected as bad data, the last good value still served', async (_case, rawBody) => {
    await serveHostileListing(rawBody);
  });
});

describe('hostile Kalshi WebSocket order-book frames', () => {
  /** Sends the frame text on the feed until a data error is logged and counted, then checks the book. */
  async function sendHostileFrame(frame: (sid: number, seq: number) => string): Promise<void> {
    const sub = await fake.waitForSubscribed(TICKER);
    const before = await malformedCount(service.url, 'kalshi');
    const logsBefore = logs.length;
    fake.sendRawText(frame(sub.sid, sub.seq + 1));
    await until('a data error logged and counted for the hostile frame', 10_000, async () =>
      logs.slice(logsBefore).some(isDataErrorLine) && (await malformedCount(service.url, 'kalshi')) > before ? true : null,
    );
    // A rejected order-book frame makes the service ask for a fresh snapshot: the same good book.
    await until('the good book served again', 10_000, async () => {
      const now = await served();
      return JSON.stringify(now) === JSON.stringify(GOOD) ? now : null;
    });
  }

  const delta = (sid: number, seq: number, msg: Record<string, unknown>): string =>
    JSON.stringify({
      type: 'orderbook_delta',
      sid,
      seq,
      msg: { market_ticker: TICKER, price_dollars: '0.4100', delta_fp: '10.00', side: 'yes', ts_ms: Date.now(), ...msg },
    });

  test.each<[string, (sid: number, seq: number) => string]>([
    ['a delta at a price above 1 dollar', (sid, seq) => delta(sid, seq, { price_dollars: '1.5000' })],
    ['a delta at a negative price', (sid, seq) => delta(sid, seq, { price_dollars: '-0.4100' })],
    ['a delta of NaN contracts', (sid, seq) => delta(sid, seq, { delta_fp: 'NaN' })],
    ['a delta of 1e308 contracts', (sid, seq) => delta(sid, seq, { delta_fp: '1e308' })],
    ['a delta on no side', (sid, seq) => delta(sid, seq, { side: 'maybe' })],
    ['a delta whose price is a number', (sid, seq) => delta(sid, seq, { price_dollars: 0.41 })],
    ['a delta without its msg', (sid, seq) => JSON.stringify({ type: 'orderbook_delta', sid, seq })],
    [
      'a snapshot with a level that is not a pair',
      (sid, seq) => JSON.stringify({ type: 'orderbook_snapshot', sid, seq, msg: { market_ticker: TICKER, yes_dollars_fp: [['0.4100']] } }),
    ],
    [
      'a frame nested 100,000 levels deep',
      (sid, seq) => `{"type": "orderbook_delta", "sid": ${sid}, "seq": ${seq}, "msg": ${'{"a":'.repeat(DEEP)}1${'}'.repeat(DEEP)}}`,
    ],
    ['a frame that is not JSON', () => 'orderbook_delta\u0000'.repeat(10)],
    ['a 10 MB frame', (sid, seq) => delta(sid, seq, { side: 'x'.repeat(10 * 1024 * 1024) })],
  ])('%s: rejected as bad data, the last good book still served', async (_case, frame) => {
    await sendHostileFrame(frame);
  });

  test('the service is still up and the feed still live', async () => {
    expect(await served()).toEqual(GOOD);
    fake.pushDelta(TICKER, 'yes', '0.4100', '1.00');
    await until('the good delta applied', 10_000, async () => ((await served()).orderBook?.bids[0]?.size === 13 ? true : null));
  });
});
