import { generateKeyPairSync } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, test, vi } from 'vitest';
import { ManualClock } from '../../../../src/core/clock.js';
import { signKalshiRequest } from '../../../../src/sources/kalshi/signing.js';
import { startKalshiRestSimulator, type KalshiRestSimulator } from '../../../../src/simulators/kalshi/rest-server.js';
import { parseKalshiWsFault, startKalshiWsSimulator, type KalshiWsSimulator } from '../../../../src/simulators/kalshi/ws-server.js';
import { snapshotMsg } from '../../../../src/simulators/kalshi/ws-payloads.js';
import { KalshiOrderBook } from '../../../../src/sources/kalshi/ws/order-book.js';
import { KALSHI_WS_PATH, type OrderbookDeltaMsg, type OrderbookSnapshotMsg } from '../../../../src/sources/kalshi/ws/protocol.js';
import { activeTickers, modelBook, RawClient, run, START, type Frame } from './helpers.js';

const isType = (type: string, sid?: number) => (frame: Frame) => frame.type === type && (sid === undefined || frame.sid === sid);

/** Applies every order-book frame of `sid` (in order) to fresh books, checking seq runs 1, 2, 3… */
function replay(frames: readonly Frame[], sid: number): Map<string, KalshiOrderBook> {
  const books = new Map<string, KalshiOrderBook>();
  let seq = 0;
  for (const frame of frames) {
    if (frame.sid !== sid || (frame.type !== 'orderbook_snapshot' && frame.type !== 'orderbook_delta')) continue;
    expect(frame.seq).toBe(++seq);
    const ticker = frame.msg.market_ticker as string;
    if (frame.type === 'orderbook_snapshot') {
      const book = new KalshiOrderBook();
      book.applySnapshotMsg(frame.msg as unknown as OrderbookSnapshotMsg);
      books.set(ticker, book);
    } else {
      books.get(ticker)!.applyDeltaMsg(frame.msg as unknown as OrderbookDeltaMsg);
    }
  }
  return books;
}

