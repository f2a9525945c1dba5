/**
 * The whole service as the benches run it: production mode on the bundled simulators, silent, with
 * its database and cache in a temporary directory of its own (removed by stop()) and the bench key.
 * `env` adds or overrides settings (a bench's timers, its limits).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createApp, type App } from '../../src/app.js';
import { loadConfig } from '../../src/core/config.js';
import { silentLogger } from '../../src/core/logger.js';
import { BENCH_API_KEY_ENTRY } from './bench-key.js';

export interface BenchApp {
  app: App;
  /** Stops the service and removes its directory. */
  stop: () => Promise<void>;
}

export async function startBenchApp(env: Record<string, string> = {}): Promise<BenchApp> {
  const dir = await mkdtemp(join(tmpdir(), 'northstar-bench-'));
  const config = loadConfig({
    NODE_ENV: 'production',
    SIMULATORS: 'all',
    PORT: '0',
    LOG_LEVEL: 'silent',
    DATABASE_URL: `file:${join(dir, 'bench.db')}`,
    CACHE_DIR: join(dir, 'cache'),
    API_KEYS: BENCH_API_KEY_ENTRY,
    ...env,
  });
  const app = await createApp({ config, logger: silentLogger, collectProcessMetrics: false });
  await app.start();
  return {
    app,
    stop: async () => {
      await app.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
