import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';

/**
 * A yoga instance (or any handler that may return a promise) as a Node request listener: Node ignores
 * what a listener returns, so a rejection, the adapter's own failure, is logged here and the request
 * ended instead of going unhandled.
 */
export function requestListener(handler: (req: IncomingMessage, res: ServerResponse) => unknown): RequestListener {
  return (req, res) => {
    new Promise((resolve) => resolve(handler(req, res))).catch((error: unknown) => {
      console.error('bench: request failed', error);
      res.destroy();
    });
  };
}
