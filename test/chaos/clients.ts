/**
 * The chaos suite's clients: HTTP POST queries on a few workers, one SSE subscription and three
 * graphql-ws subscriptions, all re-established by themselves when the service comes back after a
 * kill, and every answer handed to the tally (tally.ts). Each HTTP request has a client timeout
 * (`requestTimeoutMs`): a request still unanswered by then is a hung request, a violation.
 *
 * A snapshot poller reads `snapshots` every second and remembers every id the service answered:
 * those are the acknowledged snapshots, which must all be readable after each restart.
 */
import { createClient, type Client } from 'graphql-ws';
import { Agent, fetch } from 'undici';
import WebSocket from 'ws';
import { AUTH_CONNECTION_PARAMS, authHeaders } from '../support/service-process.js';
import type { Tally } from './tally.js';

export const MARKETS_QUERY = `{ markets(limit: 200) { ticker prices { bid ask last } quality { cacheTier isFromCache freshnessMs } } }`;
const QUERIES: ReadonlyArray<{ name: string; query: string; variables?: (ticker: string) => Record<string, unknown> }> = [
  { name: 'markets', query: MARKETS_QUERY },
  {
    name: 'aggregate',
    query: `{ aggregate { takenAt markets { ticker quality { cacheTier } } businessMetrics { agentId metricName metricValue } components { source breaker availability } insight { summary } } }`,
  },
  {
    name: 'market',
    query: `query Market($ticker: String!) { market(ticker: $ticker) { ticker title orderBook(depth: 5) { bids { price size } asks { price size } quality { cacheTier } } latestInsight { summary } } }`,
    variables: (ticker) => ({ ticker }),
  },
  {
    name: 'orderBook',
    query: `query Book($ticker: String!) { orderBook(ticker: $ticker, depth: 10) { ticker mid spread seq quality { cacheTier } } }`,
    variables: (ticker) => ({ ticker }),
  },
  { name: 'health', query: `{ health { status sources { source availability } cache { tier healthy } } sources { source breaker consecutiveFailures } }` },
  { name: 'insights', query: `{ insights(limit: 5) { id summary sentiment } latestInsight { id } businessMetrics(limit: 20) { agentId metricValue } }` },
  {
    name: 'requestInsight',
    query: `mutation Analyze($tickers: [String!]) { requestInsight(tickers: $tickers) { id summary } }`,
    variables: (ticker) => ({ tickers: [ticker] }),
  },
];

export interface ClientOptions {
  url: string;
  tally: Tally;
  /** A market the book and market queries and subscriptions ask for. */
  ticker: string;
  /** Concurrent HTTP workers. */
  workers: number;
  /** Pause between one worker's requests (keeps the load under the per-key rate limit). */
  paceMs: number;
  requestTimeoutMs: number;
  /** Start of the snapshots' range. */
  since: Date;
}

