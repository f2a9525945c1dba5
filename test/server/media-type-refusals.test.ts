/**
 * The refusals yoga writes with an empty body (415: a content type no parser reads; 406: no media
 * type the client accepts can carry the result) carry a coded GraphQL error like every other
 * refusal. Found by the fuzz properties (test/fuzz/http.test.ts).
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startService, type RunningService } from '../support/service.js';

let service: RunningService;

beforeAll(async () => {
  service = await startService();
});

afterAll(async () => {
  await service?.stop();
});

interface Refusal {
  errors: Array<{ message: string; extensions: { code: string } }>;
}

async function post(contentType: string, accept: string, body: string) {
  const response = await fetch(service.url, { method: 'POST', headers: { 'content-type': contentType, accept }, body });
  return { status: response.status, contentType: response.headers.get('content-type'), text: await response.text() };
}

describe('media-type refusals', () => {
  test('a POST in a content type no parser reads: 415 with a BAD_REQUEST error naming the type', async () => {
    const answer = await post('text/plain', 'application/json', '{"query":"{ health { status } }"}');
    expect(answer.status).toBe(415);
    expect(answer.contentType).toContain('application/graphql-response+json');
    const body = JSON.parse(answer.text) as Refusal;
    expect(body.errors).toHaveLength(1);
    expect(body.errors[0]!.extensions.code).toBe('BAD_REQUEST');
    expect(body.errors[0]!.message).toContain('"text/plain"');
  });

  test('a subscription asked for as application/json: 406 with a BAD_REQUEST error pointing at text/event-stream', async () => {
    const answer = await post('application/json', 'application/json', JSON.stringify({ query: 'subscription { aggregateUpdated { takenAt } }' }));
    expect(answer.status).toBe(406);
    const body = JSON.parse(answer.text) as Refusal;
    expect(body.errors).toHaveLength(1);
    expect(body.errors[0]!.extensions.code).toBe('BAD_REQUEST');
    expect(body.errors[0]!.message).toContain('text/event-stream');
  });

  test('an Accept no result type satisfies: 406 with a coded error', async () => {
    const answer = await post('application/json', 'text/html', JSON.stringify({ query: '{ health { status } }' }));
    expect(answer.status).toBe(406);
    expect((JSON.parse(answer.text) as Refusal).errors[0]!.extensions.code).toBe('BAD_REQUEST');
  });
});
