/**
 * GraphQL over HTTP: Northstar's `aggregate` (≥ 20 markets with quality) and a tiny `health`
 * query, against a bare graphql-yoga server answering a constant in the same run (the floor of
 * what yoga + node:http cost on this machine). Loopback only; bounded request counts.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createSchema, createYoga } from 'graphql-yoga';
import { Pool } from 'undici';
import { startBenchApp } from './lib/bench-app.js';
import { BENCH_API_KEY } from './lib/bench-key.js';
import { requestListener } from '../test/support/server-path.js';
import { load, row } from './lib/measure.js';

const TOTAL = Number(process.env.BENCH_REQUESTS ?? 4000);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 16);

async function post(pool: Pool, path: string, query: string): Promise<void> {
  const response = await pool.request({
    method: 'POST',
    path,
    headers: { 'content-type': 'application/json', authorization: `Bearer ${BENCH_API_KEY}` },
    body: JSON.stringify({ query }),
  });
  const text = await response.body.text();
  if (response.statusCode !== 200 || text.includes('"errors"')) throw new Error(`HTTP ${response.statusCode}`);
}

export async function run(): Promise<void> {
  const bare = createServer(
    requestListener(
      createYoga({ schema: createSchema({ typeDefs: 'type Query { ok: Boolean! }', resolvers: { Query: { ok: () => true } } }), logging: false }),
    ),
  );
  await new Promise<void>((resolve) => bare.listen(0, '127.0.0.1', resolve));
  const barePool = new Pool(`http://127.0.0.1:${(bare.address() as AddressInfo).port}`, { connections: CONCURRENCY });

  // The bench measures throughput on loopback: the per-key rate limit (100/s by default) is off.
  const { app, stop } = await startBenchApp({ RATE_LIMIT_PER_KEY: '0' });
  const pool = new Pool(new URL(app.url).origin, { connections: CONCURRENCY });
  const markets = app.services.markets.list().length;

  const aggregateQuery =
    '{ aggregate { takenAt availabilityScore markets { id ticker title status prices { bid ask last } volume { volume24h } quality { freshnessMs sourceReliability cacheTier } } components { source availability } } }';
  // Warm up JIT and connections.
  await load(() => post(barePool, '/graphql', '{ ok }'), 300, CONCURRENCY);
  await load(() => post(pool, '/graphql', aggregateQuery), 300, CONCURRENCY);

  console.log(`\nGraphQL over HTTP (${TOTAL} requests, ${CONCURRENCY} in flight, ${markets} markets)`);
  const baseline = await load(() => post(barePool, '/graphql', '{ ok }'), TOTAL, CONCURRENCY);
  console.log(row('baseline: bare yoga `{ ok }`', baseline));
  const health = await load(() => post(pool, '/graphql', '{ sources { source availability } }'), TOTAL, CONCURRENCY);
  console.log(row('northstar `{ sources }`', health));
  const aggregate = await load(() => post(pool, '/graphql', aggregateQuery), TOTAL, CONCURRENCY);
  console.log(row(`northstar \`aggregate\` (${markets} markets)`, aggregate));
  console.log(
    `northstar sources / baseline: ${(health.perSecond / baseline.perSecond).toFixed(2)}×   aggregate / baseline: ${(aggregate.perSecond / baseline.perSecond).toFixed(2)}×`,
  );

  await pool.close();
  await barePool.close();
  await stop();
  await new Promise<void>((resolve) => bare.close(() => resolve()));
}
