/**
 * DATABASE_URL → which provider, where, and the driver adapter factory that reaches it. The startup
 * migrator and the Prisma client both go through here, so they always open the same database.
 */
import path from 'node:path';
import { PrismaBetterSqlite3 } from '@prisma/adapter-better-sqlite3';
import { PrismaPg } from '@prisma/adapter-pg';
import type { SqlMigrationAwareDriverAdapterFactory } from '@prisma/driver-adapter-utils';
import { ConfigError } from '../core/errors.js';

/**
 * How long the service's SQLite connection waits inside SQLite on a locked database before failing
 * with SQLITE_BUSY. better-sqlite3 waits synchronously, with the event loop stopped, so this stays a
 * few milliseconds: longer waits happen on timers in serial-connection.ts, and requests go on.
 */
export const SQLITE_BUSY_TIMEOUT_MS = 10;
/** The same for the startup migrator, which runs before anything is served: waiting is all it can do. */
export const SQLITE_MIGRATION_BUSY_TIMEOUT_MS = 5000;

export type DatabaseTarget =
  | { provider: 'sqlite'; /** Absolute path, or ':memory:'. */ file: string }
  | { provider: 'postgresql'; /** The URL without Prisma's `schema` parameter. */ connectionString: string; schema: string };

const IDENTIFIER = /^[a-z_][a-z0-9_]{0,62}$/;

/**
 * `file:<path>` (relative paths resolve against process.cwd(), as the Prisma CLI resolves them
 * against the directory it runs in) or `postgres(ql)://…[?schema=name]`.
 */
export function parseDatabaseUrl(databaseUrl: string): DatabaseTarget {
  if (databaseUrl.startsWith('file:')) {
    // Prisma-style query parameters (?connection_limit=…) mean nothing to better-sqlite3.
    const location = databaseUrl.slice('file:'.length).replace(/\?.*$/, '');
    if (location === '') throw new ConfigError('DATABASE_URL: file: needs a path, e.g. file:./data/northstar.db');
    return { provider: 'sqlite', file: location === ':memory:' ? location : path.resolve(process.cwd(), location) };
  }
  if (/^postgres(ql)?:\/\//.test(databaseUrl)) {
    const url = new URL(databaseUrl);
    const schema = url.searchParams.get('schema') ?? 'public';
    // The schema goes into search_path unquoted, where PostgreSQL folds case, while the engine and
    // the client quote it: only lower-case plain names mean the same schema to all three.
    if (!IDENTIFIER.test(schema)) throw new ConfigError(`DATABASE_URL: schema must be a lower-case identifier (got ${JSON.stringify(schema)})`);
    // node-postgres does not know Prisma's `schema` parameter.
    url.searchParams.delete('schema');
    return { provider: 'postgresql', connectionString: url.toString(), schema };
  }
  throw new ConfigError('DATABASE_URL must be file:<path> (SQLite) or postgresql://… (PostgreSQL)');
}

/**
 * Who opens the connection: the history client (`'client'`) or the startup migrator's schema engine
 * (`'migrations'`). They differ on SQLite only, in how a DateTime is written (see below).
 */
export type AdapterUse = 'client' | 'migrations';

export function createAdapterFactory(target: DatabaseTarget, use: AdapterUse = 'client'): SqlMigrationAwareDriverAdapterFactory {
  if (target.provider === 'sqlite') {
    // `timeout` is better-sqlite3's busy timeout, applied to every connection the factory opens
    // (the engine and the client each open their own).
    const config = { url: target.file, timeout: use === 'client' ? SQLITE_BUSY_TIMEOUT_MS : SQLITE_MIGRATION_BUSY_TIMEOUT_MS };
    // The history's DateTimes are integer epoch milliseconds: the adapter's default ISO text
    // ('2026-12-02T07:46:24.167+00:00') is 29 bytes in the row and again in every index over the
    // column, an integer 6. Every DateTime column must hold one form only: SQLite orders any integer
    // before any text, so a range over mixed rows would miss some (migration
    // 20261202075700_integer_timestamps converted the text ones). The engine keeps the default for
    // its own `_prisma_migrations`, so that table stays what `prisma migrate deploy` expects.
    return use === 'client' ? new PrismaBetterSqlite3(config, { timestampFormat: 'unixepoch-ms' }) : new PrismaBetterSqlite3(config);
  }
  // Migration scripts name tables without a schema, so the schema must lead the search_path; the
  // adapter's `schema` option makes the client's queries name it explicitly as well.
  return new PrismaPg({ connectionString: target.connectionString, options: `-c search_path=${target.schema}` }, { schema: target.schema });
}
