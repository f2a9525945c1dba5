/**
 * Bad input over graphql-ws (raw frames on a real socket to the in-process service). The close
 * codes are graphql-ws's own (its PROTOCOL.md and CloseCode): 4400 for a frame that is not a valid
 * client message (not JSON, an unknown or server-to-client type, a field of the wrong type), 4401
 * for a subscribe before the connection was acknowledged, 4409 for a second subscribe under an id
 * still in use, 4429 for a second connection_init; 4406 for a socket without the subprotocol.
 * Documents from the schema get `next`/`error`/`complete` with coded errors and the socket lives on.
 */
import fc from 'fast-check';
import { CloseCode, parseMessage } from 'graphql-ws';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { RunningService } from '../support/service.js';
import { checkResultBody } from './answers.js';
import { fuzzParameters } from './fuzz-budget.js';
import { startFuzzTarget } from './fuzz-target.js';
import { requestArb } from './schema-arbitraries.js';
import { closeCodeWithin, openRawSocket, withRawSocket } from './ws-client.js';

let service: RunningService;
let tickers: string[] = [];

/** WS_MAX_PAYLOAD_BYTES's default (64 KiB): a larger frame closes the socket with 1009. */
const WS_MAX_PAYLOAD_DEFAULT_BYTES = 64 * 1024;

const CLIENT_TYPES = new Set(['connection_init', 'ping', 'pong', 'subscribe', 'complete']);

/** Whether graphql-ws would take the frame as a valid client message (then it is not a protocol error). */
function isValidClientMessage(frame: string | Uint8Array): boolean {
  try {
    const message = parseMessage(typeof frame === 'string' ? frame : Buffer.from(frame).toString('utf8'));
    return CLIENT_TYPES.has(message.type);
  } catch {
    return false;
  }
}

const id = fc.oneof(fc.constantFrom('1', 'a', 'x'.repeat(300), '__proto__'), fc.string({ minLength: 1, maxLength: 10 }));

/** Frames that are not valid client messages: noise, JSON of the wrong shape, right shape of a server-only type. */
const invalidFrame: fc.Arbitrary<string | Uint8Array> = fc
  .oneof(
    fc.string({ maxLength: 200 }),
    fc.uint8Array({ maxLength: 512 }),
    fc.jsonValue({ maxDepth: 3 }).map((value) => JSON.stringify(value)),
    fc.constantFrom(
      '{',
      '{"type"',
      '{"type": 5}',
      '{"type": "subscribe"}',
      '{"type": "complete"}',
      '{"type": "connection_init", "payload": "x"}',
      '{"type": "ping", "payload": 1}',
    ),
    fc
      .record(
        {
          type: fc.constantFrom('subscribe', 'complete', 'SUBSCRIBE', 'start', 'stop', 'connection_terminate', 'data', 'ka'),
          id: fc.jsonValue({ maxDepth: 1 }),
          payload: fc.jsonValue({ maxDepth: 2 }),
        },
        { requiredKeys: ['type'] },
      )
      .map((message) => JSON.stringify(message)),
    // Well-formed, but only the server may send these.
    fc.oneof(
      fc.constant(JSON.stringify({ type: 'connection_ack' })),
      id.map((messageId) => JSON.stringify({ id: messageId, type: 'next', payload: { data: null } })),
      id.map((messageId) => JSON.stringify({ id: messageId, type: 'error', payload: [{ message: 'x' }] })),
    ),
  )
  .filter((frame) => !isValidClientMessage(frame));

beforeAll(async () => {
  ({ service, tickers } = await startFuzzTarget());
});

afterAll(async () => {
  await service?.stop();
});

