import { GraphQLError, Kind } from 'graphql';
import { builder } from './builder.js';

/** ISO-8601 with offset. Parsing rejects anything Date cannot read exactly, with BAD_USER_INPUT. */
export const DateTimeScalar = builder.scalarType('DateTime', {
  description: 'An ISO-8601 date-time string with offset, e.g. 2026-02-26T08:15:30.123Z.',
  serialize: (value) => (value instanceof Date ? value : new Date(value)).toISOString(),
  parseValue: (value) => parseDateTime(value),
  parseLiteral: (ast) => {
    if (ast.kind !== Kind.STRING) throw badDateTime(ast.kind);
    return parseDateTime(ast.value);
  },
});

const ISO_WITH_OFFSET = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;

function parseDateTime(value: unknown): Date {
  if (typeof value !== 'string' || !ISO_WITH_OFFSET.test(value)) throw badDateTime(value);
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) throw badDateTime(value);
  return date;
}

function badDateTime(value: unknown): GraphQLError {
  return new GraphQLError(`DateTime must be an ISO-8601 string with offset, e.g. 2026-02-26T08:15:30.123Z (got ${JSON.stringify(value)})`, {
    extensions: { code: 'BAD_USER_INPUT' },
  });
}
