/**
 * Bad input over GraphQL-over-SSE (yoga's Accept: text/event-stream, GET and POST), against the
 * whole service in-process: schema-built documents (subscriptions included) with hostile
 * arguments and variables. A refusal is a coded answer; a stream's events are data or coded errors.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { RunningService } from '../support/service.js';
import { fuzzParameters } from './fuzz-budget.js';
import { startFuzzTarget } from './fuzz-target.js';
import { requestArb } from './schema-arbitraries.js';
import { checkSseAnswer } from './sse-read.js';

let service: RunningService;
let tickers: string[] = [];

beforeAll(async () => {
  ({ service, tickers } = await startFuzzTarget());
});

afterAll(async () => {
  await service?.stop();
});

describe('bad input over SSE', () => {
  test('POST and GET with Accept: text/event-stream: every event is data or coded errors, every refusal coded', async () => {
    const operations = ['subscription', 'subscription', 'query', 'mutation'] as const;
    await fc.assert(
      fc.asyncProperty(requestArb({ tickers, operations }), fc.constantFrom('GET' as const, 'POST' as const), async (request, method) => {
        await checkSseAnswer(service.url, request, { method });
      }),
      fuzzParameters(80, 2500),
    );
  });

  test('the service still streams after the fuzzing', async () => {
    const response = await fetch(service.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'text/event-stream' },
      body: JSON.stringify({ query: '{ health { status } }' }),
    });
    expect(response.status).toBe(200);
    expect(await response.text()).toMatch(/event: next\ndata: \{"data":\{"health":\{"status":"\w+"\}\}\}/);
  });
});
