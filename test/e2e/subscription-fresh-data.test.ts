/**
 * Live nested data, measured from outside: the real service against the fake Kalshi
 * (test/support/fake-kalshi.ts, written from the documented protocol), one subscriber over
 * graphql-ws and one over SSE (each with its own x-request-id) on the same selection, which the
 * server executes once per event and shares. The exchange moves the best bid three times with
 * order-book deltas on its WebSocket; each subscriber's nested `orderBook` (a DataLoader-backed
 * field) must follow every move and agree with `prices.bid` (patched from the same book).
 */
import { createClient as createSseClient } from 'graphql-sse';
import { createClient as createWsClient } from 'graphql-ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { fakeMarket, startFakeKalshi, type FakeKalshi } from '../support/fake-kalshi.js';
import { startService, type RunningService } from '../support/service.js';

const TICKER = 'FAKE-26-BOOK';
const QUERY = `subscription { aggregateUpdated { markets { ticker prices { bid } orderBook(depth: 1) { bids { price } } } } }`;

type Aggregate = {
  aggregateUpdated: { markets: Array<{ ticker: string; prices: { bid: number | null }; orderBook: { bids: Array<{ price: number }> } | null }> };
};
/** What one subscriber saw of the market, per event: the top-level bid and the nested book's. */
type Seen = { pricesBid: number | null; bookBid: number | null };

function seenIn(data: Aggregate): Seen | null {
  const market = data.aggregateUpdated.markets.find((m) => m.ticker === TICKER);
  return market ? { pricesBid: market.prices.bid, bookBid: market.orderBook?.bids[0]?.price ?? null } : null;
}

/** Resolves once `condition` holds, polling (bounded) every 25 ms; the error says what was seen last. */
async function until(condition: () => boolean, what: string, lastSeen: () => unknown, timeoutMs = 8000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; last seen: ${JSON.stringify(lastSeen())}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** A WebSocket whose upgrade request carries an x-request-id. */
function socketWithRequestId(requestId: string): typeof WebSocket {
  return class extends WebSocket {
    constructor(url: string, protocols?: string | string[]) {
      super(url, protocols, { headers: { 'x-request-id': requestId } });
    }
  } as typeof WebSocket;
}

async function subscriptionResults(service: RunningService): Promise<{ executed: number; shared: number }> {
  const metric = await service.app.metrics.subscriptionResults.get();
  const of = (outcome: string) => metric.values.find((v) => v.labels.outcome === outcome)?.value ?? 0;
  return { executed: of('executed'), shared: of('shared') };
}

describe('subscriptions resolve every event with fresh data', () => {
  let fake: FakeKalshi;
  let service: RunningService;

  beforeAll(async () => {
    fake = await startFakeKalshi({
      markets: [fakeMarket(TICKER, { yes_bid_dollars: '0.6000', yes_ask_dollars: '0.6200', no_bid_dollars: '0.3800', no_ask_dollars: '0.4000' })],
    });
    // YES bids and NO bids; the YES ask is 1 − the best NO bid (0.62).
    fake.setBook(TICKER, {
      yes: [
        ['0.5900', '5.00'],
        ['0.6000', '10.00'],
      ],
      no: [['0.3800', '4.00']],
    });
    service = await startService({ ...fake.env(), KALSHI_TRACKED_TICKERS: TICKER });
    await fake.waitForSubscribed(TICKER);
  });
  afterAll(async () => {
    await service?.stop();
    await fake?.close();
  });

  it('the nested orderBook follows three successive book changes over graphql-ws and SSE, and agrees with prices.bid', async () => {
    const wsClient = createWsClient({ url: service.url.replace(/^http/, 'ws'), webSocketImpl: socketWithRequestId('subscriber-over-ws'), retryAttempts: 0 });
    const sseClient = createSseClient({ url: service.url, headers: { 'x-request-id': 'subscriber-over-sse' }, retryAttempts: 0 });
    const seen = { ws: [] as Seen[], sse: [] as Seen[] };
    const failures: unknown[] = [];
    const sink = (into: Seen[]) => ({
      next: (result: { data?: Aggregate | null; errors?: unknown }) => {
        const market = result.data ? seenIn(result.data) : null;
        if (market) into.push(market);
        if (result.errors) failures.push(result.errors);
      },
      error: (error: unknown) => failures.push(error),
      complete: () => undefined,
    });
    const before = await subscriptionResults(service);
    const stops = [wsClient.subscribe({ query: QUERY }, sink(seen.ws)), sseClient.subscribe({ query: QUERY }, sink(seen.sse))];

    /** Both subscribers, after `from` events each, saw an event whose book and prices both say `bid`. */
    const bothSaw = (bid: number, from: { ws: number; sse: number }) =>
      (['ws', 'sse'] as const).every((transport) => seen[transport].slice(from[transport]).some((s) => s.bookBid === bid && s.pricesBid === bid));
    const mark = () => ({ ws: seen.ws.length, sse: seen.sse.length });
    const lastSeen = () => ({ ws: seen.ws.at(-1), sse: seen.sse.at(-1), failures });

    try {
      await until(() => bothSaw(0.6, { ws: 0, sse: 0 }), 'both subscribers to see the starting bid 0.60', lastSeen);

      // Each move: the listing says the same as the book (a consistent exchange, so the REST poll
      // never argues with the feed), then the delta goes out on the WebSocket.
      const moves: Array<{ bid: number; apply: () => void }> = [
        { bid: 0.65, apply: () => fake.pushDelta(TICKER, 'yes', '0.6500', '3.00') },
        { bid: 0.7, apply: () => fake.pushDelta(TICKER, 'yes', '0.7000', '2.00') },
        {
          // Down again: a new level under the best, then the best level taken away.
          bid: 0.68,
          apply: () => {
            fake.pushDelta(TICKER, 'yes', '0.6800', '1.00');
            fake.pushDelta(TICKER, 'yes', '0.7000', '-2.00');
          },
        },
      ];
      for (const move of moves) {
        const from = mark();
        fake.setMarket({
          ticker: TICKER,
          yes_bid_dollars: move.bid.toFixed(4),
          no_ask_dollars: (1 - move.bid).toFixed(4),
          updated_time: new Date().toISOString(),
        });
        move.apply();
        await until(() => bothSaw(move.bid, from), `both subscribers' nested orderBook and prices.bid to say ${move.bid}`, lastSeen);
      }
      expect(failures).toEqual([]);
    } finally {
      stops.forEach((stop) => stop());
      await wsClient.dispose();
      sseClient.dispose();
    }

    // Still one execution per event for both transports: the fix did not undo the sharing.
    const after = await subscriptionResults(service);
    expect(after.shared - before.shared).toBeGreaterThan(0);
  });
});
