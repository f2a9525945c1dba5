/**
 * One execution and one JSON text per event and distinct selection: subscribers with the same
 * operation get the same results, over graphql-ws and SSE alike, and the server executed and
 * printed each aggregate once, sharing it with the others.
 */
import { print } from 'graphql';
import { createClient as createSseClient } from 'graphql-sse';
import { createClient, GRAPHQL_TRANSPORT_WS_PROTOCOL } from 'graphql-ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { AggregateAvailabilityDocument, AggregateTicksDocument } from '../generated/graphql.js';
import { collect, startService, type RunningService } from '../support/service.js';

async function serializations(service: RunningService): Promise<{ serialized: number; reused: number; reusedBySse: number; reusedByWs: number }> {
  const metric = await service.app.metrics.subscriptionSerializations.get();
  const of = (outcome: string, transport?: string) =>
    metric.values.filter((v) => v.labels.outcome === outcome && (!transport || v.labels.transport === transport)).reduce((sum, v) => sum + v.value, 0);
  return { serialized: of('serialized'), reused: of('reused'), reusedBySse: of('reused', 'sse'), reusedByWs: of('reused', 'ws') };
}

/** A `ws` message as text (a Buffer, an ArrayBuffer or, fragmented, an array of Buffers). */
function rawText(data: WebSocket.RawData): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  return Buffer.isBuffer(data) ? data.toString('utf8') : Buffer.from(data).toString('utf8');
}

/** A bare graphql-transport-ws socket, to see the exact text of each `next` message. */
async function rawSubscriber(url: string, ids: string[], query: string, count: number): Promise<{ frames: Promise<string[][]>; close(): void }> {
  const socket = new WebSocket(url, GRAPHQL_TRANSPORT_WS_PROTOCOL);
  await new Promise<void>((resolve, reject) => socket.once('open', resolve).once('error', reject));
  const sinks = new Map(ids.map((id) => [id, collect<string>(count)]));
  const acknowledged = new Promise<void>((resolve) => {
    socket.on('message', (data) => {
      const text = rawText(data);
      const message = JSON.parse(text) as { type: string; id?: string };
      if (message.type === 'connection_ack') resolve();
      if (message.type === 'next') sinks.get(message.id!)?.push(text);
    });
  });
  socket.send(JSON.stringify({ type: 'connection_init' }));
  await acknowledged;
  for (const id of ids) socket.send(JSON.stringify({ id, type: 'subscribe', payload: { query } }));
  return { frames: Promise.all([...sinks.values()].map((sink) => sink.done)), close: () => socket.close(1000) };
}

async function results(service: RunningService): Promise<{ executed: number; shared: number }> {
  const metric = await service.app.metrics.subscriptionResults.get();
  const of = (outcome: string) => metric.values.find((v) => v.labels.outcome === outcome)?.value ?? 0;
  return { executed: of('executed'), shared: of('shared') };
}