export interface Clients {
  /** Every snapshot id the service has answered in `snapshots`, with its takenAt. */
  readonly acknowledged: Map<string, string>;
  /** Reads `snapshots` now and adds what it lists to `acknowledged` (before a kill). */
  acknowledgeNow(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Idle sockets are dropped after 2 s, well before the server's 5 s keep-alive timeout: a request
 * sent on a socket the server is closing at that moment would end in ECONNRESET, a race of HTTP
 * keep-alive and not a failure of the service, and under load the two timers can meet.
 */
const dispatcher = new Agent({ keepAliveTimeout: 2000, keepAliveMaxTimeout: 2000 });

/** One POST, classified into the tally. Resolves the parsed body when one came, else null. */
export async function post(
  options: Pick<ClientOptions, 'url' | 'tally' | 'requestTimeoutMs'>,
  name: string,
  query: string,
  variables?: Record<string, unknown>,
): Promise<unknown> {
  const { tally } = options;
  const phase = tally.phase;
  const started = performance.now();
  let response: Awaited<ReturnType<typeof fetch>>;
  let text: string;
  try {
    response = await fetch(options.url, {
      method: 'POST',
      headers: authHeaders({ 'content-type': 'application/json', accept: 'application/graphql-response+json, application/json' }),
      body: JSON.stringify({ query, variables }),
      signal: AbortSignal.timeout(options.requestTimeoutMs),
      dispatcher,
    });
    text = await response.text();
  } catch (error) {
    const timedOut = error instanceof DOMException && error.name === 'TimeoutError';
    // A request that met a kill ends in a reset, not a timeout; a timeout is always a hang.
    if (timedOut && phase === tally.phase && !tally.down) tally.violate('http', 'hung request', `${name}: no answer in ${options.requestTimeoutMs} ms`);
    else tally.unreachable('http', phase, `${name}: ${describe(error)}`);
    return null;
  } finally {
    tally.latency(performance.now() - started, name);
  }
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    tally.served.http++;
    tally.violate('http', `HTTP ${response.status} without a GraphQL body`, `${name}: ${text.slice(0, 200)}`);
    return null;
  }
  tally.result('http', body, name);
  if (response.status >= 500 && (body as { errors?: unknown }).errors === undefined) tally.violate('http', `HTTP ${response.status} without errors`, name);
  return body;
}

/** An error with its cause (fetch's "fetch failed" says nothing without it). */
function describe(error: unknown): string {
  const cause = error instanceof Error && error.cause !== undefined ? ` (${describe(error.cause)})` : '';
  return `${String(error)}${cause}`;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const SNAPSHOTS_QUERY = `query Snapshots($from: DateTime!, $to: DateTime!, $after: String) {
  snapshots(from: $from, to: $to, first: 500, after: $after) { totalCount edges { node { id takenAt } } pageInfo { hasNextPage endCursor } }
}`;

interface SnapshotsBody {
  data?: { snapshots: { edges: Array<{ node: { id: string; takenAt: string } }>; pageInfo: { hasNextPage: boolean; endCursor: string | null } } };
}

/** Every snapshot `snapshots` lists since `since`, all pages; null when a page did not answer with data. */
export async function listSnapshots(options: Pick<ClientOptions, 'url' | 'tally' | 'requestTimeoutMs' | 'since'>): Promise<Map<string, string> | null> {
  const listed = new Map<string, string>();
  let after: string | null = null;
  for (;;) {
    const to = new Date(Date.now() + 3_600_000).toISOString();
    const body = (await post(options, 'snapshots', SNAPSHOTS_QUERY, { from: options.since.toISOString(), to, after })) as SnapshotsBody | null;
    const page = body?.data?.snapshots;
    if (!page) return null;
    for (const { node } of page.edges) listed.set(node.id, node.takenAt);
    if (!page.pageInfo.hasNextPage || !page.pageInfo.endCursor) return listed;
    after = page.pageInfo.endCursor;
  }
}

/** Reads an SSE stream of one subscription until it ends; each `next` event goes to the tally. */
async function sseOnce(options: ClientOptions, query: string, signal: AbortSignal): Promise<void> {
  const { tally } = options;
  const phase = tally.phase;
  try {
    const response = await fetch(options.url, {
      method: 'POST',
      headers: authHeaders({ 'content-type': 'application/json', accept: 'text/event-stream' }),
      body: JSON.stringify({ query }),
      signal,
      dispatcher,
    });
    if (!response.ok || !response.body || !(response.headers.get('content-type') ?? '').includes('text/event-stream')) {
      const text = await response.text();
      let body: unknown = null;
      try {
        body = JSON.parse(text);
      } catch {
        tally.violate('sse', `SSE refused with HTTP ${response.status} without a GraphQL body`, text.slice(0, 200));
        return;
      }
      tally.result('sse', body, 'sse subscribe');
      return;
    }
    const decoder = new TextDecoder();
    let buffer = '';
    for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
      buffer += decoder.decode(chunk, { stream: true });
      let end: number;
      while ((end = buffer.indexOf('\n\n')) >= 0) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const lines = block.split('\n');
        const event = lines
          .find((line) => line.startsWith('event:'))
          ?.slice(6)
          .trim();
        const data = lines
          .filter((line) => line.startsWith('data:'))
          .map((line) => line.slice(5).trimStart())
          .join('\n');
        if (event === 'next' || (event === undefined && data !== '')) {
          try {
            tally.result('sse', JSON.parse(data), 'sse aggregateUpdated');
          } catch {
            tally.violate('sse', 'SSE event not JSON', data.slice(0, 200));
          }
        }
        if (event === 'complete') return;
      }
    }
  } catch (error) {
    if (signal.aborted) return;
    tally.unreachable('sse', phase, `sse: ${describe(error)}`);
  }
}

