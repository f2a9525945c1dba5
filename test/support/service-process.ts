/**
 * The service as an operator runs it: a child process (`node --import tsx src/main.ts`, or another
 * entry) with its own database and cache directory, JSON logs on stdout collected line by line,
 * and signals measured to the exit.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { LogLine } from './log-capture.js';

/**
 * The API key every process started here accepts (production needs one): an admin key, so tests
 * may query, analyze and reset breakers. Tests send it with `authHeaders()` (HTTP, SSE) or
 * `AUTH_CONNECTION_PARAMS` (graphql-ws). A test that passes API_KEYS, API_KEYS_FILE or AUTH_MODE
 * itself gets only what it passed.
 */
export const TEST_API_KEY = 'northstar-test-admin-key-0123456789abcdefghijklmnopqrstuv';
export const TEST_API_KEY_ENTRY = `test:admin:${createHash('sha256').update(TEST_API_KEY).digest('hex')}`;

/** `Authorization: Bearer <key>` (the test key unless another is given), merged into `headers`. */
export function authHeaders(headers: Record<string, string> = {}, key: string = TEST_API_KEY): Record<string, string> {
  return { ...headers, authorization: `Bearer ${key}` };
}

/** graphql-ws connection_init payload carrying the test key. */
export const AUTH_CONNECTION_PARAMS = { authorization: `Bearer ${TEST_API_KEY}` } as const;

export interface ServiceProcess {
  readonly child: ChildProcess;
  /** Its temporary directory: the SQLite file is `n.db` in it. */
  readonly dir: string;
  readonly dbPath: string;
  /** Every JSON line it has written to stdout so far. */
  readonly logs: LogLine[];
  stderr(): string;
  /** Resolves with the exit code once it has exited and its output has been read. */
  readonly exited: Promise<number | null>;
  /** Sends `signal`; resolves with the exit code and the milliseconds from the signal to the exit. */
  signal(signal?: NodeJS.Signals): Promise<{ code: number | null; ms: number }>;
  /** Kills it if it still runs, and removes its directory. */
  dispose(): Promise<void>;
}

export interface StartOptions {
  /** The entry point, relative to the project root. @default 'src/main.ts' */
  entry?: string;
  /** Resolve once this log line has been written (default: the "listening" line with the URLs). */
  ready?: (line: LogLine) => boolean;
  /** @default 60_000 */
  readyTimeoutMs?: number;
}

export async function startServiceProcess(env: Record<string, string> = {}, options: StartOptions = {}): Promise<ServiceProcess> {
  const dir = await mkdtemp(join(tmpdir(), 'northstar-proc-'));
  const ownAccess = ['API_KEYS', 'API_KEYS_FILE', 'AUTH_MODE'].some((name) => name in env);
  const dbPath = join(dir, 'n.db');
  const child = spawn(process.execPath, ['--import', 'tsx', options.entry ?? 'src/main.ts'], {
    env: {
      ...process.env,
      NODE_ENV: 'production',
      // Production runs no simulator unless asked; these tests run the service on them.
      SIMULATORS: 'all',
      PORT: '0',
      LOG_FORMAT: 'json',
      LOG_LEVEL: 'info',
      DATABASE_URL: `file:${dbPath}`,
      CACHE_DIR: join(dir, 'cache'),
      // A shared Redis would carry cached values from one test run into the next.
      REDIS_URL: '',
      ...(ownAccess ? {} : { API_KEYS: TEST_API_KEY_ENTRY }),
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const logs: LogLine[] = [];
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  // 'close', not 'exit': by then stdout is drained, so every line it wrote is in `logs`.
  const exited = new Promise<number | null>((resolve) => child.once('close', (code) => resolve(code)));
  const ready = options.ready ?? ((line: LogLine) => typeof line.graphql === 'string');
  const dispose = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await exited;
    await rm(dir, { recursive: true, force: true });
  };
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`not ready within ${options.readyTimeoutMs ?? 60_000} ms: ${stderr}`)), options.readyTimeoutMs ?? 60_000);
      createInterface({ input: child.stdout }).on('line', (text) => {
        let line: LogLine;
        try {
          line = JSON.parse(text) as LogLine;
        } catch {
          return;
        }
        logs.push(line);
        if (ready(line)) {
          clearTimeout(timer);
          resolve();
        }
      });
      exited.then(
        (code) => {
          clearTimeout(timer);
          reject(new Error(`exited with ${code} before it was ready: ${stderr}`));
        },
        () => undefined,
      );
    });
  } catch (error) {
    await dispose();
    throw error;
  }
  return {
    child,
    dir,
    dbPath,
    logs,
    stderr: () => stderr,
    exited,
    async signal(signal = 'SIGTERM') {
      const sentAt = performance.now();
      child.kill(signal);
      const code = await exited;
      return { code, ms: performance.now() - sentAt };
    },
    dispose,
  };
}

/** The URL the service logged when it started listening. */
export function graphqlUrl(service: ServiceProcess): string {
  const line = service.logs.find((l) => typeof l.graphql === 'string');
  if (!line) throw new Error('the service has not logged its URL');
  return line.graphql as string;
}
