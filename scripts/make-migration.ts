/**
 * `npm run db:migration -- <name>`: turns the change between the migration history and
 * prisma/schema.prisma into a new migration, for SQLite and PostgreSQL alike, using Prisma's
 * WebAssembly schema engine (the CLI's `migrate dev` needs a native binary we cannot install).
 *
 * - SQLite: the history is replayed into a scratch in-memory database, which is then diffed
 *   against the datamodel. (The engine's own shadow-database path sends a whole script as one
 *   statement, which SQLite rejects.)
 * - PostgreSQL: the datamodel the last migration was made from (kept beside it as
 *   datamodel.snapshot) is diffed against the current one, schema to schema, so no server is
 *   needed. (The engine cannot read a live PostgreSQL structure: "Column type 'char' could not be
 *   deserialized".)
 *
 * Both folders get a migration with the same directory name, or neither does.
 */
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { PrismaBetterSqlite3 } from '@prisma/adapter-better-sqlite3';
import type { SqlDriverAdapter, SqlMigrationAwareDriverAdapterFactory } from '@prisma/driver-adapter-utils';
import {
  LOCK_FILE,
  MIGRATION_FILE,
  findProjectRoot,
  listMigrationNames,
  loadMigrationList,
  lockFileContent,
  providerPaths,
  type HistoryProvider,
} from '../src/history/migration-files.js';
import { engineError, openSchemaEngine } from '../src/history/schema-engine.js';

/** Kept in each PostgreSQL migration folder: the datamodel that migration brings a database to. */
export const DATAMODEL_SNAPSHOT = 'datamodel.snapshot';

const NO_FILTERS = { externalTables: [], externalEnums: [] };

function timestamp(date: Date): string {
  return date.toISOString().replace(/\D/g, '').slice(0, 14);
}

function migrationName(raw: string | undefined): string {
  const name = (raw ?? '')
    .trim()
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '');
  if (!name) throw new Error('usage: npm run db:migration -- <name>   (e.g. add_cache_entries)');
  return name;
}

/** An empty diff still carries the engine's comment header; only statements count as a change. */
function hasStatements(sql: string): boolean {
  return sql.split('\n').some((line) => line.trim() !== '' && !line.trim().startsWith('--'));
}

async function sqliteMigration(schemaFile: string, schemaText: string, migrationsDir: string): Promise<string> {
  // Both the replay and the diff must see the same in-memory database, so the factory hands out one
  // connection; the session's dispose() closes it.
  const inner = new PrismaBetterSqlite3({ url: ':memory:' });
  const shared = inner.connect();
  const factory: SqlMigrationAwareDriverAdapterFactory = {
    provider: inner.provider,
    adapterName: inner.adapterName,
    connect: () => shared,
    connectToShadowDb: () => inner.connectToShadowDb(),
  };
  const session = await openSchemaEngine(factory, [[schemaFile, schemaText]]);
  try {
    await session.engine.applyMigrations({ migrationsList: await loadMigrationList(migrationsDir), filters: NO_FILTERS });
    const result = await session.engine.diff({
      from: { tag: 'schemaDatasource', files: [{ path: schemaFile, content: schemaText }], configDir: path.dirname(schemaFile) },
      to: { tag: 'schemaDatamodel', files: [{ path: schemaFile, content: schemaText }] },
      script: true,
      exitCode: null,
      filters: NO_FILTERS,
    });
    return result.stdout ?? '';
  } catch (error) {
    throw engineError('SQLite diff', error);
  } finally {
    await session.dispose();
  }
}

/**
 * A schema-to-schema diff reads nothing from a database, but the engine still opens a connection
 * at start to probe the server; this adapter answers every statement with an empty result so the
 * diff runs with no PostgreSQL server at all.
 */
function offlinePostgres(): SqlMigrationAwareDriverAdapterFactory {
  const connection: SqlDriverAdapter = {
    provider: 'postgres',
    adapterName: 'northstar-offline',
    queryRaw: () => Promise.resolve({ columnNames: [], columnTypes: [], rows: [] }),
    executeRaw: () => Promise.resolve(0),
    executeScript: async () => {},
    startTransaction: () => Promise.reject(new Error('the offline PostgreSQL adapter has no transactions')),
    dispose: async () => {},
  };
  return {
    provider: 'postgres',
    adapterName: 'northstar-offline',
    connect: () => Promise.resolve(connection),
    connectToShadowDb: () => Promise.resolve(connection),
  };
}

/**
 * From an empty model the engine also emits `CREATE SCHEMA IF NOT EXISTS "public"`. Migrations run
 * in whichever schema DATABASE_URL's ?schema= names (it leads the search_path), so a hard-coded
 * "public" is wrong there, and it needs CREATE rights on the database even when the schema exists.
 */
