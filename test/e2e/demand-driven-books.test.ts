/**
 * Issue 10, section 2: every order book anyone asks for becomes live. The whole service against
 * the fake Kalshi (test/support/fake-kalshi.ts, written from the documented protocol) with
 * KALSHI_TRACK_TOP_N=1, so only the busiest market rides the WebSocket by rank.
 *
 * (a) A quiet market's `orderBook` query makes the service send `add_markets` at once; the first
 *     answer is the REST book, marked as such (`isStreaming: false`); once the fake has sent the
 *     snapshot and a delta, a graphql-ws `orderBookUpdated` subscriber gets the delta and the next
 *     query shows it, streaming, well inside the 15 s L1 TTL of the REST copy.
 * (b) KALSHI_MAX_TRACKED_BOOKS=2: a third book asked for evicts the least recently asked one with
 *     `delete_markets`; a subscriber holds its book past the idle time (KALSHI_BOOK_IDLE_MS); books
 *     no longer asked for leave after it, the subscriber's once it unsubscribed.
 * Before this, books beyond the top N were never added: every test here waited for an
 * `add_markets` that never came.
 */
import { createClient as createWsClient, type Client } from 'graphql-ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { fakeMarket, startFakeKalshi, type FakeKalshi, type RecordedCommand } from '../support/fake-kalshi.js';
import { startService, type RunningService } from '../support/service.js';

const HOT = 'FAKE-26-HOT';

interface BookAnswer {
  bids: Array<{ price: number; size: number }>;
  quality: { isStreaming: boolean; cacheTier: string; isFromCache: boolean };
}

async function query<T>(url: string, text: string, variables: Record<string, unknown> = {}): Promise<{ data?: T; errors?: Array<{ message: string }> }> {
  const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: text, variables }) });
  return (await response.json()) as { data?: T; errors?: Array<{ message: string }> };
}

async function orderBook(url: string, ticker: string): Promise<BookAnswer | null> {
  const body = await query<{ orderBook: BookAnswer | null }>(
    url,
    'query ($ticker: String!) { orderBook(ticker: $ticker) { bids { price size } quality { isStreaming cacheTier isFromCache } } }',
    { ticker },
  );
  expect(body.errors).toBeUndefined();
  return body.data!.orderBook;
}

/** The update_subscription commands on the order-book sid, as [action, tickers], in arrival order. */
function bookCommands(fake: FakeKalshi): Array<[string, string[]]> {
  const sids = new Set(
    fake
      .subscriptions()
      .filter((s) => s.channel === 'orderbook_delta')
      .map((s) => s.sid),
  );
  return fake.commands
    .filter((c: RecordedCommand) => c.cmd === 'update_subscription' && sids.has(Number(c.params.sid)))
    .map((c) => [String(c.params.action), (c.params.market_tickers as string[]).slice().sort()]);
}

function hasCommand(fake: FakeKalshi, action: string, ticker: string): boolean {
  return bookCommands(fake).some(([a, tickers]) => a === action && tickers.includes(ticker));
}

function wsClient(service: RunningService): Client {
  return createWsClient({ url: service.url.replace(/^http/, 'ws'), webSocketImpl: WebSocket, retryAttempts: 0, lazy: false });
}

