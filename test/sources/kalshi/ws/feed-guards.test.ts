/**
 * No frame can crash the process through the feed. Against a WebSocket server speaking Kalshi's
 * documented protocol (test/support/fake-kalshi.ts, written from the reference, not from our
 * simulator): a callback that throws (onBook, onTicker, onResync), a frame whose processing throws
 * (a bug in the book code), and a frame whose time would throw where it is used are each logged
 * and counted; the connection is kept and the next frames are processed.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ManualClock } from '../../../../src/core/clock.js';
import type { OrderBookRecord } from '../../../../src/core/domain.js';
import { KalshiOrderBook } from '../../../../src/sources/kalshi/ws/order-book.js';
import { KalshiWsFeed, type KalshiWsFeedOptions } from '../../../../src/sources/kalshi/ws/feed.js';
import { fakeMarket, startFakeKalshi, type FakeKalshi } from '../../../support/fake-kalshi.js';
import { captureLogs, LEVEL, type LogLine } from '../../../support/log-capture.js';

const TICKER = 'FAKE-26-A';
const BOOK = {
  yes: [
    ['0.4000', '5.00'],
    ['0.4100', '12.00'],
  ],
  no: [['0.5500', '3.00']],
} as const;

interface Harness {
  fake: FakeKalshi;
  feed: KalshiWsFeed;
  lines: LogLine[];
  books: OrderBookRecord[];
  /** The orderbook_delta sid the fake holds the market on. */
  sid: number;
}

const harnesses: Harness[] = [];
afterEach(async () => {
  vi.restoreAllMocks();
  for (const { feed, fake } of harnesses.splice(0)) {
    await feed.stop();
    await fake.close();
  }
});

async function setup(options: Partial<KalshiWsFeedOptions> = {}): Promise<Harness> {
  const fake = await startFakeKalshi({ markets: [fakeMarket(TICKER)] });
  fake.setBook(TICKER, { yes: BOOK.yes, no: BOOK.no });
  const { logger, lines } = captureLogs();
  const books: OrderBookRecord[] = [];
  const feed = new KalshiWsFeed({
    url: fake.wsUrl,
    // The feed's timers (watchdog, reconnects) stay still: only frames move it.
    clock: new ManualClock(),
    logger,
    tickers: [TICKER],
    random: () => 0.5,
    onBook: (book) => books.push(book),
    ...options,
  });
  feed.start();
  const sub = await fake.waitForSubscribed(TICKER);
  await vi.waitFor(() => expect(feed.book(TICKER)).toBeDefined());
  const harness = { fake, feed, lines, books, sid: sub.sid };
  harnesses.push(harness);
  return harness;
}

/** The connection is the first one, still open, and a new delta still reaches the book. */
async function stillProcessing({ fake, feed }: Harness, price = '0.4200'): Promise<void> {
  expect(feed.state).toBe('open');
  expect(fake.openConnections).toBe(1);
  expect(feed.stats().connects).toBe(1);
  fake.pushDelta(TICKER, 'yes', price, '1.00');
  await vi.waitFor(() => expect(feed.book(TICKER)?.bids[0]).toEqual({ price: Number(price), size: 1 }));
}

