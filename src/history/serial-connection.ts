/**
 * One unit of work at a time on a single-connection adapter (SQLite through better-sqlite3), and
 * waiting on a file another process has locked without stopping the process.
 *
 * The Prisma client opens ONE better-sqlite3 connection, shared by everything that holds the client
 * (the history store, the L3 cache tier, retention). The adapter's transactions exclude each other,
 * but a statement issued outside any transaction while one is open runs on the same connection,
 * inside it: it sees that transaction's uncommitted rows, and its own writes are committed or rolled
 * back with it. An audit row written while a snapshot batch fails would vanish.
 *
 * This wrapper makes the connection serve one unit of work at a time: a transaction holds it from
 * BEGIN to COMMIT/ROLLBACK, a statement outside a transaction holds it for that statement, and
 * everyone else waits in arrival order. Statements of a transaction go through the transaction
 * object and never wait. (Code inside an interactive `$transaction(async (tx) => …)` that used the
 * outer client instead of `tx` would wait for its own transaction: use `tx`.)
 *
 * Locked by another process (a backup, an operator's shell, a second instance): better-sqlite3 is
 * synchronous, so a wait inside SQLite's busy handler blocks the event loop, and with it every
 * request, for as long as the lock is held. The connection's own busy timeout is therefore a few
 * milliseconds (connection.ts), and the waiting happens here, on timers: a statement that meets the
 * lock gives the connection up, waits (backoff with jitter) and tries again, for up to
 * SQLITE_BUSY_RETRY_BUDGET_MS, while the reads queued behind it run (WAL readers need no lock). A
 * transaction whose first statement meets the lock is rolled back (it has done nothing yet) and
 * begun again the same way. A statement later in a transaction that meets it fails: the
 * transaction has read, so retrying the statement alone could write from a stale view.
 *
 * PostgreSQL needs none of this: its adapter gives every transaction a pooled connection of its own,
 * and its lock waits do not block the event loop.
 */
import type {
  IsolationLevel,
  SqlDriverAdapter,
  SqlDriverAdapterFactory,
  SqlQuery,
  SqlResultSet,
  Transaction,
  TransactionOptions,
} from '@prisma/driver-adapter-utils';
import { isDriverAdapterError } from '@prisma/driver-adapter-utils';
import { backoffDelayMs } from '../core/backoff.js';

/** How long a statement keeps trying a file another process has locked before failing with SQLITE_BUSY. */
export const SQLITE_BUSY_RETRY_BUDGET_MS = 10_000;
/** The waits between tries: short at first (most locks are a commit), then at most a quarter second. */
const BUSY_BACKOFF = { initialMs: 10, maxMs: 250 };

/** SQLITE_BUSY (or an extended form of it, e.g. SQLITE_BUSY_RECOVERY) from the adapter. */
export function isSqliteBusy(error: unknown): boolean {
  return isDriverAdapterError(error) && 'originalCode' in error.cause && String(error.cause.originalCode).startsWith('SQLITE_BUSY');
}

/**
 * Runs `attempt` until it succeeds, fails otherwise than busy, or the budget is spent. `attempt`
 * must hold the connection only while it runs, so the waits leave it to others.
 */
async function whileBusy<T>(attempt: () => Promise<T>, budgetMs: number): Promise<T> {
  const deadline = performance.now() + budgetMs;
  for (let step = 0; ; step++) {
    try {
      return await attempt();
    } catch (error) {
      const left = deadline - performance.now();
      if (!isSqliteBusy(error) || left <= 0) throw error;
      const wait = Math.min(left, Math.max(1, backoffDelayMs(step, BUSY_BACKOFF, Math.random)));
      await new Promise((resolve) => setTimeout(resolve, wait));
    }
  }
}

/** A FIFO mutex: `acquire` resolves a release function, idempotent. */
class FifoLock {
  private held = false;
  private readonly waiting: Array<() => void> = [];

  async acquire(): Promise<() => void> {
    // Handed over on release: `held` stays true while someone is waiting.
    if (this.held) await new Promise<void>((resolve) => this.waiting.push(resolve));
    else this.held = true;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.waiting.shift();
      if (next) next();
      else this.held = false;
    };
  }
}

const ROLLBACK = 'ROLLBACK';

/** A transaction begun on the connection, and the release of the connection it holds. */
interface Begun {
  inner: Transaction;
  release: () => void;
}

class SerialTransaction implements Transaction {
  readonly provider: Transaction['provider'];
  readonly adapterName: string;
  readonly options: TransactionOptions;
  /** Whether a statement has run (or failed for good) in it: from then on it cannot be begun again. */
  private used = false;
  /** Null while it waits to be begun again, and for good once its first statement gave up waiting. */
  private begun: Begun | null;
  /** Why it was given up, for any statement that still comes. */
  private givenUp: Error | null = null;

  constructor(
    begun: Begun,
    /** Begins the transaction again, once the connection is free (see the header). */
    private readonly begin: () => Promise<Begun>,
    private readonly budgetMs: number,
  ) {
    this.begun = begun;
    this.provider = begun.inner.provider;
    this.adapterName = begun.inner.adapterName;
    this.options = begun.inner.options;
  }

