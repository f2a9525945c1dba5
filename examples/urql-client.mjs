// A minimal urql client for Northstar: queries over HTTP, subscriptions over graphql-ws.
// Run the service (npm start), then: node examples/urql-client.mjs [http://localhost:4000/graphql]
import { Client, cacheExchange, fetchExchange, gql, subscriptionExchange } from '@urql/core';
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';

const url = process.argv[2] ?? 'http://localhost:4000/graphql';
const ws = createClient({ url: url.replace(/^http/, 'ws'), webSocketImpl: WebSocket });
const client = new Client({
  url,
  exchanges: [
    cacheExchange,
    fetchExchange,
    subscriptionExchange({
      forwardSubscription: (request) => ({
        subscribe: (sink) => ({ unsubscribe: ws.subscribe({ ...request, query: request.query ?? '' }, sink) }),
      }),
    }),
  ],
});

const { data } = await client
  .query(
    gql`
      {
        sources {
          source
          availability
          simulated
          breaker
          lastError
        }
      }
    `,
    {},
  )
  .toPromise();
console.table(data.sources);

let ticks = 0;
const subscription = client
  .subscription(
    gql`
      subscription {
        aggregateUpdated {
          takenAt
          availabilityScore
          pnl {
            agentId
            totalPnlUsd
          }
        }
      }
    `,
    {},
  )
  .subscribe(({ data: tick }) => {
    if (!tick) return;
    console.log(tick.aggregateUpdated.takenAt, tick.aggregateUpdated.pnl.map((p) => `${p.agentId}=${p.totalPnlUsd}`).join(' '));
    if (++ticks === 5) {
      subscription.unsubscribe();
      Promise.resolve(ws.dispose()).catch((error) => console.error(error));
    }
  });
