/**
 * Errors that cross module boundaries. Source clients classify every failure once, into an
 * UpstreamError; the schema layer (src/schema/errors.ts) turns them into GraphQL error codes.
 */
import type { SourceId } from './domain.js';

/** The seed's error categories. */
export type ErrorCategory = 'network' | 'auth' | 'data' | 'rate_limit' | 'service' | 'circuit_breaker' | 'database';

export interface UpstreamErrorInit {
  source: SourceId;
  category: ErrorCategory;
  retryable: boolean;
  status?: number;
  requestId?: string;
  /** Milliseconds the upstream asked us to wait (retry-after), when it said so. */
  retryAfterMs?: number;
  /**
   * Raised on our side before any request left (e.g. a read shed by the client-side pacer): it says
   * nothing about the upstream's health, so no breaker counts it. @default false
   */
  local?: boolean;
  cause?: unknown;
}

export class UpstreamError extends Error {
  override readonly name = 'UpstreamError';
  readonly source: SourceId;
  readonly category: ErrorCategory;
  readonly retryable: boolean;
  readonly status: number | undefined;
  readonly requestId: string | undefined;
  readonly retryAfterMs: number | undefined;
  readonly local: boolean;

  constructor(message: string, init: UpstreamErrorInit) {
    super(message, init.cause === undefined ? undefined : { cause: init.cause });
    this.source = init.source;
    this.category = init.category;
    this.retryable = init.retryable;
    this.status = init.status;
    this.requestId = init.requestId;
    this.retryAfterMs = init.retryAfterMs;
    this.local = init.local === true;
  }
}

export function isUpstreamError(error: unknown): error is UpstreamError {
  return error instanceof UpstreamError;
}

/** Classifies an HTTP status the way the seed does: auth and 4xx are final, 429 and 5xx retry. */
export function categoryForStatus(status: number): { category: ErrorCategory; retryable: boolean } {
  if (status === 401 || status === 403) return { category: 'auth', retryable: false };
  if (status === 429) return { category: 'rate_limit', retryable: true };
  if (status === 408) return { category: 'network', retryable: true };
  if (status >= 500) return { category: 'service', retryable: true };
  return { category: 'data', retryable: false };
}

/** A value the user gave us is wrong (bad argument, unknown id). Mapped to BAD_USER_INPUT. */
export class InputError extends Error {
  override readonly name = 'InputError';
}

/** Configuration could not be parsed. The message names the variable and the expected form. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

/**
 * A part of an answer the service declined to fetch because the request reached a limit that keeps
 * clients from starving the upstream reads (e.g. KALSHI_BOOK_READS_PER_REQUEST). Mapped to its own
 * `code`, with `details` in the error's extensions; the rest of the answer stands.
 */
export class RequestLimitError extends Error {
  override readonly name = 'RequestLimitError';
  constructor(
    message: string,
    readonly code: string,
    readonly details: Record<string, string | number | boolean> = {},
  ) {
    super(message);
  }
}
