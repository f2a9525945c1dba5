/**
 * The service's own coverage (`service_runs`): one row per run of the process, from its start to
 * its last heartbeat. A time no run covers is a time the service was not there to record, so the
 * market history reads it from the exchange (src/aggregate/market-history.ts).
 */
import type { TimeRange } from '../core/market-history.js';
import type { HistoryClient } from './database.js';

/** Opens a run at `at`; returns its id (for the heartbeats). */
export async function startServiceRun(prisma: HistoryClient, at: Date): Promise<number> {
  const row = await prisma.serviceRun.create({ data: { startedAt: at, lastAliveAt: at }, select: { id: true } });
  return row.id;
}

/** The run was alive at `at`. */
export async function serviceRunAlive(prisma: HistoryClient, id: number, at: Date): Promise<void> {
  await prisma.serviceRun.update({ where: { id }, data: { lastAliveAt: at } });
}

/** The runs that overlap [from, to), as [started, last alive] ranges, ascending by start. */
export async function serviceRunsBetween(prisma: HistoryClient, from: Date, to: Date): Promise<TimeRange[]> {
  const rows = await prisma.serviceRun.findMany({
    where: { startedAt: { lt: to }, lastAliveAt: { gte: from } },
    orderBy: { startedAt: 'asc' },
    select: { startedAt: true, lastAliveAt: true },
  });
  return rows.map((row) => ({ fromMs: row.startedAt.getTime(), toMs: row.lastAliveAt.getTime() }));
}

/** When the first run still remembered started (null before any): coverage is known from then on. */
export async function firstServiceRunStart(prisma: HistoryClient): Promise<Date | null> {
  const row = await prisma.serviceRun.findFirst({ orderBy: { startedAt: 'asc' }, select: { startedAt: true } });
  return row?.startedAt ?? null;
}
