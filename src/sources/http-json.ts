/**
 * The last step every REST client shares: turn an HTTP answer into its JSON body, or into ONE
 * classified UpstreamError (status via categoryForStatus; a body that is not JSON is `data`).
 * Each source passes what is its own: the error-body reader and any retry-after it found.
 */
import type { SourceId } from '../core/domain.js';
import { categoryForStatus, UpstreamError } from '../core/errors.js';

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
    throw new UpstreamError(`${what}: HTTP ${status} with a body that is not JSON`, { source, category: 'data', retryable: false, status, ...ids, cause: parsed.error });
  }
  return parsed.value;
}

function parseJson(text: string): { ok: true; value: unknown } | { ok: false; error: unknown } {
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch (error) {
    return { ok: false, error };
  }
}