describe('the Kalshi feed survives what would have thrown out of its socket handlers', () => {
  it('an onBook callback that throws: logged and counted, the book kept current, the next frames processed', async () => {
    const h = await setup({
      onBook: () => {
        throw new Error('consumer bug');
      },
    });
    expect(h.feed.stats().callbackErrors).toBeGreaterThanOrEqual(1);
    expect(h.lines.find((l) => l.callback === 'onBook')).toMatchObject({ level: LEVEL.error, err: { message: 'consumer bug' } });
    expect(h.feed.book(TICKER)!.bids[0]).toEqual({ price: 0.41, size: 12 });
    await stillProcessing(h);
    expect(h.feed.stats().callbackErrors).toBeGreaterThanOrEqual(2);
  });

  it('an onTicker callback that throws: logged and counted, the next frames processed', async () => {
    const onTicker = vi.fn(() => {
      throw new Error('ticker consumer bug');
    });
    const h = await setup({ onTicker });
    await h.fake.waitForSubscribed(TICKER, 'ticker');
    expect(h.fake.pushTicker(TICKER, { price_dollars: '0.4300' })).toBe(1);
    await vi.waitFor(() => expect(h.feed.stats().callbackErrors).toBe(1));
    expect(onTicker).toHaveBeenCalledTimes(1);
    expect(h.lines.find((l) => l.callback === 'onTicker')).toMatchObject({ level: LEVEL.error, err: { message: 'ticker consumer bug' } });
    await stillProcessing(h);
  });

  it('a sequence gap whose onResync callback throws: the resync still happens and the book comes back', async () => {
    const onResync = vi.fn(() => {
      throw new Error('resync consumer bug');
    });
    const h = await setup({ onResync });
    const seq = h.fake.subscriptions().find((s) => s.sid === h.sid)!.seq;
    // A delta that skips four sequence numbers: the book is wrong now and must be re-requested.
    h.fake.sendRaw({
      type: 'orderbook_delta',
      sid: h.sid,
      seq: seq + 5,
      msg: { market_ticker: TICKER, market_id: 'm', price_dollars: '0.3000', delta_fp: '1.00', side: 'yes', ts_ms: Date.now() },
    });
    await h.fake.waitFor(() => h.fake.commands.find((c) => c.cmd === 'update_subscription' && c.params.action === 'get_snapshot'), 5000, 'a get_snapshot');
    expect(onResync).toHaveBeenCalledWith(TICKER);
    expect(h.feed.stats()).toMatchObject({ seqGaps: 1, resyncs: 1, callbackErrors: 1 });
    // The snapshot it asked for rebuilt the book.
    await vi.waitFor(() =>
      expect(h.feed.book(TICKER)?.bids).toEqual([
        { price: 0.41, size: 12 },
        { price: 0.4, size: 5 },
      ]),
    );
    await stillProcessing(h);
  });

  it('a frame whose processing throws (a bug in the book code): logged and counted, its book resynced, the connection kept', async () => {
    const h = await setup();
    vi.spyOn(KalshiOrderBook.prototype, 'applyDeltaMsg').mockImplementationOnce(() => {
      throw new TypeError('a bug in applyDeltaMsg');
    });
    const snapshotsAsked = (): number => h.fake.commands.filter((c) => c.cmd === 'update_subscription' && c.params.action === 'get_snapshot').length;
    h.fake.pushDelta(TICKER, 'yes', '0.3900', '2.00');
    await vi.waitFor(() => expect(h.feed.stats().frameErrors).toBe(1));
    expect(h.lines.find((l) => l.msg.includes('processing a frame failed'))).toMatchObject({
      level: LEVEL.error,
      type: 'orderbook_delta',
      err: { message: 'a bug in applyDeltaMsg' },
    });
    // Its book was in doubt: dropped and asked for again, and back with the exchange's levels.
    await h.fake.waitFor(() => snapshotsAsked() === 1, 5000, 'a get_snapshot');
    await vi.waitFor(() =>
      expect(h.feed.book(TICKER)?.bids).toEqual([
        { price: 0.41, size: 12 },
        { price: 0.4, size: 5 },
        { price: 0.39, size: 2 },
      ]),
    );
    await stillProcessing(h);
  });

  it('a delta whose ts_ms no Date can hold is malformed (it threw where the record was built): skipped, counted, resynced', async () => {
    const h = await setup();
    const seq = h.fake.subscriptions().find((s) => s.sid === h.sid)!.seq;
    h.fake.sendRaw({
      type: 'orderbook_delta',
      sid: h.sid,
      seq: seq + 1,
      msg: { market_ticker: TICKER, market_id: 'm', price_dollars: '0.3000', delta_fp: '1.00', side: 'yes', ts_ms: 1e20 },
    });
    await vi.waitFor(() => expect(h.feed.stats().malformed).toBe(1));
    expect(h.feed.stats()).toMatchObject({ frameErrors: 0, callbackErrors: 0 });
    await h.fake.waitFor(() => h.fake.commands.find((c) => c.cmd === 'update_subscription' && c.params.action === 'get_snapshot'), 5000, 'a get_snapshot');
    await vi.waitFor(() => expect(h.feed.book(TICKER)).toBeDefined());
    // Every book published is one a Date can show.
    for (const book of h.books) expect(() => new Date(book.provenance.originAt).toISOString()).not.toThrow();
    await stillProcessing(h);
  });
});
