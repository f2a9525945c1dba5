/**
 * The pub/sub every live event flows through: a subscription that lives all day (the aggregator's
 * own, a dashboard's) must cost the same memory after a million events as after ten, and shutdown's
 * completeAll() ends every stream, including ones that arrive while or after it runs.
 */
import { describe, expect, it } from 'vitest';
import type { MarketRecord } from '../../src/core/domain.js';
import { createNorthstarPubSub } from '../../src/core/pubsub.js';
import { market } from '../support/records.js';
import { heapAfterGc } from '../support/memory.js';

describe('NorthstarPubSub', () => {
  it('a long-lived subscription does not grow with the number of events it has received', { timeout: 60_000 }, async () => {
    const pubsub = createNorthstarPubSub();
    const stream = pubsub.subscribe('marketUpdated')[Symbol.asyncIterator]();
    const event = market('A', 0.5, 0);
    let received = 0;
    const deliver = async (count: number) => {
      for (let i = 0; i < count; i++) {
        pubsub.publish('marketUpdated', event);
        const next = await stream.next();
        if ((next.value as MarketRecord).ticker === 'A') received += 1;
      }
    };
    // The stream attaches its listener when first read: publish until the first event arrives.
    let attached = false;
    const first = stream.next().then(() => (attached = true));
    while (!attached) {
      pubsub.publish('marketUpdated', event);
      await new Promise((resolve) => setImmediate(resolve));
    }
    await first;
    await deliver(10_000); // warm-up: JIT, first allocations
    const before = heapAfterGc();
    await deliver(100_000);
    const grown = heapAfterGc() - before;
    await stream.return?.(undefined);
    expect(received).toBe(110_000);
    expect(pubsub.openStreams).toBe(0);
    // Anything kept per event (a promise reaction is ~150 bytes) would be ~15 MB here.
    expect(grown).toBeLessThan(2 * 1024 * 1024);
  });

  it('completeAll() ends the open streams and forgets them', async () => {
    const pubsub = createNorthstarPubSub();
    const stream = pubsub.subscribe('marketUpdated')[Symbol.asyncIterator]();
    const pending = stream.next();
    expect(pubsub.openStreams).toBe(1);
    await pubsub.completeAll();
    expect(await pending).toEqual({ done: true, value: undefined });
    expect(pubsub.openStreams).toBe(0);
  });

  it('a stream subscribed after completeAll() began is ended at once and not kept in the open set', async () => {
    const pubsub = createNorthstarPubSub();
    await pubsub.completeAll();
    const late = pubsub.subscribe('aggregateUpdated')[Symbol.asyncIterator]();
    expect(pubsub.openStreams).toBe(0);
    expect(await late.next()).toEqual({ done: true, value: undefined });
    // Its consumer's own return() (graphql-ws, yoga's SSE on disconnect) is harmless.
    await late.return?.(undefined);
    expect(pubsub.openStreams).toBe(0);
  });

  it('a stream subscribed while completeAll() is still awaiting the others is ended and forgotten too', async () => {
    const pubsub = createNorthstarPubSub();
    const early = pubsub.subscribe('marketUpdated')[Symbol.asyncIterator]();
    const earlyNext = early.next();
    const completing = pubsub.completeAll();
    const late = pubsub.subscribe('marketUpdated')[Symbol.asyncIterator]();
    await completing;
    expect(await earlyNext).toMatchObject({ done: true });
    expect(await late.next()).toMatchObject({ done: true });
    expect(pubsub.openStreams).toBe(0);
    // Nothing published after shutdown reaches a listener that was never freed.
    pubsub.publish('marketUpdated', market('A', 0.5, 0));
    expect(await late.next()).toMatchObject({ done: true });
  });
});
