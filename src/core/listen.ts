/**
 * Starts a node:http server listening and says where: the service and every simulator use it.
 * A failure to bind (port taken, bad host) rejects instead of crashing the process.
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Listening {
  port: number;
  /** host:port as it goes in a URL (IPv6 in brackets), e.g. "127.0.0.1:4000". */
  authority: string;
}

export async function listen(server: Server, port: number, host: string): Promise<Listening> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const shown = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return { port: address.port, authority: `${shown}:${address.port}` };
}
