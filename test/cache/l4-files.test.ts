import { readFile, readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { CacheEntry } from '../../src/cache/entry.js';
import { FileTier, groupOf, type SnapshotResult } from '../../src/cache/l4-files.js';
import { ManualClock } from '../../src/core/clock.js';
import { captureLogger, makeEntry, makeTempDir, type TempDir } from './helpers.js';

let temp: TempDir;

beforeEach(async () => {
  temp = await makeTempDir();
});

afterEach(async () => {
  await temp.cleanup();
});

const MARKET_A = 'data:kalshi:markets:kalshi:A-1:v1';
const MARKET_B = 'data:kalshi:markets:kalshi:B-2:v1';
const METRIC = 'data:john:metrics:revenue:v1';

describe('FileTier', () => {
  it('groups keys into one file per source and kind', () => {
    expect(groupOf(MARKET_A)).toBe('kalshi.markets');
    expect(groupOf(METRIC)).toBe('john.metrics');
    expect(groupOf('something-else')).toBe('other');
    expect(groupOf('data:kalshi:../../etc:x:v1')).toBe('other');
  });

  it('snapshots on the clock, atomically: no tmp file left, every file parses, nothing on the request path', async () => {
    const clock = new ManualClock();
    const l4 = new FileTier({ cacheDir: temp.dir, clock });
    const now = clock.now();
    const l1: Array<[string, CacheEntry]> = [
      [MARKET_A, makeEntry({ p: 1 }, now)],
      [MARKET_B, makeEntry({ p: 2 }, now)],
      [METRIC, makeEntry({ revenue: 3 }, now, { source: 'john' })],
    ];
    const runs: SnapshotResult[] = [];
    const job = l4.startSnapshotJob({ intervalMs: 60_000, entries: () => l1, onRun: (result) => runs.push(result) });

    await clock.advance(59_999);
    expect(runs).toEqual([]);
    await clock.advance(1);
    await vi.waitFor(() => expect(runs).toEqual([{ filesWritten: 2, entriesUpdated: 3 }]));

    const names = (await readdir(l4.directory)).sort();
    expect(names).toEqual(['john.metrics.json', 'kalshi.markets.json']);
    const body = JSON.parse(await readFile(path.join(l4.directory, 'kalshi.markets.json'), 'utf8')) as { entries: Record<string, unknown> };
    expect(body.entries).toEqual({ [MARKET_A]: l1[0]![1], [MARKET_B]: l1[1]![1] });

    // Nothing changed: the next run rewrites no file. One entry changed: only its group is rewritten.
    await clock.advance(60_000);
    await vi.waitFor(() => expect(runs).toHaveLength(2));
    expect(runs[1]).toEqual({ filesWritten: 0, entriesUpdated: 0 });
    l1[2] = [METRIC, makeEntry({ revenue: 4 }, clock.now(), { source: 'john' })];
    await clock.advance(60_000);
    await vi.waitFor(() => expect(runs).toHaveLength(3));
    expect(runs[2]).toEqual({ filesWritten: 1, entriesUpdated: 1 });

    await job.stop();
    expect(clock.pending).toBe(0);
    expect((await readdir(l4.directory)).some((name) => name.includes('.tmp'))).toBe(false);
  });

  it('keeps keys L1 no longer holds (evicted) and the newest value of each key', async () => {
    const clock = new ManualClock();
    const l4 = new FileTier({ cacheDir: temp.dir, clock });
    const now = clock.now();
    await l4.writeSnapshot([
      [MARKET_A, makeEntry('a1', now)],
      [MARKET_B, makeEntry('b1', now)],
    ]);
    await l4.writeSnapshot([[MARKET_A, makeEntry('a2', now + 1000)]]);
    // An older value offered later (a slow writer) does not replace a newer one.
    await l4.writeSnapshot([[MARKET_A, makeEntry('a0', now - 1000)]]);

    const reloaded = new FileTier({ cacheDir: temp.dir, clock });
    await reloaded.loadAll();
    expect(reloaded.get(MARKET_A)?.value).toBe('a2');
    expect(reloaded.get(MARKET_B)?.value).toBe('b1');
  });

  it('drops entries older than maxAgeMs from the files', async () => {
    const clock = new ManualClock();
    const l4 = new FileTier({ cacheDir: temp.dir, clock, maxAgeMs: 60_000 });
    await l4.writeSnapshot([
      [MARKET_A, makeEntry('a', clock.now())],
      [METRIC, makeEntry('m', clock.now() - 120_000, { source: 'john' })],
    ]);
    expect(l4.get(METRIC)).toBeUndefined();
    expect(await readdir(l4.directory)).toEqual(['kalshi.markets.json']);
  });

  it('loads at startup skipping a corrupt or half-written file with a warning, and ignores tmp leftovers', async () => {
    const clock = new ManualClock();
    const first = new FileTier({ cacheDir: temp.dir, clock });
    await first.writeSnapshot([
      [MARKET_A, makeEntry('a', clock.now())],
      [METRIC, makeEntry('m', clock.now(), { source: 'john' })],
    ]);
    const dir = first.directory;
    // A half-written file (what a non-atomic writer leaves after a crash), a foreign JSON file, a tmp file.
    const whole = await readFile(path.join(dir, 'john.metrics.json'), 'utf8');
    await writeFile(path.join(dir, 'john.metrics.json'), whole.slice(0, whole.length / 2));
    await writeFile(path.join(dir, 'notes.json'), JSON.stringify({ hello: 'world' }));
    await writeFile(path.join(dir, 'kalshi.markets.json.tmp-1-1'), '{"partial');

    const { logger, lines } = captureLogger();
    const second = new FileTier({ cacheDir: temp.dir, clock, logger });
    const result = await second.loadAll();

    expect(result).toEqual({ entries: 1, files: 1, skipped: ['john.metrics.json', 'notes.json'] });
    expect(second.get(MARKET_A)?.value).toBe('a');
    expect(second.get(METRIC)).toBeUndefined();
    const warnings = lines()
      .filter((line) => line.level === 40)
      .map((line) => line.msg);
    expect(warnings).toEqual(['unreadable cache fallback file skipped', 'cache fallback file of an unknown format skipped']);
  });

  it('starts empty when the directory does not exist yet, and creates it', async () => {
    const clock = new ManualClock();
    const l4 = new FileTier({ cacheDir: path.join(temp.dir, 'nested', 'cache'), clock });
    expect(await l4.loadAll()).toEqual({ entries: 0, files: 0, skipped: [] });
    expect(await readdir(l4.directory)).toEqual([]);
  });

  it('reports a failed write as unhealthy and keeps the group dirty for the next run', async () => {
    const clock = new ManualClock();
    // A regular file where the fallback directory should be: every write fails.
    await writeFile(path.join(temp.dir, 'fallback'), 'not a directory');
    const l4 = new FileTier({ cacheDir: temp.dir, clock });
    await expect(l4.writeSnapshot([[MARKET_A, makeEntry('a', clock.now())]])).rejects.toThrow();
    expect(l4.healthy()).toBe(false);
    // Reads still come from the index.
    expect(l4.get(MARKET_A)?.value).toBe('a');
  });
});
