/**
 * A local stand-in for Anthropic's Messages API on node:http: `POST /v1/messages`, streaming (SSE)
 * and not, both API versions with their auth styles, the real error bodies and headers (`request-id`
 * on every answer, `anthropic-ratelimit-*`, `retry-after`), so pointing the client at
 * https://api.anthropic.com is a configuration change only.
 *
 * Its answers follow the data: it parses the `<market_data>` JSON block of the prompt and derives
 * the insight from the numbers (analysis.ts). Tests inject faults (faults.ts) to exercise every
 * failure path of the client and the layers above it; every request is recorded for assertions.
 */
import { listen } from '../../core/listen.js';
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import { systemClock, type Clock, type TimerHandle } from '../../core/clock.js';
import { silentLogger, type Logger } from '../../core/logger.js';
import { Prng } from '../../core/prng.js';
import { MESSAGES_PATH, SPEND_LIMIT_ERROR_CODES, type ApiErrorBody, type StopReason } from '../../sources/anthropic/protocol.js';
import { analyzeMarkets, extractMarketData } from './analysis.js';
import { FaultSchedule, type AnthropicFault } from './faults.js';
import { encodeFrame, errorBody, messagePayload, streamFrames, type AnswerContent, type SseFrame } from './payloads.js';
import { checkAuth, validateBody, type ValidRequest } from './validate.js';

export interface AnthropicSimulatorOptions {
  /** Drives delays and the rate-limit windows. @default systemClock */
  clock?: Clock;
  logger?: Logger;
  /** When set, only this key is accepted (else any non-empty key is). */
  apiKey?: string;
  /** Seed of the PRNG behind fault rates and delta sizes. @default 0xa17 */
  seed?: number;
  /** Advertised in anthropic-ratelimit-requests-*. @default 50 */
  requestsPerMinute?: number;
  /** Advertised in anthropic-ratelimit-tokens-*. @default 400_000 */
  tokensPerMinute?: number;
  /** Requests kept for requests(); older ones are dropped (requestCount() still counts them). @default 1000 */
  maxRecorded?: number;
  /** @default 0 (an ephemeral port) */
  port?: number;
  /** @default '127.0.0.1' */
  host?: string;
}

/** One request as the simulator received it. Headers are lower-cased; credentials are kept (tests check them). */
export interface RecordedRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  /** The parsed JSON body, or the raw text when it was not JSON. */
  body: unknown;
  receivedAt: number;
}

export interface AnthropicSimulator {
  /** The API origin, e.g. `http://127.0.0.1:54321` (the SDK's `baseURL`). */
  readonly baseUrl: string;
  readonly port: number;
  /** The requests received so far (the last `maxRecorded`), fault-served ones included, oldest first (copies). */
  requests(): RecordedRequest[];
  /** All requests received so far. */
  requestCount(): number;
  injectFault(fault: AnthropicFault): void;
  clearFault(): void;
  /** Cancels delays, destroys open sockets (hanging requests too) and closes the listener. */
  close(): Promise<void>;
}

/** Aliases the API resolves to a dated snapshot: the answer reports the resolved id. */
const MODEL_SNAPSHOTS: Record<string, string> = {
  'claude-haiku-4-5': 'claude-haiku-4-5-20251001',
  'claude-sonnet-4-5': 'claude-sonnet-4-5-20250929',
  'claude-opus-4-5': 'claude-opus-4-5-20251101',
};

const MAX_BODY_BYTES = 2 * 1024 * 1024;
/** A rough tokenizer: about four characters per token, as for English text and JSON. */
const tokensOf = (text: string): number => Math.max(1, Math.ceil(text.length / 4));

function flattenHeaders(headers: IncomingHttpHeaders): Record<string, string> {
  const flat: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) if (value !== undefined) flat[name] = Array.isArray(value) ? value.join(', ') : value;
  return flat;
}

