/**
 * Subscription fan-out: one aggregate-sized event (23 markets with prices and quality) pushed to N
 * subscribers of the same selection, in lockstep (the next event is published once every
 * subscriber has the previous one), over graphql-ws and over SSE. Three servers on the same schema,
 * pub/sub and payloads, in the same run:
 *
 * - baseline: graphql-yoga (its built-in SSE) + graphql-ws's stock `use/ws` adapter, the documented
 *   recipe: each subscriber executes and stringifies every event itself;
 * - shared execution: Northstar's server path with the result printing switched off;
 * - northstar: Northstar's server path as it runs: one execution and one JSON text per event.
 *
 * Clients run in a worker thread (the other core) and count events without parsing them. Server
 * cost is the main thread's busy time (event-loop utilisation) per event.
 */
import { setMaxListeners } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { Worker } from 'node:worker_threads';
import { print, parse, type ExecutionArgs } from 'graphql';
import { createPubSub, createSchema, createYoga } from 'graphql-yoga';
import { useServer } from 'graphql-ws/use/ws';
import { WebSocketServer } from 'ws';
import { SharedResultJson } from '../src/server/result-json.js';
import type { GraphQLEnveloped } from '../src/server/yoga.js';
import { requestListener, startServerPath } from '../test/support/server-path.js';
import { percentile } from './lib/measure.js';

const SUBSCRIBERS = Number(process.env.BENCH_SUBSCRIBERS ?? 200);
const EVENTS = Number(process.env.BENCH_EVENTS ?? 300);
const MARKETS = 23;

type Events = { aggregateUpdated: [Record<string, unknown>] };

const typeDefs = /* GraphQL */ `
  type Query {
    ok: Boolean!
  }
  type Subscription {
    aggregateUpdated: Aggregate!
  }
  type Aggregate {
    takenAt: String!
    availabilityScore: Float!
    markets: [Market!]!
  }
  type Market {
    ticker: String!
    title: String!
    status: String!
    prices: Prices!
    volume24h: Int!
    quality: Quality!
  }
  type Prices {
    bid: Float
    ask: Float
    last: Float
    previous: Float
  }
  type Quality {
    freshnessMs: Int!
    sourceReliability: Float!
    isFromCache: Boolean!
    cacheTier: String!
    fetchedAt: String!
  }
`;
const query = print(
  parse(`subscription { aggregateUpdated { takenAt availabilityScore markets { ticker title status volume24h
    prices { bid ask last previous } quality { freshnessMs sourceReliability isFromCache cacheTier fetchedAt } } } }`),
);

/** An event target without Node's listener warning: 200 subscribers are 200 listeners. */
function newPubSub() {
  const eventTarget = new EventTarget();
  setMaxListeners(0, eventTarget);
  return createPubSub<Events>({ eventTarget });
}

function schemaOn(pubsub: ReturnType<typeof createPubSub<Events>>) {
  return createSchema({
    typeDefs,
    resolvers: {
      Query: { ok: () => true },
      Subscription: { aggregateUpdated: { subscribe: () => pubsub.subscribe('aggregateUpdated'), resolve: (payload: unknown) => payload } },
    },
  });
}

function aggregate(sequence: number): Record<string, unknown> {
  const now = new Date().toISOString();
  return {
    takenAt: now,
    availabilityScore: 1,
    markets: Array.from({ length: MARKETS }, (_, i) => ({
      ticker: `KXBENCH-26NOV25-T${i}`,
      title: `Will benchmark market ${i} close above ${50 + i}?`,
      status: 'open',
      // Fixed-width numbers: every event has the same size, so frame sizes compare across servers.
      volume24h: 100_000 + ((sequence + i) % 900_000),
      prices: { bid: 0.41 + i / 1000, ask: 0.43 + i / 1000, last: 0.42, previous: 0.4 },
      quality: { freshnessMs: 100 + (sequence % 900), sourceReliability: 0.99, isFromCache: false, cacheTier: 'LIVE', fetchedAt: now },
    })),
  };
}

interface Target {
  name: string;
  server: Server;
  pubsub: ReturnType<typeof createPubSub<Events>>;
  close(): Promise<void>;
}

async function listen(server: Server): Promise<void> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
}

