/**
 * A crash in the first minute, before the first L4 snapshot: the real process is SIGKILLed seconds
 * after it started serving, then restarted on the same database and CACHE_DIR with every upstream
 * refusing connections and no Redis. The market list must come back from the database (L3), where
 * the first run wrote it seconds after its first poll, labelled as such and with its real age.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { authHeaders, TEST_API_KEY_ENTRY } from '../support/service-process.js';
import { until } from '../support/until.js';
import { freePort } from '../cache/helpers.js';

interface Quality {
  isFromCache: boolean;
  cacheTier: string;
  freshnessMs: number;
}
interface MarketsAnswer {
  markets: Array<{ ticker: string; quality: Quality }>;
  aggregate: { markets: Array<{ ticker: string; quality: Quality }> };
}

const QUERY = `{
  markets(limit: 1000) { ticker quality { isFromCache cacheTier freshnessMs } }
  aggregate { markets { ticker quality { isFromCache cacheTier freshnessMs } } }
}`;

const children: ChildProcess[] = [];
const dirs: string[] = [];

afterAll(async () => {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })));
});

/** Starts `node --import tsx src/main.ts` and resolves its GraphQL URL once it logs it. */
async function startProcess(env: Record<string, string>): Promise<{ child: ChildProcess; url: string; exited: Promise<NodeJS.Signals | number | null> }> {
  const base: Record<string, string | undefined> = { ...process.env };
  // No Redis in either run: L2 must not be what answers the restart.
  delete base.REDIS_URL;
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    env: {
      ...base,
      PORT: '0',
      HOST: '127.0.0.1',
      NODE_ENV: 'production',
      SIMULATORS: 'all',
      LOG_FORMAT: 'json',
      LOG_LEVEL: 'info',
      API_KEYS: TEST_API_KEY_ENTRY,
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  child.stderr.resume();
  const exited = new Promise<NodeJS.Signals | number | null>((resolve) => child.once('exit', (code, signal) => resolve(signal ?? code)));
  const url = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout }).on('line', (line) => {
      try {
        const entry = JSON.parse(line) as Record<string, unknown>;
        if (typeof entry.graphql === 'string') resolve(entry.graphql);
      } catch {
        // Not a log line.
      }
    });
    exited.then((code) => reject(new Error(`exited before listening (${String(code)})`)), reject);
  });
  return { child, url, exited };
}

async function query(url: string): Promise<MarketsAnswer> {
  const response = await fetch(url, { method: 'POST', headers: authHeaders({ 'content-type': 'application/json' }), body: JSON.stringify({ query: QUERY }) });
  const body = (await response.json()) as { data?: MarketsAnswer; errors?: unknown[] };
  expect(body.errors).toBeUndefined();
  return body.data!;
}

/** When the database last stored each market row, by ticker (read behind the process's back). */
function storedMarkets(file: string): Map<string, number> {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    const rows = db.prepare(`SELECT cache_key AS key, updated_at AS at FROM cache_entries WHERE cache_key LIKE 'data:kalshi:markets:%'`).all() as Array<{
      key: string;
      /** Epoch milliseconds, as SQLite stores the history's DateTimes. */
      at: number;
    }>;
    return new Map(rows.map((row) => [row.key.replace(/^data:kalshi:markets:/, '').replace(/:v\d+$/, ''), row.at]));
  } finally {
    db.close();
  }
}

describe('a crash in the first minute', () => {
  it('restarts with every upstream down and still lists the markets, from L3, with their real age', { timeout: 90_000 }, async () => {
    const dir = await mkdtemp(join(tmpdir(), 'northstar-crash-'));
    dirs.push(dir);
    const dbFile = join(dir, 'n.db');
    const shared = { DATABASE_URL: `file:${dbFile}`, CACHE_DIR: join(dir, 'cache') };

    // First run, on the simulators: wait until it serves markets and the database holds every one.
    const first = await startProcess(shared);
    const served = await until('the first run to serve markets', 20_000, async () => {
      const tickers = (await query(first.url)).markets.map((m) => m.ticker);
      return tickers.length > 0 ? tickers : null;
    });
    await until('the markets in the database', 20_000, () => {
      const stored = storedMarkets(dbFile);
      return served.every((ticker) => stored.has(ticker)) ? true : null;
    });
    first.child.kill('SIGKILL');
    expect(await first.exited).toBe('SIGKILL');
    // The crash came before the first L4 snapshot (every 60 s): the files cannot be what answers.
    const files = await readdir(join(dir, 'cache', 'fallback')).catch(() => [] as string[]);
    expect(files.filter((file) => file.endsWith('.json'))).toEqual([]);
    const storedAt = storedMarkets(dbFile);

    // The restart: same database and CACHE_DIR, every upstream refusing connections, no Redis.
    const down = `http://127.0.0.1:${await freePort()}`;
    const second = await startProcess({ ...shared, KALSHI_BASE_URL: `${down}/trade-api/v2`, JOHN_BASE_URL: down, ANTHROPIC_BASE_URL: down });
    try {
      const askedAt = Date.now();
      const answer = await query(second.url);
      for (const list of [answer.markets, answer.aggregate.markets]) {
        const tickers = list.map((m) => m.ticker);
        expect(tickers.length).toBeGreaterThan(0);
        expect(tickers).toEqual(expect.arrayContaining(served));
        for (const market of list) {
          expect(market.quality).toMatchObject({ isFromCache: true, cacheTier: 'L3' });
          // Measured from the upstream's time, which is no later than when the row was stored.
          expect(market.quality.freshnessMs).toBeGreaterThanOrEqual(askedAt - storedAt.get(market.ticker)!);
        }
      }
    } finally {
      second.child.kill('SIGTERM');
      await second.exited;
    }
  });
});
