/**
 * Soak: the whole service on its simulators, aggregating ten times a second, snapshotting every
 * second, with BENCH_SOAK_SUBSCRIBERS graphql-ws subscribers on the aggregate, for
 * BENCH_SOAK_MINUTES. Prints the heap after a full GC every half minute and the growth per minute
 * against the first minute (the baseline: startup and warm-up). A service watched all day must
 * come out flat; this is how the two leaks fixed in session 2 (a promise reaction per pub/sub event,
 * a Prisma query plan per L3 batch) were found.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { startBenchApp } from './lib/bench-app.js';
import { BENCH_API_KEY } from './lib/bench-key.js';

const MINUTES = Number(process.env.BENCH_SOAK_MINUTES ?? 4);
const SUBSCRIBERS = Number(process.env.BENCH_SOAK_SUBSCRIBERS ?? 20);

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

function heapMb(): number {
  for (let i = 0; i < 3; i++) gc();
  return process.memoryUsage().heapUsed / 1048576;
}

export async function run(): Promise<void> {
  const { app, stop } = await startBenchApp({ AGGREGATION_INTERVAL_MS: '100', SNAPSHOT_INTERVAL_MS: '1000' });
  const client = createClient({
    url: app.url.replace(/^http/, 'ws'),
    webSocketImpl: WebSocket,
    connectionParams: { authorization: `Bearer ${BENCH_API_KEY}` },
  });
  let events = 0;
  const query =
    'subscription { aggregateUpdated { takenAt markets { ticker prices { bid ask } quality { cacheTier freshnessMs } } pnl { agentId totalPnlUsd } } }';
  for (let i = 0; i < SUBSCRIBERS; i++) client.subscribe({ query }, { next: () => (events += 1), error: () => undefined, complete: () => undefined });

  console.log(`\nSoak: ${MINUTES} min, ${SUBSCRIBERS} graphql-ws subscribers, aggregate every 100 ms, snapshot every second`);
  const samples: Array<{ minute: number; heap: number }> = [];
  for (let half = 0; half <= MINUTES * 2; half++) {
    if (half > 0) await new Promise((resolve) => setTimeout(resolve, 30_000));
    const sample = { minute: half / 2, heap: heapMb() };
    samples.push(sample);
    console.log(`${sample.minute.toFixed(1).padStart(5)} min   heap after GC ${sample.heap.toFixed(1).padStart(6)} MB   events delivered ${events}`);
  }
  const baseline = samples.find((s) => s.minute === 1) ?? samples[0]!;
  const last = samples.at(-1)!;
  const perMinute = last.minute > baseline.minute ? (last.heap - baseline.heap) / (last.minute - baseline.minute) : 0;
  console.log(`growth after the first minute: ${perMinute.toFixed(2)} MB/min (${baseline.heap.toFixed(1)} → ${last.heap.toFixed(1)} MB)`);

  await client.dispose();
  await stop();
}
