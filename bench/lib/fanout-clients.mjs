/**
 * Worker thread for the fan-out bench: opens `subscribers` subscriptions over graphql-transport-ws
 * sockets or SSE streams (graphql-sse's distinct-connections mode, as yoga serves it), and reports
 * to the parent whenever the slowest subscriber has received one more `next` event. It counts
 * events without parsing them, so the client side costs little and runs on the other core.
 * Plain JavaScript: a worker has no TypeScript loader.
 */
import { parentPort, workerData } from 'node:worker_threads';
import WebSocket from 'ws';

const { url, subscribers, query, transport } = workerData;
const counts = new Array(subscribers).fill(0);
let reported = 0;
/** Size of the newest event of the first subscriber: every subscriber gets the same payload. */
let frameBytes = 0;

function report() {
  let min = Infinity;
  for (const count of counts) if (count < min) min = count;
  if (min > reported) {
    reported = min;
    parentPort.postMessage({ type: 'received', events: min, frameBytes });
  }
}

/** Checks the first event of each subscriber; the rest are only counted. */
function checkFirst(text) {
  const message = JSON.parse(text);
  const payload = message.payload ?? message;
  if ((message.type && message.type !== 'next') || !payload?.data) throw new Error(`unexpected event: ${text.slice(0, 200)}`);
}

const closers = [];

/** A `ws` message as text (a Buffer, an ArrayBuffer or, fragmented, an array of Buffers). */
function rawText(data) {
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  return Buffer.isBuffer(data) ? data.toString('utf8') : Buffer.from(data).toString('utf8');
}

function subscribeWs(index) {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url, 'graphql-transport-ws');
    closers.push(() => socket.close(1000));
    socket.once('error', reject);
    socket.once('open', () => socket.send(JSON.stringify({ type: 'connection_init' })));
    let acknowledged = false;
    socket.on('message', (data) => {
      if (!acknowledged) {
        const text = rawText(data);
        if (JSON.parse(text).type !== 'connection_ack') throw new Error(`expected connection_ack, got ${text}`);
        acknowledged = true;
        socket.send(JSON.stringify({ id: `s${index}`, type: 'subscribe', payload: { query } }));
        resolve();
        return;
      }
      if (counts[index] === 0) checkFirst(rawText(data));
      if (index === 0) frameBytes = data.length;
      counts[index] += 1;
      report();
    });
  });
}

async function subscribeSse(index) {
  const abort = new AbortController();
  closers.push(() => abort.abort());
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'text/event-stream' },
    body: JSON.stringify({ query }),
    signal: abort.signal,
  });
  if (response.status !== 200) throw new Error(`SSE subscribe answered ${response.status}`);
  const decoder = new TextDecoder();
  let pending = '';
  (async () => {
    try {
      for await (const chunk of response.body) {
        pending += decoder.decode(chunk, { stream: true });
        // Events end with a blank line; keep a partial one for the next chunk.
        let end;
        while ((end = pending.indexOf('\n\n')) >= 0) {
          const event = pending.slice(0, end);
          pending = pending.slice(end + 2);
          if (!event.startsWith('event: next')) continue;
          const data = event.slice(event.indexOf('data: ') + 6);
          if (counts[index] === 0) checkFirst(data);
          if (index === 0) frameBytes = Buffer.byteLength(event) + 2;
          counts[index] += 1;
          report();
        }
      }
    } catch (error) {
      if (error.name !== 'AbortError') throw error;
    }
  })().catch((error) => {
    console.error('fanout worker: SSE stream failed', error);
    // Fail the run as the WebSocket path does (a throw in its listener): an uncaught exception
    // in this worker reaches the parent as the worker's 'error'.
    setImmediate(() => {
      throw error;
    });
  });
}

await Promise.all(counts.map((_, index) => (transport === 'sse' ? subscribeSse(index) : subscribeWs(index))));
parentPort.postMessage({ type: 'subscribed' });
parentPort.on('message', (message) => {
  if (message === 'close') {
    for (const close of closers) close();
    parentPort.close();
  }
});