describe('Kalshi WebSocket simulator: protocol', () => {
  let clock: ManualClock;
  let rest: KalshiRestSimulator;
  let sim: KalshiWsSimulator;
  const clients: RawClient[] = [];
  const connect = async (): Promise<RawClient> => {
    const client = await RawClient.connect(sim.url);
    clients.push(client);
    return client;
  };

  beforeAll(async () => {
    clock = new ManualClock(START);
    // The WS simulator serves the REST simulator's model: both must show the same books.
    rest = await startKalshiRestSimulator({ clock, seed: 21 });
    sim = await startKalshiWsSimulator({ model: rest.model, clock, pingIntervalMs: 5000 });
  });
  afterEach(async () => {
    sim.clearFault();
    await Promise.all(clients.splice(0).map((client) => client.close()));
  });
  afterAll(async () => {
    await sim.close();
    await rest.close();
  });

  test('listens on /trade-api/ws/v2 on loopback', () => {
    expect(sim.url).toMatch(/^ws:\/\/127\.0\.0\.1:\d+\/trade-api\/ws\/v2$/);
    expect(KALSHI_WS_PATH).toBe('/trade-api/ws/v2');
  });

  test('subscribe: one `subscribed` per channel, a snapshot per market (seq 1, 2, …) equal to REST, then deltas that keep it equal', async () => {
    const client = await connect();
    const tickers = activeTickers(sim.model, 5);
    client.send({ id: 1, cmd: 'subscribe', params: { channels: ['orderbook_delta', 'ticker', 'trade'], market_tickers: tickers } });
    const subscribed = await client.all(isType('subscribed'), 3);
    expect(subscribed.map((f) => f.msg.channel)).toEqual(['orderbook_delta', 'ticker', 'trade']);
    expect(subscribed.every((f) => f.id === 1)).toBe(true);
    const sids = subscribed.map((f) => f.msg.sid as number);
    expect(new Set(sids).size).toBe(3);
    const bookSid = sids[0]!;

    const snapshots = await client.all(isType('orderbook_snapshot', bookSid), tickers.length);
    expect(snapshots.map((f) => f.seq)).toEqual([1, 2, 3, 4, 5]);
    for (const frame of snapshots) {
      const ticker = frame.msg.market_ticker as string;
      expect(frame.msg.market_id).toMatch(/^[0-9a-f-]{36}$/);
      // Same model, same book: the REST endpoint answers the very same levels.
      const response = await fetch(`${rest.baseUrl}/markets/${ticker}/orderbook`);
      const body = (await response.json()) as { orderbook_fp: { yes_dollars: unknown; no_dollars: unknown } };
      expect(frame.msg.yes_dollars_fp).toEqual(body.orderbook_fp.yes_dollars);
      expect(frame.msg.no_dollars_fp).toEqual(body.orderbook_fp.no_dollars);
    }

    await run(clock, 5000);
    const frameCount = client.frames.length;
    // Wait for the last published step to arrive: every book replays to the model's.
    await expectEventually(() => {
      const books = replay(client.frames, bookSid);
      for (const ticker of tickers) expect(books.get(ticker)!.toRecord(ticker, null, START)).toMatchObject(modelBook(sim.model, ticker));
    });
    expect(client.frames.filter(isType('orderbook_delta', bookSid)).length).toBeGreaterThan(0);
    expect(frameCount).toBeGreaterThan(tickers.length + 3);

    // Deltas carry the documented fields.
    const delta = client.frames.find(isType('orderbook_delta'))!;
    expect(Object.keys(delta.msg).sort()).toEqual(['delta_fp', 'market_id', 'market_ticker', 'price_dollars', 'side', 'ts_ms']);
    expect(delta.msg.delta_fp).toMatch(/^-?\d+\.\d{2}$/);
  });

  test('ticker (no seq) reports the model quote; trades have their own seq from 1 and match the model', async () => {
    const client = await connect();
    const tickers = activeTickers(sim.model, 20);
    client.send({ id: 7, cmd: 'subscribe', params: { channels: ['ticker', 'trade'], market_tickers: tickers } });
    const [tickerSub, tradeSub] = await client.all(isType('subscribed'), 2);
    await run(clock, 20_000);
    const trades = await client.all(isType('trade', tradeSub!.msg.sid as number), 1);
    expect(trades.map((f) => f.seq)).toEqual(trades.map((_, i) => i + 1));
    const modelTrades = new Map(sim.model.recentTrades().map((t) => [t.tradeId, t]));
    for (const frame of trades) {
      const trade = modelTrades.get(frame.msg.trade_id as string);
      expect(trade).toBeDefined();
      expect(tickers).toContain(frame.msg.market_ticker);
      expect(frame.msg.count_fp).toMatch(/^\d+\.\d{2}$/);
      expect(frame.msg.taker_outcome_side).toBe(trade!.takerSide);
    }
    await expectEventually(() => {
      const ticks = client.frames.filter(isType('ticker', tickerSub!.msg.sid as number));
      expect(ticks.length).toBeGreaterThan(0);
      expect(ticks.every((f) => f.seq === undefined)).toBe(true);
      // The latest ticker message of a market is the model's current quote.
      const latest = new Map(ticks.map((f) => [f.msg.market_ticker as string, f.msg]));
      for (const [ticker, msg] of latest) {
        const market = sim.model.getMarket(ticker)!;
        expect({ bid: msg.yes_bid_dollars, ask: msg.yes_ask_dollars, last: msg.price_dollars }).toEqual({
          bid: market.yes_bid_dollars,
          ask: market.yes_ask_dollars,
          last: market.last_price_dollars,
        });
      }
    });
  });

  test('update_subscription: add_markets and get_snapshot continue the sid seq; delete_markets stops a market', async () => {
    const client = await connect();
    const [a, b, c] = activeTickers(sim.model, 3) as [string, string, string];
    client.send({ id: 1, cmd: 'subscribe', params: { channels: ['orderbook_delta'], market_tickers: [a] } });
    const sid = (await client.next(isType('subscribed'))).msg.sid as number;
    await client.next(isType('orderbook_snapshot', sid));

    client.send({ id: 2, cmd: 'update_subscription', params: { sid, action: 'add_markets', market_tickers: [b, c] } });
    const ok = await client.next((f) => f.type === 'ok' && f.id === 2);
    expect(ok.sid).toBe(sid);
    expect((ok.msg.market_tickers as string[]).sort()).toEqual([a, b, c].sort());
    const added = await client.all(isType('orderbook_snapshot', sid), 3);
    expect(added.slice(1).map((f) => f.msg.market_ticker)).toEqual([b, c]);

    client.send({ id: 3, cmd: 'update_subscription', params: { sids: [sid], action: 'get_snapshot', market_tickers: [a] } });
    await client.next((f) => f.type === 'ok' && f.id === 3);
    const fresh = (await client.all(isType('orderbook_snapshot', sid), 4))[3]!;
    expect(fresh.msg.market_ticker).toBe(a);

    client.send({ id: 4, cmd: 'update_subscription', params: { sid, action: 'delete_markets', market_tickers: [b] } });
    await client.next((f) => f.type === 'ok' && f.id === 4);
    const from = client.frames.length;
    await run(clock, 5000);
    client.send({ id: 5, cmd: 'list_subscriptions' });
    const list = await client.next((f) => f.type === 'ok' && f.id === 5);
    expect(list.msg).toEqual([{ channel: 'orderbook_delta', sid, market_tickers: [a, c] }]);
    expect(client.frames.slice(from).some((f) => f.type === 'orderbook_delta' && f.msg.market_ticker === b)).toBe(false);
    // Seq stays continuous across snapshots, add/delete and deltas.
    const books = replay(client.frames, sid);
    expect(books.get(a)!.toRecord(a, null, START)).toMatchObject(modelBook(sim.model, a));
  });

  test('unsubscribe answers per sid and stops the data; list_subscriptions shows what is left', async () => {
    const client = await connect();
    const tickers = activeTickers(sim.model, 4);
    client.send({ id: 1, cmd: 'subscribe', params: { channels: ['orderbook_delta', 'ticker'], market_tickers: tickers } });
    const [book, ticker] = (await client.all(isType('subscribed'), 2)).map((f) => f.msg.sid as number);
    client.send({ id: 2, cmd: 'unsubscribe', params: { sids: [book] } });
    expect(await client.next((f) => f.type === 'unsubscribed' && f.id === 2)).toMatchObject({ sid: book });
    const from = client.frames.length;
    await run(clock, 3000);
    client.send({ id: 3, cmd: 'list_subscriptions' });
    const list = await client.next((f) => f.type === 'ok' && f.id === 3);
    expect(list.msg).toEqual([{ channel: 'ticker', sid: ticker, market_tickers: tickers }]);
    expect(client.frames.slice(from).some((f) => f.sid === book)).toBe(false);
  });

  test('bad commands get `{ type: "error", id, msg: { code, msg } }` with Kalshi codes', async () => {
    const client = await connect();
    const [ticker] = activeTickers(sim.model, 1) as [string];
    const cases: [unknown, number][] = [
      ['this is not json', 1],
      [{ id: 2, cmd: 'dance' }, 5],
      [{ id: 3, cmd: 'subscribe' }, 2],
      [{ id: 4, cmd: 'subscribe', params: { channels: [] } }, 3],
      [{ id: 5, cmd: 'subscribe', params: { channels: ['fills_of_others'], market_tickers: [ticker] } }, 8],
      [{ id: 6, cmd: 'subscribe', params: { channels: ['orderbook_delta'] } }, 14],
      [{ id: 7, cmd: 'subscribe', params: { channels: ['orderbook_delta'], market_tickers: ['NO-SUCH-MARKET'] } }, 16],
      [{ id: 8, cmd: 'unsubscribe', params: { sids: [] } }, 4],
      [{ id: 9, cmd: 'unsubscribe', params: { sids: [999] } }, 7],
      [{ id: 10, cmd: 'update_subscription', params: { sids: [1, 2], action: 'get_snapshot' } }, 12],
      [{ id: 11, cmd: 'update_subscription', params: { sid: 1 } }, 15],
      [{ id: 12, cmd: 'update_subscription', params: { sid: 1, action: 'explode' } }, 13],
      [{ id: 13, cmd: 'update_subscription', params: { sid: 1, action: 'add_markets' } }, 14],
      [{ id: 14, cmd: 'update_subscription', params: { sid: 999, action: 'get_snapshot' } }, 7],
    ];
    for (const [frame] of cases) client.send(frame);
    const errors = await client.all(isType('error'), cases.length);
    expect(errors.map((f) => f.msg.code)).toEqual(cases.map(([, code]) => code));
    expect(errors[0]!.id).toBeUndefined();
    expect(errors.slice(1).map((f) => f.id)).toEqual(cases.slice(1).map(([frame]) => (frame as { id: number }).id));
    for (const error of errors) expect(typeof error.msg.msg).toBe('string');
  });

  test('pings every pingIntervalMs on the clock', async () => {
    const client = await connect();
    let pings = 0;
    client.socket.on('ping', () => pings++);
    await clock.advance(5000);
    await expectEventually(() => expect(pings).toBeGreaterThanOrEqual(1));
  });

  test('faults: seq-gap skips a number, error-code ends a sid, silence stops everything, drop terminates', async () => {
    const client = await connect();
    const tickers = activeTickers(sim.model, 8);
    client.send({ id: 1, cmd: 'subscribe', params: { channels: ['orderbook_delta', 'ticker'], market_tickers: tickers } });
    const [book, ticker] = (await client.all(isType('subscribed'), 2)).map((f) => f.msg.sid as number);
    await client.all(isType('orderbook_snapshot', book), tickers.length);

    sim.injectFault({ kind: 'seq-gap' });
    await run(clock, 2000);
    await expectEventually(() => {
      const seqs = client.frames.filter((f) => f.sid === book && f.seq !== undefined).map((f) => f.seq as number);
      const gaps = seqs.filter((seq, i) => i > 0 && seq !== seqs[i - 1]! + 1);
      expect(gaps).toHaveLength(1);
    });

    sim.injectFault({ kind: 'error-code', code: 25 });
    const error = await client.next(isType('error'));
    expect(error).toMatchObject({ sid: book, msg: { code: 25 } });
    const afterError = client.frames.length;
    await run(clock, 2000);
    client.send({ id: 2, cmd: 'list_subscriptions' });
    const list = await client.next((f) => f.type === 'ok' && f.id === 2);
    expect((list.msg as unknown as { sid: number }[]).map((s) => s.sid)).toEqual([ticker]);
    expect(client.frames.slice(afterError).some((f) => f.sid === book)).toBe(false);

    sim.injectFault({ kind: 'silence' });
    const silentFrom = client.frames.length;
    let pings = 0;
    client.socket.on('ping', () => pings++);
    await run(clock, 12_000);
    client.send({ id: 3, cmd: 'list_subscriptions' });
    // Nothing at all comes back while silent; a second client is not affected.
    const other = await connect();
    other.send({ id: 1, cmd: 'list_subscriptions' });
    await other.next((f) => f.type === 'ok');
    expect(client.frames.length).toBe(silentFrom);
    expect(pings).toBe(0);

    const closed = new Promise<void>((resolve) => client.socket.once('close', () => resolve()));
    sim.injectFault({ kind: 'drop' });
    await closed;
    await expectEventually(() => expect(sim.connections()).toBe(0));
  });

  test('reject-handshake answers upgrades with the status until cleared', async () => {
    sim.injectFault({ kind: 'reject-handshake', status: 503 });
    expect(await RawClient.refusal(sim.url)).toBe(503);
    expect(await RawClient.refusal(sim.url)).toBe(503);
    sim.clearFault();
    const client = await connect();
    expect(client.socket.readyState).toBe(client.socket.OPEN);
  });

  test('a wrong path is 404', async () => {
    expect(await RawClient.refusal(sim.url.replace('/ws/v2', '/ws/v1'))).toBe(404);
  });
});

