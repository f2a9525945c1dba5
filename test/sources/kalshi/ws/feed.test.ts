import { generateKeyPairSync } from 'node:crypto';
import { afterEach, describe, expect, test, vi } from 'vitest';
import { ManualClock } from '../../../../src/core/clock.js';
import type { OrderBookRecord } from '../../../../src/core/domain.js';
import { silentLogger } from '../../../../src/core/logger.js';
import { startKalshiWsSimulator, type KalshiWsSimulator, type KalshiWsSimulatorOptions } from '../../../../src/simulators/kalshi/ws-server.js';
import { KalshiWsFeed, type KalshiWsFeedOptions, type KalshiWsFeedState } from '../../../../src/sources/kalshi/ws/feed.js';
import type { TickerMsg, TradeMsg } from '../../../../src/sources/kalshi/ws/protocol.js';
import { activeTickers, expectBooksEqualModel, run, START } from './helpers.js';

interface Harness {
  clock: ManualClock;
  sim: KalshiWsSimulator;
  feed: KalshiWsFeed;
  events: {
    books: OrderBookRecord[];
    tickers: TickerMsg[];
    trades: TradeMsg[];
    states: { state: KalshiWsFeedState; detail: string | undefined }[];
    resyncs: string[];
    malformed: string[];
  };
}

const harnesses: Harness[] = [];

async function setup(
  options: {
    sim?: KalshiWsSimulatorOptions;
    feed?: Partial<KalshiWsFeedOptions>;
    /** The first `count` active markets (default 6), unless `tickers` says otherwise. */
    count?: number;
    /** Call feed.start() (default true). */
    start?: boolean;
    tickers?: (sim: KalshiWsSimulator) => KalshiWsFeedOptions['tickers'];
  } = {},
): Promise<Harness> {
  const clock = new ManualClock(START);
  const sim = await startKalshiWsSimulator({ clock, seed: 42, ...options.sim });
  const events: Harness['events'] = { books: [], tickers: [], trades: [], states: [], resyncs: [], malformed: [] };
  const feed = new KalshiWsFeed({
    url: sim.url,
    clock,
    logger: silentLogger,
    tickers: options.tickers ? options.tickers(sim) : activeTickers(sim.model, options.count ?? 6),
    // The middle of the jitter window: the first reconnect comes 1.5 s after a loss.
    random: () => 0.5,
    onBook: (record) => events.books.push(record),
    onTicker: (msg) => events.tickers.push(msg),
    onTrade: (msg) => events.trades.push(msg),
    onStateChange: (state, detail) => events.states.push({ state, detail }),
    onResync: (ticker) => events.resyncs.push(ticker),
    onMalformed: (text) => events.malformed.push(text),
    ...options.feed,
  });
  const harness = { clock, sim, feed, events };
  harnesses.push(harness);
  if (options.start ?? true) feed.start();
  return harness;
}

afterEach(async () => {
  for (const { feed, sim } of harnesses.splice(0)) {
    await feed.stop();
    await sim.close();
  }
});

const waitFor = (assertion: () => void): Promise<void> => vi.waitFor(assertion, { timeout: 5000, interval: 10 });

/** Waits (clock still) until every tracked book equals the model's, exactly. */
function booksMatch({ feed, sim }: Harness, tickers: readonly string[]): Promise<void> {
  return waitFor(() => {
    expect(
      feed
        .books()
        .map((b) => b.ticker)
        .sort(),
    ).toEqual([...tickers].sort());
    expectBooksEqualModel((ticker) => feed.book(ticker), sim.model, tickers);
  });
}

async function whenOpen(h: Harness): Promise<void> {
  await waitFor(() => expect(h.feed.state).toBe('open'));
}

