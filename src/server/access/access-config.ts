/**
 * The access variables (merged into src/core/config.ts's table, parsed there with the rest) and
 * how they resolve: who must present a key, which keys exist, and the per-key insight budget.
 *
 * - AUTH_MODE: `keys` or `off`. Default: `keys` in production; elsewhere `keys` when any key is
 *   configured, else `off` (the quick start needs no key). In production `off` is refused, and so
 *   is `keys` without a key.
 * - API_KEYS / API_KEYS_FILE: both may be set; their entries are joined (ids must differ).
 */
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { int, onOff, optionalChoice, optionalInt, optionalString } from '../../core/config-schema.js';
import { ConfigError } from '../../core/errors.js';
import { checkDistinctIds, parseApiKeysFile, parseApiKeysVariable, type ApiKeyEntry } from './api-keys.js';

/** Variable → [schema, the expected form shown when it is wrong] (config.ts's shape). */
export const accessVariables = {
  AUTH_MODE: [optionalChoice(['keys', 'off']), 'keys or off (off is refused in production)'],
  // Entries are checked by resolveAccess (which names the entry without echoing its digest).
  API_KEYS: [optionalString, 'comma-separated <id>:<scopes>:<sha256 hex> entries (npm run keys:new prints one)'],
  API_KEYS_FILE: [optionalString, 'a path to a file of <id>:<scopes>:<sha256 hex> entries, one a line'],
  GRAPHIQL: [onOff, 'on or off (default: on outside production, off in production)'],
  INSIGHT_BUDGET_PER_KEY_PER_HOUR: [optionalInt(0, 100_000), 'an integer from 0 to 100000 (requestInsight calls one key may make in an hour)'],
  WS_CONNECTION_INIT_TIMEOUT_MS: [int(100, 600_000, 3000), 'milliseconds from 100 to 600000'],
} as const satisfies Record<string, readonly [z.ZodType, string]>;

type Parsed = { [K in keyof typeof accessVariables]: z.output<(typeof accessVariables)[K][0]> };

export interface AccessConfig {
  /** `off`: nobody is asked for a key (principal null everywhere). */
  mode: 'keys' | 'off';
  /** Only the digests of the keys, never the keys. */
  keys: readonly ApiKeyEntry[];
  /** Whether GET /graphql from a browser serves GraphiQL. */
  graphiql: boolean;
  /** requestInsight operations one key may run in any sliding hour, besides the global budget. */
  insightCallsPerKeyPerHour: number;
  /** A WebSocket that sends no connection_init within this long is closed (4401 with keys, 4408 without). */
  wsConnectionInitTimeoutMs: number;
  /** Why the mode is what it is, for the startup line. */
  reason: string;
}

/**
 * The per-key default: a quarter of the global INSIGHT_BUDGET_CALLS_PER_HOUR (at least one call
 * while the global budget allows any), so one key alone cannot spend the whole hour's budget.
 */
export function defaultInsightCallsPerKey(globalCallsPerHour: number): number {
  return globalCallsPerHour === 0 ? 0 : Math.max(1, Math.floor(globalCallsPerHour / 4));
}

export function resolveAccess(
  v: Record<string, unknown>,
  context: { nodeEnv: 'development' | 'production' | 'test'; insightCallsPerHour: number },
  readFile: (path: string) => string = (path) => readFileSync(path, 'utf8'),
): AccessConfig {
  const parsed = v as Parsed;
  const production = context.nodeEnv === 'production';
  const keys: ApiKeyEntry[] = [];
  if (parsed.API_KEYS !== undefined) keys.push(...parseApiKeysVariable(parsed.API_KEYS));
  if (parsed.API_KEYS_FILE !== undefined) {
    const path = parsed.API_KEYS_FILE;
    let text: string;
    try {
      text = readFile(path);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? 'unreadable';
      throw new ConfigError(`Invalid configuration: API_KEYS_FILE cannot be read (${JSON.stringify(path)}: ${code})`);
    }
    keys.push(...parseApiKeysFile(text, path));
  }
  checkDistinctIds(keys);

  if (production && parsed.AUTH_MODE === 'off') {
    throw new ConfigError('Invalid configuration: AUTH_MODE=off is refused in production (every caller must present an API key; set API_KEYS)');
  }
  const mode = parsed.AUTH_MODE ?? (production || keys.length > 0 ? 'keys' : 'off');
  if (mode === 'keys' && keys.length === 0) {
    throw new ConfigError(
      `Invalid configuration: API_KEYS must hold at least one key${production ? ' in production' : ' when AUTH_MODE=keys'} (none in API_KEYS or API_KEYS_FILE; npm run keys:new -- --id <id> --scopes read prints one)`,
    );
  }
  const reason =
    parsed.AUTH_MODE !== undefined ? `AUTH_MODE=${parsed.AUTH_MODE}` : mode === 'keys' ? `${keys.length} key(s) configured` : `no API_KEYS outside production`;
  return {
    mode,
    keys: mode === 'keys' ? keys : [],
    graphiql: (parsed.GRAPHIQL ?? (production ? 'off' : 'on')) === 'on',
    insightCallsPerKeyPerHour: parsed.INSIGHT_BUDGET_PER_KEY_PER_HOUR ?? defaultInsightCallsPerKey(context.insightCallsPerHour),
    wsConnectionInitTimeoutMs: parsed.WS_CONNECTION_INIT_TIMEOUT_MS,
    reason,
  };
}
