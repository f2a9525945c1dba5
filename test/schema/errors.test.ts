/** The one edge where errors become GraphQL errors: the limit errors of issue 10 keep their own code and details. */
import { GraphQLError } from 'graphql';
import { describe, expect, it } from 'vitest';
import { bookReadLimited } from '../../src/aggregate/read-model.js';
import { RequestLimitError, UpstreamError } from '../../src/core/errors.js';
import { maskError } from '../../src/schema/errors.js';

describe('maskError', () => {
  it('maps a RequestLimitError to its own code with its details, at the path it happened', () => {
    const reported: unknown[] = [];
    const inField = new GraphQLError('wrapped', { path: ['markets', 7, 'orderBook'], originalError: bookReadLimited('FAKE-26-X', 10) });
    const masked = maskError(inField, (error) => reported.push(error));
    expect(masked.path).toEqual(['markets', 7, 'orderBook']);
    expect(masked.extensions).toEqual({ code: 'BOOK_READ_LIMITED', ticker: 'FAKE-26-X', limit: 10 });
    expect(masked.message).toMatch(/FAKE-26-X not read: this request already made its 10 REST order-book reads/);
    expect(reported).toEqual([]);
  });

  it('a detail cannot overwrite the code', () => {
    const masked = maskError(new RequestLimitError('limited', 'SOME_LIMIT', { code: 'OTHER' }), () => undefined);
    expect(masked.extensions.code).toBe('SOME_LIMIT');
  });

  it('a read shed by the pacer is UPSTREAM_RATE_LIMITED for Kalshi', () => {
    const shed = new UpstreamError('not sent', { source: 'kalshi', category: 'rate_limit', retryable: false, local: true });
    expect(maskError(shed, () => undefined).extensions).toMatchObject({ code: 'UPSTREAM_RATE_LIMITED', source: 'KALSHI' });
  });
});
