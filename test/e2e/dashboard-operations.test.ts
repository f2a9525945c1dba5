/**
 * The dashboard's own operations as the page sends them (dashboard/src/api/persisted.ts): by
 * persisted id alone, to a service that runs only registered documents (PERSISTED_ONLY=on), over
 * HTTP for the queries and over graphql-ws (`query: ""` plus the id) for the subscriptions. Each is
 * answered with data, so the dashboard works on a locked-down production service.
 */
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { operationRequest } from '../../dashboard/src/api/persisted.js';
import {
  ConnectionBadgeSourcesDocument,
  MarketsTableDocument,
  MarketsTableUpdatesDocument,
  SourcesPanelDocument,
} from '../../dashboard/src/generated/graphql.js';
import { startService, type RunningService } from '../support/service.js';

describe('dashboard operations under PERSISTED_ONLY=on', () => {
  let service: RunningService;

  beforeAll(async () => {
    service = await startService({ PERSISTED_ONLY: 'on' });
  });
  afterAll(async () => {
    await service?.stop();
  });

  it('runs each query by id over HTTP, and refuses the same document sent as text', async () => {
    for (const document of [MarketsTableDocument, SourcesPanelDocument, ConnectionBadgeSourcesDocument]) {
      const request = operationRequest(document, {}, false);
      const response = await fetch(service.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(request) });
      const body = (await response.json()) as { data?: Record<string, unknown>; errors?: unknown[] };
      expect({ operation: request.operationName, status: response.status, errors: body.errors }).toEqual({
        operation: request.operationName,
        status: 200,
        errors: undefined,
      });
      expect(body.data).toBeTruthy();
    }
    const markets = operationRequest(MarketsTableDocument, {}, false);
    const answer = await fetch(service.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(markets) });
    const data = ((await answer.json()) as { data: { aggregate: { markets: { ticker: string }[] } } }).data;
    expect(data.aggregate.markets.length).toBeGreaterThanOrEqual(20);
    const asText = operationRequest(MarketsTableDocument, {}, true);
    const refused = await fetch(service.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(asText) });
    expect(((await refused.json()) as { errors: { extensions: { code: string } }[] }).errors[0]!.extensions.code).toBe('PERSISTED_QUERY_ONLY');
  });

  it('runs a subscription by id over graphql-ws', async () => {
    const client = createClient({ url: service.url.replace(/^http/, 'ws'), webSocketImpl: WebSocket, retryAttempts: 0 });
    try {
      const request = operationRequest(MarketsTableUpdatesDocument, {}, false);
      const first = await new Promise<unknown>((resolve, reject) => {
        const stop = client.subscribe(
          { ...request, query: '' },
          {
            next: (value) => {
              stop();
              resolve(value);
            },
            error: reject,
            complete: () => undefined,
          },
        );
      });
      const markets = (first as { data: { aggregateUpdated: { markets: { ticker: string; quality: { cacheTier: string } }[] } } }).data.aggregateUpdated
        .markets;
      expect(markets.length).toBeGreaterThanOrEqual(20);
      expect(markets[0]!.quality.cacheTier).toMatch(/^(LIVE|L[1-4])$/);
    } finally {
      await client.dispose();
    }
  });
});
