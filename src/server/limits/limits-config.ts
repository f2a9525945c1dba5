/**
 * The request-limit variables (merged into src/core/config.ts's table, parsed there with the rest)
 * and how they resolve. Defaults are set with headroom over the largest operation the project
 * ships (examples/, test/operations/, the README): `npm run -s measure:operations` prints them.
 */
import { z } from 'zod';
import { int, onOff, optionalString } from '../../core/config-schema.js';
import { ConfigError } from '../../core/errors.js';

/** Variable → [schema, the expected form shown when it is wrong] (config.ts's shape). */
export const limitsVariables = {
  QUERY_MAX_ALIASES: [int(0, 100_000, 30), 'an integer from 0 to 100000 (aliases in one operation)'],
  QUERY_MAX_DEPTH: [int(1, 1000, 10), 'an integer from 1 to 1000 (nesting of selections)'],
  QUERY_MAX_TOKENS: [int(10, 1_000_000, 1000), 'an integer from 10 to 1000000 (lexical tokens in one document)'],
  QUERY_MAX_DIRECTIVES: [int(0, 10_000, 20), 'an integer from 0 to 10000 (directives in one operation)'],
  QUERY_MAX_COST: [int(1, 1_000_000_000, 1_000_000), 'an integer from 1 to 1000000000 (fields resolved, list sizes multiplied)'],
  QUERY_COST_LIST_SIZE: [int(1, 100_000, 50), 'an integer from 1 to 100000 (assumed length of a list without a limit, first or depth)'],
  MAX_BODY_BYTES: [int(1024, 1_073_741_824, 1_048_576), 'bytes from 1024 to 1073741824'],
  WS_MAX_PAYLOAD_BYTES: [int(1024, 1_073_741_824, 65_536), 'bytes from 1024 to 1073741824'],
  MAX_SUBSCRIPTIONS_PER_CONNECTION: [int(1, 100_000, 100), 'an integer from 1 to 100000'],
  // Entries are checked by resolveLimits (which names the entry that is wrong).
  CORS_ORIGINS: [optionalString, 'none, or comma-separated origins such as https://desk.example.com or http://localhost:* (any port)'],
  INTROSPECTION: [onOff, 'on or off (default: off in production, on elsewhere)'],
  PERSISTED_ONLY: [onOff, 'on or off (on: only the registered documents of schema/persisted-operations.json run)'],
} as const satisfies Record<string, readonly [z.ZodType, string]>;

type Parsed = { [K in keyof typeof limitsVariables]: z.output<(typeof limitsVariables)[K][0]> };

/** One allowed browser origin: scheme and host exact, the port exact or any (`*`). */
export interface OriginPattern {
  protocol: 'http:' | 'https:';
  hostname: string;
  /** null: any port. '' is the scheme's default port. */
  port: string | null;
}

export interface LimitsConfig {
  query: { maxAliases: number; maxDepth: number; maxTokens: number; maxDirectives: number; maxCost: number; costListSize: number };
  /** HTTP request bodies above this are refused with 413, by Content-Length or as they stream in. */
  maxBodyBytes: number;
  /** A graphql-ws message above this closes the socket with 1009. */
  wsMaxPayloadBytes: number;
  maxSubscriptionsPerConnection: number;
  /** Browser origins allowed CORS and WebSocket upgrades; requests without an Origin are not affected. */
  corsOrigins: readonly OriginPattern[];
  introspection: boolean;
  /** Field suggestions ("Did you mean …") in validation errors: off in production. */
  fieldSuggestions: boolean;
  persistedOnly: boolean;
}

/** Outside production: a page served from this machine on any port (a dev server, GraphiQL elsewhere). */
export const DEVELOPMENT_ORIGINS: readonly OriginPattern[] = [
  { protocol: 'http:', hostname: 'localhost', port: null },
  { protocol: 'http:', hostname: '127.0.0.1', port: null },
  { protocol: 'http:', hostname: '[::1]', port: null },
];

function parseOrigins(text: string): OriginPattern[] {
  if (text.trim() === 'none') return [];
  return text.split(',').map((raw) => {
    const entry = raw.trim();
    const match = /^(https?):\/\/([^/:]+|\[[0-9a-fA-F:]+\])(?::(\d{1,5}|\*))?$/.exec(entry);
    if (!match) {
      throw new ConfigError(
        `Invalid configuration: CORS_ORIGINS entry ${JSON.stringify(entry)} must be <http|https>://<host>[:<port>|:*] (no path), or CORS_ORIGINS=none`,
      );
    }
    const protocol = `${match[1]}:` as OriginPattern['protocol'];
    const defaultPort = protocol === 'https:' ? '443' : '80';
    const port = match[3] === '*' ? null : match[3] === undefined || match[3] === defaultPort ? '' : match[3];
    return { protocol, hostname: match[2]!.toLowerCase(), port };
  });
}

export function resolveLimits(v: Record<string, unknown>, context: { nodeEnv: 'development' | 'production' | 'test' }): LimitsConfig {
  const parsed = v as Parsed;
  const production = context.nodeEnv === 'production';
  return {
    query: {
      maxAliases: parsed.QUERY_MAX_ALIASES,
      maxDepth: parsed.QUERY_MAX_DEPTH,
      maxTokens: parsed.QUERY_MAX_TOKENS,
      maxDirectives: parsed.QUERY_MAX_DIRECTIVES,
      maxCost: parsed.QUERY_MAX_COST,
      costListSize: parsed.QUERY_COST_LIST_SIZE,
    },
    maxBodyBytes: parsed.MAX_BODY_BYTES,
    wsMaxPayloadBytes: parsed.WS_MAX_PAYLOAD_BYTES,
    maxSubscriptionsPerConnection: parsed.MAX_SUBSCRIPTIONS_PER_CONNECTION,
    corsOrigins: parsed.CORS_ORIGINS !== undefined ? parseOrigins(parsed.CORS_ORIGINS) : production ? [] : DEVELOPMENT_ORIGINS,
    introspection: (parsed.INTROSPECTION ?? (production ? 'off' : 'on')) === 'on',
    fieldSuggestions: !production,
    persistedOnly: parsed.PERSISTED_ONLY === 'on',
  };
}

/** The limits as these variables set them, the others at their defaults (for servers built without config.ts: tests, benches). */
export function limitsFrom(env: Record<string, string | undefined>, nodeEnv: 'development' | 'production' | 'test'): LimitsConfig {
  const parsed: Record<string, unknown> = {};
  for (const [name, [schema]] of Object.entries(limitsVariables)) parsed[name] = (schema as z.ZodType).parse(env[name]);
  return resolveLimits(parsed, { nodeEnv });
}
