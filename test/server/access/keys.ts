/** API keys for the access tests: each key, its API_KEYS entry, and headers that send it. */
import { createHash } from 'node:crypto';

export interface TestKey {
  id: string;
  key: string;
  entry: string;
}

export function testKey(id: string, scopes: string): TestKey {
  const key = `key-of-${id}-${'x'.repeat(32)}`;
  return { id, key, entry: `${id}:${scopes}:${createHash('sha256').update(key).digest('hex')}` };
}

export function bearer(key: string): Record<string, string> {
  return { authorization: `Bearer ${key}` };
}
