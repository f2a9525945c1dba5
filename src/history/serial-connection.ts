/**
 * One unit of work at a time on a single-connection adapter (SQLite through better-sqlite3).
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
 * PostgreSQL needs none of this: its adapter gives every transaction a pooled connection of its own.
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

class SerialTransaction implements Transaction {
  readonly provider: Transaction['provider'];
  readonly adapterName: string;
  readonly options: TransactionOptions;

  constructor(
    private readonly inner: Transaction,
    private readonly release: () => void,
  ) {
    this.provider = inner.provider;
    this.adapterName = inner.adapterName;
    this.options = inner.options;
  }

  queryRaw(query: SqlQuery): Promise<SqlResultSet> {
    return this.inner.queryRaw(query);
  }

  executeRaw(query: SqlQuery): Promise<number> {
    return this.inner.executeRaw(query);
  }

  async commit(): Promise<void> {
    try {
      await this.inner.commit();
    } finally {
      this.release();
    }
  }

  async rollback(): Promise<void> {
    try {
      await this.inner.rollback();
    } finally {
      this.release();
    }
  }

  async createSavepoint(name: string): Promise<void> {
    await this.inner.createSavepoint?.(name);
  }

  async rollbackToSavepoint(name: string): Promise<void> {
    await this.inner.rollbackToSavepoint?.(name);
  }

  async releaseSavepoint(name: string): Promise<void> {
    await this.inner.releaseSavepoint?.(name);
  }
}

class SerialAdapter implements SqlDriverAdapter {
  readonly provider: SqlDriverAdapter['provider'];
  readonly adapterName: string;
  private readonly lock = new FifoLock();

  constructor(private readonly inner: SqlDriverAdapter) {
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

  queryRaw(query: SqlQuery): Promise<SqlResultSet> {
    return this.alone(() => this.inner.queryRaw(query));
  }

  executeRaw(query: SqlQuery): Promise<number> {
    return this.alone(() => this.inner.executeRaw(query));
  }

  executeScript(script: string): Promise<void> {
    return this.alone(() => this.inner.executeScript(script));
  }

  async startTransaction(isolationLevel?: IsolationLevel): Promise<Transaction> {
    const release = await this.lock.acquire();
    try {
      return new SerialTransaction(await this.inner.startTransaction(isolationLevel), release);
    } catch (error) {
      release();
      throw error;
    }
  }

  dispose(): Promise<void> {
    return this.inner.dispose();
  }
}

/** The same factory, whose connections serve one unit of work at a time. */
export function serialConnection(factory: SqlDriverAdapterFactory): SqlDriverAdapterFactory {
  return {
    provider: factory.provider,
    adapterName: factory.adapterName,
    connect: async () => new SerialAdapter(await factory.connect()),
  };
}
