/**
 * The rate limiter's own Redis connection (not the cache tier's: its short command timeout and
 * pauses are tuned for reads that have other tiers behind them). Never queues while disconnected:
 * a limit check must answer at once, from memory if need be (request-limiter.ts), and the service
 * must start and serve with Redis down. One warning per outage, one line when it is back.
 */
import { Redis } from 'ioredis';
import type { Logger } from '../../core/logger.js';

export interface LimiterRedis {
  readonly client: Redis;
  /** Waits up to `waitMs` for the first connection (less if it fails); never throws (the limits then count in memory). */
  connect(waitMs?: number): Promise<boolean>;
  close(): Promise<void>;
}

export function createLimiterRedis(url: string, logger: Logger, options: { commandTimeoutMs?: number } = {}): LimiterRedis {
  const client = new Redis(url, {
    lazyConnect: true,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    // A hung Redis: the check falls back to memory after this long instead of holding the request.
    commandTimeout: options.commandTimeoutMs ?? 100,
    connectTimeout: 1000,
    retryStrategy: (attempt) => Math.min(attempt * 100, 2000),
  });
  // A function, not an inline test: TypeScript would keep a status narrowed across the await below.
  const ready = (): boolean => client.status === 'ready';
  let reportedDown = false;
  let closed = false;
  const reportDown = (error: unknown): void => {
    if (reportedDown || closed) return;
    reportedDown = true;
    logger.warn(
      { err: error ?? undefined },
      'rate limiter: Redis unavailable; counting in memory on this instance (limits are per instance) while reconnecting',
    );
  };
  client.on('error', (error: unknown) => reportDown(error));
  client.on('close', () => reportDown(null));
  client.on('ready', () => {
    if (reportedDown) logger.info('rate limiter: Redis reconnected; limits are shared again');
    reportedDown = false;
  });

  return {
    client,
    async connect(waitMs = 1000) {
      if (client.status === 'wait') client.connect().catch(() => {});
      if (ready()) return true;
      // Until ready, or the first failed attempt (a refused port need not hold startup for waitMs).
      await new Promise<void>((resolve) => {
        const done = (): void => {
          clearTimeout(timer);
          client.off('ready', done);
          client.off('error', done);
          resolve();
        };
        const timer = setTimeout(done, waitMs);
        timer.unref();
        client.once('ready', done);
        client.once('error', done);
      });
      return ready();
    },
    async close() {
      closed = true;
      if (!ready()) return client.disconnect();
      try {
        await client.quit();
      } catch {
        client.disconnect();
      }
    },
  };
}
