/**
 * The three sources through the API, on their simulators: order books from the Kalshi WebSocket
 * feed (query, nested, subscription), an on-demand analysis streamed over `insightStream`, John's
 * metrics per agent, and `resetBreaker`.
 */
import { print } from 'graphql';
import { createClient as createWsClient, type Client } from 'graphql-ws';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import WebSocket from 'ws';
import {
  BusinessMetricsOfDocument,
  CurrentAggregateDocument,
  InsightChunksDocument,
  OrderBookOfDocument,
  OrderBookTicksDocument,
  RequestInsightDocument,
  ResetBreakerDocument,
  type InsightChunksSubscription,
  type OrderBookTicksSubscription,
} from '../generated/graphql.js';
import { collect, graphqlRequest, startService, type RunningService } from '../support/service.js';

describe('sources through the API', () => {
  let service: RunningService;
  let ws: Client;
  let tracked: string;

  beforeAll(async () => {
    service = await startService({ KALSHI_TRACK_TOP_N: '5' });
    ws = createWsClient({ url: service.url.replace(/^http/, 'ws'), webSocketImpl: WebSocket, retryAttempts: 0 });
    // The most active open market is among the tracked ones.
    const { body } = await graphqlRequest(service.url, CurrentAggregateDocument);
    const active = body.data!.aggregate.markets.filter((m) => m.status === 'ACTIVE').sort((a, b) => b.volume.volume24h - a.volume.volume24h);
    tracked = active[0]!.ticker;
  });
  afterAll(async () => {
    await ws?.dispose();
    await service?.stop();
  });

  it('serves an order book from the WebSocket feed that equals the exchange model, with depth, spread and mid', async () => {
    const model = service.app.simulators.kalshi!.model;
    await vi.waitFor(
      async () => {
        const { body } = await graphqlRequest(service.url, OrderBookOfDocument, { ticker: tracked, depth: 100 });
        const book = body.data!.orderBook!;
        expect(book.quality.cacheTier).toBe('LIVE');
        expect(book.seq).not.toBeNull();
        expect(book.bids.length).toBeGreaterThan(0);
        // The same book the exchange holds (the simulator's model), seen from the YES side.
        const wire = model.orderbook(tracked)!.orderbook_fp;
        const yesBids = wire.yes_dollars.map(([p, c]) => ({ price: Number(p), size: Number(c) })).reverse();
        expect(book.bids).toEqual(yesBids);
      },
      { timeout: 5000, interval: 100 },
    );
    const { body } = await graphqlRequest(service.url, OrderBookOfDocument, { ticker: tracked, depth: 2 });
    const book = body.data!.orderBook!;
    expect(book.bids.length).toBeLessThanOrEqual(2);
    expect(book.bids[0]!.price).toBeGreaterThanOrEqual(book.bids.at(-1)!.price);
    expect(book.asks[0]!.price).toBeLessThan(1);
    expect(book.spread).toBeCloseTo(book.asks[0]!.price - book.bids[0]!.price, 6);
    expect(body.data!.market!.orderBook!.bids.length).toBeLessThanOrEqual(2);
  });

  it('pushes orderBookUpdated for the ticker asked for, and only for it', async () => {
    const updates = collect<OrderBookTicksSubscription['orderBookUpdated']>(2);
    const unsubscribe = ws.subscribe<OrderBookTicksSubscription>(
      { query: print(OrderBookTicksDocument), variables: { ticker: tracked } },
      { next: (r) => r.data && updates.push(r.data.orderBookUpdated), error: () => undefined, complete: () => undefined },
    );
    const received = await updates.done;
    unsubscribe();
    expect(received.every((b) => b.ticker === tracked)).toBe(true);
    expect(received.every((b) => b.bids.length <= 3 && b.asks.length <= 3)).toBe(true);
  });

  it('rejects a bad depth with a coded error', async () => {
    const { body } = await graphqlRequest(service.url, OrderBookOfDocument, { ticker: tracked, depth: 0 });
    expect(body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    // The same answer for a ticker nobody lists: the input is wrong before anything is looked up.
    const unknown = await graphqlRequest(service.url, OrderBookOfDocument, { ticker: 'KXNOPE-26DEC-T1', depth: -1 });
    expect(unknown.body.errors?.[0]).toMatchObject({ message: 'depth must be an integer from 1 to 100 (got -1)', extensions: { code: 'BAD_USER_INPUT' } });
  });

  it('runs requestInsight now and streams its text over insightStream, ending with the structured insight', async () => {
    const chunks: InsightChunksSubscription['insightStream'][] = [];
    const streamsBefore = service.app.pubsub.openStreams;
    const unsubscribe = ws.subscribe<InsightChunksSubscription>(
      { query: print(InsightChunksDocument), variables: { tickers: [tracked] } },
      { next: (r) => r.data && chunks.push(r.data.insightStream), error: () => undefined, complete: () => undefined },
    );
    // Wait until the server holds the subscription's stream, so no chunk can be published before it.
    await vi.waitFor(() => expect(service.app.pubsub.openStreams).toBeGreaterThan(streamsBefore), { timeout: 5000 });
    const { body } = await graphqlRequest(service.url, RequestInsightDocument, { tickers: [tracked] });
    expect(body.errors).toBeUndefined();
    const insight = body.data!.requestInsight;
    expect(insight.tickers).toContain(tracked);
    expect(['BULLISH', 'NEUTRAL', 'BEARISH']).toContain(insight.sentiment);
    expect(insight.sentimentScore).toBeGreaterThanOrEqual(-1);
    expect(insight.sentimentScore).toBeLessThanOrEqual(1);
    expect(insight.keyFactors.length).toBeGreaterThan(0);
    expect(insight.model).toMatch(/claude/);
    // Its own chunks: text deltas, then one final chunk carrying the structured insight.
    await vi.waitFor(() => expect(chunks.find((c) => c.done && c.insight?.id === insight.id)).toBeDefined(), { timeout: 5000 });
    const own = chunks.filter((c) => c.insightId === insight.id);
    expect(own.filter((c) => !c.done).length).toBeGreaterThan(0);
    expect(own.at(-1)!.done).toBe(true);
    unsubscribe();
  });

  it('lists John metrics per agent with their units', async () => {
    const { body } = await graphqlRequest(service.url, BusinessMetricsOfDocument, { agentId: 'agent:john:main' });
    const metrics = body.data!.businessMetrics;
    expect(metrics.map((m) => m.metricName).sort()).toEqual([
      'active_prospects',
      'avg_deal_size',
      'conversion_rate',
      'deals_closed',
      'pipeline_value',
      'revenue_usd',
    ]);
    expect(metrics.every((m) => m.agentId === 'agent:john:main')).toBe(true);
    expect(metrics.find((m) => m.metricName === 'revenue_usd')!.metricUnit).toBe('USD');
    expect(metrics.find((m) => m.metricName === 'deals_closed')!.metricUnit).toBe('count');
  });

  it('resetBreaker answers the source status with the breaker closed', async () => {
    const { body } = await graphqlRequest(service.url, ResetBreakerDocument, { source: 'JOHN' });
    expect(body.data!.resetBreaker).toMatchObject({ source: 'JOHN', breaker: 'CLOSED' });
  });
});
