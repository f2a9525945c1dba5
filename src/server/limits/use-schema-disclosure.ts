/**
 * What the schema tells strangers. In production, introspection is refused (graphql's
 * NoSchemaIntrospectionCustomRule, unless INTROSPECTION=on) and validation errors lose their
 * "Did you mean …" suggestions (graphql-armor's block-field-suggestions), which would otherwise
 * spell out field names one typo at a time.
 *
 * The rule is added on every validation, not per HTTP request (yoga's disable-introspection plugin
 * keys on the Request), so graphql-ws operations are refused too.
 */
import { blockFieldSuggestionsPlugin } from '@escape.tech/graphql-armor-block-field-suggestions';
import { NoSchemaIntrospectionCustomRule } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import type { LimitsConfig } from './limits-config.js';

export function useSchemaDisclosure(limits: Pick<LimitsConfig, 'introspection' | 'fieldSuggestions'>): Plugin[] {
  const plugins: Plugin[] = [];
  if (!limits.introspection) {
    plugins.push({
      onValidate({ addValidationRule }) {
        addValidationRule(NoSchemaIntrospectionCustomRule);
      },
    });
  }
  if (!limits.fieldSuggestions) plugins.push(blockFieldSuggestionsPlugin({ mask: '' }));
  return plugins;
}
