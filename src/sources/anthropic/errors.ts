/**
 * Every failure of an Anthropic call, classified once into an UpstreamError (source 'anthropic').
 * The retry/breaker layer above decides from `category` and `retryable` only:
 *
 * - 401 / 403                                  → auth, final
 * - 402 (billing)                              → auth, final
 * - 429                                        → rate_limit, retryable, `retryAfterMs` from retry-after(-ms)
 * - 429 because a spend limit is hit           → rate_limit, final (waiting minutes does not help)
 * - 400 / 404 / 413 / 422 and other 4xx        → data, final
 * - 408                                        → network, retryable
 * - 500 / 529 / other 5xx                      → service, retryable
 * - connection refused / reset, timeout, abort → network, retryable
 * - an `error` SSE event after HTTP 200        → by its error.type (overloaded_error → service, retryable)
 * - a body or SSE frame that is not JSON, a tool input that fails validation,
 *   stop_reason max_tokens / refusal          → data, final (the client raises those itself)
 *
 * An `x-should-retry: false` header from the API overrides retryable to false.
 */
import { APIConnectionError, APIConnectionTimeoutError, APIError, APIUserAbortError } from '@anthropic-ai/sdk';
import { categoryForStatus, UpstreamError, type ErrorCategory } from '../../core/errors.js';
import { SPEND_LIMIT_ERROR_CODES } from './protocol.js';

/** How a spend cap announces itself when no error_code says so (the message wording is not stable). */
const SPEND_CAP_WORDING = /spend(ing)?[ _-]?(limit|cap)|usage limit|billing|credit balance|quota exceeded/i;

/** Socket-level error codes that mean the connection broke, not that the answer was wrong. */
const SOCKET_ERROR_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
  'ENOTFOUND',
  'UND_ERR_SOCKET',
  'UND_ERR_CLOSED',
  'UND_ERR_ABORTED',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
]);

export interface ClassifyContext {
  /** The caller's signal: when it has fired, the failure is reported as an abort/timeout. */
  signal?: AbortSignal | undefined;
  /** The request id we already know (from the response headers of a stream that failed later). */
  requestId?: string | undefined;
}

function upstream(
  message: string,
  category: ErrorCategory,
  retryable: boolean,
  extra: { status?: number | undefined; requestId?: string | undefined; retryAfterMs?: number | undefined; cause?: unknown },
): UpstreamError {
  return new UpstreamError(`anthropic: ${message}`, {
    source: 'anthropic',
    category,
    retryable,
    ...(extra.status === undefined ? {} : { status: extra.status }),
    ...(extra.requestId === undefined ? {} : { requestId: extra.requestId }),
    ...(extra.retryAfterMs === undefined ? {} : { retryAfterMs: extra.retryAfterMs }),
    ...(extra.cause === undefined ? {} : { cause: extra.cause }),
  });
}

/**
 * Milliseconds the API asked us to wait: `retry-after-ms` (what the SDK honours first), else
 * `retry-after` in seconds or as an HTTP date. Undefined when absent or unparsable.
 */
