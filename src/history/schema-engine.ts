/**
 * Prisma's WebAssembly schema engine, driven through a driver adapter: the same engine
 * @prisma/migrate uses with adapters, so databases it migrates are the ones `prisma migrate deploy`
 * would produce (standard `_prisma_migrations` table, same checksums). The native engine binary the
 * Prisma 7 CLI needs cannot be installed here (see shared/reference/prisma-offline.md).
 */
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { bindMigrationAwareSqlAdapterFactory, type SqlDriverAdapter, type SqlMigrationAwareDriverAdapterFactory } from '@prisma/driver-adapter-utils';
import type { SchemaEngine } from '@prisma/schema-engine-wasm/schema_engine_bg';
import type { Logger } from '../core/logger.js';

export type { SchemaEngine, MigrationList, SchemaFilter } from '@prisma/schema-engine-wasm/schema_engine_bg';

type Glue = typeof import('@prisma/schema-engine-wasm/schema_engine_bg');

let glue: Promise<Glue> | undefined;

/**
 * Instantiates the wasm module once per process. The package's main entry imports the .wasm file as
 * an ES module, which Node only allows behind a flag; compiling it ourselves and handing the
 * package's own glue to it as the import object avoids that.
 */
function loadGlue(): Promise<Glue> {
  if (!glue) {
    glue = instantiate();
    // A failed load (a missing file) is retried on the next call rather than cached for good.
    glue.catch(() => (glue = undefined));
  }
  return glue;
}

async function instantiate(): Promise<Glue> {
  const bindings: Glue = await import('@prisma/schema-engine-wasm/schema_engine_bg');
  const wasmPath = path.join(
    // The package exports no ./package.json; its glue file sits beside the .wasm.
    path.dirname(createRequire(import.meta.url).resolve('@prisma/schema-engine-wasm/schema_engine_bg')),
    'schema_engine_bg.wasm',
  );
  const module = await WebAssembly.compile(await readFile(wasmPath));
  const instance = await WebAssembly.instantiate(module, {
    './schema_engine_bg.js': bindings as unknown as WebAssembly.ModuleImports,
  });
  bindings.__wbg_set_wasm(instance.exports);
  (instance.exports['__wbindgen_start'] as () => void)();
  return bindings;
}

export interface EngineSession {
  engine: SchemaEngine;
  /** Frees the engine, then closes every connection it opened. Idempotent. */
  dispose(): Promise<void>;
}

/**
 * Starts an engine over `adapterFactory`. `datamodels` are [path, text] pairs; pass the schema the
 * commands will refer to (the path only labels error messages).
 *
 * The engine's `free()` does not close the connections it asked the factory for; for SQLite an open
 * connection keeps a lock on the file, so the factory is wrapped to remember every connection it
 * hands out and `dispose()` closes them.
 */
export async function openSchemaEngine(
  adapterFactory: SqlMigrationAwareDriverAdapterFactory,
  datamodels: Array<[string, string]>,
  logger?: Logger,
): Promise<EngineSession> {
  const bindings = await loadGlue();
  const opened: SqlDriverAdapter[] = [];
  const tracking: SqlMigrationAwareDriverAdapterFactory = {
    provider: adapterFactory.provider,
    adapterName: adapterFactory.adapterName,
    async connect() {
      const connection = await adapterFactory.connect();
      opened.push(connection);
      return connection;
    },
    async connectToShadowDb() {
      const connection = await adapterFactory.connectToShadowDb();
      opened.push(connection);
      return connection;
    },
  };
  const log = (message: unknown): void => {
    logger?.trace({ engine: message }, 'schema engine');
  };
  const engine = await bindings.SchemaEngine.new({ datamodels }, log, bindMigrationAwareSqlAdapterFactory(tracking));
  let disposed = false;
  return {
    engine,
    async dispose() {
      if (disposed) return;
      disposed = true;
      engine.free();
      const connections = opened.splice(0);
      await Promise.allSettled(connections.map((connection) => connection.dispose()));
    },
  };
}

/**
 * The engine rejects with Error objects whose `code` holds Prisma's error code (P3009: a failed
 * migration blocks new ones; see https://pris.ly/d/migrate-resolve). Keep the code in the message.
 */
export function engineError(context: string, error: unknown): Error {
  const record = typeof error === 'object' && error !== null ? (error as Record<string, unknown>) : {};
  const code = typeof record['code'] === 'string' ? `${record['code']} ` : '';
  const message = error instanceof Error ? error.message : typeof record['message'] === 'string' ? record['message'] : String(error);
  return new Error(`${context}: ${code}${message}`, { cause: error });
}