describe('Kalshi WebSocket simulator: signed handshake', () => {
  const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const other = generateKeyPairSync('rsa', { modulusLength: 2048 });
  let clock: ManualClock;
  let sim: KalshiWsSimulator;

  beforeAll(async () => {
    clock = new ManualClock(START);
    sim = await startKalshiWsSimulator({ clock, publicKey, seed: 5 });
  });
  afterAll(async () => {
    await sim.close();
  });

  test('no signature, a signature by another key, or a stale one → 401; the right one connects', async () => {
    expect(await RawClient.refusal(sim.url)).toBe(401);
    const wrong = signKalshiRequest({ keyId: 'k', privateKey: other.privateKey }, 'GET', KALSHI_WS_PATH, clock.now());
    expect(await RawClient.refusal(sim.url, wrong)).toBe(401);
    const stale = signKalshiRequest({ keyId: 'k', privateKey }, 'GET', KALSHI_WS_PATH, clock.now() - 60_000);
    expect(await RawClient.refusal(sim.url, stale)).toBe(401);
    const wrongPath = signKalshiRequest({ keyId: 'k', privateKey }, 'GET', '/trade-api/v2/markets', clock.now());
    expect(await RawClient.refusal(sim.url, wrongPath)).toBe(401);

    const client = await RawClient.connect(sim.url, signKalshiRequest({ keyId: 'k', privateKey }, 'GET', KALSHI_WS_PATH, clock.now()));
    client.send({ id: 1, cmd: 'list_subscriptions' });
    expect(await client.next((f) => f.type === 'ok')).toEqual({ type: 'ok', id: 1, msg: [] });
    await client.close();
  });
});

