/**
 * Every unsubscribe frees its iterator: 1,000 subscribe/unsubscribe cycles over graphql-ws and
 * 200 over SSE leave no open stream behind and no growth in heap after GC.
 */
import { clearLogs, getLogs } from '@prisma/debug';
import { print } from 'graphql';
import { createClient as createSseClient } from 'graphql-sse';
import { createClient as createWsClient } from 'graphql-ws';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import WebSocket from 'ws';
import { AggregateTicksDocument } from '../generated/graphql.js';
import { startService, type RunningService } from '../support/service.js';
import { heapAfterGc } from '../support/memory.js';

/**
 * The heap after GC, Prisma's debug history left out. @prisma/debug (loaded by
 * @prisma/driver-adapter-utils, hence the same module instance) keeps the arguments of its last 100
 * debug calls whether or not DEBUG is set, and the better-sqlite3 adapter makes one per statement,
 * with the statement's parameters: snapshot INSERTs (several rows of ~50 KB of JSON each) and L3
 * batches. That window is bounded by count, not by bytes, so what it holds at a given moment depends
 * only on which statements the background writers issued last: measured here, 2 to 10 MB, moving
 * either way between two measurements, by itself enough to cross the limit below (and unrelated to
 * subscriptions). It is emptied just before each measurement; it refills on the next statement, so
 * this hides nothing of the service's own: a stream leaked per cycle still shows in full.
 */
function heapAfterGcWithoutPrismaDebugHistory(): number {
  clearLogs();
  return heapAfterGc();
}

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
    // The service's statements (startup's included) went through the history cleared below: if a
    // Prisma upgrade moved it, this fails here rather than letting the measurement go noisy again.
    expect(getLogs(Number.MAX_SAFE_INTEGER)).toContain('prisma:driver-adapter:better-sqlite3');
    // One cycle: subscribe, wait until the server holds the stream, unsubscribe, wait until it is freed.
    const cycle = async () => {
      const unsubscribe = client.subscribe(
        { query: print(AggregateTicksDocument) },
        { next: () => undefined, error: () => undefined, complete: () => undefined },
      );
      await until(() => service.app.pubsub.openStreams > baseline);
      unsubscribe();
      await until(() => service.app.pubsub.openStreams === baseline);
    };
    for (let i = 0; i < 100; i++) await cycle(); // warm-up: JIT, pools, caches
    await vi.waitFor(() => expect(service.app.pubsub.openStreams).toBe(baseline));
    const before = heapAfterGcWithoutPrismaDebugHistory();
    for (let i = 0; i < 1000; i++) await cycle();
    await vi.waitFor(() => expect(service.app.pubsub.openStreams).toBe(baseline));
    const grownBytes = heapAfterGcWithoutPrismaDebugHistory() - before;
    await client.dispose();
    // A leaked iterator per cycle would hold an aggregate (tens of KB) each: 1,000 of them, tens of MB.
    expect(grownBytes).toBeLessThan(8 * 1024 * 1024);
  });

  it('200 SSE subscribe/abort cycles free every stream', { timeout: 60_000 }, async () => {
    const client = createSseClient({ url: service.url, retryAttempts: 0 });
    const baseline = service.app.pubsub.openStreams;
    for (let i = 0; i < 200; i++) {
      const unsubscribe = client.subscribe(
        { query: print(AggregateTicksDocument) },
        { next: () => undefined, error: () => undefined, complete: () => undefined },
      );
      await until(() => service.app.pubsub.openStreams > baseline);
      unsubscribe();
      await until(() => service.app.pubsub.openStreams === baseline);
    }
    client.dispose();
    await vi.waitFor(() => expect(service.app.pubsub.openStreams).toBe(baseline), { timeout: 5000 });
  });
});
