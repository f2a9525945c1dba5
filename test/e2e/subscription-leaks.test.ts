/**
 * Every unsubscribe frees its iterator: 1,000 subscribe/unsubscribe cycles over graphql-ws and
 * 200 over SSE leave no open stream behind and no growth in heap after GC.
 */
import { print } from 'graphql';
import { createClient as createSseClient } from 'graphql-sse';
import { createClient as createWsClient } from 'graphql-ws';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import WebSocket from 'ws';
import { AggregateTicksDocument } from '../generated/graphql.js';
import { startService, type RunningService } from '../support/service.js';
import { heapAfterGc } from '../support/memory.js';

/** Waits for a server-side condition, checking on every turn of the event loop (bounded). */
async function until(condition: () => boolean, timeoutMs = 2000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not reached in time');
    await new Promise((resolve) => setImmediate(resolve));
  }
}

describe('subscription lifecycle', () => {
  let service: RunningService;
  beforeAll(async () => {
    service = await startService();
  });
  afterAll(async () => {
    await service?.stop();
  });

  it('1,000 graphql-ws subscribe/unsubscribe cycles free every stream and do not grow the heap', { timeout: 60_000 }, async () => {
    const client = createWsClient({ url: service.url.replace(/^http/, 'ws'), webSocketImpl: WebSocket, retryAttempts: 0 });
    const baseline = service.app.pubsub.openStreams;
    // One cycle: subscribe, wait until the server holds the stream, unsubscribe, wait until it is freed.
    const cycle = async () => {
      const unsubscribe = client.subscribe({ query: print(AggregateTicksDocument) }, { next: () => undefined, error: () => undefined, complete: () => undefined });
      await until(() => service.app.pubsub.openStreams > baseline);
      unsubscribe();
      await until(() => service.app.pubsub.openStreams === baseline);
    };
    for (let i = 0; i < 100; i++) await cycle(); // warm-up: JIT, pools, caches
    await vi.waitFor(() => expect(service.app.pubsub.openStreams).toBe(baseline));
    const before = heapAfterGc();
    for (let i = 0; i < 1000; i++) await cycle();
    await vi.waitFor(() => expect(service.app.pubsub.openStreams).toBe(baseline));
    const grownBytes = heapAfterGc() - before;
    await client.dispose();
    // A leaked iterator per cycle would hold an aggregate (tens of KB) each: 1,000 of them, tens of MB.
    expect(grownBytes).toBeLessThan(8 * 1024 * 1024);
  });

  it('200 SSE subscribe/abort cycles free every stream', { timeout: 60_000 }, async () => {
    const client = createSseClient({ url: service.url, retryAttempts: 0 });
    const baseline = service.app.pubsub.openStreams;
    for (let i = 0; i < 200; i++) {
      const unsubscribe = client.subscribe({ query: print(AggregateTicksDocument) }, { next: () => undefined, error: () => undefined, complete: () => undefined });
      await until(() => service.app.pubsub.openStreams > baseline);
      unsubscribe();
      await until(() => service.app.pubsub.openStreams === baseline);
    }
    client.dispose();
    await vi.waitFor(() => expect(service.app.pubsub.openStreams).toBe(baseline), { timeout: 5000 });
  });
});
