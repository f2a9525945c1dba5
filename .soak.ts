import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeHeapSnapshot } from 'node:v8';
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { createApp } from './src/app.js';
import { loadConfig } from './src/core/config.js';
import { silentLogger } from './src/core/logger.js';

const dir = await mkdtemp(join(tmpdir(), 'soak-'));
const config = loadConfig({ NODE_ENV: 'production', PORT: '0', LOG_LEVEL: 'silent', DATABASE_URL: `file:${join(dir, 's.db')}`, CACHE_DIR: join(dir, 'cache'), AGGREGATION_INTERVAL_MS: '100', SNAPSHOT_INTERVAL_MS: '1000' });
const app = await createApp({ config, logger: silentLogger, collectProcessMetrics: false });
await app.start();
const ws = createClient({ url: app.url.replace('http', 'ws'), webSocketImpl: WebSocket });
let events = 0;
const q = 'subscription { aggregateUpdated { takenAt markets { ticker prices { bid ask } quality { cacheTier freshnessMs } } pnl { agentId totalPnlUsd } } }';
const subscribers = Number(process.env.SUBS ?? 20);
for (let i = 0; i < subscribers; i++) ws.subscribe({ query: q }, { next: () => events++, error: console.error, complete: () => {} });
const gc = (globalThis as { gc?: () => void }).gc!;
const minutes = Number(process.argv[2] ?? 6);
for (let m = 0; m <= minutes * 2; m++) {
  gc(); gc();
  const u = process.memoryUsage();
  console.log(`${(m / 2).toFixed(1)} min  heap ${(u.heapUsed / 1048576).toFixed(1)} MB  external ${(u.external / 1048576).toFixed(1)} MB  events ${events}  markets ${app.services.markets.list().length}`);
  if (process.env.SNAP && (m === 2 || m === 4)) { gc(); console.log('snapshot', writeHeapSnapshot(`/tmp/soak/h${m}.heapsnapshot`)); }
  await new Promise((r) => setTimeout(r, 30_000));
}
await ws.dispose();
await app.stop();
process.exit(0);