describe('KalshiWsFeed against the simulator', () => {
  test('one connection, one subscription per channel; local books equal the model after running a while', async () => {
    const h = await setup();
    const tickers = activeTickers(h.sim.model, 6);
    await whenOpen(h);
    await booksMatch(h, tickers);
    expect(h.sim.subscriptions()).toEqual([
      [
        { channel: 'orderbook_delta', sid: 1, market_tickers: tickers },
        { channel: 'ticker', sid: 2, market_tickers: tickers },
        // Trades of every market, on a sid of their own.
        { channel: 'trade', sid: 3 },
      ],
    ]);

    await run(h.clock, 60_000);
    await booksMatch(h, tickers);
    const stats = h.feed.stats();
    expect(stats).toMatchObject({ connects: 1, seqGaps: 0, resyncs: 0, malformed: 0, heartbeatTimeouts: 0, tradesLost: 0 });
    expect(h.sim.connections()).toBe(1);
    // Deltas were applied (books moved) and published with their seq; tickers and trades flowed.
    expect(h.events.books.length).toBeGreaterThan(tickers.length * 3);
    const seqs = h.events.books.map((b) => b.seq!);
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    expect(h.events.tickers.length).toBeGreaterThan(0);
    expect(h.events.trades.length).toBeGreaterThan(0);
    // The trade channel covers every market, the untracked ones included.
    expect(h.events.trades.every((t) => h.sim.model.getState(t.market_ticker) !== undefined)).toBe(true);
    expect(h.events.trades.some((t) => !tickers.includes(t.market_ticker))).toBe(true);
    // Best bid / ask of the record are the model's quote.
    for (const ticker of tickers) {
      const market = h.sim.model.getMarket(ticker)!;
      const record = h.feed.book(ticker)!;
      if (record.bids[0]) expect(record.bids[0].price.toFixed(4)).toBe(market.yes_bid_dollars);
      if (record.asks[0]) expect(record.asks[0].price.toFixed(4)).toBe(market.yes_ask_dollars);
    }
  });

  test('a seq gap drops the books, counts the resync, asks for snapshots, and ends equal to the model', async () => {
    const h = await setup();
    const tickers = activeTickers(h.sim.model, 6);
    await whenOpen(h);
    await booksMatch(h, tickers);

    h.sim.injectFault({ kind: 'seq-gap' });
    await run(h.clock, 2000);
    await waitFor(() => expect(h.feed.stats().seqGaps).toBe(1));
    await booksMatch(h, tickers);
    // One gap on the order-book sid: each of its books was dropped and re-snapshotted once.
    expect(h.feed.stats().resyncs).toBe(tickers.length);
    expect([...h.events.resyncs].sort()).toEqual([...tickers].sort());
    await run(h.clock, 5000);
    await booksMatch(h, tickers);
    expect(h.feed.stats()).toMatchObject({ seqGaps: 1, connects: 1 });
  });

  test('drop → reconnect after the jittered backoff (ManualClock), resubscribe with the current tickers, books equal again', async () => {
    let wanted: string[] = [];
    const h = await setup({ tickers: (sim) => () => (wanted.length > 0 ? wanted : (wanted = activeTickers(sim.model, 4))) });
    const first = [...wanted];
    await whenOpen(h);
    await booksMatch(h, first);

    // The tickers function is asked again on reconnect.
    wanted = activeTickers(h.sim.model, 7).slice(2);
    h.sim.injectFault({ kind: 'drop' });
    await waitFor(() => expect(h.feed.state).toBe('closed'));
    expect(h.feed.books()).toEqual([]);
    // random() = 0.5: the reconnect is due 1.5 s after the loss, not before.
    await h.clock.advance(1499);
    expect(h.events.states.filter((s) => s.state === 'connecting')).toHaveLength(1);
    await h.clock.advance(1);
    expect(h.events.states.filter((s) => s.state === 'connecting')).toHaveLength(2);
    await whenOpen(h);
    await run(h.clock, 3000);
    await booksMatch(h, wanted);
    expect(h.feed.stats().connects).toBe(2);
    expect(h.sim.connections()).toBe(1);
  });

  test('silence → the heartbeat watchdog fires after heartbeatTimeoutMs, terminates and reconnects', async () => {
    const h = await setup({ count: 5, feed: { heartbeatTimeoutMs: 35_000 } });
    const tickers = activeTickers(h.sim.model, 5);
    await whenOpen(h);
    await booksMatch(h, tickers);

    h.sim.injectFault({ kind: 'silence' });
    let waited = 0;
    while (h.feed.stats().heartbeatTimeouts === 0 && waited < 40_000) {
      await h.clock.advance(1000);
      waited += 1000;
    }
    expect(h.feed.stats().heartbeatTimeouts).toBe(1);
    // The last frame came just before the silence: the watchdog fired 35–36 s later.
    expect(waited).toBeGreaterThanOrEqual(35_000);
    expect(waited).toBeLessThanOrEqual(37_000);
    await waitFor(() => expect(h.feed.state).toBe('closed'));
    expect(h.events.states.at(-1)?.detail).toMatch(/no frame or ping/);
    await h.clock.advance(3000);
    await whenOpen(h);
    await run(h.clock, 2000);
    await booksMatch(h, tickers);
    expect(h.feed.stats().connects).toBe(2);
  });

  test('pings alone keep a quiet connection alive', async () => {
    // Trades and book moves stopped: only the server's pings arrive.
    const h = await setup({ sim: { stepIntervalMs: 0, pingIntervalMs: 10_000 }, feed: { heartbeatTimeoutMs: 35_000 } });
    await whenOpen(h);
    for (let i = 1; i <= 12; i++) {
      await h.clock.advance(10_000);
      await waitFor(() => expect(h.feed.stats().pings).toBe(i));
    }
    expect(h.feed.stats().heartbeatTimeouts).toBe(0);
    expect(h.feed.stats().connects).toBe(1);
  });

  test('error code 25 ends the order-book subscription: the feed subscribes that channel again', async () => {
    const h = await setup({ count: 5 });
    const tickers = activeTickers(h.sim.model, 5);
    await whenOpen(h);
    await booksMatch(h, tickers);

    h.sim.injectFault({ kind: 'error-code', code: 25 });
    await waitFor(() => expect(h.feed.stats().resubscribes).toBe(1));
    await booksMatch(h, tickers);
    expect(h.sim.subscriptions()[0]!.map((s) => [s.channel, s.sid])).toEqual([
      ['ticker', 2],
      ['trade', 3],
      ['orderbook_delta', 4],
    ]);
    await run(h.clock, 3000);
    await booksMatch(h, tickers);
    expect(h.feed.stats().connects).toBe(1);
  });

  test("error code 10 named only by the subscribe command id: that command's subscriptions are renewed, without duplicates", async () => {
    const h = await setup({ count: 4 });
    const tickers = activeTickers(h.sim.model, 4);
    await whenOpen(h);
    await booksMatch(h, tickers);

    h.sim.injectFault({ kind: 'error-code', code: 10, namedBy: 'id' });
    // The order-book subscribe command also created the ticker sid; the trade sid is another command's.
    await waitFor(() => expect(h.feed.stats().resubscribes).toBe(2));
    await waitFor(() =>
      expect(h.sim.subscriptions()[0]!.map((s) => [s.channel, s.sid])).toEqual([
        ['trade', 3],
        ['orderbook_delta', 4],
        ['ticker', 5],
      ]),
    );
    await run(h.clock, 2000);
    await booksMatch(h, tickers);
  });

  test('setTickers adds and deletes markets on the open subscriptions', async () => {
    const h = await setup({ tickers: (sim) => activeTickers(sim.model, 3) });
    const all = activeTickers(h.sim.model, 6);
    await whenOpen(h);
    await booksMatch(h, all.slice(0, 3));

    const next = all.slice(1, 6);
    h.feed.setTickers(next);
    await booksMatch(h, next);
    await waitFor(() => {
      for (const sub of h.sim.subscriptions()[0]!) {
        // The trade sid covers every market and is never narrowed.
        if (sub.channel === 'trade') expect(sub.market_tickers).toBeUndefined();
        else expect([...sub.market_tickers!].sort()).toEqual([...next].sort());
      }
    });
    expect(h.sim.subscriptions()[0]!.map((s) => s.sid)).toEqual([1, 2, 3]);
    await run(h.clock, 3000);
    await booksMatch(h, next);
    expect(h.feed.book(all[0]!)).toBeUndefined();
  });

  test('a malformed frame is counted, reported and ignored', async () => {
    const h = await setup({ count: 4 });
    const tickers = activeTickers(h.sim.model, 4);
    await whenOpen(h);
    await booksMatch(h, tickers);
    h.sim.injectFault({ kind: 'malformed' });
    await waitFor(() => expect(h.feed.stats().malformed).toBe(1));
    expect(h.events.malformed[0]).toContain('this is not json');
    expect(h.feed.state).toBe('open');
    await run(h.clock, 2000);
    await booksMatch(h, tickers);
    expect(h.feed.stats()).toMatchObject({ resyncs: 0, seqGaps: 0, connects: 1 });
  });

  test('a delta that cannot be applied is counted as malformed and resyncs its market only', async () => {
    const h = await setup({ count: 4 });
    const tickers = activeTickers(h.sim.model, 4);
    await whenOpen(h);
    await booksMatch(h, tickers);
    h.sim.injectFault({ kind: 'malformed', sequenced: true });
    await waitFor(() => expect(h.feed.stats()).toMatchObject({ malformed: 1, resyncs: 1 }));
    expect(h.events.resyncs).toEqual([tickers[0]]);
    await booksMatch(h, tickers);
    await run(h.clock, 2000);
    await booksMatch(h, tickers);
    // Its seq was consumed, so the stream continues without a gap.
    expect(h.feed.stats()).toMatchObject({ seqGaps: 0, connects: 1 });
  });

  test('a subscribe refused (unknown market) is retried later with the then-current tickers', async () => {
    let wanted = ['NO-SUCH-MARKET'];
    const h = await setup({ tickers: () => () => wanted });
    await whenOpen(h);
    // Only the trade channel (every market, no tickers to refuse) is subscribed.
    await waitFor(() => expect(h.sim.subscriptions()).toEqual([[{ channel: 'trade', sid: 1 }]]));
    wanted = activeTickers(h.sim.model, 2);
    await h.clock.advance(3000);
    await booksMatch(h, wanted);
  });

  test('stop() closes cleanly and nothing reconnects', async () => {
    const h = await setup();
    await whenOpen(h);
    await h.feed.stop();
    expect(h.feed.state).toBe('closed');
    await waitFor(() => expect(h.sim.connections()).toBe(0));
    await h.clock.advance(120_000);
    expect(h.events.states.filter((s) => s.state === 'connecting')).toHaveLength(1);
  });

  test('a refused handshake (503) is retried with growing, jittered delays until it succeeds', async () => {
    const h = await setup({ start: false, feed: { random: () => 0.999 } });
    h.sim.injectFault({ kind: 'reject-handshake', status: 503 });
    h.feed.start();
    const attempts = (): number => h.events.states.filter((s) => s.state === 'connecting').length;
    const closedCount = (): number => h.events.states.filter((s) => s.state === 'closed').length;

    await waitFor(() => expect(closedCount()).toBe(1));
    const before = attempts();
    // Ceilings 3 s, 6 s, 12 s; random 0.999 puts each attempt just under its ceiling.
    for (const delay of [2997, 5994, 11_988]) {
      const closed = closedCount();
      await h.clock.advance(delay - 1);
      expect(attempts()).toBe(before + [2997, 5994, 11_988].indexOf(delay));
      await h.clock.advance(1);
      expect(attempts()).toBe(before + [2997, 5994, 11_988].indexOf(delay) + 1);
      await waitFor(() => expect(closedCount()).toBe(closed + 1));
      expect(h.events.states.at(-1)?.detail).toMatch(/503/);
    }
    h.sim.clearFault();
    await h.clock.advance(24_000);
    await whenOpen(h);
    await booksMatch(h, activeTickers(h.sim.model, 6));
  });
});