function readBody(req: IncomingMessage): Promise<string | null> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) tooLarge = true;
      else chunks.push(chunk);
    });
    req.on('end', () => resolve(tooLarge ? null : Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

export async function startAnthropicSimulator(options: AnthropicSimulatorOptions = {}): Promise<AnthropicSimulator> {
  const clock = options.clock ?? systemClock;
  const logger = options.logger ?? silentLogger;
  const seed = options.seed ?? 0xa17;
  const faults = new FaultSchedule(seed);
  // Separate streams, so injecting a fault with a rate does not change the sizes of deltas.
  const piecePrng = new Prng(seed ^ 0x5eed);
  const requestsPerMinute = options.requestsPerMinute ?? 50;
  const tokensPerMinute = options.tokensPerMinute ?? 400_000;
  const maxRecorded = options.maxRecorded ?? 1000;
  const recorded: RecordedRequest[] = [];
  let received = 0;
  const timers = new Set<TimerHandle>();
  let sequence = 0;
  let closed = false;
  let window = { startsAt: Math.floor(clock.now() / 60_000) * 60_000, requests: 0, tokens: 0 };

  const ids = (n: number): { requestId: string; messageId: string; toolUseId: string } => {
    const tag = n.toString(36).padStart(8, '0');
    return { requestId: `req_sim_${tag}`, messageId: `msg_sim_${tag}`, toolUseId: `toolu_sim_${tag}` };
  };

  /** Fixed one-minute windows on the clock, as the reset header describes. */
  const rateLimitHeaders = (): Record<string, string> => {
    const now = clock.now();
    if (now >= window.startsAt + 60_000) window = { startsAt: Math.floor(now / 60_000) * 60_000, requests: 0, tokens: 0 };
    const reset = new Date(window.startsAt + 60_000).toISOString();
    return {
      'anthropic-ratelimit-requests-limit': String(requestsPerMinute),
      'anthropic-ratelimit-requests-remaining': String(Math.max(0, requestsPerMinute - window.requests)),
      'anthropic-ratelimit-requests-reset': reset,
      'anthropic-ratelimit-tokens-limit': String(tokensPerMinute),
      'anthropic-ratelimit-tokens-remaining': String(Math.max(0, tokensPerMinute - window.tokens)),
      'anthropic-ratelimit-tokens-reset': reset,
    };
  };

  const baseHeaders = (requestId: string): Record<string, string> => ({ 'request-id': requestId, ...rateLimitHeaders() });

  const sendJson = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string>): void => {
    const text = JSON.stringify(body);
    res.writeHead(status, { ...headers, 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(text)) });
    res.end(text);
  };

  const sendError = (
    res: ServerResponse,
    status: number,
    requestId: string,
    extra: { message?: string; errorCode?: string; retryAfterSeconds?: number; type?: ApiErrorBody['error']['type'] } = {},
  ): void => {
    const headers = baseHeaders(requestId);
    const retryAfter = extra.retryAfterSeconds ?? (status === 429 ? 1 : undefined);
    if (retryAfter !== undefined) headers['retry-after'] = String(retryAfter);
    const spendCap = extra.errorCode !== undefined && SPEND_LIMIT_ERROR_CODES.has(extra.errorCode);
    if (status === 408 || status === 409 || status === 429 || status >= 500) headers['x-should-retry'] = spendCap ? 'false' : 'true';
    const body = errorBody(status, requestId, {
      message: extra.message,
      errorCode: extra.errorCode,
      type: extra.type === 'request_too_large' ? undefined : extra.type,
    });
    sendJson(res, status, body, headers);
  };

  /** Builds the answer: the analysis of the prompt's data, cut short when max_tokens runs out. */
  const compose = (request: ValidRequest, rawBody: string, n: number, fault: AnthropicFault | null): AnswerContent => {
    const { messageId, toolUseId } = ids(n);
    const analysis = analyzeMarkets(extractMarketData(request.messages));
    const input = fault?.kind === 'invalid-tool-input' ? { ...analysis.input, sentiment_score: 5 } : analysis.input;
    const callsTool = request.toolsEnabled;
    const toolName = request.forcedTool ?? request.toolNames[0] ?? '';
    const fullText = callsTool ? analysis.reasoning : `${analysis.reasoning} ${analysis.input.summary}`;
    const fullJson = JSON.stringify(input);
    // Output is billed (and capped) in tokens: cut the text, then the JSON, where max_tokens ends.
    let budgetChars = request.maxTokens * 4;
    const text = fullText.slice(0, budgetChars);
    budgetChars -= text.length;
    const inputJson = callsTool ? fullJson.slice(0, Math.max(0, budgetChars)) : '';
    const cut = text.length < fullText.length || inputJson.length < (callsTool ? fullJson.length : 0);
    const stopReason: StopReason = cut ? 'max_tokens' : callsTool ? 'tool_use' : 'end_turn';
    return {
      messageId,
      model: MODEL_SNAPSHOTS[request.model] ?? request.model,
      text: text === '' ? null : text,
      tool: callsTool && (inputJson !== '' || !cut) ? { id: toolUseId, name: toolName, inputJson, input: cut ? {} : input } : null,
      inputTokens: tokensOf(rawBody),
      outputTokens: Math.min(request.maxTokens, tokensOf(text + inputJson)),
      stopReason,
    };
  };

  const streamAnswer = (req: IncomingMessage, res: ServerResponse, answer: AnswerContent, requestId: string, fault: AnthropicFault | null): void => {
    res.writeHead(200, { ...baseHeaders(requestId), 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache' });
    const frames = streamFrames(answer, () => piecePrng.int(3, 12));
    if (fault?.kind === 'malformed') {
      res.end(`event: message_start\ndata: {"type":"message_start","message":{"id":"${answer.messageId}", <<not json>>\n\n`);
      return;
    }
    if (fault?.kind === 'sse-error') {
      // The API can fail after it has said 200: a few events, then an error event, then the end.
      const head = frames.slice(0, Math.max(2, Math.floor(frames.length / 3)));
      const error: SseFrame = { event: 'error', data: errorBody(529, requestId, { type: 'overloaded_error' }) };
      res.end([...head, error].map(encodeFrame).join(''));
      return;
    }
    if (fault?.kind === 'truncated') {
      // Half the events reach the client, then the connection drops without the final chunk.
      const head = frames.slice(0, Math.max(2, Math.floor(frames.length / 2)));
      res.write(head.map(encodeFrame).join(''), () => req.socket.destroy());
      return;
    }
    res.end(frames.map(encodeFrame).join(''));
  };

  const plainAnswer = (req: IncomingMessage, res: ServerResponse, answer: AnswerContent, requestId: string, fault: AnthropicFault | null): void => {
    const body = JSON.stringify(messagePayload(answer));
    const headers = { ...baseHeaders(requestId), 'content-type': 'application/json' };
    if (fault?.kind === 'malformed') {
      res.writeHead(200, headers);
      res.end(`{"id":"${answer.messageId}","type":"message","content":[ <<not json`);
      return;
    }
    if (fault?.kind === 'sse-error') {
      // No stream to fail in: the same failure as a status.
      sendError(res, 529, requestId);
      return;
    }
    if (fault?.kind === 'truncated') {
      res.writeHead(200, { ...headers, 'content-length': String(Buffer.byteLength(body)) });
      res.write(body.slice(0, Math.floor(body.length / 2)), () => req.socket.destroy());
      return;
    }
    res.writeHead(200, { ...headers, 'content-length': String(Buffer.byteLength(body)) });
    res.end(body);
  };

  const answer = (req: IncomingMessage, res: ServerResponse, rawBody: string, n: number, fault: AnthropicFault | null): void => {
    const { requestId } = ids(n);
    const auth = checkAuth(req.headers, options.apiKey);
    if ('status' in auth) return sendError(res, auth.status, requestId, { message: auth.message });
    let body: unknown;
    try {
      body = JSON.parse(rawBody);
    } catch {
      return sendError(res, 400, requestId, { message: 'The request body is not valid JSON.' });
    }
    const request = validateBody(body, auth.version);
    if ('status' in request) return sendError(res, request.status, requestId, { message: request.message });
    const content = compose(request, rawBody, n, fault);
    window.requests += 1;
    window.tokens += content.inputTokens + content.outputTokens;
    if (request.stream) streamAnswer(req, res, content, requestId, fault);
    else plainAnswer(req, res, content, requestId, fault);
  };

  /** Records the request, then serves a fault that replaces the answer, or the answer (shaped by the other faults). */
  const handle = async (req: IncomingMessage, res: ServerResponse, n: number): Promise<void> => {
    const { requestId } = ids(n);
    const url = new URL(req.url ?? '/', 'http://simulator.invalid');
    const rawBody = await readBody(req);
    recorded.push({
      method: req.method ?? 'GET',
      path: url.pathname,
      headers: flattenHeaders(req.headers),
      body: rawBody === null ? null : safeJson(rawBody),
      receivedAt: clock.now(),
    });
    received += 1;
    if (recorded.length > maxRecorded) recorded.shift();
    logger.debug({ method: req.method, path: url.pathname, requestId }, 'anthropic simulator request');
    if (rawBody === null) return sendError(res, 413, requestId, { type: 'request_too_large' });
    if (url.pathname.replace(/\/+$/, '') !== MESSAGES_PATH) return sendError(res, 404, requestId, { message: `Not found: ${url.pathname}` });
    if (req.method !== 'POST') return sendError(res, 405, requestId, { type: 'invalid_request_error', message: `Method ${req.method} not allowed` });

    const fault = faults.take();
    switch (fault?.kind) {
      case 'status':
        return sendError(res, fault.status, requestId, {
          ...(fault.message === undefined ? {} : { message: fault.message }),
          ...(fault.errorCode === undefined ? {} : { errorCode: fault.errorCode }),
          ...(fault.retryAfterSeconds === undefined ? {} : { retryAfterSeconds: fault.retryAfterSeconds }),
        });
      case 'hang':
        // Never answered: the socket stays open until the client gives up or close() destroys it.
        return;
      case 'delay': {
        const timer = clock.setTimeout(() => {
          timers.delete(timer);
          if (!res.destroyed && !closed) answer(req, res, rawBody, n, null);
        }, fault.delayMs);
        timers.add(timer);
        return;
      }
      default:
        return answer(req, res, rawBody, n, fault);
    }
  };

  const server = createServer((req, res) => {
    const n = ++sequence;
    handle(req, res, n).catch((error: unknown) => {
      logger.error({ err: error, url: req.url }, 'anthropic simulator failed to answer');
      if (!res.headersSent) sendError(res, 500, ids(n).requestId);
      else res.destroy();
    });
  });

  const { port, authority } = await listen(server, options.port ?? 0, options.host ?? '127.0.0.1');
  const baseUrl = `http://${authority}`;
  logger.info({ baseUrl }, 'anthropic simulator listening');

  return {
    baseUrl,
    port,
    requests: () => recorded.map((r) => structuredClone(r)),
    requestCount: () => received,
    injectFault: (fault) => faults.set(fault),
    clearFault: () => faults.clear(),
    async close() {
      if (closed) return;
      closed = true;
      for (const timer of timers) timer.cancel();
      timers.clear();
      await new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        // close() only stops accepting: in-flight (hanging, delayed) and keep-alive sockets must go too.
        server.closeAllConnections();
      });
    },
  };
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
