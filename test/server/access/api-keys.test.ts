/** Key entries, their refusals (which never echo a digest), the key ring, bearer parsing and AUTH_MODE's resolution. */
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/core/config.js';
import { ConfigError } from '../../../src/core/errors.js';
import { bearerKey, KeyRing, parseApiKeysFile, parseApiKeysVariable } from '../../../src/server/access/api-keys.js';
import { testKey } from './keys.js';

const DIGEST = 'ab'.repeat(32);

function refusalOf(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error('accepted');
}

describe('API key entries', () => {
  it('parses <id>:<scopes>:<digest> entries, scopes joined by +', () => {
    const [entry] = parseApiKeysVariable(`desk:read+analyze:${DIGEST.toUpperCase()}`);
    expect(entry!.id).toBe('desk');
    expect([...entry!.scopes]).toEqual(['read', 'analyze']);
    expect(entry!.digest.toString('hex')).toBe(DIGEST);
  });

  it.each([
    [`desk:read`, /API_KEYS entry 1: an entry must be <id>:<scopes>:<sha256 hex of the key>/],
    [`ops:admin:${DIGEST},desk:write:${DIGEST}`, /API_KEYS entry 2: key "desk": scopes must be read, analyze, admin joined by \+ \(got "write"\)/],
    [`desk:read:${DIGEST.slice(1)}`, /API_KEYS entry 1: key "desk": the digest must be 64 hex digits/],
    [`de sk:read:${DIGEST}`, /API_KEYS entry 1: the id must be/],
    [`desk:read:${DIGEST},desk:admin:${DIGEST}`, /the key id "desk" twice/],
  ])('refuses %s with one line naming API_KEYS and no digest', (value, message) => {
    const text = refusalOf(() => loadConfig({ API_KEYS: value }));
    expect(text).toMatch(message);
    expect(text).not.toContain('\n');
    expect(text).not.toContain(DIGEST.slice(2, 40));
  });

  it('reads API_KEYS_FILE with blank lines and # comments, naming the line of a bad entry', () => {
    expect(parseApiKeysFile(`# desk\n\n  desk:read:${DIGEST}  \r\n# end\n`, 'keys.txt').map((e) => e.id)).toEqual(['desk']);
    const text = refusalOf(() => parseApiKeysFile(`# desk\n\ndesk:read:${DIGEST}\nops:root:${DIGEST}\n`, 'keys.txt'));
    expect(text).toBe('Invalid configuration: API_KEYS_FILE (keys.txt) line 4: key "ops": scopes must be read, analyze, admin joined by + (got "root")');
    expect(refusalOf(() => loadConfig({ API_KEYS_FILE: '/nonexistent/keys' }))).toMatch(/API_KEYS_FILE cannot be read \("\/nonexistent\/keys": ENOENT\)/);
  });
});

describe('the key ring', () => {
  it('finds the principal of a presented key, and nobody for a wrong one', () => {
    const [reader, ops] = [testKey('reader', 'read'), testKey('ops', 'admin')];
    const ring = new KeyRing(parseApiKeysVariable(`${reader.entry},${ops.entry}`));
    expect(ring.authenticate(ops.key)).toMatchObject({ keyId: 'ops' });
    expect([...ring.authenticate(reader.key)!.scopes]).toEqual(['read']);
    expect(ring.authenticate(`${reader.key}x`)).toBeNull();
    expect(ring.authenticate('')).toBeNull();
  });

  it('takes the key from "Bearer <key>" only', () => {
    expect(bearerKey('Bearer abc')).toBe('abc');
    expect(bearerKey('bearer  abc ')).toBe('abc');
    expect(bearerKey('abc')).toBeNull();
    expect(bearerKey('Basic abc')).toBeNull();
    expect(bearerKey('Bearer a b')).toBeNull();
    expect(bearerKey(42)).toBeNull();
  });
});

describe('AUTH_MODE', () => {
  const key = testKey('desk', 'read');
  it('is off outside production without keys, keys as soon as one is configured', () => {
    expect(loadConfig({}).access).toMatchObject({ mode: 'off', graphiql: true });
    expect(loadConfig({ API_KEYS: key.entry }).access).toMatchObject({ mode: 'keys' });
    expect(loadConfig({ API_KEYS: key.entry, AUTH_MODE: 'off' }).access).toMatchObject({ mode: 'off', keys: [] });
  });

  it('refuses keys without a key, production without a key, and off in production', () => {
    expect(refusalOf(() => loadConfig({ AUTH_MODE: 'keys' }))).toMatch(/^Invalid configuration: API_KEYS must hold at least one key when AUTH_MODE=keys/);
    expect(refusalOf(() => loadConfig({ NODE_ENV: 'production', SIMULATORS: 'all' }))).toMatch(
      /^Invalid configuration: API_KEYS must hold at least one key in production/,
    );
    expect(refusalOf(() => loadConfig({ NODE_ENV: 'production', SIMULATORS: 'all', API_KEYS: key.entry, AUTH_MODE: 'off' }))).toMatch(
      /AUTH_MODE=off is refused/,
    );
  });

  it('keeps GraphiQL off in production unless GRAPHIQL=on; the per-key insight budget defaults to a quarter of the global one', () => {
    const production = { NODE_ENV: 'production', SIMULATORS: 'all', API_KEYS: key.entry };
    expect(loadConfig(production).access.graphiql).toBe(false);
    expect(loadConfig({ ...production, GRAPHIQL: 'on' }).access.graphiql).toBe(true);
    expect(loadConfig(production).access.insightCallsPerKeyPerHour).toBe(15);
    expect(loadConfig({ ...production, INSIGHT_BUDGET_CALLS_PER_HOUR: '2' }).access.insightCallsPerKeyPerHour).toBe(1);
    expect(loadConfig({ ...production, INSIGHT_BUDGET_PER_KEY_PER_HOUR: '5' }).access.insightCallsPerKeyPerHour).toBe(5);
  });
});
