/**
 * A raw graphql-transport-ws socket for the fuzz properties: sends any frame (text or bytes, valid
 * or not), records every message and the close code, and waits on them with deadlines.
 */
import { WebSocket } from 'ws';

export interface RawSocket {
  readonly socket: WebSocket;
  readonly messages: Array<Record<string, unknown>>;
  /** Resolves with the close code and reason once the socket is closed (by either side). */
  readonly closed: Promise<{ code: number; reason: string }>;
  isOpen(): boolean;
  send(frame: string | Uint8Array): void;
  /** Sends connection_init (payload if given) and waits for connection_ack. */
  init(payload?: unknown): Promise<void>;
  /** The first message (from now on, or already received at index >= from) matching, or null after timeoutMs. */
  next(match: (message: Record<string, unknown>) => boolean, timeoutMs: number, from?: number): Promise<Record<string, unknown> | null>;
  close(): Promise<void>;
}

export async function openRawSocket(httpUrl: string, options: { protocol?: string | null; headers?: Record<string, string> } = {}): Promise<RawSocket> {
  const protocol = options.protocol === undefined ? 'graphql-transport-ws' : options.protocol;
  const socket = new WebSocket(httpUrl.replace(/^http/, 'ws'), protocol === null ? [] : [protocol], { headers: options.headers ?? {} });
  const messages: Array<Record<string, unknown>> = [];
  const waiters = new Set<() => void>();
  socket.on('message', (data: Buffer) => {
    const text = data.toString('utf8');
    let message: unknown;
    try {
      message = JSON.parse(text);
    } catch {
      message = { unparsable: text };
    }
    messages.push(message as Record<string, unknown>);
    for (const wake of waiters) wake();
  });
  const closed = new Promise<{ code: number; reason: string }>((resolve) => {
    socket.on('close', (code, reason) => {
      resolve({ code, reason: reason.toString('utf8') });
      for (const wake of waiters) wake();
    });
  });
  // A refused handshake or a reset shows up as 'error' before 'close'; 'close' carries the outcome.
  socket.on('error', () => undefined);
  await new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve());
    socket.once('close', () => resolve());
    socket.once('unexpected-response', (_request, response) => reject(new Error(`upgrade refused with HTTP ${response.statusCode}`)));
  });

  const next: RawSocket['next'] = (match, timeoutMs, from = messages.length) =>
    new Promise((resolve) => {
      const check = (): boolean => {
        const found = messages.slice(from).find(match);
        if (found) {
          done(found);
          return true;
        }
        if (socket.readyState === WebSocket.CLOSED) {
          done(null);
          return true;
        }
        return false;
      };
      const timer = setTimeout(() => done(null), timeoutMs);
      const wake = (): void => void check();
      function done(value: Record<string, unknown> | null): void {
        clearTimeout(timer);
        waiters.delete(wake);
        resolve(value);
      }
      if (!check()) waiters.add(wake);
    });

  return {
    socket,
    messages,
    closed,
    isOpen: () => socket.readyState === WebSocket.OPEN,
    send(frame) {
      if (socket.readyState !== WebSocket.OPEN) return;
      socket.send(frame, { binary: typeof frame !== 'string' });
    },
    async init(payload) {
      const from = messages.length;
      socket.send(JSON.stringify(payload === undefined ? { type: 'connection_init' } : { type: 'connection_init', payload }));
      const ack = await next((message) => message.type === 'connection_ack', 5000, from);
      if (!ack) throw new Error(`no connection_ack (closed: ${socket.readyState === WebSocket.CLOSED})`);
    },
    next,
    async close() {
      if (socket.readyState === WebSocket.OPEN || socket.readyState === WebSocket.CONNECTING) socket.close(1000);
      await Promise.race([closed, new Promise((resolve) => setTimeout(resolve, 1000))]);
      if (socket.readyState !== WebSocket.CLOSED) socket.terminate();
    },
  };
}

/** Resolves with the close code, or null if the socket is still open after timeoutMs. */
export async function closeCodeWithin(raw: RawSocket, timeoutMs: number): Promise<number | null> {
  let timer: NodeJS.Timeout | undefined;
  const result = await Promise.race([
    raw.closed.then(({ code }) => code),
    new Promise<null>((resolve) => (timer = setTimeout(() => resolve(null), timeoutMs))),
  ]);
  clearTimeout(timer);
  return result;
}

/** Runs `use` on a new raw socket and closes the socket afterwards, whatever `use` did. */
export async function withRawSocket<T>(httpUrl: string, use: (raw: RawSocket) => Promise<T>): Promise<T> {
  const raw = await openRawSocket(httpUrl);
  try {
    return await use(raw);
  } finally {
    await raw.close();
  }
}
