/**
 * Apollo Client 4 against the real server: HttpLink for queries, GraphQLWsLink (graphql-ws) for
 * subscriptions, split by operation — the setup most Apollo users have.
 */
import { ApolloClient, HttpLink, InMemoryCache, split } from '@apollo/client';
import { GraphQLWsLink } from '@apollo/client/link/subscriptions';
import { getMainDefinition } from '@apollo/client/utilities';
import { Kind, OperationTypeNode } from 'graphql';
import { createClient } from 'graphql-ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { AggregateTicksDocument, CurrentAggregateDocument } from '../generated/graphql.js';
import { startService, type RunningService } from '../support/service.js';

describe('Apollo Client 4', () => {
  let service: RunningService;
  beforeAll(async () => {
    service = await startService();
  });
  afterAll(async () => {
    await service?.stop();
  });

  it('runs a query over HTTP and receives live updates over graphql-ws', async () => {
    const wsClient = createClient({ url: service.url.replace(/^http/, 'ws'), webSocketImpl: WebSocket, retryAttempts: 0 });
    const link = split(
      ({ query }) => {
        const definition = getMainDefinition(query);
        return definition.kind === Kind.OPERATION_DEFINITION && definition.operation === OperationTypeNode.SUBSCRIPTION;
      },
      new GraphQLWsLink(wsClient),
      new HttpLink({ uri: service.url }),
    );
    const client = new ApolloClient({ link, cache: new InMemoryCache() });

    const { data } = await client.query({ query: CurrentAggregateDocument });
    expect(data!.aggregate.markets.length).toBeGreaterThanOrEqual(20);
    expect(data!.aggregate.markets[0]!.quality.cacheTier).toBe('LIVE');

    const ticks: string[] = [];
    await new Promise<void>((resolve, reject) => {
      const subscription = client.subscribe({ query: AggregateTicksDocument }).subscribe({
        next: (result) => {
          if (result.data) ticks.push(result.data.aggregateUpdated.takenAt);
          if (ticks.length === 2) {
            subscription.unsubscribe();
            resolve();
          }
        },
        error: reject,
      });
    });
    expect(Date.parse(ticks[1]!)).toBeGreaterThan(Date.parse(ticks[0]!));
    client.stop();
    await wsClient.dispose();
  });
});