describe('KalshiWsFeed: signed handshake', () => {
  const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const stranger = generateKeyPairSync('rsa', { modulusLength: 2048 });

  test('the right credentials connect, and are signed afresh on every reconnect', async () => {
    const h = await setup({ count: 3, sim: { publicKey }, feed: { credentials: { keyId: 'key-1', privateKey } } });
    const tickers = activeTickers(h.sim.model, 3);
    await whenOpen(h);
    await booksMatch(h, tickers);
    // 20 s later a reused signature would be stale (5 s skew allowed): a reconnect must re-sign.
    await run(h.clock, 20_000);
    h.sim.dropAll();
    await waitFor(() => expect(h.feed.state).toBe('closed'));
    await h.clock.advance(3000);
    await whenOpen(h);
    await booksMatch(h, tickers);
    expect(h.feed.stats().connects).toBe(2);
  });

  test('without credentials, or with the wrong key, the handshake gets 401 and no books', async () => {
    for (const credentials of [null, { keyId: 'key-1', privateKey: stranger.privateKey }]) {
      const h = await setup({ sim: { publicKey }, feed: { credentials } });
      await waitFor(() => expect(h.events.states.at(-1)?.state).toBe('closed'));
      expect(h.events.states.at(-1)?.detail).toMatch(/401/);
      expect(h.feed.books()).toEqual([]);
      expect(h.feed.stats().connects).toBe(0);
    }
  });
});