const WS_SUBSCRIPTIONS = (ticker: string) => [
  { name: 'aggregateUpdated', query: `subscription { aggregateUpdated { takenAt markets { ticker } components { source availability } } }` },
  { name: 'marketUpdated', query: `subscription { marketUpdated { ticker prices { last bid ask } quality { cacheTier } } }` },
  {
    name: 'orderBookUpdated',
    query: `subscription Book($ticker: String!) { orderBookUpdated(ticker: $ticker, depth: 5) { seq mid bids { price size } } }`,
    variables: { ticker },
  },
];

/** A graphql-ws subscription kept alive: the client reconnects across kills; an ended one is started again. */
function wsSubscription(client: Client, tally: Tally, sub: { name: string; query: string; variables?: Record<string, unknown> }, running: () => boolean): void {
  const start = (): void => {
    const phase = tally.phase;
    client.subscribe(
      { query: sub.query, ...(sub.variables ? { variables: sub.variables } : {}) },
      {
        next: (result) => tally.result('ws', result, sub.name),
        error: (error) => {
          if (Array.isArray(error)) tally.result('ws', { errors: error }, sub.name);
          else if (error && typeof error === 'object' && 'code' in error && typeof error.code === 'number') {
            const code = (error as { code: number }).code;
            if (tally.down || phase !== tally.phase) tally.count('UNREACHABLE_DURING_RESTART');
            else tally.violate('ws', `closed with ${code}`, `${sub.name}: ${String((error as { reason?: unknown }).reason)}`);
          } else tally.unreachable('ws', phase, `${sub.name}: ${String(error)}`);
          if (running()) setTimeout(start, 250);
        },
        complete: () => {
          if (running()) setTimeout(start, 250);
        },
      },
    );
  };
  start();
}

export function startClients(options: ClientOptions): Clients {
  const { tally } = options;
  let running = true;
  const acknowledged = new Map<string, string>();
  const acknowledgeNow = async (): Promise<void> => {
    const listed = await listSnapshots(options);
    for (const [id, takenAt] of listed ?? []) acknowledged.set(id, takenAt);
  };
  const workers = Array.from({ length: options.workers }, async (_, worker) => {
    for (let i = worker; running; i++) {
      const { name, query, variables } = QUERIES[i % QUERIES.length]!;
      // requestInsight spends the (simulated) budget: one in every few rounds.
      if (name !== 'requestInsight' || i % (QUERIES.length * 4) === QUERIES.length - 1) await post(options, name, query, variables?.(options.ticker));
      await sleep(options.paceMs);
    }
  });
  const poller = (async () => {
    while (running) {
      await acknowledgeNow();
      await sleep(1000);
    }
  })();
  const sse = new AbortController();
  const sseLoop = (async () => {
    while (running) {
      await sseOnce(options, `subscription { aggregateUpdated { takenAt markets { ticker quality { cacheTier } } } }`, sse.signal);
      if (running) await sleep(250);
    }
  })();
  const ws = createClient({
    url: options.url.replace(/^http/, 'ws'),
    webSocketImpl: WebSocket,
    connectionParams: AUTH_CONNECTION_PARAMS,
    lazy: false,
    // Kills last seconds: keep trying, quickly.
    retryAttempts: Number.MAX_SAFE_INTEGER,
    shouldRetry: () => running,
    retryWait: async () => {
      await sleep(200);
    },
    onNonLazyError: () => undefined,
  });
  for (const sub of WS_SUBSCRIPTIONS(options.ticker)) wsSubscription(ws, tally, sub, () => running);
  return {
    acknowledged,
    acknowledgeNow,
    async stop() {
      running = false;
      sse.abort();
      await Promise.all([...workers, poller, sseLoop]);
      await ws.dispose();
    },
  };
}
