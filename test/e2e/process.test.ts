/**
 * The real entry point as an operator runs it: a child process that logs its URLs, serves, and on
 * SIGTERM shuts down gracefully and exits 0.
 */
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, describe, expect, it } from 'vitest';
import { TEST_API_KEY_ENTRY } from '../support/service-process.js';

describe('northstar process', () => {
  const dirs: string[] = [];
  afterAll(async () => {
    await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })));
  });

  it('starts, logs its URLs, serves /health, and exits 0 on SIGTERM after writing its last snapshot', { timeout: 60_000 }, async () => {
    const dir = await mkdtemp(join(tmpdir(), 'northstar-proc-'));
    dirs.push(dir);
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
      env: {
        ...process.env,
        PORT: '0',
        NODE_ENV: 'production',
        SIMULATORS: 'all',
        LOG_FORMAT: 'json',
        LOG_LEVEL: 'info',
        DATABASE_URL: `file:${join(dir, 'n.db')}`,
        SNAPSHOT_INTERVAL_MS: '60000',
        API_KEYS: TEST_API_KEY_ENTRY,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const lines: Array<Record<string, unknown>> = [];
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    const listening = new Promise<string>((resolve, reject) => {
      createInterface({ input: child.stdout }).on('line', (line) => {
        const entry = JSON.parse(line) as Record<string, unknown>;
        lines.push(entry);
        if (typeof entry.graphql === 'string') resolve(entry.graphql);
      });
      exited.then((code) => reject(new Error(`exited early with ${code}`)), reject);
    });

    const url = await listening;
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/graphql$/);
    for (const source of ['kalshi', 'anthropic', 'john']) {
      expect(lines.find((l) => l.source === source && l.mode !== undefined)).toMatchObject({ mode: 'simulated' });
    }
    const health = await fetch(url.replace('/graphql', '/health'));
    expect(health.status).toBe(200);
    // GraphiQL is off in production.
    const page = await fetch(url, { headers: { accept: 'text/html' } });
    expect(page.headers.get('content-type') ?? '').not.toContain('text/html');

    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    const messages = lines.map((l) => l.msg);
    expect(messages).toContain('shutting down');
    expect(messages).toContain('stopped cleanly');
    // SNAPSHOT_INTERVAL_MS is a minute: the only snapshot is the one written on the way out.
    const Database = (await import('better-sqlite3')).default;
    const db = new Database(join(dir, 'n.db'), { readonly: true });
    // One whole-book row (agent_id NULL) plus one per agent, all from the same moment.
    const { count } = db.prepare('SELECT COUNT(DISTINCT snapshot_time) AS count FROM pnl_snapshots').get() as { count: number };
    const { whole } = db.prepare('SELECT COUNT(*) AS whole FROM pnl_snapshots WHERE agent_id IS NULL').get() as { whole: number };
    expect(whole).toBe(1);
    db.close();
    expect(count).toBe(1);
  });

  it('refuses to start on a taken port: exits 1 with one fatal line naming the cause, no crash', { timeout: 60_000 }, async () => {
    const dir = await mkdtemp(join(tmpdir(), 'northstar-proc-'));
    dirs.push(dir);
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    const port = (taken.address() as { port: number }).port;
    try {
      const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
        env: {
          ...process.env,
          PORT: String(port),
          HOST: '127.0.0.1',
          NODE_ENV: 'production',
          SIMULATORS: 'all',
          LOG_FORMAT: 'json',
          LOG_LEVEL: 'info',
          DATABASE_URL: `file:${join(dir, 'n.db')}`,
          CACHE_DIR: join(dir, 'cache'),
          API_KEYS: TEST_API_KEY_ENTRY,
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      const code = await new Promise<number | null>((resolve) => child.once('exit', (exitCode) => resolve(exitCode)));
      expect(code).toBe(1);
      const fatal = stdout
        .split('\n')
        .filter(Boolean)
        .map((line) => JSON.parse(line) as { level: number; msg: string; err?: { code?: string } })
        .filter((line) => line.level === 60);
      expect(fatal).toHaveLength(1);
      expect(fatal[0]).toMatchObject({ msg: 'startup failed', err: { code: 'EADDRINUSE' } });
      expect(stderr).not.toContain("Unhandled 'error' event");
    } finally {
      await new Promise<void>((resolve) => taken.close(() => resolve()));
    }
  });
});
