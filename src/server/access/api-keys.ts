/**
 * API keys as the operator configures them: entries `<id>:<scopes>:<sha256 hex of the key>` (scopes
 * joined by `+`), from API_KEYS (comma-separated) and API_KEYS_FILE (one a line, blank lines and
 * `#` comments allowed). Only digests are held; a presented key is hashed and compared with every
 * digest in constant time, so neither which key matched nor how much of a digest did shows in the
 * time an answer takes.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { ConfigError } from '../../core/errors.js';
import { isScope, type Principal, type Scope } from './principal.js';

export interface ApiKeyEntry {
  id: string;
  scopes: ReadonlySet<Scope>;
  /** sha256 of the key, 32 bytes. */
  digest: Buffer;
}

const ID = /^[A-Za-z0-9._-]{1,64}$/;
const DIGEST = /^[0-9a-f]{64}$/;

export function sha256(text: string): Buffer {
  return createHash('sha256').update(text, 'utf8').digest();
}

/**
 * One entry, or why it is not one. The reason never repeats the entry (its digest stays out of
 * error messages and logs).
 */
export function parseKeyEntry(text: string): ApiKeyEntry | { error: string } {
  const parts = text.trim().split(':');
  if (parts.length !== 3) return { error: 'an entry must be <id>:<scopes>:<sha256 hex of the key>' };
  const [id = '', scopeText = '', digestHex = ''] = parts;
  if (!ID.test(id)) return { error: 'the id must be 1 to 64 of A-Z a-z 0-9 . _ -' };
  const scopes = scopeText.split('+');
  const unknown = scopes.find((scope) => !isScope(scope));
  if (unknown !== undefined) return { error: `key "${id}": scopes must be read, analyze, admin joined by + (got ${JSON.stringify(unknown)})` };
  if (!DIGEST.test(digestHex.toLowerCase())) return { error: `key "${id}": the digest must be 64 hex digits (the sha256 of the key)` };
  return { id, scopes: new Set(scopes as Scope[]), digest: Buffer.from(digestHex, 'hex') };
}

/** API_KEYS: comma-separated entries. Throws ConfigError naming API_KEYS and the entry's position. */
export function parseApiKeysVariable(text: string): ApiKeyEntry[] {
  const entries: ApiKeyEntry[] = [];
  text.split(',').forEach((item, index) => {
    if (item.trim() === '') return;
    const parsed = parseKeyEntry(item);
    if ('error' in parsed) throw new ConfigError(`Invalid configuration: API_KEYS entry ${index + 1}: ${parsed.error}`);
    entries.push(parsed);
  });
  return entries;
}

/** API_KEYS_FILE's text: one entry a line. Throws ConfigError naming API_KEYS_FILE and the line number. */
export function parseApiKeysFile(text: string, path: string): ApiKeyEntry[] {
  const entries: ApiKeyEntry[] = [];
  text.split(/\r?\n/).forEach((line, index) => {
    const content = line.trim();
    if (content === '' || content.startsWith('#')) return;
    const parsed = parseKeyEntry(content);
    if ('error' in parsed) throw new ConfigError(`Invalid configuration: API_KEYS_FILE (${path}) line ${index + 1}: ${parsed.error}`);
    entries.push(parsed);
  });
  return entries;
}

/** Refuses two entries with one id: audit rows and limits name keys by id. */
export function checkDistinctIds(entries: readonly ApiKeyEntry[]): void {
  const seen = new Set<string>();
  for (const entry of entries) {
    if (seen.has(entry.id)) throw new ConfigError(`Invalid configuration: API_KEYS / API_KEYS_FILE list the key id "${entry.id}" twice`);
    seen.add(entry.id);
  }
}

export class KeyRing {
  constructor(private readonly entries: readonly ApiKeyEntry[]) {}

  get size(): number {
    return this.entries.length;
  }

  /** The principal a presented key stands for, or null. Every digest is compared, whichever matches. */
  authenticate(presentedKey: string): Principal | null {
    const digest = sha256(presentedKey);
    let match: ApiKeyEntry | null = null;
    for (const entry of this.entries) {
      if (timingSafeEqual(entry.digest, digest) && match === null) match = entry;
    }
    return match ? { keyId: match.id, scopes: match.scopes } : null;
  }
}

/**
 * The key in `Bearer <key>` (the scheme case-insensitive, as RFC 9110 has it), or null for anything
 * else. Used for the HTTP Authorization header and the graphql-ws connection_init `authorization`.
 */
export function bearerKey(authorization: unknown): string | null {
  if (typeof authorization !== 'string') return null;
  const match = /^Bearer +(\S+) *$/i.exec(authorization);
  return match?.[1] ?? null;
}
