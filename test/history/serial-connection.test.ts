/**
 * One unit of work at a time on the shared SQLite connection: a statement issued while a transaction
 * is open waits for it, so it neither sees the transaction's uncommitted rows nor rolls back with it.
 * And a lock another process holds on the file is waited for on timers, not in SQLite's busy handler
 * with the event loop stopped.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { PrismaClient } from '../../src/generated/prisma/client.js';
import { createAdapterFactory } from '../../src/history/connection.js';
import { openDatabase } from '../../src/history/database.js';
import type { SnapshotInput } from '../../src/history/index.js';
import { serialConnection } from '../../src/history/serial-connection.js';
import { holdWriteLock } from '../support/sqlite-lock.js';
import { openTestStore, type TestStore } from './helpers.js';

let test: TestStore | null = null;
afterEach(async () => {
  await test?.cleanup();
  test = null;
});

function snapshot(i: number, agentId: string | null = null): SnapshotInput {
  return { takenAt: new Date(Date.UTC(2026, 0, 1) + i), agentId, availabilityScore: 1, aggregate: { i } };
}

describe('the shared SQLite connection', () => {
  it('keeps other statements out of an open transaction: they see none of its rows and do not roll back with it', async () => {
    test = await openTestStore();
    const { store } = test;
    const prisma = store.prisma;
    const meanwhile: { audit?: Promise<void>; read?: Promise<number> } = {};
    const failed = prisma.$transaction(async (tx) => {
      await tx.pnlSnapshot.create({
        data: { snapshotDate: '2026-01-01', snapshotTime: new Date(Date.UTC(2026, 0, 1)), availabilityScore: 1, documentId: 1 },
      });
      // The transaction is open: another unit of work writes and reads through the shared client.
      meanwhile.audit = store.recordAudit({ eventType: 'breaker_opened', source: 'kalshi' });
      meanwhile.read = prisma.pnlSnapshot.count();
      await tx.pnlSnapshot.count();
      throw new Error('the batch failed');
    });
    await expect(failed).rejects.toThrow('the batch failed');
    await meanwhile.audit;
    expect(await meanwhile.read).toBe(0);
    expect(await prisma.auditLog.count()).toBe(1);
    expect(await prisma.pnlSnapshot.count()).toBe(0);
  });

  it('rolls back a failing snapshot batch alone', async () => {
    test = await openTestStore();
    const { store } = test;
    await store.prisma.$executeRawUnsafe(
      `CREATE TRIGGER poison BEFORE INSERT ON pnl_snapshots WHEN NEW.agent_id = 'poison' BEGIN SELECT RAISE(ABORT, 'poisoned row'); END`,
    );
    // More rows than one INSERT takes: a transaction of several statements, the last one failing.
    const batch = store.writeSnapshots(Array.from({ length: 120 }, (_, i) => snapshot(i, i === 119 ? 'poison' : `agent-${i}`)));
    const audits = Array.from({ length: 5 }, (_, n) => store.recordAudit({ eventType: 'test', details: { n } }));
    await expect(batch).rejects.toThrow();
    await Promise.all(audits);
    expect(await store.prisma.auditLog.count()).toBe(5);
    expect(await store.prisma.pnlSnapshot.count()).toBe(0);
  });

  it('still runs transactions and plain statements side by side when nothing fails', async () => {
    test = await openTestStore();
    const { store } = test;
    const [, , page] = await Promise.all([
      store.writeSnapshots(Array.from({ length: 120 }, (_, i) => snapshot(i))),
      Promise.all(Array.from({ length: 20 }, (_, n) => store.recordAudit({ eventType: 'test', details: { n } }))),
      store.listSnapshots({ from: new Date(0), to: new Date(Date.UTC(2027, 0, 1)), first: 10 }),
    ]);
    // The listing ran before or after the batch, never in the middle of it.
    expect([0, 120]).toContain(page.totalCount);
    expect(await store.prisma.pnlSnapshot.count()).toBe(120);
    expect(await store.prisma.auditLog.count()).toBe(20);
  });
});

describe('the shared SQLite connection while another process holds the write lock', () => {
  /** The longest the event loop went without running a timer meant to run every 10 ms. */
  const watchEventLoop = (): { stop: () => number } => {
    let last = performance.now();
    let worst = 0;
    const timer = setInterval(() => {
      const now = performance.now();
      worst = Math.max(worst, now - last);
      last = now;
    }, 10);
    return {
      stop: () => {
        clearInterval(timer);
        return worst;
      },
    };
  };

  it('waits for it on timers: reads answer meanwhile, and the write (a transaction) is stored once the lock goes', async () => {
    test = await openTestStore();
    const { store } = test;
    const file = test.url.slice('file:'.length);
    const loop = watchEventLoop();
    const held = await holdWriteLock(file, 1500);
    const lockedAt = performance.now();
    const written = store.writeSnapshots([snapshot(1), snapshot(1, 'desk')]).then(() => performance.now() - lockedAt);
    // Reads do not need the lock (WAL), and the waiting write does not keep the connection from them.
    const read = await store.prisma.pnlSnapshot.count();
    const readMs = performance.now() - lockedAt;
    const audit = store.recordAudit({ eventType: 'test' }).then(() => performance.now() - lockedAt);
    const heldMs = await held.released;
    expect(read).toBe(0);
    expect(readMs).toBeLessThan(500);
    expect(await written).toBeGreaterThanOrEqual(heldMs - 50);
    expect(await audit).toBeGreaterThanOrEqual(heldMs - 50);
    expect(loop.stop()).toBeLessThan(300);
    expect(await store.prisma.pnlSnapshot.count()).toBe(2);
    expect(await store.prisma.auditLog.count()).toBe(1);
  });

  it('gives up after the retry budget with SQLITE_BUSY, and stores nothing of the transaction', async () => {
    test = await openTestStore();
    const file = test.url.slice('file:'.length);
    const prisma = await openDatabase(test.url);
    const busyOnly = new PrismaClient({ adapter: serialConnection(createAdapterFactory({ provider: 'sqlite', file }), 300) });
    try {
      const held = await holdWriteLock(file, 1500);
      const started = performance.now();
      const write = busyOnly.$transaction(async (tx) => {
        await tx.auditLog.create({ data: { eventType: 'never' } });
      });
      await expect(write).rejects.toThrow(/SocketTimeout|busy|timed out/i);
      const gaveUpAfter = performance.now() - started;
      expect(gaveUpAfter).toBeGreaterThanOrEqual(300);
      expect(gaveUpAfter).toBeLessThan(1200);
      // A plain statement gives up the same way.
      await expect(busyOnly.auditLog.create({ data: { eventType: 'never' } })).rejects.toThrow();
      await held.released;
      // The connection is whole afterwards: the next write goes through.
      await busyOnly.auditLog.create({ data: { eventType: 'after' } });
      expect((await prisma.auditLog.findMany()).map((row) => row.eventType)).toEqual(['after']);
    } finally {
      await busyOnly.$disconnect();
      await prisma.$disconnect();
    }
  });
});
