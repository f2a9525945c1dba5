/**
 * Worker thread for the fan-out bench: opens `subscribers` graphql-transport-ws sockets, subscribes
 * each once, and reports to the parent whenever the slowest socket has received one more `next`
 * message. It counts frames without parsing them, so the client side costs little and runs on the
 * other core. Plain JavaScript: a worker has no TypeScript loader.
 */
import { parentPort, workerData } from 'node:worker_threads';
import WebSocket from 'ws';

const { url, subscribers, query } = workerData;
const counts = new Array(subscribers).fill(0);
let reported = 0;
/** Size of the newest frame of the first socket: every socket gets the same payload. */
let frameBytes = 0;

function report() {
  let min = Infinity;
  for (const count of counts) if (count < min) min = count;
  if (min > reported) {
    reported = min;
    parentPort.postMessage({ type: 'received', events: min, frameBytes });
  }
}

const sockets = [];
await Promise.all(
  counts.map(
    (_, index) =>
      new Promise((resolve, reject) => {
        const socket = new WebSocket(url, 'graphql-transport-ws');
        sockets.push(socket);
        socket.once('error', reject);
        socket.once('open', () => socket.send(JSON.stringify({ type: 'connection_init' })));
        let acknowledged = false;
        socket.on('message', (data) => {
          if (!acknowledged) {
            if (JSON.parse(String(data)).type !== 'connection_ack') throw new Error(`expected connection_ack, got ${String(data)}`);
            acknowledged = true;
            socket.send(JSON.stringify({ id: `s${index}`, type: 'subscribe', payload: { query } }));
            resolve();
            return;
          }
          // The first frame of each socket is checked; the rest are only counted.
          if (counts[index] === 0) {
            const message = JSON.parse(String(data));
            if (message.type !== 'next' || !message.payload?.data) throw new Error(`unexpected message: ${String(data).slice(0, 200)}`);
          }
          if (index === 0) frameBytes = data.length;
          counts[index] += 1;
          report();
        });
      }),
  ),
);
parentPort.postMessage({ type: 'subscribed' });
parentPort.on('message', (message) => {
  if (message === 'close') {
    for (const socket of sockets) socket.close(1000);
    parentPort.close();
  }
});
