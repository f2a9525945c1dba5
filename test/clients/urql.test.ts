/**
 * urql (`@urql/core`) against the real server: fetchExchange for queries, subscriptionExchange
 * over graphql-ws for subscriptions.
 */
import { Client, cacheExchange, fetchExchange, subscriptionExchange } from '@urql/core';
import { createClient } from 'graphql-ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { AggregateTicksDocument, CurrentAggregateDocument } from '../generated/graphql.js';
import { startService, type RunningService } from '../support/service.js';

describe('urql', () => {
  let service: RunningService;
  beforeAll(async () => {
    service = await startService();
  });
  afterAll(async () => {
    await service?.stop();
  });

  it('runs a query over HTTP and receives live updates over graphql-ws', async () => {
    const wsClient = createClient({ url: service.url.replace(/^http/, 'ws'), webSocketImpl: WebSocket, retryAttempts: 0 });
    const client = new Client({
      url: service.url,
      exchanges: [
        cacheExchange,
        fetchExchange,
        subscriptionExchange({
          forwardSubscription(request) {
            const input = { ...request, query: request.query ?? '' };
            return { subscribe: (sink) => ({ unsubscribe: wsClient.subscribe(input, sink) }) };
          },
        }),
      ],
    });

    const result = await client.query(CurrentAggregateDocument, {}).toPromise();
    expect(result.error).toBeUndefined();
    expect(result.data!.aggregate.markets.length).toBeGreaterThanOrEqual(20);

    const ticks: string[] = [];
    await new Promise<void>((resolve) => {
      const subscription = client.subscription(AggregateTicksDocument, {}).subscribe((update) => {
        if (update.data) ticks.push(update.data.aggregateUpdated.takenAt);
        if (ticks.length === 2) {
          subscription.unsubscribe();
          resolve();
        }
      });
    });
    expect(Date.parse(ticks[1]!)).toBeGreaterThan(Date.parse(ticks[0]!));
    await wsClient.dispose();
  });
});
