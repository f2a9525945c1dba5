/**
 * A masked error carries INTERNAL_SERVER_ERROR and the request id, never the detail or a stack:
 * yoga with the service's maskError and plugins, over a resolver that throws.
 */
import { createSchema, createYoga } from 'graphql-yoga';
import { describe, expect, it } from 'vitest';
import { maskError } from '../../../src/schema/errors.js';
import { useErrorRequestId } from '../../../src/server/limits/use-error-request-id.js';
import { useRequestId } from '../../../src/server/plugins/use-request-id.js';

describe('masked errors', () => {
  it('carry the code and the request id, and nothing of the original error', async () => {
    const ids = new WeakMap<Request, string>();
    const reported: unknown[] = [];
    const yoga = createYoga({
      schema: createSchema({
        typeDefs: 'type Query { boom: Int }',
        resolvers: {
          Query: {
            boom: () => {
              throw new Error('secret detail /etc/passwd');
            },
          },
        },
      }),
      logging: false,
      maskedErrors: { maskError: (error) => maskError(error, (unexpected) => reported.push(unexpected)) },
      plugins: [useRequestId(ids), useErrorRequestId((request) => ids.get(request))],
    });
    const response = await yoga.fetch('http://localhost/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-request-id': 'req-123' },
      body: JSON.stringify({ query: '{ boom }' }),
    });
    const text = await response.text();
    const body = JSON.parse(text) as { errors: Array<{ message: string; extensions: Record<string, unknown> }> };
    expect(body.errors[0]).toMatchObject({ message: 'Unexpected error.', extensions: { code: 'INTERNAL_SERVER_ERROR', requestId: 'req-123' } });
    expect(text).not.toMatch(/secret|passwd|stack|at /);
    expect(reported).toHaveLength(1);
  });
});