function withoutPublicSchema(sql: string): string {
  return sql.replace(/-- CreateSchema\nCREATE SCHEMA IF NOT EXISTS "public";\n*/g, '');
}

async function postgresMigration(schemaFile: string, schemaText: string, migrationsDir: string): Promise<string> {
  const names = await listMigrationNames(migrationsDir);
  const last = names.at(-1);
  let previous: string | null = null;
  if (last) {
    const snapshot = path.join(migrationsDir, last, DATAMODEL_SNAPSHOT);
    if (!existsSync(snapshot)) throw new Error(`${snapshot} is missing: cannot tell what the PostgreSQL history contains`);
    previous = await readFile(snapshot, 'utf8');
  }
  const session = await openSchemaEngine(offlinePostgres(), [[schemaFile, schemaText]]);
  try {
    const result = await session.engine.diff({
      from: previous === null ? { tag: 'empty' } : { tag: 'schemaDatamodel', files: [{ path: schemaFile, content: previous }] },
      to: { tag: 'schemaDatamodel', files: [{ path: schemaFile, content: schemaText }] },
      script: true,
      exitCode: null,
      filters: NO_FILTERS,
    });
    return withoutPublicSchema(result.stdout ?? '');
  } catch (error) {
    throw engineError('PostgreSQL diff', error);
  } finally {
    await session.dispose();
  }
}

async function writeMigration(provider: HistoryProvider, migrationsDir: string, directory: string, sql: string): Promise<string> {
  const folder = path.join(migrationsDir, directory);
  await mkdir(folder, { recursive: true });
  await writeFile(path.join(folder, MIGRATION_FILE), sql.endsWith('\n') ? sql : `${sql}\n`);
  const lock = path.join(migrationsDir, LOCK_FILE);
  if (!existsSync(lock)) await writeFile(lock, lockFileContent(provider));
  return folder;
}

interface Generator {
  toPostgresSchema(sqliteSchemaText: string): string;
  writePostgresSchema(): Promise<string>;
}

async function loadGenerator(root: string): Promise<Generator> {
  return (await import(pathToFileURL(path.join(root, 'scripts', 'generate-prisma.mjs')).href)) as Generator;
}

export interface PendingChanges {
  /** SQL each provider's next migration would contain; only comments when nothing changed. */
  sqlite: string;
  postgresql: string;
  /** The PostgreSQL schema text derived from prisma/schema.prisma. */
  postgresSchema: string;
  changed: boolean;
}

/** What the next migration would be, without writing anything. Also the schema-drift check of CI. */
export async function pendingChanges(root: string = findProjectRoot()): Promise<PendingChanges> {
  const sqlite = providerPaths('sqlite', root);
  const postgres = providerPaths('postgresql', root);
  const sqliteText = await readFile(sqlite.schemaFile, 'utf8');
  const postgresSchema = (await loadGenerator(root)).toPostgresSchema(sqliteText);
  const [sqliteSql, pgSql] = await Promise.all([
    sqliteMigration(sqlite.schemaFile, sqliteText, sqlite.migrationsDir),
    postgresMigration(postgres.schemaFile, postgresSchema, postgres.migrationsDir),
  ]);
  return { sqlite: sqliteSql, postgresql: pgSql, postgresSchema, changed: hasStatements(sqliteSql) || hasStatements(pgSql) };
}

export async function makeMigration(rawName: string | undefined, now: Date = new Date()): Promise<string[]> {
  const name = migrationName(rawName);
  const root = findProjectRoot();
  // The PostgreSQL schema is derived from the SQLite one; refresh the file so it matches the migration.
  await (await loadGenerator(root)).writePostgresSchema();
  const pending = await pendingChanges(root);
  if (!pending.changed) {
    console.log('no changes: the migrations already produce prisma/schema.prisma');
    return [];
  }
  const sqlite = providerPaths('sqlite', root);
  const postgres = providerPaths('postgresql', root);
  const directory = `${timestamp(now)}_${name}`;
  const written = [
    await writeMigration('sqlite', sqlite.migrationsDir, directory, pending.sqlite),
    await writeMigration('postgresql', postgres.migrationsDir, directory, pending.postgresql),
  ];
  await writeFile(path.join(postgres.migrationsDir, directory, DATAMODEL_SNAPSHOT), pending.postgresSchema);
  for (const folder of written) console.log(`wrote ${path.relative(root, path.join(folder, MIGRATION_FILE))}`);
  console.log('run `npm run generate:prisma` to refresh the clients');
  return written;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  makeMigration(process.argv[2]).catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exitCode = 1;
  });
}