export function retryAfterMsFrom(headers: Headers | undefined, now: number = Date.now()): number | undefined {
  if (!headers) return undefined;
  const ms = headers.get('retry-after-ms');
  if (ms !== null && /^\d+(\.\d+)?$/.test(ms.trim())) return Math.round(Number(ms));
  const value = headers.get('retry-after');
  if (value === null) return undefined;
  if (/^\d+(\.\d+)?$/.test(value.trim())) return Math.round(Number(value) * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

function isSpendCap(error: APIError): boolean {
  if (error.errorCode !== null && SPEND_LIMIT_ERROR_CODES.has(error.errorCode)) return true;
  if (error.type === 'billing_error') return true;
  return SPEND_CAP_WORDING.test(error.apiMessage ?? error.message);
}

/** The SDK's message without its "429 " prefix; the API's own message when it sent one. */
function describe(error: APIError): string {
  return error.apiMessage ?? error.message;
}

function classifyStatus(error: APIError, status: number, requestId: string | undefined): UpstreamError {
  const extra = { status, requestId, cause: error };
  const text = `${status} ${error.type ?? 'error'}: ${describe(error)}`;
  const shouldRetryHeader = error.headers?.get('x-should-retry');
  const apiSaysFinal = shouldRetryHeader === 'false';
  if (status === 401 || status === 403) return upstream(text, 'auth', false, extra);
  if (status === 402) return upstream(`billing: ${text}`, 'auth', false, extra);
  if (status === 429) {
    if (isSpendCap(error)) return upstream(`spend limit reached: ${text}`, 'rate_limit', false, extra);
    return upstream(text, 'rate_limit', !apiSaysFinal, { ...extra, retryAfterMs: retryAfterMsFrom(error.headers) });
  }
  if (status === 408) return upstream(text, 'network', !apiSaysFinal, extra);
  if (status >= 500) {
    return upstream(text, 'service', !apiSaysFinal, { ...extra, retryAfterMs: retryAfterMsFrom(error.headers) });
  }
  const { category, retryable } = categoryForStatus(status);
  return upstream(text, category, retryable && !apiSaysFinal, extra);
}

/** An `event: error` frame after HTTP 200: no status, only error.type. */
function classifyStreamedError(error: APIError, requestId: string | undefined): UpstreamError {
  const text = `error event in stream (${error.type ?? 'unknown'}): ${describe(error)}`;
  const extra = { requestId, cause: error };
  switch (error.type) {
    case 'authentication_error':
    case 'permission_error':
      return upstream(text, 'auth', false, extra);
    case 'billing_error':
      return upstream(text, 'auth', false, extra);
    case 'rate_limit_error':
      return upstream(text, 'rate_limit', !isSpendCap(error), extra);
    case 'invalid_request_error':
    case 'not_found_error':
      return upstream(text, 'data', false, extra);
    case 'timeout_error':
      return upstream(text, 'network', true, extra);
    default:
      // overloaded_error, api_error and anything new: the service failed mid-answer; asking again may work.
      return upstream(text, 'service', true, extra);
  }
}

function errorCode(error: unknown): string | undefined {
  for (let current: unknown = error, depth = 0; current instanceof Error && depth < 5; depth++) {
    const code = (current as Error & { code?: unknown }).code;
    if (typeof code === 'string') return code;
    current = current.cause;
  }
  return undefined;
}

/** A broken connection while reading the body: undici says `TypeError: terminated` or names a socket error. */
function isConnectionFailure(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  if (error.name === 'AbortError' || error.name === 'TimeoutError') return true;
  if (error instanceof TypeError && /terminated|fetch failed|socket|network/i.test(error.message)) return true;
  const code = errorCode(error);
  return code !== undefined && SOCKET_ERROR_CODES.has(code);
}

function abortDescription(signal: AbortSignal): string {
  const reason: unknown = signal.reason;
  if (reason instanceof Error && reason.name === 'TimeoutError') return 'timed out (caller deadline)';
  return `aborted by the caller${reason instanceof Error ? ` (${reason.message})` : ''}`;
}

/** `instanceof APIError`, typed: the class's generics default to the SDK's types, not `any`. */
function isApiError(error: unknown): error is APIError {
  return error instanceof APIError;
}

/** Classifies anything an Anthropic call threw. UpstreamErrors pass through unchanged. */
export function toUpstreamError(error: unknown, context: ClassifyContext = {}): UpstreamError {
  if (error instanceof UpstreamError) return error;
  const { signal } = context;
  const requestId = (error instanceof APIError ? (error.requestID ?? undefined) : undefined) ?? context.requestId;

  // The caller gave up (its deadline or a shutdown). Whatever the SDK made of it, it is not the API's answer.
  if (error instanceof APIUserAbortError || signal?.aborted) {
    return upstream(signal ? abortDescription(signal) : 'request aborted', 'network', true, { requestId, cause: error });
  }
  if (error instanceof APIConnectionTimeoutError) return upstream('request timed out', 'network', true, { requestId, cause: error });
  if (error instanceof APIConnectionError) {
    const cause = error.cause instanceof Error ? `: ${error.cause.message}` : '';
    return upstream(`connection failed${cause}`, 'network', true, { requestId, cause: error });
  }
  if (isApiError(error)) {
    if (typeof error.status === 'number') return classifyStatus(error, error.status, requestId);
    return classifyStreamedError(error, requestId);
  }
  if (error instanceof SyntaxError) {
    return upstream(`malformed payload (not JSON): ${error.message}`, 'data', false, { requestId, cause: error });
  }
  if (isConnectionFailure(error)) {
    const message = error instanceof Error ? error.message : String(error);
    return upstream(`connection broke mid-answer: ${message}`, 'network', true, { requestId, cause: error });
  }
  // Anything else is unexpected (likely our own bug): report it, and do not hammer the API retrying it.
  const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return upstream(`unexpected failure: ${message}`, 'service', false, { requestId, cause: error });
}
