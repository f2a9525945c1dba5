/**
 * The HTTP server's part in graceful shutdown, with a stand-in for yoga that answers when the test
 * says: stopping accepting refuses new work (503 on a kept-alive connection), `drained()` waits for
 * ordinary requests but not for open streams, `streamsEnded()` for the streams, and `close()` cuts
 * what is left. Also: a handler that rejects answers 500 instead of going unhandled.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Agent, request } from 'node:http';
import { connect } from 'node:net';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { listen } from '../../src/core/listen.js';
import { createMetrics } from '../../src/core/metrics.js';
import { createHttpServer, type NorthstarHttpServer } from '../../src/server/http-server.js';
import type { NorthstarYoga } from '../../src/server/yoga.js';
import { captureLogs, LEVEL } from '../support/log-capture.js';

type Handler = (req: IncomingMessage, res: ServerResponse) => Promise<void> | void;

let http: NorthstarHttpServer | null = null;
const agent = new Agent({ keepAlive: true, maxSockets: 10 });
afterEach(async () => {
  await http?.close();
  http = null;
});
afterAll(() => agent.destroy());

async function serve(handler: Handler) {
  const { logger, lines } = captureLogs();
  http = createHttpServer({ yoga: handler as unknown as NorthstarYoga, routes: new Map(), metrics: createMetrics({ collectProcessMetrics: false }), logger });
  const { port } = await listen(http.server, 0, '127.0.0.1');
  return { port, lines, server: http };
}

/** A request and its answer (status, body), or the error when its connection is cut. */
function get(port: number, headers: Record<string, string> = {}): Promise<{ status: number; body: string } | Error> {
  return new Promise((resolve) => {
    const req = request({ host: '127.0.0.1', port, path: '/graphql', agent, headers }, (res) => {
      let body = '';
      res.on('data', (chunk: Buffer) => (body += chunk.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      res.on('error', (error) => resolve(error));
    });
    req.on('error', (error) => resolve(error));
    req.end();
  });
}

/** Resolves true if `promise` settles within `ms`. */
const within = (promise: Promise<unknown>, ms: number): Promise<boolean> =>
  Promise.race([promise.then(() => true), new Promise<boolean>((resolve) => setTimeout(() => resolve(false), ms))]);

describe('createHttpServer during shutdown', () => {
  it('drained() waits for an ordinary request, not for an open stream; streamsEnded() waits for the stream', async () => {
    const pending: Array<{ res: ServerResponse; stream: boolean }> = [];
    const { port, server } = await serve((req, res) => {
      const stream = (req.headers.accept ?? '').includes('text/event-stream');
      if (stream) {
        res.writeHead(200, { 'content-type': 'text/event-stream' });
        res.write(': open\n\n');
      }
      pending.push({ res, stream });
    });
    const streamed = get(port, { accept: 'text/event-stream' });
    const query = get(port, { accept: 'application/json' });
    await expect.poll(() => server.inFlight()).toEqual({ requests: 2, streams: 1 });

    server.stopAccepting();
    const drained = server.drained();
    expect(await within(drained, 100)).toBe(false);
    // The query answers: only the stream is left, and that does not hold the drain.
    const ordinary = pending.find((p) => !p.stream)!.res;
    ordinary.writeHead(200, { 'content-type': 'application/json' });
    ordinary.end('{"data":{}}');
    expect(await within(drained, 1000)).toBe(true);
    expect(await query).toEqual({ status: 200, body: '{"data":{}}' });

    const ended = server.streamsEnded();
    expect(await within(ended, 100)).toBe(false);
    pending.find((p) => p.stream)!.res.end('event: complete\ndata:\n\n');
    expect(await within(ended, 1000)).toBe(true);
    expect(await streamed).toMatchObject({ status: 200 });
    expect(server.inFlight()).toEqual({ requests: 0, streams: 0 });
  });

  it('after stopAccepting(), a request arriving on a kept-alive connection is answered 503 with Connection: close', async () => {
    const held: ServerResponse[] = [];
    const { port, server, lines } = await serve((_req, res) => {
      held.push(res);
    });
    const socket = connect(port, '127.0.0.1');
    let raw = '';
    socket.on('data', (chunk: Buffer) => (raw += chunk.toString()));
    const closed = new Promise<void>((resolve) => socket.on('close', () => resolve()));
    const ask = (): boolean => socket.write('GET /graphql HTTP/1.1\r\nHost: x\r\n\r\n');
    // A request in flight keeps its connection busy, so stopping does not close it as idle...
    ask();
    await expect.poll(() => held.length).toBe(1);
    server.stopAccepting();
    // ...and the next request on it arrives after the stop.
    ask();
    await expect.poll(() => lines.some((l) => l.msg === 'request refused: shutting down')).toBe(true);
    held[0]!.writeHead(200, { 'content-type': 'application/json' });
    held[0]!.end('{"data":{}}');
    await closed;
    expect(held).toHaveLength(1);
    const answers = raw.split(/(?=HTTP\/1\.1 )/);
    expect(answers).toHaveLength(2);
    expect(answers[0]).toMatch(/^HTTP\/1\.1 200/);
    expect(answers[1]).toMatch(/^HTTP\/1\.1 503/);
    expect(answers[1]).toMatch(/connection: close/i);
    expect(answers[1]).toContain('"error":"shutting down"');
    expect(server.inFlight().requests).toBe(0);
  });

  it('close() cuts a request that never ends, and resolves once the listener is closed', async () => {
    const { port, server } = await serve(() => undefined);
    const hung = get(port);
    await expect.poll(() => server.inFlight().requests).toBe(1);
    server.stopAccepting();
    expect(await within(server.drained(), 100)).toBe(false);
    expect(await within(server.close(), 1000)).toBe(true);
    expect(await hung).toBeInstanceOf(Error);
    expect(server.server.listening).toBe(false);
  });

  it('a handler that rejects is logged and answered 500, not left unhandled', async () => {
    const { port, lines } = await serve(() => Promise.reject(new Error('adapter broke')));
    expect(await get(port)).toMatchObject({ status: 500 });
    expect(lines.find((l) => l.msg === 'GraphQL request failed')).toMatchObject({ level: LEVEL.error, err: { message: 'adapter broke' } });
  });
});