  /** Runs a statement; the first one waits out another process's lock (see the header). */
  private async statement<T>(query: SqlQuery, run: (inner: Transaction) => Promise<T>, none: T): Promise<T> {
    if (this.begun === null) {
      // Given up (below): nothing is open, so the ROLLBACK Prisma sends next has nothing to do.
      if (query.sql.trim().toUpperCase() === ROLLBACK) return none;
      throw this.givenUp ?? new Error('the transaction has ended');
    }
    if (this.used) return run(this.begun.inner);
    try {
      return await whileBusy(async () => {
        this.begun ??= await this.begin();
        try {
          return await run(this.begun.inner);
        } catch (error) {
          // Nothing has run in it: roll it back, and leave the connection to others while it waits.
          if (isSqliteBusy(error)) await this.abandon();
          throw error;
        }
      }, this.budgetMs);
    } catch (error) {
      if (this.begun === null) this.givenUp = error instanceof Error ? error : new Error(String(error));
      throw error;
    } finally {
      this.used = true;
    }
  }

  private async abandon(): Promise<void> {
    const begun = this.begun;
    if (begun === null) return;
    this.begun = null;
    try {
      await begun.inner.executeRaw({ sql: ROLLBACK, args: [], argTypes: [] });
    } finally {
      try {
        await begun.inner.rollback();
      } finally {
        begun.release();
      }
    }
  }

  private async end(finish: (inner: Transaction) => Promise<void>): Promise<void> {
    const begun = this.begun;
    if (begun === null) return;
    this.begun = null;
    try {
      await finish(begun.inner);
    } finally {
      begun.release();
    }
  }

  queryRaw(query: SqlQuery): Promise<SqlResultSet> {
    return this.statement(query, (inner) => inner.queryRaw(query), { columnNames: [], columnTypes: [], rows: [] });
  }

  executeRaw(query: SqlQuery): Promise<number> {
    return this.statement(query, (inner) => inner.executeRaw(query), 0);
  }

  async commit(): Promise<void> {
    if (this.begun === null && this.givenUp !== null) throw this.givenUp;
    await this.end((inner) => inner.commit());
  }

  async rollback(): Promise<void> {
    await this.end((inner) => inner.rollback());
  }

  async createSavepoint(name: string): Promise<void> {
    await this.begun?.inner.createSavepoint?.(name);
  }

  async rollbackToSavepoint(name: string): Promise<void> {
    await this.begun?.inner.rollbackToSavepoint?.(name);
  }

  async releaseSavepoint(name: string): Promise<void> {
    await this.begun?.inner.releaseSavepoint?.(name);
  }
}

class SerialAdapter implements SqlDriverAdapter {
  readonly provider: SqlDriverAdapter['provider'];
  readonly adapterName: string;
  private readonly lock = new FifoLock();

  constructor(
    private readonly inner: SqlDriverAdapter,
    private readonly budgetMs: number,
  ) {
    this.provider = inner.provider;
    this.adapterName = inner.adapterName;
    if (inner.getConnectionInfo) this.getConnectionInfo = () => inner.getConnectionInfo!();
  }

  getConnectionInfo?: SqlDriverAdapter['getConnectionInfo'];

  private async alone<T>(run: () => Promise<T>): Promise<T> {
    const release = await this.lock.acquire();
    try {
      return await run();
    } finally {
      release();
    }
  }

  // A single statement that met another process's lock did nothing: it can run again (see the header).
  queryRaw(query: SqlQuery): Promise<SqlResultSet> {
    return whileBusy(() => this.alone(() => this.inner.queryRaw(query)), this.budgetMs);
  }

  executeRaw(query: SqlQuery): Promise<number> {
    return whileBusy(() => this.alone(() => this.inner.executeRaw(query)), this.budgetMs);
  }

  // Not retried: a script that met the lock halfway has run its first statements already.
  executeScript(script: string): Promise<void> {
    return this.alone(() => this.inner.executeScript(script));
  }

  async startTransaction(isolationLevel?: IsolationLevel): Promise<Transaction> {
    const begin = async (): Promise<Begun> => {
      const release = await this.lock.acquire();
      try {
        return { inner: await this.inner.startTransaction(isolationLevel), release };
      } catch (error) {
        release();
        throw error;
      }
    };
    return new SerialTransaction(await begin(), begin, this.budgetMs);
  }

  dispose(): Promise<void> {
    return this.inner.dispose();
  }
}

/**
 * The same factory, whose connections serve one unit of work at a time and wait for another
 * process's lock on timers, for up to `busyBudgetMs` per statement.
 */
export function serialConnection(factory: SqlDriverAdapterFactory, busyBudgetMs = SQLITE_BUSY_RETRY_BUDGET_MS): SqlDriverAdapterFactory {
  return {
    provider: factory.provider,
    adapterName: factory.adapterName,
    connect: async () => new SerialAdapter(await factory.connect(), busyBudgetMs),
  };
}
