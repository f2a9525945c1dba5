/** Shared by the history tests: real SQLite files in a throw-away directory. */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import type { Clock } from '../../src/core/clock.js';
import { HistoryStore } from '../../src/history/index.js';
import { listMigrationNames, providerPaths } from '../../src/history/migration-files.js';

export interface TempDir {
  dir: string;
  cleanup(): Promise<void>;
}

export async function makeTempDir(): Promise<TempDir> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'northstar-history-'));
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

export interface TestStore extends TempDir {
  store: HistoryStore;
  url: string;
}

/** A migrated SQLite history store in a fresh temp directory. */
export async function openTestStore(clock?: Clock): Promise<TestStore> {
  const temp = await makeTempDir();
  const url = `file:${path.join(temp.dir, 'history.db')}`;
  const store = await HistoryStore.open(url, clock ? { clock } : {});
  return {
    ...temp,
    store,
    url,
    async cleanup() {
      await store.close();
      await temp.cleanup();
    },
  };
}

export const TEST_POSTGRES_URL = 'postgresql://postgres@127.0.0.1:5432/test';

/** null when PostgreSQL answers at TEST_POSTGRES_URL, otherwise why it does not. */
export async function postgresUnavailable(): Promise<string | null> {
  const client = new pg.Client({ connectionString: TEST_POSTGRES_URL, connectionTimeoutMillis: 1500 });
  client.on('error', () => {});
  try {
    await client.connect();
    await client.query('SELECT 1');
    return null;
  } catch (error) {
    if (error instanceof AggregateError) return error.errors.map((inner: unknown) => String((inner as Error).message ?? inner)).join('; ');
    return error instanceof Error ? error.message || error.name : String(error);
  } finally {
    await client.end().catch(() => {});
  }
}

export const DAY_MS = 86_400_000;

/** Every table the migrations create, sorted: both providers' migration tests expect exactly these. */
export const HISTORY_TABLES = [
  '_prisma_migrations',
  'audit_log',
  'cache_entries',
  'data_freshness',
  'exchange_candles',
  'history_backfills',
  'legacy_market_ticks',
  'market_tickers',
  'market_ticks',
  'normalized_data',
  'pnl_snapshots',
  'raw_api_responses',
  'service_runs',
  'snapshot_documents',
  'trades',
];

/**
 * A SQLite file at the migration just before the one named `…_<suffix>` (applied as plain SQL, as
 * an old release left it), and `migrate()`, which applies that migration and every later one.
 */
export async function databaseBeforeMigration(file: string, suffix: string): Promise<{ db: Database.Database; migrate: () => void }> {
  const { migrationsDir } = providerPaths('sqlite');
  const names = await listMigrationNames(migrationsDir);
  const at = names.findIndex((name) => name.endsWith(`_${suffix}`));
  if (at <= 0) throw new Error(`no migration ending in _${suffix} after the first`);
  const sql = (name: string) => readFile(path.join(migrationsDir, name, 'migration.sql'), 'utf8');
  const db = new Database(file);
  for (const name of names.slice(0, at)) db.exec(await sql(name));
  const rest = await Promise.all(names.slice(at).map(sql));
  return { db, migrate: () => rest.forEach((text) => db.exec(text)) };
}
