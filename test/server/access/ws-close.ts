/** A raw graphql-transport-ws socket, to see the exact close code the server sends. */
import WebSocket from 'ws';

export interface RawSocket {
  socket: WebSocket;
  /** Every message received, parsed. */
  messages: Array<{ type: string; id?: string; payload?: unknown }>;
  closed: Promise<{ code: number; reason: string }>;
  send(message: unknown): void;
  /** Resolves with the first message of this type. */
  next(type: string): Promise<{ type: string; id?: string; payload?: unknown }>;
}

export async function openRawSocket(httpUrl: string): Promise<RawSocket> {
  const socket = new WebSocket(httpUrl.replace(/^http/, 'ws'), 'graphql-transport-ws');
  const messages: RawSocket['messages'] = [];
  const waiters: Array<{ type: string; resolve: (message: RawSocket['messages'][number]) => void }> = [];
  socket.on('message', (data) => {
    const message = JSON.parse(
      Buffer.isBuffer(data) ? data.toString('utf8') : Buffer.concat(data as Buffer[]).toString('utf8'),
    ) as RawSocket['messages'][number];
    messages.push(message);
    for (const waiter of waiters.filter((w) => w.type === message.type)) {
      waiters.splice(waiters.indexOf(waiter), 1);
      waiter.resolve(message);
    }
  });
  const closed = new Promise<{ code: number; reason: string }>((resolve) =>
    socket.once('close', (code, reason) => resolve({ code, reason: reason.toString() })),
  );
  await new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve());
    socket.once('error', reject);
  });
  return {
    socket,
    messages,
    closed,
    send: (message) => socket.send(JSON.stringify(message)),
    next: (type) =>
      new Promise((resolve, reject) => {
        const known = messages.find((m) => m.type === type);
        if (known) return resolve(known);
        waiters.push({ type, resolve });
        closed.then(
          (close) => reject(new Error(`closed ${close.code} ${close.reason} before a ${type} message`)),
          () => undefined,
        );
      }),
  };
}
