/**
 * One execution per event and distinct selection: ten subscribers with the same operation get the
 * same results, and the server executed each aggregate once, sharing it with the other nine.
 */
import { print } from 'graphql';
import { createClient } from 'graphql-ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { AggregateTicksDocument } from '../generated/graphql.js';
import { collect, startService, type RunningService } from '../support/service.js';

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
});
