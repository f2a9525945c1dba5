/**
 * A John that speaks only the documented protocol (../shared/reference/upstreams.md:
 * `GET {base}/api/john/metrics`, `Authorization: Bearer <token>`, ONE agent's object), and answers
 * every path with that object, as a proxy in front of John was seen to do. It records what it was
 * asked, so a test can show which paths the service used.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export const FAKE_JOHN_BODY = {
  agent_id: 'agent:john:main',
  period: '2026-12',
  metrics: { revenue_usd: 48210.5, deals_closed: 7, pipeline_value: 310000, conversion_rate: 0.18, avg_deal_size: 6887.21, active_prospects: 41 },
  timestamp: '2026-12-01T12:00:00Z',
  status: 'ok',
};

export interface FakeJohnRequest {
  path: string;
  authorization: string | undefined;
}

export interface FakeJohn {
  readonly baseUrl: string;
  readonly seen: FakeJohnRequest[];
  /** Answers 200 with this text as is (hostile bodies), or with the documented object again (null). */
  setRawBody(text: string | null): void;
  close(): Promise<void>;
}

/** Starts the fake on a loopback port; requests without `Bearer <token>` get 401. */
export async function startFakeJohn(token: string): Promise<FakeJohn> {
  const seen: FakeJohnRequest[] = [];
  let rawBody: string | null = null;
  const server: Server = createServer((request, response) => {
    seen.push({ path: request.url ?? '', authorization: request.headers.authorization });
    if (request.headers.authorization !== `Bearer ${token}`) {
      response.writeHead(401, { 'content-type': 'application/json' }).end(JSON.stringify({ error: 'unauthorized' }));
      return;
    }
    if (rawBody !== null) {
      response.writeHead(200, { 'content-type': 'application/json' }).end(rawBody);
      return;
    }
    response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ ...FAKE_JOHN_BODY, timestamp: new Date().toISOString() }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    seen,
    setRawBody: (text) => {
      rawBody = text;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
