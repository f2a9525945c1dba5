/**
 * SIGTERM on the real process (`node --import tsx src/main.ts`), against a fake Kalshi exchange
 * written from the documented protocol (test/support/fake-kalshi.ts), REST only:
 * (a) with a read that never gets an answer, the process still exits 0 within
 *     SHUTDOWN_TIMEOUT_MS + 2 s, having closed its stores;
 * (b) a query in flight when SIGTERM arrives — one read held at the exchange, two more still
 *     queued behind the client's rate limit — completes with its data, and no upstream failure is
 *     recorded for it: not in the log, not in data_freshness, not in audit_log.
 */
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { fakeMarket, startFakeKalshi, type FakeKalshi } from '../support/fake-kalshi.js';
import { LEVEL } from '../support/log-capture.js';
import { authHeaders, graphqlUrl, startServiceProcess, type ServiceProcess } from '../support/service-process.js';

const TICKERS = ['FAKE-26-A', 'FAKE-26-B', 'FAKE-26-C'] as const;
const BOOKS = `query ($a: String!, $b: String!, $c: String!) {
  a: orderBook(ticker: $a) { ticker bids { price size } quality { cacheTier } }
  b: orderBook(ticker: $b) { ticker bids { price size } quality { cacheTier } }
  c: orderBook(ticker: $c) { ticker bids { price size } quality { cacheTier } }
}`;
type Book = { ticker: string; bids: Array<{ price: number; size: number }>; quality: { cacheTier: string } } | null;

const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch(() => undefined);
});

async function exchange(): Promise<FakeKalshi> {
  const fake = await startFakeKalshi({ markets: TICKERS.map((ticker) => fakeMarket(ticker)) });
  for (const ticker of TICKERS)
    fake.setBook(ticker, {
      yes: [
        ['0.4000', '5.00'],
        ['0.4100', '12.00'],
      ],
      no: [['0.5500', '3.00']],
    });
  cleanups.push(() => fake.close());
  return fake;
}

async function service(fake: FakeKalshi, env: Record<string, string>): Promise<ServiceProcess> {
  const started = await startServiceProcess({
    // REST only (no KALSHI_WS_URL): every order book is a REST read through the breaker.
    KALSHI_BASE_URL: fake.baseUrl,
    KALSHI_POLL_INTERVAL_MS: '600000',
    // The breaker's own deadline must not be what ends a hanging read here.
    CB_TIMEOUT_MS: '60000',
    SNAPSHOT_INTERVAL_MS: '600000',
    ...env,
  });
  cleanups.push(() => started.dispose());
  return started;
}

function postBooks(url: string): Promise<{ status: number; body: { data?: Record<'a' | 'b' | 'c', Book>; errors?: unknown[] } }> {
  const [a, b, c] = TICKERS;
  return fetch(url, {
    method: 'POST',
    headers: authHeaders({ 'content-type': 'application/json' }),
    body: JSON.stringify({ query: BOOKS, variables: { a, b, c } }),
  }).then(async (response) => ({
    status: response.status,
    body: (await response.json()) as { data?: Record<'a' | 'b' | 'c', Book>; errors?: unknown[] },
  }));
}