describe('a quiet market asked for joins the WebSocket at once (whole service, fake Kalshi)', () => {
  const QUIET = 'FAKE-26-QUIET';
  const OTHER = 'FAKE-26-OTHER';
  let fake: FakeKalshi;
  let service: RunningService;

  beforeAll(async () => {
    fake = await startFakeKalshi({
      markets: [fakeMarket(HOT, { volume_24h_fp: '9000.00' }), fakeMarket(QUIET, { volume_24h_fp: '1.00' }), fakeMarket(OTHER, { volume_24h_fp: '2.00' })],
    });
    fake.setBook(HOT, { yes: [['0.4500', '10.00']], no: [['0.5300', '10.00']] });
    fake.setBook(QUIET, { yes: [['0.2000', '5.00']], no: [['0.7000', '5.00']] });
    service = await startService({ ...fake.env(), KALSHI_TRACK_TOP_N: '1', CACHE_L1_TTL_MS: '15000' });
    await fake.waitForSubscribed(HOT);
  });
  afterAll(async () => {
    await service?.stop();
    await fake?.close();
  });

  it('first the REST book marked as REST, then the delta over the WebSocket to a subscriber and to the next query', async () => {
    expect(fake.subscriptions().some((s) => s.channel === 'orderbook_delta' && s.tickers.has(QUIET))).toBe(false);

    const first = await orderBook(service.url, QUIET);
    expect(first?.bids).toEqual([{ price: 0.2, size: 5 }]);
    expect(first?.quality.isStreaming).toBe(false);
    // The query itself asked: add_markets went out with it, not at some later poll.
    await fake.waitFor(() => hasCommand(fake, 'add_markets', QUIET), 2000, 'add_markets of the quiet market');
    await fake.waitForSubscribed(QUIET);

    // A subscriber on the quiet market; the fake moves its book once it is held on the sid.
    const client = wsClient(service);
    const events: Array<{ bids: Array<{ price: number; size: number }>; quality: { isStreaming: boolean } }> = [];
    let failure: unknown = null;
    const stop = client.subscribe<{ orderBookUpdated: (typeof events)[number] }>(
      { query: `subscription { orderBookUpdated(ticker: "${QUIET}") { bids { price size } quality { isStreaming } } }` },
      { next: (value) => void (value.data && events.push(value.data.orderBookUpdated)), error: (error) => (failure = error), complete: () => undefined },
    );
    try {
      // The subscriber's hold re-asks a book already followed (no new command), so its readiness is
      // seen from outside by the snapshot reaching it: the fake re-sends the book until it arrives.
      await until(
        () => {
          if (events.length > 0) return true;
          fake.setBook(QUIET, { yes: [['0.2000', '5.00']], no: [['0.7000', '5.00']] }, { push: true });
          return false;
        },
        'the subscriber to see a snapshot',
        () => failure,
      );
      const { sent } = fake.pushDelta(QUIET, 'yes', '0.2100', '7.00');
      expect(sent).toBe(1);
      await until(
        () => events.some((e) => e.bids[0]?.price === 0.21),
        'the subscriber to get the delta',
        () => ({ events, failure }),
      );
      const delta = events.find((e) => e.bids[0]?.price === 0.21)!;
      expect(delta.bids).toEqual([
        { price: 0.21, size: 7 },
        { price: 0.2, size: 5 },
      ]);
      expect(delta.quality.isStreaming).toBe(true);

      // The subscriber has it, so the service had applied it: the next query shows it, streaming
      // (the REST copy is still fresh in L1 for 15 s and is not what answers).
      const next = await orderBook(service.url, QUIET);
      expect(next?.bids).toEqual(delta.bids);
      expect(next?.quality).toMatchObject({ isStreaming: true, cacheTier: 'LIVE', isFromCache: false });
    } finally {
      stop();
      await client.dispose();
    }
  });
  it('a made-up ticker asked for together with a real one is not sent along (the exchange would refuse the whole add_markets)', async () => {
    const body = await query<{ a: unknown; b: { bids: unknown[] } | null }>(
      service.url,
      `{ a: orderBook(ticker: "FAKE-26-MADEUP") { ticker } b: orderBook(ticker: "${OTHER}") { bids { price } } }`,
    );
    expect(body.errors).toBeUndefined();
    expect(body.data?.a).toBeNull();
    await fake.waitFor(() => hasCommand(fake, 'add_markets', OTHER), 2000, 'add_markets of the real market');
    expect(fake.commands.some((c) => JSON.stringify(c.params).includes('FAKE-26-MADEUP'))).toBe(false);
  });
});

