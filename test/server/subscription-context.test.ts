/**
 * What a shared subscription event is resolved with: Northstar's real server path (its yoga, its
 * plugins, its graphql-ws adapter, real sockets on loopback) on a small schema whose fields report
 * the context they ran with. Each event gets loaders of its own, so a DataLoader-backed field
 * follows the data; and the shared execution runs with a context of the event's own, never with a
 * subscriber's request id, while subscribe-time work keeps each subscriber's own context.
 */
import { createClient as createSseClient, type Client as SseClient } from 'graphql-sse';
import { createClient as createWsClient, type Client as WsClient } from 'graphql-ws';
import { createPubSub, createSchema } from 'graphql-yoga';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { OrderBookRecord } from '../../src/core/domain.js';
import type { GraphQLContext, Services } from '../../src/schema/context.js';
import { SUBSCRIPTION_EVENT_ID_PREFIX } from '../../src/server/yoga.js';
import { startServerPath, type ServerPath } from '../support/server-path.js';

const TICKERS = ['KXA-26', 'KXB-26'];

type Tick = { n: number; resolvedWith: string; markets: Array<{ ticker: string; bestBid: number | null }> };
const TICKS = /* GraphQL */ `
  subscription Ticks {
    ticks {
      n
      resolvedWith
      markets {
        ticker
        bestBid
      }
    }
  }
`;
/** Another selection of the same events: executed on its own, with the same event's context. */
const BIDS_ONLY = /* GraphQL */ `
  subscription BidsOnly {
    ticks {
      n
      resolvedWith
      markets {
        bestBid
        ticker
      }
    }
  }
`;

/** Books as the loaders read them: the test moves them between events. */
const books = new Map<string, number>();
/** Every batched book read the loaders made, with its keys. */
const bookReads: string[][] = [];
/** The request id of the context each subscribe resolver ran with. */
const subscribedWith: string[] = [];
const pubsub = createPubSub<{ ticks: [{ n: number }] }>();

function bookOf(ticker: string): OrderBookRecord | null {
  const bid = books.get(ticker);
  if (bid === undefined) return null;
  return { ticker, bids: [{ price: bid, size: 10 }], asks: [], seq: null, updatedAt: new Date().toISOString() } as unknown as OrderBookRecord;
}

// Only what the loaders reach: the server path under test builds its loaders from this.
const services = {
  config: { kalshi: { bookReadsPerRequest: 10 } },
  orderBooks: {
    getMany: (tickers: readonly string[]) => {
      bookReads.push([...tickers]);
      return Promise.resolve(tickers.map(bookOf));
    },
  },
} as unknown as Services;

const schema = createSchema<GraphQLContext>({
  typeDefs: /* GraphQL */ `
    type Query {
      requestId: String!
    }
    type Subscription {
      ticks: Tick!
    }
    type Tick {
      n: Int!
      resolvedWith: String!
      markets: [TickMarket!]!
    }
    type TickMarket {
      ticker: String!
      bestBid: Float
    }
  `,
  resolvers: {
    Query: { requestId: (_root: unknown, _args: unknown, ctx: GraphQLContext) => ctx.requestId },
    Subscription: {
      ticks: {
        subscribe: (_root: unknown, _args: unknown, ctx: GraphQLContext) => {
          subscribedWith.push(ctx.requestId);
          return pubsub.subscribe('ticks');
        },
        resolve: (tick: { n: number }) => tick,
      },
    },
    Tick: {
      resolvedWith: (_tick: unknown, _args: unknown, ctx: GraphQLContext) => ctx.requestId,
      // Warm-up events (n = 0) read no books, so every read counted belongs to a measured event.
      markets: (tick: { n: number }) => (tick.n === 0 ? [] : TICKERS.map((ticker) => ({ ticker }))),
    },
    TickMarket: {
      bestBid: async (market: { ticker: string }, _args: unknown, ctx: GraphQLContext) =>
        (await ctx.loaders.orderBookByTicker.load(market.ticker))?.bids[0]?.price ?? null,
    },
  },
});

