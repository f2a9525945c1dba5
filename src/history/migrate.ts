/**
 * Applies pending migrations at startup, through Prisma's WebAssembly schema engine: the migration
 * folders are the ones `prisma migrate deploy` reads, and the bookkeeping is its standard
 * `_prisma_migrations` table (checksums included), so the native CLI can take over wherever its
 * binary is available. About 60 ms when nothing is pending.
 */
import { mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { silentLogger, type Logger } from '../core/logger.js';
import { createAdapterFactory, parseDatabaseUrl } from './connection.js';
import { loadMigrationList, providerPaths } from './migration-files.js';
import { engineError, openSchemaEngine } from './schema-engine.js';

export interface MigrationResult {
  /** Names of the migrations this call applied, oldest first; empty when the database was current. */
  applied: string[];
}

export async function migrateDatabase(databaseUrl: string, logger: Logger = silentLogger): Promise<MigrationResult> {
  const target = parseDatabaseUrl(databaseUrl);
  if (target.provider === 'sqlite' && target.file !== ':memory:') {
    await mkdir(path.dirname(target.file), { recursive: true });
  }
  const { schemaFile, migrationsDir } = providerPaths(target.provider);
  const [schemaText, migrationsList] = await Promise.all([readFile(schemaFile, 'utf8'), loadMigrationList(migrationsDir)]);
  if (migrationsList.migrationDirectories.length === 0) {
    throw new Error(`No migrations in ${migrationsDir}: the build is missing its prisma/ folder`);
  }

  const started = performance.now();
  const session = await openSchemaEngine(createAdapterFactory(target, 'migrations'), [[schemaFile, schemaText]], logger);
  try {
    const { appliedMigrationNames } = await session.engine.applyMigrations({
      migrationsList,
      filters: { externalTables: [], externalEnums: [] },
    });
    logger.info(
      { provider: target.provider, applied: appliedMigrationNames, durationMs: Math.round(performance.now() - started) },
      appliedMigrationNames.length > 0 ? 'database migrated' : 'database schema is current',
    );
    return { applied: appliedMigrationNames };
  } catch (error) {
    throw engineError(`Migrating the ${target.provider} database failed`, error);
  } finally {
    // Before anything else opens the database: on SQLite the engine's connection holds a lock.
    await session.dispose();
  }
}