describe('shared subscription results', () => {
  let service: RunningService;
  beforeAll(async () => {
    service = await startService();
  });
  afterAll(async () => {
    await service?.stop();
  });

  it('executes each aggregate once for ten identical subscriptions', async () => {
    const client = createClient({ url: service.url.replace(/^http/, 'ws'), webSocketImpl: WebSocket, retryAttempts: 0 });
    const before = await results(service);
    const received = Array.from({ length: 10 }, () => collect<string>(3));
    const unsubscribes = received.map((sink) =>
      client.subscribe<{ aggregateUpdated: { takenAt: string } }>(
        { query: print(AggregateTicksDocument) },
        { next: (r) => r.data && sink.push(r.data.aggregateUpdated.takenAt), error: () => undefined, complete: () => undefined },
      ),
    );
    const all = await Promise.all(received.map((sink) => sink.done));
    unsubscribes.forEach((unsubscribe) => unsubscribe());
    await client.dispose();

    // Everyone saw aggregates from the same stream of events.
    const seen = new Set(all.flat());
    expect(seen.size).toBeLessThan(all.flat().length);
    const after = await results(service);
    const executed = after.executed - before.executed;
    const shared = after.shared - before.shared;
    expect(executed).toBeGreaterThan(0);
    // Ten subscribers per event: about one execution and nine reuses (subscribers joining between
    // events can make the first events less shared).
    expect(shared).toBeGreaterThanOrEqual(executed * 5);
  });

  it('prints each shared aggregate once for WebSocket and SSE subscribers, byte-exact for each', async () => {
    type Ticks = { aggregateUpdated: { takenAt: string; markets: unknown[] } };
    const wsUrl = service.url.replace(/^http/, 'ws');
    const query = print(AggregateTicksDocument);
    const before = await serializations(service);
    const executedBefore = (await results(service)).executed;

    const wsClient = createClient({ url: wsUrl, webSocketImpl: WebSocket, retryAttempts: 0 });
    const sseClient = createSseClient({ url: service.url, retryAttempts: 0 });
    const received: Array<ReturnType<typeof collect<Ticks>>> = [];
    const stops: Array<() => void> = [];
    for (const client of [wsClient, sseClient]) {
      for (let i = 0; i < 5; i++) {
        const sink = collect<Ticks>(3);
        received.push(sink);
        stops.push(client.subscribe<Ticks>({ query }, { next: (r) => r.data && sink.push(r.data), error: () => undefined, complete: () => undefined }));
      }
    }
    // A different selection of the same event: its own execution and text, never the other's.
    const availability = collect<Record<string, unknown>>(3);
    stops.push(
      wsClient.subscribe<Record<string, unknown>>(
        { query: print(AggregateAvailabilityDocument) },
        { next: (r) => r.data && availability.push(r.data.aggregateUpdated as Record<string, unknown>), error: () => undefined, complete: () => undefined },
      ),
    );
    const raw = await rawSubscriber(wsUrl, ['a', 'b"quoted"', 'ünï'], query, 3);

    const [frames, ...all] = await Promise.all([raw.frames, availability.done, ...received.map((sink) => sink.done)]);
    stops.forEach((stop) => stop());
    raw.close();
    await wsClient.dispose();
    sseClient.dispose();

    // The bytes on the wire are the message graphql-ws would have printed itself.
    for (const [index, id] of ['a', 'b"quoted"', 'ünï'].entries()) {
      for (const text of frames[index]!) {
        const message = JSON.parse(text) as { id: string; type: string; payload: { data: Ticks } };
        expect(message.id).toBe(id);
        expect(text).toBe(JSON.stringify({ id, type: 'next', payload: message.payload }));
        expect(message.payload.data.aggregateUpdated.markets.length).toBeGreaterThan(0);
      }
    }
    // Every subscriber that saw an aggregate saw the same one, whatever its transport.
    const byTakenAt = new Map<string, string>();
    for (const data of (all.slice(1) as Ticks[][]).flat()) {
      const text = JSON.stringify(data);
      const seen = byTakenAt.get(data.aggregateUpdated.takenAt);
      if (seen) expect(text).toBe(seen);
      else byTakenAt.set(data.aggregateUpdated.takenAt, text);
    }
    for (const data of all[0]) expect(Object.keys(data).sort()).toEqual(['availabilityScore', 'takenAt']);

    const after = await serializations(service);
    const serialized = after.serialized - before.serialized;
    const reused = after.reused - before.reused;
    const executed = (await results(service)).executed - executedBefore;
    expect(serialized).toBeGreaterThan(0);
    // A text is printed only for an execution, never per subscriber.
    expect(serialized).toBeLessThanOrEqual(executed);
    // Thirteen subscribers of the ticks selection: about one print and twelve reuses per event.
    expect(reused).toBeGreaterThanOrEqual(serialized * 4);
    // Both transports took the printed text rather than printing their own.
    expect(after.reusedBySse - before.reusedBySse).toBeGreaterThan(0);
    expect(after.reusedByWs - before.reusedByWs).toBeGreaterThan(0);
  });
});
