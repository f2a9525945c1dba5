/**
 * DATABASE_URL → which provider, where, and the driver adapter factory that reaches it. The startup
 * migrator and the Prisma client both go through here, so they always open the same database.
 */
import path from 'node:path';
import { PrismaBetterSqlite3 } from '@prisma/adapter-better-sqlite3';
import { PrismaPg } from '@prisma/adapter-pg';
import type { SqlMigrationAwareDriverAdapterFactory } from '@prisma/driver-adapter-utils';
import { ConfigError } from '../core/errors.js';

/** How long a SQLite connection waits on a locked database before failing with SQLITE_BUSY. */
export const SQLITE_BUSY_TIMEOUT_MS = 5000;

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

export function createAdapterFactory(target: DatabaseTarget): SqlMigrationAwareDriverAdapterFactory {
  if (target.provider === 'sqlite') {
    // `timeout` is better-sqlite3's busy timeout, applied to every connection the factory opens
    // (the engine and the client each open their own).
    return new PrismaBetterSqlite3({ url: target.file, timeout: SQLITE_BUSY_TIMEOUT_MS });
  }
  // Migration scripts name tables without a schema, so the schema must lead the search_path; the
  // adapter's `schema` option makes the client's queries name it explicitly as well.
  return new PrismaPg({ connectionString: target.connectionString, options: `-c search_path=${target.schema}` }, { schema: target.schema });
}