describe('SIGTERM on the real process', () => {
  it('(a) exits 0 within SHUTDOWN_TIMEOUT_MS + 2 s while a read hangs at the upstream, and closes its stores', { timeout: 90_000 }, async () => {
    const fake = await exchange();
    fake.override('orderbook', { hang: true });
    const shutdownTimeoutMs = 1500;
    const proc = await service(fake, { SHUTDOWN_TIMEOUT_MS: String(shutdownTimeoutMs) });

    // A query whose read never gets an answer; the client will see its connection cut.
    const query = postBooks(graphqlUrl(proc)).catch((error: unknown) => error);
    await fake.waitForRequest((request) => request.route === 'orderbook', 20_000);

    const { code, ms } = await proc.signal('SIGTERM');
    expect(code).toBe(0);
    expect(ms).toBeLessThan(shutdownTimeoutMs + 2000);
    expect(await query).toBeInstanceOf(Error);

    const steps = proc.logs.filter((line) => typeof line.step === 'string');
    // The drain gave up on the hanging query at its bound; everything after it still ran.
    expect(steps.find((line) => line.step === 'drain in-flight requests')).toMatchObject({ level: LEVEL.warn, boundMs: shutdownTimeoutMs / 2 });
    expect(steps.map((line) => line.step)).toEqual(
      expect.arrayContaining(['complete subscriptions', 'stop producers', 'flush', 'close cache', 'close history store']),
    );
    expect(steps.find((line) => line.step === 'close history store')).toMatchObject({ level: LEVEL.info });
    expect(proc.logs.at(-1)).toMatchObject({ msg: 'stopped; some steps failed or ran out of time' });
    // The flush ran: the last snapshot is in the database, which was closed cleanly and opens.
    const db = new Database(proc.dbPath, { readonly: true });
    const { whole } = db.prepare('SELECT COUNT(*) AS whole FROM pnl_snapshots WHERE agent_id IS NULL').get() as { whole: number };
    db.close();
    expect(whole).toBe(1);
  });

  it(
    '(a) also while startup itself still waits on the hanging upstream: exit 0 within SHUTDOWN_TIMEOUT_MS + 2 s, and it never starts serving',
    { timeout: 90_000 },
    async () => {
      const fake = await exchange();
      // The first listing, which startup waits for, never gets an answer.
      fake.override('markets', { hang: true });
      const shutdownTimeoutMs = 1500;
      const proc = await startServiceProcess(
        { KALSHI_BASE_URL: fake.baseUrl, KALSHI_POLL_INTERVAL_MS: '600000', CB_TIMEOUT_MS: '60000', SHUTDOWN_TIMEOUT_MS: String(shutdownTimeoutMs) },
        { ready: (line) => line.msg === 'source kalshi' },
      );
      cleanups.push(() => proc.dispose());
      await fake.waitForRequest((request) => request.route === 'markets', 20_000);

      const { code, ms } = await proc.signal('SIGTERM');
      expect(code).toBe(0);
      expect(ms).toBeLessThan(shutdownTimeoutMs + 2000);
      expect(proc.logs.find((line) => line.msg === 'shutting down')).toMatchObject({ during: 'starting' });
      expect(proc.logs.some((line) => typeof line.graphql === 'string')).toBe(false);
      expect(proc.logs.filter((line) => line.level >= LEVEL.fatal)).toEqual([]);
      expect(proc.logs.find((line) => line.step === 'close history store')).toMatchObject({ level: LEVEL.info });
    },
  );

  it('(b) a query in flight at SIGTERM completes with its data, and no upstream failure is recorded for it', { timeout: 90_000 }, async () => {
    const fake = await exchange();
    let release!: () => void;
    // The first book read is held at the exchange until after the signal.
    fake.override('orderbook', { hold: new Promise<void>((resolve) => (release = resolve)), times: 1 });
    const proc = await service(fake, {
      // One read a second: the query's second and third reads wait for tokens, so they leave only
      // after shutdown has begun (the "late loaders" an early stop of the sources would fail).
      KALSHI_READS_PER_SECOND: '1',
      SHUTDOWN_TIMEOUT_MS: '10000',
    });

    const query = postBooks(graphqlUrl(proc));
    await fake.waitForRequest((request) => request.route === 'orderbook', 20_000);
    const bookReadsBefore = fake.requests.filter((request) => request.route === 'orderbook').length;
    let answered = false;
    void query.then(
      () => (answered = true),
      () => undefined,
    );

    const exit = proc.signal('SIGTERM');
    // Once the process has taken the signal, let the exchange answer the held read.
    await vi.waitFor(() => expect(proc.logs.some((line) => line.msg === 'shutting down')).toBe(true), { timeout: 10_000, interval: 10 });
    expect(answered).toBe(false);
    release();

    const { status, body } = await query;
    expect(status).toBe(200);
    expect(body.errors).toBeUndefined();
    for (const [alias, ticker] of [
      ['a', TICKERS[0]],
      ['b', TICKERS[1]],
      ['c', TICKERS[2]],
    ] as const) {
      expect(body.data?.[alias]).toMatchObject({
        ticker,
        quality: { cacheTier: 'LIVE' },
        bids: [
          { price: 0.41, size: 12 },
          { price: 0.4, size: 5 },
        ],
      });
    }
    // The two reads still queued at the signal went out afterwards.
    expect(bookReadsBefore).toBe(1);
    expect(fake.requests.filter((request) => request.route === 'orderbook')).toHaveLength(3);
    const { code } = await exit;
    expect(code).toBe(0);

    // Nothing recorded a Kalshi failure: no log line, no freshness failure, no audit entry.
    const signalledAt = proc.logs.findIndex((line) => line.msg === 'shutting down');
    expect(signalledAt).toBeGreaterThan(-1);
    const troubles = proc.logs.slice(signalledAt).filter((line) => line.level >= LEVEL.warn);
    expect(troubles).toEqual([]);
    expect(proc.logs.at(-1)).toMatchObject({ msg: 'stopped cleanly' });
    const db = new Database(proc.dbPath, { readonly: true });
    const freshness = db
      .prepare("SELECT consecutive_failures AS failures, last_failed_fetch AS lastFailure, last_error AS lastError FROM data_freshness WHERE source = 'kalshi'")
      .get() as { failures: number; lastFailure: unknown; lastError: unknown } | undefined;
    const audits = db.prepare("SELECT event_type AS eventType FROM audit_log WHERE source = 'kalshi'").all();
    db.close();
    expect(freshness).toMatchObject({ failures: 0, lastFailure: null, lastError: null });
    expect(audits).toEqual([]);
  });
});