describe('books asked for are bounded and leave when no longer asked for (whole service, fake Kalshi)', () => {
  const [Q1, Q2, Q3] = ['FAKE-26-Q1', 'FAKE-26-Q2', 'FAKE-26-Q3'];
  const IDLE_MS = 1500;
  let fake: FakeKalshi;
  let service: RunningService;

  beforeAll(async () => {
    fake = await startFakeKalshi({
      markets: [fakeMarket(HOT, { volume_24h_fp: '9000.00' }), ...[Q1, Q2, Q3].map((t, i) => fakeMarket(t, { volume_24h_fp: `${3 - i}.00` }))],
    });
    for (const ticker of [HOT, Q1, Q2, Q3]) fake.setBook(ticker, { yes: [['0.3000', '1.00']], no: [['0.6000', '1.00']] });
    service = await startService({ ...fake.env(), KALSHI_TRACK_TOP_N: '1', KALSHI_MAX_TRACKED_BOOKS: '2', KALSHI_BOOK_IDLE_MS: String(IDLE_MS) });
    await fake.waitForSubscribed(HOT);
  });
  afterAll(async () => {
    await service?.stop();
    await fake?.close();
  });

  it('the least recently asked leaves first; a subscriber holds its book past the idle time; idle books leave', async () => {
    await orderBook(service.url, Q1);
    await fake.waitFor(() => hasCommand(fake, 'add_markets', Q1), 2000, 'add_markets Q1');

    const client = wsClient(service);
    let failure: unknown = null;
    const stop = client.subscribe(
      { query: `subscription { orderBookUpdated(ticker: "${Q2}") { seq } }` },
      { next: () => undefined, error: (error) => (failure = error), complete: () => undefined },
    );
    try {
      await fake.waitFor(() => hasCommand(fake, 'add_markets', Q2), 2000, 'add_markets Q2 (the subscriber asked)');

      // A third book with a bound of 2: Q1, the least recently asked and not held, leaves in the same breath.
      await orderBook(service.url, Q3);
      await fake.waitFor(() => hasCommand(fake, 'delete_markets', Q1), 2000, 'delete_markets Q1 (the bound)');
      expect(bookCommands(fake)).toEqual([
        ['add_markets', [Q1]],
        ['add_markets', [Q2]],
        ['add_markets', [Q3]],
        ['delete_markets', [Q1]],
      ]);
      expect(await booksFollowed(service)).toEqual({ rank: 1, demand: 2 });

      // Nobody asks any more: Q3 idles out. Q2 was asked before Q3, so had it not been held it
      // would have left first: once Q3 is gone, Q2 must still be there.
      await fake.waitFor(() => hasCommand(fake, 'delete_markets', Q3), IDLE_MS + 3000, 'delete_markets Q3 (idle)');
      expect(hasCommand(fake, 'delete_markets', Q2)).toBe(false);
      const held = fake.subscriptions().find((s) => s.channel === 'orderbook_delta')!.tickers;
      expect([...held].sort()).toEqual([HOT, Q2].sort());
      expect(failure).toBeNull();
    } finally {
      stop();
      await client.dispose();
    }
    // Unsubscribed: Q2's idle time starts now, and it leaves; the top-N market never does.
    await fake.waitFor(() => hasCommand(fake, 'delete_markets', Q2), IDLE_MS + 3000, 'delete_markets Q2 (idle after unsubscribe)');
    expect(hasCommand(fake, 'delete_markets', HOT)).toBe(false);
    expect([...fake.subscriptions().find((s) => s.channel === 'orderbook_delta')!.tickers]).toEqual([HOT]);
    expect(await booksFollowed(service)).toEqual({ rank: 1, demand: 0 });
  });
});

/** northstar_kalshi_books_followed by reason. */
async function booksFollowed(service: RunningService): Promise<Record<string, number>> {
  const metric = await service.app.metrics.kalshiBooksFollowed.get();
  return Object.fromEntries(metric.values.map((v) => [String(v.labels.reason), v.value]));
}

/** Polls `condition` every 20 ms, bounded; the error shows what was seen last. */
async function until(condition: () => boolean, what: string, lastSeen: () => unknown = () => null, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; last seen: ${JSON.stringify(lastSeen())}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
