/**
 * The raw upstream samples as an operator sees them on disk: each raw_api_responses row is kept for
 * its ttl_seconds (RAW_RESPONSE_TTL_SECONDS, the seed's 3600 by default), then retention drops it,
 * so the samples stop growing the history by the day. The whole service runs as a process on its
 * simulators; the SQLite file is read through a second, read-only connection.
 */
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServiceProcess, type ServiceProcess } from '../support/service-process.js';
import { until } from '../support/until.js';

let service: ServiceProcess;

beforeAll(async () => {
  service = await startServiceProcess({ RAW_RESPONSE_TTL_SECONDS: '1', RETENTION_INTERVAL_MS: '1000' });
});

afterAll(async () => {
  await service.dispose();
});

function rawRows(): Array<{ id: number; source: string; ttl: number }> {
  const db = new Database(service.dbPath, { readonly: true, fileMustExist: true });
  try {
    return db.prepare('SELECT id, source, ttl_seconds AS ttl FROM raw_api_responses ORDER BY id').all() as Array<{ id: number; source: string; ttl: number }>;
  } finally {
    db.close();
  }
}

describe('raw upstream samples', () => {
  it('are stored with RAW_RESPONSE_TTL_SECONDS and dropped by retention once it has passed', { timeout: 60_000 }, async () => {
    const first = await until('a raw sample on disk', 30_000, () => {
      try {
        return rawRows()[0] ?? null;
      } catch {
        return null; // the file or the table is not there yet
      }
    });
    expect(first.ttl).toBe(1);
    // The next sample of that endpoint is ten minutes away: the row goes by its ttl, not by age.
    await until('the sample dropped after its ttl', 30_000, () => (rawRows().some((row) => row.id === first.id) ? null : true));
    expect(service.child.exitCode).toBeNull();
  });
});
