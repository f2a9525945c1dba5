/**
 * A client that stops reading: the server keeps only the newest aggregate per subscription (no
 * backlog), and once the client has stayed behind past SLOW_CONSUMER_DEADLINE_MS it is closed
 * with the documented code 4013. Other clients keep receiving.
 */
import type { Socket } from 'node:net';
import { print } from 'graphql';
import { createClient } from 'graphql-ws';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import WebSocket from 'ws';
import { CurrentAggregateDocument } from '../generated/graphql.js';
import { collect, startService, type RunningService } from '../support/service.js';

describe('slow consumers', () => {
  let service: RunningService;
  beforeAll(async () => {
    service = await startService({ SLOW_CONSUMER_BUFFER_BYTES: '65536', SLOW_CONSUMER_DEADLINE_MS: '1000', AGGREGATION_INTERVAL_MS: '50' });
  });
  afterAll(async () => {
    await service?.stop();
  });

  it('closes a client that stays behind with 4013, without holding a backlog for it', { timeout: 30_000 }, async () => {
    const url = service.url.replace(/^http/, 'ws');
    const baseline = service.app.pubsub.openStreams;
    const slow = new WebSocket(url, 'graphql-transport-ws');
    await new Promise((resolve) => slow.once('open', resolve));
    slow.send(JSON.stringify({ type: 'connection_init' }));
    await new Promise<void>((resolve) => slow.once('message', () => resolve()));
    // Fifty subscriptions to the full aggregate: megabytes a second for a client that reads nothing.
    const query = print(CurrentAggregateDocument)
      .replace(/^query CurrentAggregate/, 'subscription Slow')
      .replace('aggregate {', 'aggregateUpdated {');
    for (let i = 0; i < 50; i++) slow.send(JSON.stringify({ id: String(i), type: 'subscribe', payload: { query } }));
    const socket = (slow as unknown as { _socket: Socket })._socket;
    socket.pause();
    const closed = new Promise<number>((resolve) => slow.once('close', (code) => resolve(code)));

    // A well-behaved client on the same server keeps getting updates meanwhile.
    const healthy = createClient({ url, webSocketImpl: WebSocket, retryAttempts: 0 });
    const ticks = collect<true>(3);
    healthy.subscribe(
      { query: 'subscription { aggregateUpdated { takenAt } }' },
      { next: () => ticks.push(true), error: () => undefined, complete: () => undefined },
    );
    await ticks.done;

    // Each of the slow client's subscriptions holds at most the newest aggregate, whatever it missed.
    expect(service.app.pubsub.openStreams).toBeLessThanOrEqual(4 + 50 + 1);
    // Once the server has given up on it, read again: the close frame is behind the data it did not read.
    await vi.waitFor(async () => expect((await service.app.metrics.slowConsumersClosed.get()).values[0]?.value ?? 0).toBe(1), {
      timeout: 10_000,
      interval: 50,
    });
    socket.resume();
    expect(await closed).toBe(4013);
    await healthy.dispose();
    // The closed client's fifty subscriptions (and the healthy one's) are all let go.
    await vi.waitFor(() => expect(service.app.pubsub.openStreams).toBe(baseline), { timeout: 10_000 });
  });
});