/** Waits for a condition with a bounded poll, doing `step` before each look (publishing, say). */
async function until(condition: () => boolean, what: string, step: () => void = () => undefined, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    step();
    if (condition()) return;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** A WebSocket whose upgrade request carries an x-request-id, as a browser behind a proxy would. */
function socketWithRequestId(requestId: string): typeof WebSocket {
  return class extends WebSocket {
    constructor(url: string, protocols?: string | string[]) {
      super(url, protocols, { headers: { 'x-request-id': requestId } });
    }
  } as typeof WebSocket;
}

describe('the context a shared subscription event is resolved with', () => {
  let path: ServerPath;
  let url: string;
  beforeAll(async () => {
    path = await startServerPath({ schema, services });
    url = path.url;
  });
  afterAll(async () => {
    await path?.close();
  });

  /**
   * Subscribes one graphql-ws and one SSE client (each with its own x-request-id) to TICKS, and the
   * graphql-ws client also to BIDS_ONLY, then moves the books three times, publishing one event per
   * move and waiting for every subscriber to receive it. Returns the three measured events each
   * received and the book reads made for them.
   */
  async function threeBookChanges(): Promise<{ ws: Tick[]; sse: Tick[]; other: Tick[]; reads: string[][] }> {
    books.set(TICKERS[0]!, 0.6);
    books.set(TICKERS[1]!, 0.3);
    bookReads.length = 0;
    subscribedWith.length = 0;
    const wsClient: WsClient = createWsClient({ url: url.replace(/^http/, 'ws'), webSocketImpl: socketWithRequestId('subscriber-ws'), retryAttempts: 0 });
    const sseClient: SseClient = createSseClient({ url, headers: { 'x-request-id': 'subscriber-sse' }, retryAttempts: 0 });
    const received = { ws: [] as Tick[], sse: [] as Tick[], other: [] as Tick[] };
    const failures: unknown[] = [];
    const sink = (into: Tick[]) => ({
      next: (result: { data?: { ticks: Tick } | null; errors?: unknown }) => {
        if (result.data) into.push(result.data.ticks);
        else failures.push(result.errors);
      },
      error: (error: unknown) => failures.push(error),
      complete: () => undefined,
    });
    const stops = [
      wsClient.subscribe({ query: TICKS }, sink(received.ws)),
      sseClient.subscribe({ query: TICKS }, sink(received.sse)),
      wsClient.subscribe({ query: BIDS_ONLY }, sink(received.other)),
    ];
    const sawTick = (n: number) => Object.values(received).every((ticks) => ticks.some((t) => t.n === n));
    try {
      // All subscribed: a warm-up event is published until each has one (the pub/sub drops events
      // published before a subscriber's listener is attached).
      await until(
        () => sawTick(0),
        'every subscriber to see a warm-up event',
        () => pubsub.publish('ticks', { n: 0 }),
      );
      for (const [n, a, b] of [
        [1, 0.65, 0.35],
        [2, 0.7, 0.3],
        [3, 0.75, 0.25],
      ] as const) {
        books.set(TICKERS[0]!, a);
        books.set(TICKERS[1]!, b);
        pubsub.publish('ticks', { n });
        await until(() => sawTick(n), `every subscriber to see event ${n}`);
      }
    } finally {
      stops.forEach((stop) => stop());
      await wsClient.dispose();
      sseClient.dispose();
    }
    expect(failures).toEqual([]);
    const measured = (ticks: Tick[]) => ticks.filter((t) => t.n > 0);
    return { ws: measured(received.ws), sse: measured(received.sse), other: measured(received.other), reads: [...bookReads] };
  }

  it('resolves every event with fresh loaders: the loader-backed field follows three book changes, over graphql-ws and SSE', async () => {
    const { ws, sse, other, reads } = await threeBookChanges();
    for (const ticks of [ws, sse, other]) {
      expect(ticks.map((t) => t.markets.map((m) => m.bestBid))).toEqual([
        [0.65, 0.35],
        [0.7, 0.3],
        [0.75, 0.25],
      ]);
    }
    // One batched read per event (both markets in it): fresh loaders per event, one execution per
    // event and selection shared by its subscribers, and one loader set per event shared by its
    // selections (the second selection is served from what the first read).
    expect(reads).toEqual([TICKERS, TICKERS, TICKERS]);
  });

  it("resolves a shared event with a context of its own, never a subscriber's", async () => {
    const { ws, sse, other } = await threeBookChanges();
    // Subscribe-time work (filters, future auth) ran with each subscriber's own context...
    expect([...subscribedWith].sort()).toEqual(['subscriber-sse', 'subscriber-ws', 'subscriber-ws']);
    // ...and every event with one of its own: the same for both (one execution), neither
    // subscriber's request id, a new one per event.
    const ids = ws.map((t) => t.resolvedWith);
    for (const id of ids) {
      expect(['subscriber-ws', 'subscriber-sse']).not.toContain(id);
      expect(id.startsWith(SUBSCRIPTION_EVENT_ID_PREFIX)).toBe(true);
    }
    expect(sse.map((t) => t.resolvedWith)).toEqual(ids);
    expect(new Set(ids).size).toBe(3);
    // The other selection of the same events ran with the same event contexts.
    expect(other.map((t) => t.resolvedWith)).toEqual(ids);
  });

  it('keeps a context per request for queries over HTTP', async () => {
    for (const id of ['query-one', 'query-two']) {
      const response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-request-id': id },
        body: JSON.stringify({ query: '{ requestId }' }),
      });
      expect(await response.json()).toEqual({ data: { requestId: id } });
    }
  });
});
