import { existsSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { migrateDatabase, openDatabase } from '../../src/history/index.js';
import { SQLITE_BUSY_TIMEOUT_MS } from '../../src/history/connection.js';
import { listMigrationNames, findProjectRoot, providerPaths } from '../../src/history/migration-files.js';
import { HISTORY_TABLES, makeTempDir, type TempDir } from './helpers.js';

const INDEXES = [
  'idx_source_timestamp',
  'idx_source_ticker',
  'idx_created',
  'idx_agent',
  'idx_snapshot_time',
  'idx_event_type',
  'idx_logged_at',
  'idx_cache_expires_at',
  'idx_cache_source',
  'normalized_data_data_id_key',
  'data_freshness_source_key',
  'cache_entries_cache_key_key',
  'idx_snapshot_documents_taken_at',
  'market_tickers_ticker_key',
];

describe('migrateDatabase (SQLite)', () => {
  let temp: TempDir;
  afterEach(async () => {
    await temp.cleanup();
  });

  it('creates every table and index in an empty file, then applies nothing the second time', async () => {
    temp = await makeTempDir();
    // The parent directory does not exist yet: migrate creates it.
    const file = path.join(temp.dir, 'nested', 'dir', 'history.db');
    const expected = await listMigrationNames(providerPaths('sqlite').migrationsDir);
    expect(expected.length).toBeGreaterThan(0);

    const first = await migrateDatabase(`file:${file}`);
    expect(first.applied).toEqual(expected);

    const db = new Database(file, { readonly: true });
    try {
      const objects = db.prepare("SELECT type, name FROM sqlite_master WHERE name NOT LIKE 'sqlite_%'").all() as Array<{ type: string; name: string }>;
      const tables = objects.filter((o) => o.type === 'table').map((o) => o.name);
      expect(tables.sort()).toEqual([...HISTORY_TABLES].sort());
      const indexes = objects.filter((o) => o.type === 'index').map((o) => o.name);
      expect(indexes).toEqual(expect.arrayContaining(INDEXES));
      // The seed's triggers and view are replaced by the retention job and a grouped query.
      expect(objects.some((o) => o.type === 'trigger' || o.type === 'view')).toBe(false);
      const history = db.prepare('SELECT migration_name, finished_at, rolled_back_at FROM _prisma_migrations').all() as Array<Record<string, unknown>>;
      expect(history.map((row) => row['migration_name'])).toEqual(expected);
      expect(history.every((row) => row['finished_at'] !== null && row['rolled_back_at'] === null)).toBe(true);
    } finally {
      db.close();
    }

    const second = await migrateDatabase(`file:${file}`);
    expect(second.applied).toEqual([]);
  });

  it('releases the database: no connection of the engine keeps a lock', async () => {
    temp = await makeTempDir();
    const file = path.join(temp.dir, 'history.db');
    await migrateDatabase(`file:${file}`);
    const db = new Database(file, { timeout: 0 });
    try {
      // Throws SQLITE_BUSY at once if any connection the engine opened were still around.
      expect(() => db.exec('BEGIN EXCLUSIVE; COMMIT;')).not.toThrow();
    } finally {
      db.close();
    }
  });

  it('resolves a relative file: path against the working directory', async () => {
    temp = await makeTempDir();
    const previous = process.cwd();
    process.chdir(temp.dir);
    try {
      await migrateDatabase('file:./data/relative.db');
    } finally {
      process.chdir(previous);
    }
    expect(existsSync(path.join(temp.dir, 'data', 'relative.db'))).toBe(true);
  });

  it('opens the client in WAL mode with a busy timeout of a few milliseconds (longer waits are on timers)', async () => {
    temp = await makeTempDir();
    const file = path.join(temp.dir, 'history.db');
    await migrateDatabase(`file:${file}`);
    const prisma = await openDatabase(`file:${file}`);
    try {
      const [timeout] = await prisma.$queryRawUnsafe<Array<{ timeout: bigint | number }>>('PRAGMA busy_timeout');
      expect(Number(timeout?.timeout)).toBe(SQLITE_BUSY_TIMEOUT_MS);
      expect(SQLITE_BUSY_TIMEOUT_MS).toBeLessThanOrEqual(20);
      // journal_mode is a property of the file: a separate connection sees it, and the -wal file exists.
      await prisma.auditLog.create({ data: { eventType: 'probe' } });
      const db = new Database(file, { readonly: true });
      try {
        expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
      } finally {
        db.close();
      }
      expect(existsSync(`${file}-wal`)).toBe(true);
    } finally {
      await prisma.$disconnect();
    }
  });
});

describe('findProjectRoot', () => {
  it('finds the folder holding package.json from src/ and from a compiled dist/src/', () => {
    const root = findProjectRoot();
    expect(existsSync(path.join(root, 'package.json'))).toBe(true);
    expect(existsSync(path.join(root, 'prisma', 'schema.prisma'))).toBe(true);
    expect(findProjectRoot(path.join(root, 'dist', 'src', 'history'))).toBe(root);
  });
});
