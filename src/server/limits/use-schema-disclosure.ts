/**
 * What the schema tells strangers. In production, introspection is refused (graphql's
 * NoSchemaIntrospectionCustomRule, unless INTROSPECTION=on) and errors lose their "Did you mean …"
 * suggestions (use-no-suggestions.ts: validation and execution alike), which would otherwise spell
 * out the schema one typo at a time.
 *
 * The rule is added on every validation, not per HTTP request (yoga's disable-introspection plugin
 * keys on the Request), so graphql-ws operations are refused too.
 */
import { NoSchemaIntrospectionCustomRule } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import type { LimitsConfig } from './limits-config.js';
import { useNoSuggestions } from './use-no-suggestions.js';

export function useSchemaDisclosure(limits: Pick<LimitsConfig, 'introspection' | 'fieldSuggestions'>): Plugin[] {
  const plugins: Plugin[] = [];
  if (!limits.introspection) {
    plugins.push({
      onValidate({ addValidationRule }) {
        addValidationRule(NoSchemaIntrospectionCustomRule);
      },
    });
  }
  if (!limits.fieldSuggestions) plugins.push(useNoSuggestions());
  return plugins;
}
