/**
 * Graceful shutdown, in order, on the real service in process: a query in flight when stop()
 * begins finishes with its upstream still running — including the reads it has not sent yet — and
 * no upstream failure is recorded for it, while the open subscriptions (SSE and graphql-ws) are
 * completed rather than waited for.
 */
import { print } from 'graphql';
import { createClient as createSseClient } from 'graphql-sse';
import { createClient as createWsClient } from 'graphql-ws';
import { afterEach, describe, expect, it, vi } from 'vitest';
import WebSocket from 'ws';
import { AggregateTicksDocument } from '../generated/graphql.js';
import { startService, type RunningService } from '../support/service.js';

/** Three books in one query: one batched loader call, three REST reads. */
const BOOKS = `query ($a: String!, $b: String!, $c: String!) {
  a: orderBook(ticker: $a) { ticker bids { price size } quality { cacheTier } }
  b: orderBook(ticker: $b) { ticker bids { price size } quality { cacheTier } }
  c: orderBook(ticker: $c) { ticker bids { price size } quality { cacheTier } }
}`;
type Book = { ticker: string; bids: unknown[]; quality: { cacheTier: string } } | null;

let service: RunningService | null = null;
const disposals: Array<() => unknown> = [];
afterEach(async () => {
  for (const dispose of disposals.splice(0)) await dispose();
  await service?.stop();
  service = null;
});

describe('graceful shutdown order', () => {
  it(
    'drains a query whose reads are still queued for the upstream; completes SSE and WebSocket subscriptions instead of waiting for them',
    { timeout: 60_000 },
    async () => {
      service = await startService({
        // One book on the WebSocket feed; the others are read over REST, through the breaker.
        KALSHI_TRACK_TOP_N: '1',
        // One read a second: the query's three books (one signed GET /markets/orderbooks, the
        // simulator's key being configured) wait for the client's rate limit behind the startup
        // reads, so they reach the exchange only after shutdown has begun ("late loaders").
        KALSHI_READS_PER_SECOND: '1',
        // At one read a second a client read may queue only a quarter of the call deadline before it
        // is shed (about 2 s at the default 10 s); a long deadline keeps this one queued, not shed.
        CB_TIMEOUT_MS: '30000',
        KALSHI_SUBACCOUNTS: '0',
        // No poll of our own in flight at shutdown: only the query's reads are.
        KALSHI_POLL_INTERVAL_MS: '600000',
        KALSHI_PORTFOLIO_POLL_INTERVAL_MS: '3600000',
        // Drain alone may take 5 s of this: a shutdown that waited on the open streams would show.
        SHUTDOWN_TIMEOUT_MS: '10000',
      });
      const { app, url } = service;

      // Two long-lived subscriptions, one per transport, each live (it has had an event).
      const ws = createWsClient({ url: url.replace(/^http/, 'ws'), webSocketImpl: WebSocket, retryAttempts: 0 });
      const sse = createSseClient({ url, retryAttempts: 0 });
      disposals.push(
        () => ws.dispose(),
        () => sse.dispose(),
      );
      const subscribe = (client: typeof ws | typeof sse) => {
        let first!: () => void;
        const live = new Promise<void>((resolve) => (first = resolve));
        const completed = new Promise<void>((resolve, reject) => {
          client.subscribe({ query: print(AggregateTicksDocument) }, { next: () => first(), error: reject, complete: resolve });
        });
        return { live, completed };
      };
      const wsSub = subscribe(ws);
      const sseSub = subscribe(sse);
      await Promise.all([wsSub.live, sseSub.live]);

      // The quietest markets: not the one the feed follows, so their books are REST reads.
      const [a, b, c] = app.services.markets
        .list({})
        .sort((x, y) => x.volume.volume24h - y.volume.volume24h)
        .slice(0, 3)
        .map((market) => market.ticker);
      const exchange = app.simulators.kalshi!;
      const before = exchange.requestCount();
      const loadBooks = vi.spyOn(app.services.orderBooks, 'getMany');
      let answeredAt = 0;
      const query = fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query: BOOKS, variables: { a, b, c } }),
      }).then(async (response) => {
        answeredAt = performance.now();
        return { status: response.status, body: (await response.json()) as { data?: Record<'a' | 'b' | 'c', Book>; errors?: unknown[] } };
      });
      // The query is in the server: its loader has asked for the books (the reads wait for tokens).
      await vi.waitFor(() => expect(loadBooks).toHaveBeenCalledTimes(1), { interval: 2 });

      const stopAt = performance.now();
      const stopped = app.stop();
      const { status, body } = await query;
      const report = await stopped;
      const stoppedAt = performance.now();

      expect(status).toBe(200);
      expect(body.errors).toBeUndefined();
      for (const [alias, ticker] of [
        ['a', a],
        ['b', b],
        ['c', c],
      ] as const) {
        expect(body.data?.[alias]).toMatchObject({ ticker, quality: { cacheTier: 'LIVE' } });
      }
      expect(loadBooks).toHaveBeenCalledWith([a, b, c], expect.anything());
      expect(exchange.requestCount() - before).toBeGreaterThanOrEqual(1);
      // It was answered after shutdown began, and shutdown ended after it.
      expect(answeredAt).toBeGreaterThan(stopAt);
      expect(stoppedAt).toBeGreaterThanOrEqual(answeredAt);
      // No failure recorded against Kalshi: its client was still there for the late reads.
      expect(app.services.sources.get('kalshi')).toMatchObject({ consecutiveFailures: 0, lastError: null });

      // Both subscriptions were completed by the server (not errored, not cut).
      await expect(wsSub.completed).resolves.toBeUndefined();
      await expect(sseSub.completed).resolves.toBeUndefined();
      expect(app.pubsub.openStreams).toBe(0);

      expect(report.clean).toBe(true);
      expect(report.steps.map((step) => step.name)).toEqual([
        'stop accepting',
        'drain in-flight requests',
        'complete subscriptions',
        'close connections',
        'stop producers',
        'stop breakers',
        'flush',
        'close cache',
        'close history store',
      ]);
      // The drain waited for the query (two token waits of a second each), not for the streams: the
      // streams never end by themselves, so a drain that waited on them would run out its 5 s bound
      // and say 'timed out'. (Its duration under the bound is the check, not a wall-clock guess.)
      const drain = report.steps.find((step) => step.name === 'drain in-flight requests')!;
      expect(drain.outcome).toBe('done');
      expect(drain.durationMs).toBeGreaterThan(1000);
      expect(drain.durationMs).toBeLessThan(drain.boundMs);
    },
  );

  it('stop() is idempotent and resolves with the same report', async () => {
    service = await startService();
    const first = service.app.stop();
    const second = service.app.stop();
    expect(second).toBe(first);
    expect((await first).clean).toBe(true);
  });
});
