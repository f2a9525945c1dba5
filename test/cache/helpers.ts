/**
 * Shared by the cache tests: the real things, no mocks. Redis is the shared server at
 * SHARED_REDIS_URL under a unique key namespace per test file (removed with SCAN + UNLINK), or a
 * private redis-server child process for tests that kill it. SQLite is a migrated temp database;
 * files go to a temp directory.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import { pino, type Logger } from 'pino';
import type { CacheEntry } from '../../src/cache/entry.js';
import type { SourceId } from '../../src/core/domain.js';

export { openTestStore, type TestStore } from '../history/helpers.js';

export const SHARED_REDIS_URL = 'redis://127.0.0.1:6379';

/** Escapes Redis glob characters so a namespace matches literally in SCAN MATCH. */
export function escapeGlob(text: string): string {
  return text.replace(/[*?[\]\\]/g, (char) => `\\${char}`);
}

/** A key namespace no other test (or test run) uses. */
export function uniqueNamespace(): string {
  return `northstar-test:${process.pid}:${randomUUID().slice(0, 8)}:`;
}

/** Fails with a clear message when the shared Redis does not answer: these tests need it. */
export async function requireSharedRedis(): Promise<void> {
  const client = new Redis(SHARED_REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null, connectTimeout: 1000 });
  client.on('error', () => {});
  try {
    await client.connect();
    await client.ping();
  } catch (error) {
    throw new Error(`The cache tests need Redis at ${SHARED_REDIS_URL} (${String(error)}). Start redis-server on port 6379.`, { cause: error });
  } finally {
    client.disconnect();
  }
}

/** A plain client on the shared server, for looking behind the tier's back. */
export function rawRedis(url = SHARED_REDIS_URL): Redis {
  const client = new Redis(url, { maxRetriesPerRequest: 1 });
  client.on('error', () => {});
  return client;
}

/** Removes every key under `namespace` with SCAN + UNLINK. */
export async function removeNamespace(client: Redis, namespace: string): Promise<number> {
  let cursor = '0';
  let removed = 0;
  do {
    const [next, keys] = await client.scan(cursor, 'MATCH', `${escapeGlob(namespace)}*`, 'COUNT', 500);
    cursor = next;
    if (keys.length > 0) removed += await client.unlink(...keys);
  } while (cursor !== '0');
  return removed;
}

export interface TempDir {
  dir: string;
  cleanup(): Promise<void>;
}

export async function makeTempDir(): Promise<TempDir> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'northstar-cache-'));
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

/** A port nothing listens on right now. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** Fails (does not skip) when redis-server cannot be started from PATH. */
export function requireRedisServerBinary(): void {
  const probe = spawnSync('redis-server', ['--version'], { encoding: 'utf8' });
  if (probe.error || probe.status !== 0) {
    throw new Error(
      `redis-server is not on PATH (${probe.error?.message ?? `exit ${String(probe.status)}`}). ` +
        'The Redis kill test starts and kills its own redis-server; install it (apt-get install redis-server).',
    );
  }
}

export interface RedisProcess {
  port: number;
  url: string;
  child: ChildProcess;
  /** SIGKILL, without waiting: the test continues while the process dies. Resolves on exit. */
  kill(): Promise<void>;
}

/** Starts `redis-server --port N --save '' --appendonly no` and resolves once it accepts connections. */
export async function startRedisServer(port: number): Promise<RedisProcess> {
  const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  await new Promise<void>((resolve, reject) => {
    let output = '';
    const timer = setTimeout(() => fail(new Error(`redis-server on port ${port} did not start in 10 s:\n${output}`)), 10_000);
    const onData = (chunk: Buffer): void => {
      output += chunk.toString();
      if (output.includes('Ready to accept connections')) {
        cleanup();
        resolve();
      }
    };
    const onExit = (code: number | null): void => fail(new Error(`redis-server on port ${port} exited (${String(code)}):\n${output}`));
    function fail(error: Error): void {
      cleanup();
      child.kill('SIGKILL');
      reject(error);
    }
    function cleanup(): void {
      clearTimeout(timer);
      child.stdout?.off('data', onData);
      child.off('exit', onExit);
    }
    child.stdout?.on('data', onData);
    child.once('exit', onExit);
  });
  // Keep draining its output so the pipe never fills.
  child.stdout?.resume();
  child.stderr?.resume();
  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    child,
    kill() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      return exited;
    },
  };
}

/** A logger whose lines the test can read. */
export function captureLogger(): { logger: Logger; lines: () => Array<Record<string, unknown>> } {
  const raw: string[] = [];
  const logger = pino({ level: 'debug' }, { write: (line: string) => void raw.push(line) });
  return { logger, lines: () => raw.map((line) => JSON.parse(line) as Record<string, unknown>) };
}

/** An entry for direct tier writes. */
export function makeEntry<T>(value: T, at: number, overrides: Partial<CacheEntry<T>> & { ttlMs?: number; source?: SourceId } = {}): CacheEntry<T> {
  const { ttlMs = 60_000, ...rest } = overrides;
  return { value, source: 'kalshi', originAt: at, fetchedAt: at, storedAt: at, expiresAt: at + ttlMs, ...rest };
}
