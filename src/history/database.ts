/**
 * Opens the Prisma client for DATABASE_URL with the matching driver adapter. Both generated clients
 * come from one datamodel (prisma/postgres/schema.prisma is derived from prisma/schema.prisma), so
 * the repository code is written once, against the SQLite client's types.
 */
import { PrismaClient } from '../generated/prisma/client.js';
import { PrismaClient as PostgresPrismaClient } from '../generated/prisma-pg/client.js';
import { SQLITE_BUSY_TIMEOUT_MS, createAdapterFactory, parseDatabaseUrl } from './connection.js';
import { SQLITE_BUSY_RETRY_BUDGET_MS, serialConnection } from './serial-connection.js';

export { Prisma } from '../generated/prisma/client.js';

/** The client every history module is typed against. */
export type HistoryClient = PrismaClient;

export type HistoryProvider = 'sqlite' | 'postgresql';
const providers = new WeakMap<HistoryClient, HistoryProvider>();

/** Which database a client opened by openDatabase talks to (raw SQL differs); 'sqlite' for any other client. */
export function providerOf(prisma: HistoryClient): HistoryProvider {
  return providers.get(prisma) ?? 'sqlite';
}

export async function openDatabase(databaseUrl: string): Promise<HistoryClient> {
  const target = parseDatabaseUrl(databaseUrl);
  if (target.provider === 'postgresql') {
    const client = new PostgresPrismaClient({ adapter: createAdapterFactory(target) });
    // The one cast. Both classes are generated from the same models, but the PostgreSQL one accepts
    // a superset of arguments (e.g. `mode: 'insensitive'` string filters, which SQLite lacks), so
    // TypeScript will not call it a SQLite client. The other direction is what matters: the
    // repository, typed against the SQLite client, only builds arguments valid for both, which the
    // PostgreSQL test in test/history exercises end to end.
    providers.set(client as HistoryClient, 'postgresql');
    return client as HistoryClient;
  }

  // One connection shared by every unit of work, waiting for other processes' locks on timers: see
  // serial-connection.ts. A transaction's first statement may wait the whole retry budget, so
  // Prisma's interactive-transaction timeout (5 s by default) must leave room for it.
  const client = new PrismaClient({
    adapter: serialConnection(createAdapterFactory(target)),
    transactionOptions: { timeout: SQLITE_BUSY_RETRY_BUDGET_MS + 10_000, maxWait: SQLITE_BUSY_RETRY_BUDGET_MS + 10_000 },
  });
  try {
    await configureSqlite(client, target.file === ':memory:');
  } catch (error) {
    await client.$disconnect();
    throw error;
  }
  return client;
}

/**
 * WAL lets readers (GraphQL queries) run while the snapshot writer writes; it is a property of the
 * file, so setting it once through the client's own connection is enough. The busy timeout is set
 * per connection by the adapter factory; both are read back because a pragma that does not apply
 * fails silently.
 */
async function configureSqlite(client: PrismaClient, inMemory: boolean): Promise<void> {
  const [mode] = await client.$queryRawUnsafe<Array<{ journal_mode: string }>>('PRAGMA journal_mode = WAL');
  // History reads seek all over a large file (pnlHistory: one index seek per bucket); SQLite's
  // default 2 MB page cache makes most of them a read from the OS. Memory-mapped reads of up to
  // 256 MB and a 64 MB cache keep them in memory (both are upper bounds, not allocations).
  await client.$queryRawUnsafe('PRAGMA mmap_size = 268435456');
  await client.$executeRawUnsafe('PRAGMA cache_size = -65536');
  const [timeout] = await client.$queryRawUnsafe<Array<{ timeout: number | bigint }>>('PRAGMA busy_timeout');
  // An in-memory database has no journal file: 'memory' is the only mode it can report.
  if (!inMemory && mode?.journal_mode !== 'wal') {
    throw new Error(`SQLite refused WAL journal mode (got ${String(mode?.journal_mode)})`);
  }
  if (Number(timeout?.timeout) !== SQLITE_BUSY_TIMEOUT_MS) {
    throw new Error(`SQLite busy_timeout is ${String(timeout?.timeout)} ms, expected ${SQLITE_BUSY_TIMEOUT_MS}`);
  }
}
