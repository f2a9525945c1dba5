/**
 * No "Did you mean …" in any error, in production: a suggestion spells out a schema member (a
 * field, an argument, an enum value, a type) one typo at a time, which is what refusing
 * introspection is meant to stop. graphql-js adds them in validation ("Cannot query field …",
 * "Value … does not exist in … enum", "… to use an inline fragment on …") and again when a
 * variable's value is coerced at execution time, which is not validation and which graphql-armor's
 * block-field-suggestions (validation only, and only the `Did you mean "…"?` form) never saw.
 *
 * So the sentence is cut from every validation error and from every execution and subscription
 * result (both transports run them through the same envelop, graphql-ws included); the message's
 * first part and the error's code stay.
 */
import type { ExecutionResult } from 'graphql';
import { handleStreamOrSingleExecutionResult, type Plugin } from 'graphql-yoga';

/**
 * graphql-js's suggestion sentence: " Did you mean " + names or a phrase + "?". What it names is a
 * schema name (never a `?` in it), or the field the client typed with "{ ... }" after it.
 */
const SUGGESTION = /\s*Did you mean [^?]*\?/g;

export function withoutSuggestion(message: string): string {
  return message.replace(SUGGESTION, '');
}

function scrub<E extends Error>(error: E): E {
  // In place: the error belongs to this one request's result (shared subscription results never
  // hold errors). Its cause too: a coercion error wraps graphql-js's own, and the service's
  // maskError shows the wrapped one's message.
  for (let at: unknown = error; at instanceof Error; at = (at as { originalError?: unknown }).originalError) at.message = withoutSuggestion(at.message);
  return error;
}

function scrubResult({ result }: { result: ExecutionResult }): void {
  for (const error of result.errors ?? []) scrub(error);
}

export function useNoSuggestions(): Plugin {
  return {
    onValidate:
      () =>
      ({ valid, result, setResult }) => {
        if (!valid) setResult(result.map(scrub));
      },
    onExecute: () => ({ onExecuteDone: (payload) => handleStreamOrSingleExecutionResult(payload, scrubResult) }),
    onSubscribe: () => ({ onSubscribeResult: (payload) => handleStreamOrSingleExecutionResult(payload, scrubResult) }),
  };
}
