/**
 * The last step every REST client shares: turn an HTTP answer into its JSON body, or into ONE
 * classified UpstreamError (status via categoryForStatus; a body that is not JSON is `data`).
 * Each source passes what is its own: the error-body reader and any retry-after it found. The
 * header readers below are the same for every upstream.
 */
import type { SourceId } from '../core/domain.js';
import { categoryForStatus, UpstreamError } from '../core/errors.js';
import { jsonNestsDeeperThan, MAX_UPSTREAM_JSON_DEPTH } from './json-limits.js';

export interface HttpAnswer {
  source: SourceId;
  /** What was asked, for the message, e.g. "Kalshi GET /markets". */
  what: string;
  status: number;
  text: string;
  requestId?: string | undefined;
  retryAfterMs?: number | undefined;
  /** Reads the upstream's own error body into a short explanation. */
  describeErrorBody: (body: unknown) => string | undefined;
}

export function jsonBodyOf(answer: HttpAnswer): unknown {
  const { source, what, status, requestId, retryAfterMs } = answer;
  const parsed = parseJson(answer.text);
  const ids = requestId === undefined ? {} : { requestId };
  if (status < 200 || status >= 300) {
    const { category, retryable } = categoryForStatus(status);
    const detail = answer.describeErrorBody(parsed.ok ? parsed.value : undefined);
    throw new UpstreamError(`${what}: HTTP ${status}${detail ? ` (${detail})` : ''}`, {
      source,
      category,
      retryable,
      status,
      ...ids,
      ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
    });
  }
  if (!parsed.ok) {
    const why = parsed.tooDeep ? `nested deeper than ${MAX_UPSTREAM_JSON_DEPTH} levels` : 'that is not JSON';
    throw new UpstreamError(`${what}: HTTP ${status} with a body ${why}`, {
      source,
      category: 'data',
      retryable: false,
      status,
      ...ids,
      cause: parsed.error,
    });
  }
  return parsed.value;
}

function parseJson(text: string): { ok: true; value: unknown } | { ok: false; error: unknown; tooDeep?: boolean } {
  // Refused before parsing: what parses that deep cannot be stringified, cloned or walked afterwards.
  if (jsonNestsDeeperThan(text)) return { ok: false, error: new RangeError(`JSON nested deeper than ${MAX_UPSTREAM_JSON_DEPTH} levels`), tooDeep: true };
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch (error) {
    return { ok: false, error };
  }
}

type Headers = Record<string, string | string[] | undefined>;

/** Headers that carry a request id on the upstreams or the proxies in front of them, by preference. */
export const REQUEST_ID_HEADERS = ['x-request-id', 'request-id', 'x-amzn-requestid', 'cf-ray'] as const;

function header(headers: Headers, name: string): string | undefined {
  const value = headers[name];
  const first = Array.isArray(value) ? value[0] : value;
  return first === undefined || first === '' ? undefined : first;
}

export function requestIdOf(headers: Headers): string | undefined {
  for (const name of REQUEST_ID_HEADERS) {
    const value = header(headers, name);
    if (value !== undefined) return value;
  }
  return undefined;
}

/** `retry-after` as seconds or an HTTP date, in milliseconds from `nowMs`. */
export function retryAfterOf(headers: Headers, nowMs: number): number | undefined {
  const value = header(headers, 'retry-after');
  if (value === undefined) return undefined;
  if (/^\d+(\.\d+)?$/.test(value)) return Math.round(Number(value) * 1000);
  const at = Date.parse(value);
  return Number.isFinite(at) ? Math.max(0, at - nowMs) : undefined;
}

/** A connection failure as a short message: the errno code (ECONNREFUSED, …) and the text. */
export function describeTransportError(error: unknown): string {
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    return typeof code === 'string' ? `${code} ${error.message}` : error.message;
  }
  return String(error);
}
