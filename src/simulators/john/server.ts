/**
 * A local stand-in for John's metrics endpoint, on node:http: the documented
 * `GET /api/john/metrics` (one agent; `?agent_id=` picks which, a simulator convenience) and our
 * extension `GET /api/john/metrics/all` (`{ agents: [...] }`; see protocol.ts). With a `token`, both
 * require `Authorization: Bearer <token>` and answer 401 `{ error: 'unauthorized' }` otherwise.
 *
 * The numbers come from JohnAgentModel, a pure function of the seed and the injected clock. Tests
 * inject faults (statuses, delays, hangs, bad bodies, truncated bodies) to exercise every failure
 * path of the layers above. close() drops every socket, hanging ones included.
 */
import { listen } from '../../core/listen.js';
import { timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { systemClock, type Clock, type TimerHandle } from '../../core/clock.js';
import { silentLogger, type Logger } from '../../core/logger.js';
import { JOHN_METRICS_ALL_PATH, JOHN_METRICS_PATH, type JohnErrorBody, type JohnMetricsResponse } from '../../sources/john/protocol.js';
import { JohnAgentModel, type JohnAgentProfile } from './agent-model.js';
import { validateJohnFault, type JohnFault, type JohnFaultStatus } from './faults.js';
import { Prng } from './random.js';

export interface JohnSimulatorOptions {
  /** Drives the numbers and the delay fault. @default systemClock */
  clock?: Clock;
  /** Seeds the numbers and the `rate` draws of faults. @default 0x10e */
  seed?: number;
  /** @default DEFAULT_JOHN_AGENTS (agent:john:main, agent:john:enterprise, agent:john:smb) */
  agents?: ReadonlyArray<string | JohnAgentProfile>;
  /** When set, requests must carry `Authorization: Bearer <token>`. */
  token?: string | null;
  logger?: Logger;
  /** @default 0 (an ephemeral port) */
  port?: number;
  /** @default '127.0.0.1' */
  host?: string;
}

export interface JohnSimulator {
  /** The origin, e.g. `http://127.0.0.1:54321` (the metrics live at /api/john/metrics under it). */
  readonly baseUrl: string;
  readonly port: number;
  readonly model: JohnAgentModel;
  /** Requests received so far, fault-served and rejected ones included. */
  requestCount(): number;
  /** Replaces any pending fault. Throws RangeError for a fault that cannot be served. */
  injectFault(fault: JohnFault): void;
  clearFault(): void;
  /** Cancels delayed answers, destroys every open socket (hanging ones included), closes the listener. */
  close(): Promise<void>;
}

interface Reply {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

type Route = 'single' | 'all';

const errorBody = (error: string): JohnErrorBody => ({ error });

/** The `error` word served with each injected status. */
const FAULT_WORDS: Record<JohnFaultStatus, string> = {
  500: 'internal_error',
  502: 'bad_gateway',
  503: 'service_unavailable',
  401: 'unauthorized',
  403: 'forbidden',
  429: 'rate_limited',
};

export async function startJohnSimulator(options: JohnSimulatorOptions = {}): Promise<JohnSimulator> {
  const clock = options.clock ?? systemClock;
  const logger = options.logger ?? silentLogger;
  const seed = options.seed ?? 0x10e;
  const model = new JohnAgentModel({ seed, ...(options.agents === undefined ? {} : { agents: options.agents }) });
  const expectedAuthorization = options.token ? Buffer.from(`Bearer ${options.token}`) : null;
  // A separate stream from the model's, so fault draws never shift the numbers.
  const faultDraws = new Prng(seed ^ 0x5a5a5a5a);
  let requests = 0;
  let fault: { fault: JohnFault; remaining: number } | null = null;
  const delays = new Set<TimerHandle>();
  const sockets = new Set<Socket>();
  let closed = false;

  const send = (res: ServerResponse, reply: Reply): void => {
    const body = JSON.stringify(reply.body);
    res.writeHead(reply.status, {
      'content-type': 'application/json; charset=utf-8',
      'content-length': Buffer.byteLength(body),
      ...reply.headers,
    });
    res.end(body);
  };

  const authorized = (req: IncomingMessage): boolean => {
    if (!expectedAuthorization) return true;
    const given = Buffer.from(req.headers.authorization ?? '');
    // Constant time, so the simulator does not teach clients a habit the real John would punish.
    return given.length === expectedAuthorization.length && timingSafeEqual(given, expectedAuthorization);
  };

  const payload = (route: Route, url: URL): Reply => {
    const now = clock.now();
    if (route === 'all') {
      const agents = model
        .agentIds()
        .map((id) => model.metricsAt(id, now))
        .filter((agent) => agent !== undefined);
      return { status: 200, body: { agents } };
    }
    const agentId = url.searchParams.get('agent_id') || (model.agentIds()[0] as string);
    const one = model.metricsAt(agentId, now);
    return one ? { status: 200, body: one } : { status: 404, body: errorBody('unknown agent_id') };
  };

  /** Auth, then the real answer. Runs at once, or after a delay fault. */
  const answer = (req: IncomingMessage, res: ServerResponse, route: Route, url: URL): void => {
    const reply = authorized(req) ? payload(route, url) : { status: 401, body: errorBody('unauthorized'), headers: { 'www-authenticate': 'Bearer' } };
    logger.debug({ url: url.pathname, status: reply.status }, 'john simulator request');
    send(res, reply);
  };

  /** The pending fault, if it hits this request (drawn by `rate`); counts it against `times`. */
  const takeFault = (): JohnFault | null => {
    if (!fault) return null;
    const current = fault.fault;
    if (current.rate !== undefined && !faultDraws.chance(current.rate)) return null;
    if (--fault.remaining <= 0) fault = null;
    return current;
  };

  const serveFault = (current: JohnFault, req: IncomingMessage, res: ServerResponse, route: Route, url: URL): void => {
    switch (current.kind) {
      case 'status': {
        const headers: Record<string, string> = {};
        if (current.status === 429 || current.status === 503) headers['retry-after'] = String(current.retryAfterSeconds ?? 1);
        if (current.status === 401) headers['www-authenticate'] = 'Bearer';
        send(res, { status: current.status, body: errorBody(FAULT_WORDS[current.status]), headers });
        return;
      }
      case 'delay': {
        const handle = clock.setTimeout(() => {
          delays.delete(handle);
          if (!res.destroyed) answer(req, res, route, url);
        }, current.delayMs);
        delays.add(handle);
        return;
      }
      case 'hang':
        // Leave the request open; close() or the client's timeout ends it.
        return;
      case 'malformed': {
        const body = '{"agent_id": "agent:john:main", "metrics": { "revenue_usd": 12';
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
        res.end(body);
        return;
      }
      case 'truncated': {
        const body = JSON.stringify(payload(route, url).body);
        const sent = body.slice(0, Math.floor(body.length / 2));
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
        // Flush half, then cut the connection: the client sees fewer bytes than announced.
        res.write(sent, () => req.socket.destroy());
        return;
      }
      case 'bad-shape': {
        const reply = payload(route, url);
        if (reply.status !== 200) {
          send(res, reply);
          return;
        }
        const spoil = current.target === 'envelope' ? spoilEnvelope : spoilMetrics;
        const body =
          route === 'all' ? { agents: (reply.body as { agents: JohnMetricsResponse[] }).agents.map(spoil) } : spoil(reply.body as JohnMetricsResponse);
        send(res, { status: 200, body });
        return;
      }
    }
  };

  const server = createServer((req, res) => {
    requests++;
    const url = new URL(req.url ?? '/', 'http://simulator.invalid');
    const path = url.pathname.replace(/\/+$/, '');
    try {
      const route: Route | null = path === JOHN_METRICS_PATH ? 'single' : path === JOHN_METRICS_ALL_PATH ? 'all' : null;
      if (route === null) {
        send(res, { status: 404, body: errorBody('not_found') });
        return;
      }
      if (req.method !== 'GET') {
        send(res, { status: 405, body: errorBody('method_not_allowed'), headers: { allow: 'GET' } });
        return;
      }
      // Faults stand for the endpoint failing, so they come before auth, as a crashed John would.
      const current = takeFault();
      if (current) serveFault(current, req, res, route, url);
      else answer(req, res, route, url);
    } catch (error) {
      logger.error({ err: error, url: url.pathname }, 'john simulator failed to answer');
      if (!res.headersSent) send(res, { status: 500, body: errorBody('internal_error') });
    }
  });
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });

  const host = options.host ?? '127.0.0.1';
  const { port, authority } = await listen(server, options.port ?? 0, host);
  const baseUrl = `http://${authority}`;
  logger.info({ baseUrl, agents: model.agentIds() }, 'john simulator listening');

  return {
    baseUrl,
    port,
    model,
    requestCount: () => requests,
    injectFault(next) {
      validateJohnFault(next);
      fault = { fault: next, remaining: next.times ?? Number.POSITIVE_INFINITY };
    },
    clearFault() {
      fault = null;
    },
    async close() {
      if (closed) return;
      closed = true;
      for (const handle of delays) handle.cancel();
      delays.clear();
      const stopped = new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve())));
      // close() only stops accepting: idle keep-alive, in-flight and hanging sockets must be dropped.
      for (const socket of sockets) socket.destroy();
      server.closeAllConnections();
      await stopped;
    },
  };
}

/** Keeps the envelope, breaks the numbers: one missing, one negative, one null, one "NaN". */
function spoilMetrics(agent: JohnMetricsResponse): unknown {
  const metrics: Partial<JohnMetricsResponse['metrics']> = { ...agent.metrics };
  delete metrics.revenue_usd;
  return { ...agent, metrics: { ...metrics, deals_closed: -3, pipeline_value: null, conversion_rate: 'NaN' } };
}

/** Drops what attributes the answer to an agent. */
function spoilEnvelope(agent: JohnMetricsResponse): unknown {
  const rest: Partial<JohnMetricsResponse> = { ...agent };
  delete rest.agent_id;
  delete rest.metrics;
  return rest;
}
