/**
 * Bad input against the service as an operator runs it (a production process with API keys): a
 * short mix of hostile HTTP, SSE and graphql-ws traffic, with and without the key. Every answer is
 * coded (a missing key is 401 UNAUTHENTICATED, a socket without one 4401), and at the end the
 * process is still running, still answers, and logged no fatal error.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { LEVEL } from '../support/log-capture.js';
import { AUTH_CONNECTION_PARAMS, authHeaders, graphqlUrl, startServiceProcess, type ServiceProcess } from '../support/service-process.js';
import { checkHttpAnswer } from './answers.js';
import { fuzzParameters } from './fuzz-budget.js';
import { hostileVariablesTextArb, requestArb } from './schema-arbitraries.js';
import { checkSseAnswer } from './sse-read.js';
import { closeCodeWithin, withRawSocket } from './ws-client.js';

let service: ServiceProcess;
let url: string;

beforeAll(async () => {
  service = await startServiceProcess();
  url = graphqlUrl(service);
}, 60_000);

afterAll(async () => {
  await service?.dispose();
});

describe('bad input against a production process', () => {
  test('hostile HTTP, SSE and graphql-ws traffic, with and without the key, gets coded answers', async () => {
    const tickers = ['KXFAKE-26'];
    const action = fc.oneof(
      fc.record({ kind: fc.constant('post' as const), request: requestArb({ tickers }), keyed: fc.boolean() }),
      fc.record({ kind: fc.constant('variables' as const), request: requestArb({ tickers }), variables: hostileVariablesTextArb }),
      fc.record({
        kind: fc.constant('bytes' as const),
        bytes: fc.uint8Array({ maxLength: 2048 }),
        contentType: fc.constantFrom('application/json', 'text/plain', 'application/graphql'),
      }),
      fc.record({
        kind: fc.constant('sse' as const),
        request: requestArb({ tickers }),
        method: fc.constantFrom('GET' as const, 'POST' as const),
        keyed: fc.boolean(),
      }),
      fc.record({ kind: fc.constant('ws' as const), request: requestArb({ tickers }), keyed: fc.boolean() }),
    );
    await fc.assert(
      fc.asyncProperty(action, async (step) => {
        switch (step.kind) {
          case 'post':
          case 'variables':
          case 'bytes': {
            const body =
              step.kind === 'post'
                ? JSON.stringify(step.request)
                : step.kind === 'variables'
                  ? `{"query": ${JSON.stringify(step.request.query)}, "variables": ${step.variables}}`
                  : new Blob([new Uint8Array(step.bytes)]);
            const keyed = step.kind !== 'post' || step.keyed;
            const contentType = step.kind === 'bytes' ? step.contentType : 'application/json';
            const headers = { 'content-type': contentType, accept: 'application/graphql-response+json, application/json' };
            const response = await fetch(url, { method: 'POST', headers: keyed ? authHeaders(headers) : headers, body, signal: AbortSignal.timeout(15_000) });
            const text = await response.text();
            const results = checkHttpAnswer({ status: response.status, contentType: response.headers.get('content-type'), text });
            if (!keyed) {
              expect(response.status).toBe(401);
              expect(results[0]?.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
            }
            return;
          }
          case 'sse':
            await checkSseAnswer(url, step.request, { method: step.method, headers: step.keyed ? authHeaders() : {} });
            return;
          case 'ws': {
            await withRawSocket(url, async (raw) => {
              if (!step.keyed) {
                raw.send(JSON.stringify({ type: 'connection_init' }));
                expect(await closeCodeWithin(raw, 5000)).toBe(4401);
                return;
              }
              await raw.init(AUTH_CONNECTION_PARAMS);
              raw.send(JSON.stringify({ id: '1', type: 'subscribe', payload: step.request }));
              const reply = await raw.next((message) => message.id === '1', 300);
              if (reply?.type === 'error') {
                for (const error of reply.payload as Array<{ extensions?: { code?: unknown } }>) expect(error.extensions?.code).toBeTypeOf('string');
              }
              expect(raw.isOpen()).toBe(true);
            });
            return;
          }
        }
      }),
      fuzzParameters(60, 3000),
    );
  });

  test('the process is still up, answers, and logged nothing fatal', async () => {
    expect(service.child.exitCode).toBeNull();
    expect(service.child.signalCode).toBeNull();
    const response = await fetch(url, {
      method: 'POST',
      headers: authHeaders({ 'content-type': 'application/json' }),
      body: JSON.stringify({ query: '{ health { status } }' }),
    });
    expect(response.status).toBe(200);
    expect(service.logs.filter((line) => line.level >= LEVEL.fatal)).toEqual([]);
    expect(service.logs.filter((line) => /unhandled|uncaught/i.test(line.msg))).toEqual([]);
  });
});
