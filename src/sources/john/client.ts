/**
 * John's metrics endpoint over undici: one keep-alive Pool to John's origin, a deadline on every
 * call, and every failure classified exactly once into an UpstreamError (source 'john').
 *
 * This layer does not retry, pace or break circuits; the guard that wraps it does (with
 * JOHN_RETRY_POLICY), deciding from `category` and `retryable`:
 * - connection refused / reset / truncated body / timeout → network, retryable
 * - 5xx → service, retryable; 429 → rate_limit, retryable, with `retryAfterMs` from retry-after
 * - 401 / 403 → auth, not retryable (a wrong token does not heal by asking again)
 * - a 2xx body that is not JSON or lacks the documented envelope → data, not retryable
 *
 * An abort by the caller's signal is a cancellation, not an upstream failure: its reason is
 * rethrown. The one exception is a caller signal that aborted because its own timer ran out
 * (`AbortSignal.timeout`, reason name 'TimeoutError'): that is a timeout of this call and is
 * classified as one (network, retryable).
 *
 * Which endpoint it reads is configuration (JOHN_ENDPOINT), never guessed: the documented one-agent
 * `/api/john/metrics` by default; the simulator's every-agent `/api/john/metrics/all`, or the
 * documented endpoint once per listed agent (`?agent_id=`, which the simulator understands), only
 * when configured. (Guessing went wrong: a proxy that answered `/all` with the documented one-agent
 * object made every poll fail.)
 */
import { describeTransportError, jsonBodyOf, requestIdOf, retryAfterOf } from '../http-json.js';
import { Pool, type Dispatcher } from 'undici';
import { readBoundedText, UpstreamBodyTooLargeError } from '../json-limits.js';
import { systemClock, type Clock } from '../../core/clock.js';
import type { JohnEndpoint } from '../../core/config.js';
import { InputError, UpstreamError } from '../../core/errors.js';
import { JOHN_METRICS_ALL_PATH, JOHN_METRICS_PATH, type JohnMetricsResponse } from './protocol.js';
import { describeErrorBody, PayloadShapeError, readAgentMetrics, readAllAgentsMetrics } from './wire-guards.js';

export interface JohnClientOptions {
  /** John's origin, e.g. `https://john.internal`. A path prefix (a reverse proxy's) is kept. */
  baseUrl: string;
  /** Sent as `Authorization: Bearer <token>`; null or absent sends no Authorization header. */
  token?: string | null;
  /** Deadline of one fetchMetrics call (connect, headers, body, and the /all → single fallback). @default 5000 */
  timeoutMs?: number;
  /** Sockets kept open to the origin. @default 2 */
  connections?: number;
  /** How long an idle keep-alive socket is kept. @default 30_000 */
  keepAliveTimeoutMs?: number;
  /** Reads "now" to turn an HTTP-date retry-after into milliseconds. @default systemClock */
  clock?: Clock;
  /** Which endpoint to read (JOHN_ENDPOINT). @default { kind: 'single' }: the documented one */
  endpoint?: JohnEndpoint;
}

export interface JohnCallOptions {
  /** The caller's cancellation; combined with the per-call timeout. */
  signal?: AbortSignal;
  /** Overrides the client's timeoutMs for this call. */
  timeoutMs?: number;
}

type IncomingHttpHeaders = Dispatcher.ResponseData['headers'];

interface Deadline {
  signal: AbortSignal;
  timeout: AbortSignal;
  timeoutMs: number;
  caller: AbortSignal | undefined;
}

export class JohnClient {
  private readonly pool: Pool;
  private readonly basePath: string;
  private readonly timeoutMs: number;
  private readonly authorization: string | undefined;
  private readonly clock: Clock;
  private readonly readEndpoint: JohnEndpoint;

  constructor(options: JohnClientOptions) {
    const url = new URL(options.baseUrl);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new InputError(`John baseUrl must be http(s): ${url.origin}`);
    this.basePath = url.pathname.replace(/\/+$/, '');
    this.timeoutMs = options.timeoutMs ?? 5000;
    this.authorization = options.token ? `Bearer ${options.token}` : undefined;
    this.clock = options.clock ?? systemClock;
    this.readEndpoint = options.endpoint ?? { kind: 'single' };
    this.pool = new Pool(url.origin, {
      connections: options.connections ?? 2,
      keepAliveTimeout: options.keepAliveTimeoutMs ?? 30_000,
    });
  }

