/**
 * Each error mapping of toUpstreamError on its own, with the SDK's real error classes built the way
 * the SDK builds them (status, body, headers). The HTTP paths are also covered end to end in
 * client.test.ts; these pin down the branches the simulator does not reach.
 */
import {
  APIConnectionError,
  APIConnectionTimeoutError,
  APIError,
  APIUserAbortError,
  AuthenticationError,
  BadRequestError,
  ContentTooLargeError,
  NotFoundError,
  OverloadedError,
  PaymentRequiredError,
  PermissionDeniedError,
  RateLimitError,
  RequestTimeoutError,
} from '@anthropic-ai/sdk';
import { describe, expect, test } from 'vitest';
import { UpstreamError } from '../../../src/core/errors.js';
import { retryAfterMsFrom, toUpstreamError } from '../../../src/sources/anthropic/errors.js';

function body(type: string, message: string, errorCode?: string): object {
  return { type: 'error', error: { type, message, ...(errorCode ? { details: { error_code: errorCode } } : {}) }, request_id: 'req_1' };
}

function headers(extra: Record<string, string> = {}): Headers {
  return new Headers({ 'request-id': 'req_1', ...extra });
}

describe('toUpstreamError', () => {
  test('401 → auth, final, keeps status and request id', () => {
    const error = toUpstreamError(new AuthenticationError(401, body('authentication_error', 'invalid x-api-key'), undefined, headers()));
    expect(error).toMatchObject({ source: 'anthropic', category: 'auth', retryable: false, status: 401, requestId: 'req_1' });
  });

  test('403 → auth, final', () => {
    expect(toUpstreamError(new PermissionDeniedError(403, body('permission_error', 'no'), undefined, headers()))).toMatchObject({
      category: 'auth',
      retryable: false,
    });
  });

  test('402 → auth (billing), final', () => {
    const error = toUpstreamError(new PaymentRequiredError(402, body('billing_error', 'credit balance too low'), undefined, headers()));
    expect(error).toMatchObject({ category: 'auth', retryable: false, status: 402 });
    expect(error.message).toMatch(/billing/);
  });

  test('429 → rate_limit, retryable, retryAfterMs from retry-after seconds', () => {
    const error = toUpstreamError(new RateLimitError(429, body('rate_limit_error', 'slow down'), undefined, headers({ 'retry-after': '3' })));
    expect(error).toMatchObject({ category: 'rate_limit', retryable: true, retryAfterMs: 3_000 });
  });

  test('429 with a spend-limit error_code → rate_limit, final', () => {
    const error = toUpstreamError(new RateLimitError(429, body('rate_limit_error', 'limit', 'contract_spend_limit_reached'), undefined, headers()));
    expect(error).toMatchObject({ category: 'rate_limit', retryable: false });
  });

  test('429 whose message says the usage/spend limit is hit → rate_limit, final', () => {
    const error = toUpstreamError(
      new RateLimitError(
        429,
        body('rate_limit_error', 'You have reached your specified API usage limits. You will regain access on 2026-12-01.'),
        undefined,
        headers(),
      ),
    );
    expect(error).toMatchObject({ category: 'rate_limit', retryable: false });
  });

  test('x-should-retry: false overrides a retryable status', () => {
    const error = toUpstreamError(new OverloadedError(529, body('overloaded_error', 'Overloaded'), undefined, headers({ 'x-should-retry': 'false' })));
    expect(error).toMatchObject({ category: 'service', retryable: false });
  });

  test('400, 404 and 413 → data, final', () => {
    expect(toUpstreamError(new BadRequestError(400, body('invalid_request_error', 'bad'), undefined, headers()))).toMatchObject({
      category: 'data',
      retryable: false,
    });
    expect(toUpstreamError(new NotFoundError(404, body('not_found_error', 'model'), undefined, headers()))).toMatchObject({
      category: 'data',
      retryable: false,
    });
    expect(toUpstreamError(new ContentTooLargeError(413, body('request_too_large', 'big'), undefined, headers()))).toMatchObject({
      category: 'data',
      retryable: false,
    });
  });

  test('408 → network, retryable', () => {
    expect(toUpstreamError(new RequestTimeoutError(408, body('timeout_error', 'slow'), undefined, headers()))).toMatchObject({
      category: 'network',
      retryable: true,
    });
  });

  test('529 → service, retryable', () => {
    expect(toUpstreamError(new OverloadedError(529, body('overloaded_error', 'Overloaded'), undefined, headers()))).toMatchObject({
      category: 'service',
      retryable: true,
      status: 529,
    });
  });

  test('an error event in a 200 stream is classified by its error.type', () => {
    const streamed = (type: string): UpstreamError => toUpstreamError(new APIError(undefined, body(type, 'x'), undefined, headers(), type as never));
    expect(streamed('overloaded_error')).toMatchObject({ category: 'service', retryable: true, status: undefined, requestId: 'req_1' });
    expect(streamed('api_error')).toMatchObject({ category: 'service', retryable: true });
    expect(streamed('rate_limit_error')).toMatchObject({ category: 'rate_limit', retryable: true });
    expect(streamed('invalid_request_error')).toMatchObject({ category: 'data', retryable: false });
    expect(streamed('authentication_error')).toMatchObject({ category: 'auth', retryable: false });
  });

  test('connection errors and timeouts → network, retryable', () => {
    expect(toUpstreamError(new APIConnectionError({ cause: new Error('ECONNREFUSED') }))).toMatchObject({ category: 'network', retryable: true });
    expect(toUpstreamError(new APIConnectionTimeoutError())).toMatchObject({ category: 'network', retryable: true });
  });

  test('an abort by the caller’s signal → network, retryable, says timed out for a deadline', () => {
    const signal = AbortSignal.abort(new DOMException('The operation timed out.', 'TimeoutError'));
    const error = toUpstreamError(new APIUserAbortError(), { signal });
    expect(error).toMatchObject({ category: 'network', retryable: true });
    expect(error.message).toMatch(/timed out/);
  });

  test('a body cut mid-stream (undici "terminated") → network, retryable, keeps the known request id', () => {
    const terminated = new TypeError('terminated', { cause: Object.assign(new Error('other side closed'), { code: 'UND_ERR_SOCKET' }) });
    expect(toUpstreamError(terminated, { requestId: 'req_9' })).toMatchObject({ category: 'network', retryable: true, requestId: 'req_9' });
  });

  test('non-JSON data → data, final', () => {
    expect(toUpstreamError(new SyntaxError('Unexpected token <'))).toMatchObject({ category: 'data', retryable: false });
  });

  test('an UpstreamError passes through unchanged', () => {
    const original = new UpstreamError('x', { source: 'anthropic', category: 'circuit_breaker', retryable: false });
    expect(toUpstreamError(original)).toBe(original);
  });

  test('anything else → service, final (likely our bug: do not hammer the API)', () => {
    expect(toUpstreamError(new RangeError('oops'))).toMatchObject({ category: 'service', retryable: false });
  });
});

describe('retryAfterMsFrom', () => {
  test('reads retry-after-ms, retry-after seconds and an HTTP date', () => {
    expect(retryAfterMsFrom(new Headers({ 'retry-after-ms': '1500', 'retry-after': '9' }))).toBe(1_500);
    expect(retryAfterMsFrom(new Headers({ 'retry-after': '2.5' }))).toBe(2_500);
    const now = Date.UTC(2026, 10, 24, 12, 0, 0);
    expect(retryAfterMsFrom(new Headers({ 'retry-after': new Date(now + 4_000).toUTCString() }), now)).toBe(4_000);
    expect(retryAfterMsFrom(new Headers({ 'retry-after': 'soon' }))).toBeUndefined();
    expect(retryAfterMsFrom(new Headers())).toBeUndefined();
  });
});
