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
});