  /** The endpoint this client reads (JOHN_ENDPOINT). */
  get endpoint(): JohnEndpoint {
    return this.readEndpoint;
  }

  /**
   * Every agent's metrics the configured endpoint gives: the documented endpoint's one agent, all
   * agents through `/all`, or each listed agent (all under one deadline; an answer for another
   * agent than asked is a bad body). Metric values are not checked here (normalizeJohnMetrics
   * does, one by one); the envelope of each agent is.
   */
  async fetchMetrics(options: JohnCallOptions = {}): Promise<JohnMetricsResponse[]> {
    const timeoutMs = options.timeoutMs ?? this.timeoutMs;
    const timeout = AbortSignal.timeout(timeoutMs);
    const deadline: Deadline = {
      signal: options.signal ? AbortSignal.any([options.signal, timeout]) : timeout,
      timeout,
      timeoutMs,
      caller: options.signal,
    };
    const endpoint = this.readEndpoint;
    if (endpoint.kind === 'all') return this.read(JOHN_METRICS_ALL_PATH, await this.get(JOHN_METRICS_ALL_PATH, deadline), readAllAgentsMetrics);
    if (endpoint.kind === 'single') return [this.read(JOHN_METRICS_PATH, await this.get(JOHN_METRICS_PATH, deadline), (body) => readAgentMetrics(body))];
    return Promise.all(
      endpoint.agentIds.map(async (agentId) => {
        const path = `${JOHN_METRICS_PATH}?agent_id=${encodeURIComponent(agentId)}`;
        const metrics = this.read(path, await this.get(path, deadline), (body) => readAgentMetrics(body));
        if (metrics.agent_id !== agentId) {
          throw new UpstreamError(
            `John GET ${path}: answered for ${JSON.stringify(metrics.agent_id)}, not the agent asked for (does this John take agent_id?)`,
            {
              source: 'john',
              category: 'data',
              retryable: false,
            },
          );
        }
        return metrics;
      }),
    );
  }

  /** Closes the pool's sockets. Calls after close fail as network errors. */
  async close(): Promise<void> {
    if (!this.pool.closed && !this.pool.destroyed) await this.pool.close();
  }

  // ---- transport and classification ----

  private read<T>(path: string, body: unknown, reader: (body: unknown) => T): T {
    try {
      return reader(body);
    } catch (error) {
      if (error instanceof PayloadShapeError) {
        throw new UpstreamError(`John GET ${path}: unexpected shape: ${error.message}`, {
          source: 'john',
          category: 'data',
          retryable: false,
          cause: error,
        });
      }
      throw error;
    }
  }

  private async get(path: string, deadline: Deadline): Promise<unknown> {
    const what = `John GET ${path}`;
    let status: number;
    let headers: IncomingHttpHeaders;
    let text: string;
    try {
      const response = await this.pool.request({
        method: 'GET',
        path: `${this.basePath}${path}`,
        headers: { accept: 'application/json', ...(this.authorization ? { authorization: this.authorization } : {}) },
        signal: deadline.signal,
      });
      status = response.statusCode;
      headers = response.headers;
      // Inside the try: a body cut short (content-length not reached, socket closed) is a transport failure.
      text = await readBoundedText(response.body, response.headers);
    } catch (error) {
      if (error instanceof UpstreamBodyTooLargeError) {
        throw new UpstreamError(`${what}: ${error.message}`, { source: 'john', category: 'data', retryable: false, cause: error });
      }
      const caller = deadline.caller;
      if (caller?.aborted && !isTimeoutReason(caller.reason) && !deadline.timeout.aborted) throw caller.reason;
      const reason = deadline.timeout.aborted
        ? `timed out after ${deadline.timeoutMs} ms`
        : caller?.aborted
          ? "timed out (the caller's deadline passed)"
          : describeTransportError(error);
      throw new UpstreamError(`${what}: ${reason}`, { source: 'john', category: 'network', retryable: true, cause: error });
    }

    return jsonBodyOf({
      source: 'john',
      what,
      status,
      text,
      requestId: requestIdOf(headers),
      retryAfterMs: status === 429 || status === 503 ? retryAfterOf(headers, this.clock.now()) : undefined,
      describeErrorBody,
    });
  }
}

/** AbortSignal.timeout aborts with a DOMException named TimeoutError. */
function isTimeoutReason(reason: unknown): boolean {
  return reason instanceof Error && reason.name === 'TimeoutError';
}