describe('bad input over graphql-ws', () => {
  test('a frame that is not a valid client message closes the socket with 4400, before or after connection_init', async () => {
    await fc.assert(
      fc.asyncProperty(invalidFrame, fc.boolean(), async (frame, afterInit) => {
        await withRawSocket(service.url, async (raw) => {
          if (afterInit) await raw.init();
          raw.send(frame);
          expect(await closeCodeWithin(raw, 3000)).toBe(CloseCode.BadRequest);
        });
      }),
      fuzzParameters(120, 3000),
    );
  });

  test('subscribe before connection_init closes with 4401, whatever the document', async () => {
    await fc.assert(
      fc.asyncProperty(requestArb({ tickers }), id, async (request, messageId) => {
        await withRawSocket(service.url, async (raw) => {
          raw.send(JSON.stringify({ id: messageId, type: 'subscribe', payload: request }));
          expect(await closeCodeWithin(raw, 3000)).toBe(CloseCode.Unauthorized);
        });
      }),
      fuzzParameters(40, 2000),
    );
  });

  test('a second connection_init closes with 4429', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.option(fc.dictionary(fc.string({ maxLength: 8 }), fc.jsonValue({ maxDepth: 1 }), { maxKeys: 3 }), { nil: undefined }),
        async (payload) => {
          await withRawSocket(service.url, async (raw) => {
            await raw.init(payload);
            raw.send(JSON.stringify({ type: 'connection_init', payload }));
            expect(await closeCodeWithin(raw, 3000)).toBe(CloseCode.TooManyInitialisationRequests);
          });
        },
      ),
      fuzzParameters(20, 1500),
    );
  });

  test('a subscribe under an id still in use closes with 4409', async () => {
    await fc.assert(
      fc.asyncProperty(id, requestArb({ tickers }), async (messageId, second) => {
        await withRawSocket(service.url, async (raw) => {
          await raw.init();
          raw.send(JSON.stringify({ id: messageId, type: 'subscribe', payload: { query: 'subscription { aggregateUpdated { takenAt } }' } }));
          // Live: its first event arrived, so the id is held until complete.
          expect(await raw.next((message) => message.id === messageId && message.type === 'next', 5000)).not.toBeNull();
          raw.send(JSON.stringify({ id: messageId, type: 'subscribe', payload: second }));
          expect(await closeCodeWithin(raw, 3000)).toBe(CloseCode.SubscriberAlreadyExists);
        });
      }),
      fuzzParameters(20, 3000),
    );
  });

  test('schema-built documents get next / error / complete with coded errors, and the socket lives on', async () => {
    // A frame over WS_MAX_PAYLOAD_BYTES (a huge list in the variables) closes its socket with 1009; the next case gets a new one.
    let raw = await openRawSocket(service.url);
    await raw.init();
    let sequence = 0;
    try {
      await fc.assert(
        fc.asyncProperty(requestArb({ tickers }), async (request) => {
          if (!raw.isOpen()) {
            raw = await openRawSocket(service.url);
            await raw.init();
          }
          const messageId = `op-${(sequence += 1)}`;
          const from = raw.messages.length;
          const frame = JSON.stringify({ id: messageId, type: 'subscribe', payload: request });
          raw.send(frame);
          if (Buffer.byteLength(frame) > WS_MAX_PAYLOAD_DEFAULT_BYTES) {
            expect(await closeCodeWithin(raw, 3000)).toBe(1009);
            return;
          }
          // A subscription on a market that does not move may say nothing: 300 ms, then it is completed.
          const reply = await raw.next((message) => message.id === messageId, 300, from);
          if (reply === null) {
            raw.send(JSON.stringify({ id: messageId, type: 'complete' }));
          } else if (reply.type === 'error') {
            expect(Array.isArray(reply.payload)).toBe(true);
            checkResultBody({ errors: reply.payload }, { status: 0, text: JSON.stringify(reply) });
          } else if (reply.type === 'next') {
            checkResultBody(reply.payload, { status: 0, text: JSON.stringify(reply).slice(0, 2000) });
            raw.send(JSON.stringify({ id: messageId, type: 'complete' }));
          } else {
            expect(reply.type).toBe('complete');
          }
          expect(raw.isOpen()).toBe(true);
        }),
        fuzzParameters(150, 2500),
      );
      // Still a working socket: a ping gets its pong.
      const from = raw.messages.length;
      raw.send(JSON.stringify({ type: 'ping' }));
      expect(await raw.next((message) => message.type === 'pong', 3000, from)).not.toBeNull();
    } finally {
      await raw.close();
    }
  });

  test('huge frames (a subscribe of megabytes, a huge connection_init) are refused (1009) or answered with coded errors, never 4500', async () => {
    const huge = fc.oneof(
      fc.integer({ min: 100_000, max: 2_000_000 }).map((size) => ({ query: `{ health { status } }${' '.repeat(size)}` })),
      fc.integer({ min: 10_000, max: 200_000 }).map((count) => ({ query: `{ ${'health { status } '.repeat(count)}}` })),
      fc
        .integer({ min: 10_000, max: 100_000 })
        .map((count) => ({ query: `{ ${Array.from({ length: count }, (_, index) => `a${index}: __typename`).join(' ')} }` })),
      fc
        .integer({ min: 100_000, max: 2_000_000 })
        .map((size) => ({ query: 'query($t: String!) { market(ticker: $t) { id } }', variables: { t: 'K'.repeat(size) } })),
    );
    await fc.assert(
      fc.asyncProperty(huge, fc.boolean(), async (payload, asInit) => {
        await withRawSocket(service.url, async (raw) => {
          if (asInit) {
            raw.send(JSON.stringify({ type: 'connection_init', payload: { blob: payload.query } }));
          } else {
            await raw.init();
            raw.send(JSON.stringify({ id: 'big', type: 'subscribe', payload }));
          }
          const reply = await raw.next((message) => message.id === 'big' || message.type === 'connection_ack', 10_000);
          if (reply === null) {
            // Closed without a reply: only the size refusal is acceptable.
            expect(await closeCodeWithin(raw, 3000)).toBe(1009);
          } else if (reply.type === 'error') {
            checkResultBody({ errors: reply.payload }, { status: 0, text: JSON.stringify(reply).slice(0, 2000) });
          } else if (reply.type === 'next') {
            checkResultBody(reply.payload, { status: 0, text: JSON.stringify(reply).slice(0, 2000) });
          }
          const code = await closeCodeWithin(raw, 0);
          expect(code === null || code === 1009).toBe(true);
        });
      }),
      fuzzParameters(12, 2500),
    );
  });

  test('a socket without the graphql-transport-ws subprotocol is closed with 4406', async () => {
    const raw = await openRawSocket(service.url, { protocol: null });
    expect(await closeCodeWithin(raw, 3000)).toBe(CloseCode.SubprotocolNotAcceptable);
  });

  test('the service still answers over HTTP and graphql-ws after the fuzzing', async () => {
    await withRawSocket(service.url, async (raw) => {
      await raw.init();
      raw.send(JSON.stringify({ id: 'h', type: 'subscribe', payload: { query: '{ health { status } }' } }));
      const reply = await raw.next((message) => message.id === 'h' && message.type === 'next', 5000);
      expect((reply?.payload as { data?: { health?: { status?: unknown } } } | undefined)?.data?.health?.status).toBeTypeOf('string');
    });
  });
});
