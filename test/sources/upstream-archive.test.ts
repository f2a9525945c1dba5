import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/core/clock.js';
import { silentLogger } from '../../src/core/logger.js';
import { HistoryStore } from '../../src/history/index.js';
import { UpstreamArchive } from '../../src/sources/upstream-archive.js';

describe('UpstreamArchive', () => {
  const cleanups: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0)) await cleanup();
  });

  async function setup(maxRawBytes?: number) {
    const dir = await mkdtemp(join(tmpdir(), 'northstar-archive-'));
    const clock = new ManualClock();
    const store = await HistoryStore.open(`file:${join(dir, 'a.db')}`, { clock });
    cleanups.push(async () => {
      await store.close();
      await rm(dir, { recursive: true, force: true });
    });
    const archive = new UpstreamArchive({ store: () => store, clock, logger: silentLogger, sampleIntervalMs: 60_000, ...(maxRawBytes ? { maxRawBytes } : {}) });
    return { clock, store, archive };
  }

  it('samples raw responses: one per source and endpoint per interval', async () => {
    const { clock, store, archive } = await setup();
    expect(archive.raw('kalshi', '/markets', { n: 1 })).toBe(true);
    expect(archive.raw('kalshi', '/markets', { n: 2 })).toBe(false);
    expect(archive.raw('john', '/api/john/metrics', { n: 3 })).toBe(true);
    await clock.advance(60_000);
    expect(archive.raw('kalshi', '/markets', { n: 4 })).toBe(true);
    await archive.flush();
    const rows = await store.prisma.rawApiResponse.findMany({ orderBy: { id: 'asc' } });
    expect(rows.map((r) => [r.source, (JSON.parse(r.responseJson) as { n: number }).n])).toEqual([
      ['kalshi', 1],
      ['john', 3],
      ['kalshi', 4],
    ]);
  });

  it('caps a large body and says how large it was', async () => {
    const { store, archive } = await setup(1024);
    archive.raw('kalshi', '/markets', { blob: 'x'.repeat(5000) });
    await archive.flush();
    const row = await store.prisma.rawApiResponse.findFirstOrThrow();
    const stored = JSON.parse(row.responseJson) as { truncated: boolean; originalBytes: number; prefix: string };
    expect(stored.truncated).toBe(true);
    expect(stored.originalBytes).toBeGreaterThan(5000);
    expect(stored.prefix.length).toBeLessThanOrEqual(1024);
  });

  it('upserts normalized records by id, at most once per interval', async () => {
    const { clock, store, archive } = await setup();
    expect(
      archive.normalized('kalshi', [
        { id: 'kalshi:A', ticker: 'A', type: 'PREDICTION', price: 1 },
        { id: 'kalshi:B', ticker: 'B', type: 'PREDICTION', price: 2 },
      ]),
    ).toBe(true);
    expect(archive.normalized('kalshi', [{ id: 'kalshi:A', ticker: 'A', price: 9 }])).toBe(false);
    await clock.advance(60_000);
    archive.normalized('kalshi', [{ id: 'kalshi:A', ticker: 'A', type: 'PREDICTION', price: 3 }]);
    await archive.flush();
    const rows = await store.prisma.normalizedData.findMany({ orderBy: { dataId: 'asc' } });
    expect(rows.map((r) => [r.dataId, (JSON.parse(r.normalizedJson) as { price: number }).price])).toEqual([
      ['kalshi:A', 3],
      ['kalshi:B', 2],
    ]);
  });
});