async function baseline(): Promise<Target> {
  const pubsub = newPubSub();
  const yoga = createYoga({ schema: schemaOn(pubsub), logging: false, graphiql: false });
  const server = createServer(requestListener(yoga));
  const wss = new WebSocketServer({ server, path: '/graphql' });
  type Root = { execute: (args: ExecutionArgs) => unknown; subscribe: (args: ExecutionArgs) => unknown };
  const disposable = useServer(
    {
      execute: (args) => (args.rootValue as Root).execute(args) as never,
      subscribe: (args) => (args.rootValue as Root).subscribe(args) as never,
      onSubscribe: async (ctx, _id, params) => {
        const enveloped: GraphQLEnveloped = yoga.getEnveloped({ ...ctx, req: ctx.extra.request, socket: ctx.extra.socket, params });
        const { schema, execute, subscribe, contextFactory, parse, validate } = enveloped;
        const document = parse(params.query);
        const errors = validate(schema, document);
        if (errors.length > 0) return errors;
        return {
          schema,
          document,
          operationName: params.operationName,
          variableValues: params.variables,
          contextValue: await contextFactory(),
          rootValue: { execute, subscribe },
        };
      },
    },
    wss,
  );
  await listen(server);
  return {
    name: 'baseline: yoga + graphql-ws use/ws',
    server,
    pubsub,
    close: async () => {
      await disposable.dispose();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** Northstar's server path (its yoga plugins and graphql-ws adapter); `printOnce` off keeps only the shared execution. */
async function northstar(printOnce: boolean): Promise<Target> {
  const pubsub = newPubSub();
  const path = await startServerPath({
    schema: schemaOn(pubsub),
    ...(printOnce
      ? {}
      : {
          resultJson: () =>
            new (class extends SharedResultJson {
              override share(): void {}
            })(),
        }),
    slowConsumer: { bufferBytes: 64 * 1024 * 1024, deadlineMs: 60_000 },
  });
  return {
    name: printOnce ? 'northstar: shared execution + one print' : 'shared execution, printed per subscriber',
    server: path.server,
    pubsub,
    close: () => path.close(),
  };
}

interface FanoutResult {
  eventsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  serverMsPerEvent: number;
  frameBytes: number;
}

type Transport = 'ws' | 'sse';

async function measure(target: Target, transport: Transport): Promise<FanoutResult> {
  const url = `${transport === 'ws' ? 'ws' : 'http'}://127.0.0.1:${(target.server.address() as AddressInfo).port}/graphql`;
  const worker = new Worker(new URL('./lib/fanout-clients.mjs', import.meta.url), { workerData: { url, subscribers: SUBSCRIBERS, query, transport } });
  let received = 0;
  let frameBytes = 0;
  let waiting: { events: number; resolve: () => void } | null = null;
  const subscribed = new Promise<void>((resolve, reject) => {
    worker.once('error', reject);
    worker.on('message', (message: { type: string; events?: number; frameBytes?: number }) => {
      if (message.type === 'subscribed') resolve();
      if (message.type !== 'received') return;
      received = message.events!;
      frameBytes = message.frameBytes!;
      if (waiting && received >= waiting.events) {
        const { resolve: done } = waiting;
        waiting = null;
        done();
      }
    });
  });
  const receivedAll = (events: number) => new Promise<void>((resolve) => (received >= events ? resolve() : (waiting = { events, resolve })));

  await subscribed;
  // Subscriptions are set up asynchronously on the server: publish until every socket has one.
  let sequence = 0;
  while (received < 1) {
    target.pubsub.publish('aggregateUpdated', aggregate(sequence++));
    await Promise.race([receivedAll(1), new Promise((resolve) => setTimeout(resolve, 20))]);
  }
  // Warm-up, then the measured run.
  for (let i = 0; i < 50; i++) {
    const next = received + 1;
    target.pubsub.publish('aggregateUpdated', aggregate(sequence++));
    await receivedAll(next);
  }
  const latencies: number[] = [];
  const elu = performance.eventLoopUtilization();
  const started = performance.now();
  for (let i = 0; i < EVENTS; i++) {
    const next = received + 1;
    const t = performance.now();
    target.pubsub.publish('aggregateUpdated', aggregate(sequence++));
    await receivedAll(next);
    latencies.push(performance.now() - t);
  }
  const elapsed = performance.now() - started;
  const busy = performance.eventLoopUtilization(elu);
  latencies.sort((a, b) => a - b);
  worker.postMessage('close');
  await new Promise((resolve) => worker.once('exit', resolve));
  return {
    eventsPerSecond: (EVENTS / elapsed) * 1000,
    p50Ms: percentile(latencies, 50),
    p99Ms: percentile(latencies, 99),
    serverMsPerEvent: (busy.utilization * elapsed) / EVENTS,
    frameBytes,
  };
}

function line(name: string, r: FanoutResult): string {
  return `${name.padEnd(44)} ${r.eventsPerSecond.toFixed(0).padStart(6)} events/s   fan-out p50 ${r.p50Ms.toFixed(2).padStart(6)} ms  p99 ${r.p99Ms.toFixed(2).padStart(6)} ms   server ${r.serverMsPerEvent.toFixed(2).padStart(6)} ms/event (${((r.serverMsPerEvent * 1000) / SUBSCRIBERS).toFixed(1)} µs/frame)`;
}

export async function run(): Promise<void> {
  for (const transport of ['ws', 'sse'] as const) {
    console.log(
      `\nSubscription fan-out over ${transport === 'ws' ? 'graphql-ws' : 'SSE'} (${SUBSCRIBERS} subscribers, one selection, ${EVENTS} events of ${MARKETS} markets, lockstep)`,
    );
    const results: FanoutResult[] = [];
    for (const make of [baseline, () => northstar(false), () => northstar(true)]) {
      const target = await make();
      const result = await measure(target, transport);
      await target.close();
      results.push(result);
      console.log(line(transport === 'ws' ? target.name : target.name.replace(' + graphql-ws use/ws', ' built-in SSE'), result));
    }
    const [base, , ours] = results as [FanoutResult, FanoutResult, FanoutResult];
    console.log(
      `event ${base.frameBytes} B (baseline) vs ${ours.frameBytes} B (northstar)   server time per event: northstar / baseline ${(ours.serverMsPerEvent / base.serverMsPerEvent).toFixed(2)}×`,
    );
  }
}
