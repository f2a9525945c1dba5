// A minimal Apollo Client 4 for Northstar: queries over HTTP, subscriptions over graphql-ws.
// Run the service (npm start), then: node examples/apollo-client.mjs [http://localhost:4000/graphql]
import { ApolloClient, HttpLink, InMemoryCache, gql, split } from '@apollo/client';
import { GraphQLWsLink } from '@apollo/client/link/subscriptions';
import { getMainDefinition } from '@apollo/client/utilities';
import { Kind, OperationTypeNode } from 'graphql';
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';

const url = process.argv[2] ?? 'http://localhost:4000/graphql';
const ws = createClient({ url: url.replace(/^http/, 'ws'), webSocketImpl: WebSocket });
const client = new ApolloClient({
  cache: new InMemoryCache(),
  link: split(
    ({ query }) => {
      const d = getMainDefinition(query);
      return d.kind === Kind.OPERATION_DEFINITION && d.operation === OperationTypeNode.SUBSCRIPTION;
    },
    new GraphQLWsLink(ws),
    new HttpLink({ uri: url }),
  ),
});

const { data } = await client.query({
  query: gql`
    {
      aggregate {
        availabilityScore
        markets {
          ticker
          prices {
            bid
            ask
          }
          quality {
            cacheTier
            freshnessMs
          }
        }
      }
    }
  `,
});
console.log(`availability ${data.aggregate.availabilityScore}, ${data.aggregate.markets.length} markets`);

let ticks = 0;
const subscription = client
  .subscribe({
    query: gql`
      subscription {
        aggregateUpdated {
          takenAt
          markets {
            ticker
            prices {
              bid
              ask
            }
          }
        }
      }
    `,
  })
  .subscribe({
    next: ({ data: tick }) => {
      const m = tick.aggregateUpdated.markets[0];
      console.log(tick.aggregateUpdated.takenAt, m.ticker, m.prices.bid, m.prices.ask);
      if (++ticks === 5) {
        subscription.unsubscribe();
        client.stop();
        Promise.resolve(ws.dispose()).catch((error) => console.error(error));
      }
    },
    error: (error) => console.error(error),
  });
