/**
 * Starts the real service in-process on an ephemeral port with a fresh SQLite file, fast timers
 * and a silent logger, and talks to it over real HTTP and WebSockets.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { print } from 'graphql';
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { createApp, type App } from '../../src/app.js';
import { loadConfig } from '../../src/core/config.js';
import { silentLogger, type Logger } from '../../src/core/logger.js';

export interface RunningService {
  app: App;
  url: string;
  dir: string;
  stop(): Promise<void>;
}

/**
 * `logger`: where the service logs (default: nowhere), e.g. a captureLogs() logger to assert on.
 * `dashboardDir`: where the built dashboard is (default: the project's dist/dashboard/).
 */
export async function startService(env: Record<string, string> = {}, options: { logger?: Logger; dashboardDir?: string } = {}): Promise<RunningService> {
  const dir = await mkdtemp(join(tmpdir(), 'northstar-test-'));
  const config = loadConfig({
    NODE_ENV: 'test',
    PORT: '0',
    DATABASE_URL: `file:${join(dir, 'northstar.db')}`,
    CACHE_DIR: join(dir, 'cache'),
    AGGREGATION_INTERVAL_MS: '100',
    SNAPSHOT_INTERVAL_MS: '150',
    KALSHI_POLL_INTERVAL_MS: '100',
    JOHN_POLL_INTERVAL_MS: '1000',
    // The first scheduled analysis runs about a second after start.
    INSIGHT_INTERVAL_MS: '1000',
    LOG_LEVEL: 'silent',
    ...env,
  });
  const app = await createApp({
    config,
    logger: options.logger ?? silentLogger,
    collectProcessMetrics: false,
    ...(options.dashboardDir ? { dashboardDir: options.dashboardDir } : {}),
  });
  await app.start();
  let stopped = false;
  return {
    app,
    url: app.url,
    dir,
    async stop() {
      if (stopped) return;
      stopped = true;
      await app.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

export interface GraphQLResponse<T> {
  data?: T | null;
  errors?: Array<{ message: string; extensions?: Record<string, unknown> }>;
}

/** One GraphQL operation over HTTP POST, typed by the generated document. */
export async function graphqlRequest<TResult, TVariables>(
  url: string,
  document: TypedDocumentNode<TResult, TVariables>,
  variables?: TVariables,
  headers: Record<string, string> = {},
): Promise<{ status: number; headers: Headers; body: GraphQLResponse<TResult> }> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json, application/json', ...headers },
    body: JSON.stringify({ query: print(document), variables }),
  });
  return { status: response.status, headers: response.headers, body: (await response.json()) as GraphQLResponse<TResult> };
}

/** Collects values from a push source until `count` arrived, then resolves them. */
export function collect<T>(count: number): { push(value: T): void; values: T[]; done: Promise<T[]> } {
  const values: T[] = [];
  let resolve!: (values: T[]) => void;
  const done = new Promise<T[]>((r) => (resolve = r));
  return {
    values,
    done,
    push(value) {
      values.push(value);
      if (values.length === count) resolve([...values]);
    },
  };
}
