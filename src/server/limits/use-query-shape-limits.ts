/**
 * graphql-armor's shape limits: aliases, depth and directives per operation (validation rules),
 * tokens per document (at parse, before any AST is built past the limit). Armor's own errors carry
 * no code, so each rejection is reported as QUERY_TOO_COMPLEX (limit-errors.ts) instead: in
 * validation through the context's reportError (validation finishes and returns the errors, which
 * the graphql-ws bridge answers with an `error` message), at parse by throwing from the lexer.
 *
 * These run through yoga's envelop, so HTTP, SSE and the graphql-ws bridge (which parses and
 * validates with `yoga.getEnveloped()`) all apply them.
 */
import { maxAliasesPlugin } from '@escape.tech/graphql-armor-max-aliases';
import { maxDepthPlugin } from '@escape.tech/graphql-armor-max-depth';
import { maxDirectivesPlugin } from '@escape.tech/graphql-armor-max-directives';
import { maxTokensPlugin } from '@escape.tech/graphql-armor-max-tokens';
import type { GraphQLError, ValidationContext } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { queryTooComplex, type QueryLimit } from './limit-errors.js';
import type { LimitsConfig } from './limits-config.js';

/** Armor's message without its "Syntax Error: " prefix (these are not syntax errors). */
const detailOf = (error: GraphQLError): string => error.message.replace(/^Syntax Error: /, '');

/** For a validation rule: report the coded error and let validation go on. */
function reportCoded(limit: QueryLimit, max: number) {
  return {
    propagateOnRejection: false,
    onReject: [(context: ValidationContext | null, error: GraphQLError) => context?.reportError(queryTooComplex(limit, max, detailOf(error)))],
  };
}

export function useQueryShapeLimits(query: LimitsConfig['query']): Plugin[] {
  return [
    maxTokensPlugin({
      n: query.maxTokens,
      // The parser must stop at the limit: throwing from the reject handler ends the parse there.
      propagateOnRejection: false,
      onReject: [
        (_context, error) => {
          throw queryTooComplex('tokens', query.maxTokens, detailOf(error));
        },
      ],
    }),
    maxAliasesPlugin({ n: query.maxAliases, ...reportCoded('aliases', query.maxAliases) }),
    maxDepthPlugin({ n: query.maxDepth, ...reportCoded('depth', query.maxDepth) }),
    maxDirectivesPlugin({ n: query.maxDirectives, ...reportCoded('directives', query.maxDirectives) }),
  ];
}
