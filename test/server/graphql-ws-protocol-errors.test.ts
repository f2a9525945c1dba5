/**
 * Client protocol errors on graphql-ws are the client's (4400), not the server's (4500), and a
 * document that does not parse is coded as over HTTP. Found by the fuzz properties
 * (test/fuzz/graphql-ws.test.ts).
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startService, type RunningService } from '../support/service.js';
import { closeCodeWithin, openRawSocket } from '../fuzz/ws-client.js';

let service: RunningService;

beforeAll(async () => {
  service = await startService();
});

afterAll(async () => {
  await service?.stop();
});

describe('graphql-ws protocol errors', () => {
  test.each([
    ['connection_ack', { type: 'connection_ack' }],
    ['next', { id: '1', type: 'next', payload: { data: null } }],
    ['error', { id: '1', type: 'error', payload: [{ message: 'x' }] }],
  ])('a client that sends %s (a server-to-client type) is closed with 4400', async (_type, message) => {
    const raw = await openRawSocket(service.url);
    try {
      await raw.init();
      raw.send(JSON.stringify(message));
      expect(await closeCodeWithin(raw, 3000)).toBe(4400);
    } finally {
      await raw.close();
    }
  });

  test('a document that does not parse gets an error coded GRAPHQL_PARSE_FAILED, and the socket stays open', async () => {
    const raw = await openRawSocket(service.url);
    try {
      await raw.init();
      raw.send(JSON.stringify({ id: 'bad', type: 'subscribe', payload: { query: '{ health {' } }));
      const reply = await raw.next((message) => message.id === 'bad', 3000);
      expect(reply?.type).toBe('error');
      const errors = reply?.payload as Array<{ message: string; extensions?: { code?: string } }>;
      expect(errors[0]!.message).toContain('Syntax Error');
      expect(errors[0]!.extensions?.code).toBe('GRAPHQL_PARSE_FAILED');
      expect(raw.isOpen()).toBe(true);
    } finally {
      await raw.close();
    }
  });

  test('a second subscribe under a long id (beyond a close reason) is closed with 4409, not 4500', async () => {
    const id = 'x'.repeat(300);
    const raw = await openRawSocket(service.url);
    try {
      await raw.init();
      raw.send(JSON.stringify({ id, type: 'subscribe', payload: { query: 'subscription { aggregateUpdated { takenAt } }' } }));
      expect(await raw.next((message) => message.id === id && message.type === 'next', 5000)).not.toBeNull();
      raw.send(JSON.stringify({ id, type: 'subscribe', payload: { query: '{ health { status } }' } }));
      const { code, reason } = await raw.closed;
      expect(code).toBe(4409);
      expect(Buffer.byteLength(reason)).toBeLessThanOrEqual(123);
      expect(reason).toMatch(/^Subscriber for x+…$/);
    } finally {
      await raw.close();
    }
  });
});