describe('WebSocket faults from strings, and snapshot payloads', () => {
  test('parseKalshiWsFault reads the env forms and rejects anything else', () => {
    expect(parseKalshiWsFault('drop')).toEqual({ kind: 'drop' });
    expect(parseKalshiWsFault('seq-gap')).toEqual({ kind: 'seq-gap' });
    expect(parseKalshiWsFault('seq-gap:3')).toEqual({ kind: 'seq-gap', times: 3 });
    expect(parseKalshiWsFault('error-code:25')).toEqual({ kind: 'error-code', code: 25 });
    expect(parseKalshiWsFault(' error-code:10 ')).toEqual({ kind: 'error-code', code: 10 });
    expect(parseKalshiWsFault('silence')).toEqual({ kind: 'silence' });
    expect(parseKalshiWsFault('reject-handshake:401')).toEqual({ kind: 'reject-handshake', status: 401 });
    expect(parseKalshiWsFault('malformed')).toEqual({ kind: 'malformed' });
    expect(parseKalshiWsFault('malformed:sequenced')).toEqual({ kind: 'malformed', sequenced: true });
    for (const bad of [
      '',
      'explode',
      'error-code',
      'error-code:11',
      'seq-gap:0',
      'seq-gap:x',
      'drop:1',
      'reject-handshake:500',
      'silence:a:b',
      'malformed:x',
    ]) {
      expect(() => parseKalshiWsFault(bad), bad).toThrow(/^invalid Kalshi WebSocket simulator fault .*; expected e\.g\. drop/);
    }
  });

  test("a snapshot leaves an empty side's key out and lists levels ascending", () => {
    const msg = snapshotMsg('T', {
      yes: new Map([
        [45, 100],
        [44, 250],
      ]),
      no: new Map(),
    });
    expect(msg.market_id).toMatch(/^[0-9a-f-]{36}$/);
    expect(msg).toEqual({
      market_ticker: 'T',
      market_id: msg.market_id,
      yes_dollars_fp: [
        ['0.4400', '2.50'],
        ['0.4500', '1.00'],
      ],
    });
    expect('no_dollars_fp' in msg).toBe(false);
  });
});

/** Retries an assertion until it holds (the socket may still be carrying frames), without moving the clock. */
async function expectEventually(assertion: () => void): Promise<void> {
  await vi.waitFor(assertion, { timeout: 5000, interval: 20 });
}
