import { constants, generateKeyPairSync, sign, verify, type KeyObject } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { loadKalshiCredentials, signKalshiRequest, verifyKalshiSignature, type KalshiCredentials } from '../../../src/sources/kalshi/signing.js';

const TS = Date.UTC(2026, 10, 24, 12, 0, 0);

/** Verifies a signature the way Kalshi documents it, with nothing from signing.ts. */
function plainVerify(publicKey: KeyObject, message: string, signatureBase64: string): boolean {
  return verify(
    'sha256',
    Buffer.from(message),
    { key: publicKey, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: constants.RSA_PSS_SALTLEN_DIGEST },
    Buffer.from(signatureBase64, 'base64'),
  );
}

describe('signKalshiRequest', () => {
  let credentials: KalshiCredentials;
  let publicKey: KeyObject;
  let otherPublicKey: KeyObject;

  beforeAll(() => {
    const pair = generateKeyPairSync('rsa', { modulusLength: 2048 });
    credentials = { keyId: 'key-1', privateKey: pair.privateKey };
    publicKey = pair.publicKey;
    otherPublicKey = generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey;
  });

  test('gives the three KALSHI-ACCESS-* headers; the signature verifies with plain crypto over timestamp+METHOD+path', () => {
    const headers = signKalshiRequest(credentials, 'GET', '/trade-api/v2/portfolio/balance', TS);
    expect(Object.keys(headers).sort()).toEqual(['KALSHI-ACCESS-KEY', 'KALSHI-ACCESS-SIGNATURE', 'KALSHI-ACCESS-TIMESTAMP']);
    expect(headers['KALSHI-ACCESS-KEY']).toBe('key-1');
    expect(headers['KALSHI-ACCESS-TIMESTAMP']).toBe(String(TS));
    // 2048-bit RSA: 256 signature bytes, 344 base64 characters.
    expect(headers['KALSHI-ACCESS-SIGNATURE']).toMatch(/^[A-Za-z0-9+/]{342}==$/);
    expect(plainVerify(publicKey, `${TS}GET/trade-api/v2/portfolio/balance`, headers['KALSHI-ACCESS-SIGNATURE']!)).toBe(true);
    expect(plainVerify(otherPublicKey, `${TS}GET/trade-api/v2/portfolio/balance`, headers['KALSHI-ACCESS-SIGNATURE']!)).toBe(false);
  });

  test('the query string is not part of the signed message', () => {
    const headers = signKalshiRequest(credentials, 'GET', '/trade-api/v2/portfolio/positions?limit=5&cursor=abc', TS);
    const signature = headers['KALSHI-ACCESS-SIGNATURE']!;
    expect(plainVerify(publicKey, `${TS}GET/trade-api/v2/portfolio/positions`, signature)).toBe(true);
    expect(plainVerify(publicKey, `${TS}GET/trade-api/v2/portfolio/positions?limit=5&cursor=abc`, signature)).toBe(false);
  });

  test('the method is signed upper-case; a full URL is signed by its path', () => {
    const lower = signKalshiRequest(credentials, 'get', '/trade-api/ws/v2', TS);
    expect(plainVerify(publicKey, `${TS}GET/trade-api/ws/v2`, lower['KALSHI-ACCESS-SIGNATURE']!)).toBe(true);
    const url = signKalshiRequest(credentials, 'GET', 'https://external-api.kalshi.com/trade-api/v2/markets?limit=1', TS);
    expect(plainVerify(publicKey, `${TS}GET/trade-api/v2/markets`, url['KALSHI-ACCESS-SIGNATURE']!)).toBe(true);
  });

  test("the salt is digest-length: a signature with Node's default (maximum) salt does not verify", () => {
    const message = `${TS}GET/trade-api/v2/portfolio/balance`;
    const maxSalt = sign('sha256', Buffer.from(message), { key: credentials.privateKey, padding: constants.RSA_PKCS1_PSS_PADDING }).toString('base64');
    expect(plainVerify(publicKey, message, maxSalt)).toBe(false);
    const result = verifyKalshiSignature(
      publicKey,
      { 'KALSHI-ACCESS-KEY': 'key-1', 'KALSHI-ACCESS-TIMESTAMP': String(TS), 'KALSHI-ACCESS-SIGNATURE': maxSalt },
      'GET',
      '/trade-api/v2/portfolio/balance',
      { nowMs: TS },
    );
    expect(result).toEqual({ ok: false, reason: 'signature does not match' });
  });

  test('a fractional timestamp is floored; one that is not epoch milliseconds at all is refused', () => {
    expect(signKalshiRequest(credentials, 'GET', '/trade-api/v2/markets', TS + 0.75)['KALSHI-ACCESS-TIMESTAMP']).toBe(String(TS));
    expect(() => signKalshiRequest(credentials, 'GET', '/trade-api/v2/markets', Number.NaN)).toThrow(RangeError);
    expect(() => signKalshiRequest(credentials, 'GET', '/trade-api/v2/markets', -1)).toThrow(RangeError);
    expect(() => signKalshiRequest(credentials, 'GET', '/trade-api/v2/markets', Number.POSITIVE_INFINITY)).toThrow(RangeError);
  });

  describe('verifyKalshiSignature', () => {
    const path = '/trade-api/v2/portfolio/positions';
    let headers: Record<string, string>;
    beforeAll(() => {
      headers = signKalshiRequest(credentials, 'GET', `${path}?limit=3`, TS);
    });

    test('accepts a good signature (query ignored, header names in any case, array values)', () => {
      expect(verifyKalshiSignature(publicKey, headers, 'GET', `${path}?cursor=zzz`, { nowMs: TS })).toEqual({ ok: true, keyId: 'key-1' });
      const lower = Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), [v]]));
      expect(verifyKalshiSignature(publicKey, lower, 'get', path, { nowMs: TS + 4999 })).toEqual({ ok: true, keyId: 'key-1' });
    });

    test('a tampered timestamp, path, method or signature fails', () => {
      const at = (nowMs: number) => ({ nowMs });
      expect(verifyKalshiSignature(publicKey, { ...headers, 'KALSHI-ACCESS-TIMESTAMP': String(TS + 1) }, 'GET', path, at(TS))).toEqual({
        ok: false,
        reason: 'signature does not match',
      });
      expect(verifyKalshiSignature(publicKey, headers, 'GET', '/trade-api/v2/portfolio/balance', at(TS)).ok).toBe(false);
      expect(verifyKalshiSignature(publicKey, headers, 'POST', path, at(TS)).ok).toBe(false);
      const flipped = headers['KALSHI-ACCESS-SIGNATURE']!.startsWith('A')
        ? `B${headers['KALSHI-ACCESS-SIGNATURE']!.slice(1)}`
        : `A${headers['KALSHI-ACCESS-SIGNATURE']!.slice(1)}`;
      expect(verifyKalshiSignature(publicKey, { ...headers, 'KALSHI-ACCESS-SIGNATURE': flipped }, 'GET', path, at(TS)).ok).toBe(false);
      expect(verifyKalshiSignature(otherPublicKey, headers, 'GET', path, at(TS)).ok).toBe(false);
    });

    test('rejects a timestamp too far from the verifier clock, either way', () => {
      const late = verifyKalshiSignature(publicKey, headers, 'GET', path, { nowMs: TS + 5001 });
      expect(late.ok).toBe(false);
      expect(late.ok ? '' : late.reason).toMatch(/5001 ms away from the server clock \(at most 5000 ms/);
      expect(verifyKalshiSignature(publicKey, headers, 'GET', path, { nowMs: TS - 6000 }).ok).toBe(false);
      expect(verifyKalshiSignature(publicKey, headers, 'GET', path, { nowMs: TS + 60_000, maxSkewMs: 60_000 }).ok).toBe(true);
      expect(verifyKalshiSignature(publicKey, headers, 'GET', path, { nowMs: 0, maxSkewMs: Number.POSITIVE_INFINITY }).ok).toBe(true);
      // Without nowMs the wall clock is the reference.
      expect(verifyKalshiSignature(publicKey, signKalshiRequest(credentials, 'GET', path, Date.now()), 'GET', path).ok).toBe(true);
    });

    test('missing or malformed headers name what is wrong', () => {
      const without = (name: string) => Object.fromEntries(Object.entries(headers).filter(([k]) => k !== name));
      expect(verifyKalshiSignature(publicKey, without('KALSHI-ACCESS-KEY'), 'GET', path, { nowMs: TS })).toEqual({
        ok: false,
        reason: 'missing KALSHI-ACCESS-KEY header',
      });
      expect(verifyKalshiSignature(publicKey, without('KALSHI-ACCESS-TIMESTAMP'), 'GET', path, { nowMs: TS })).toEqual({
        ok: false,
        reason: 'missing KALSHI-ACCESS-TIMESTAMP header',
      });
      expect(verifyKalshiSignature(publicKey, without('KALSHI-ACCESS-SIGNATURE'), 'GET', path, { nowMs: TS })).toEqual({
        ok: false,
        reason: 'missing KALSHI-ACCESS-SIGNATURE header',
      });
      expect(verifyKalshiSignature(publicKey, { ...headers, 'KALSHI-ACCESS-TIMESTAMP': '2026-11-24T12:00:00Z' }, 'GET', path, { nowMs: TS }).ok).toBe(false);
      expect(verifyKalshiSignature(publicKey, { ...headers, 'KALSHI-ACCESS-SIGNATURE': 'not base64!' }, 'GET', path, { nowMs: TS })).toEqual({
        ok: false,
        reason: 'KALSHI-ACCESS-SIGNATURE is not base64',
      });
    });
  });
});

describe('loadKalshiCredentials', () => {
  let dir: string;
  let pkcs8: string;
  let pkcs1: string;
  let publicKey: KeyObject;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'northstar-kalshi-key-'));
    const pair = generateKeyPairSync('rsa', { modulusLength: 2048 });
    publicKey = pair.publicKey;
    pkcs8 = pair.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    // Kalshi's downloaded .key files are PKCS#1 ("BEGIN RSA PRIVATE KEY").
    pkcs1 = pair.privateKey.export({ type: 'pkcs1', format: 'pem' }).toString();
    await writeFile(join(dir, 'kalshi.key'), pkcs1, { mode: 0o600 });
    await writeFile(join(dir, 'garbage.key'), 'this is not a key');
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  const signsFor = (credentials: KalshiCredentials | null): boolean => {
    if (!credentials) return false;
    const headers = signKalshiRequest(credentials, 'GET', '/trade-api/v2/portfolio/balance', TS);
    return verifyKalshiSignature(publicKey, headers, 'GET', '/trade-api/v2/portfolio/balance', { nowMs: TS }).ok;
  };

  test('null when no key id is configured (blank counts as none)', () => {
    expect(loadKalshiCredentials({ apiKeyId: null, privateKeyPath: null, privateKeyPem: null })).toBeNull();
    expect(loadKalshiCredentials({ apiKeyId: '  ', privateKeyPath: join(dir, 'kalshi.key'), privateKeyPem: null })).toBeNull();
  });

  test('reads a PKCS#1 PEM file', () => {
    const credentials = loadKalshiCredentials({ apiKeyId: ' key-file ', privateKeyPath: join(dir, 'kalshi.key'), privateKeyPem: null });
    expect(credentials?.keyId).toBe('key-file');
    expect(credentials?.privateKey.asymmetricKeyType).toBe('rsa');
    expect(signsFor(credentials)).toBe(true);
  });

  test('reads an inline PKCS#8 PEM, also with its newlines escaped as \\n; inline wins over a path', () => {
    expect(signsFor(loadKalshiCredentials({ apiKeyId: 'k', privateKeyPath: null, privateKeyPem: pkcs8 }))).toBe(true);
    const escaped = pkcs8.trim().replace(/\n/g, '\\n');
    expect(escaped).not.toContain('\n');
    expect(signsFor(loadKalshiCredentials({ apiKeyId: 'k', privateKeyPath: null, privateKeyPem: escaped }))).toBe(true);
    expect(signsFor(loadKalshiCredentials({ apiKeyId: 'k', privateKeyPath: join(dir, 'missing.key'), privateKeyPem: pkcs8 }))).toBe(true);
  });

  test('clear errors, without key material, when the key id comes without a usable key', () => {
    expect(() => loadKalshiCredentials({ apiKeyId: 'k', privateKeyPath: null, privateKeyPem: null })).toThrow(
      /Kalshi API key k is configured without a private key: set KALSHI_PRIVATE_KEY_PATH or KALSHI_PRIVATE_KEY/,
    );
    expect(() => loadKalshiCredentials({ apiKeyId: 'k', privateKeyPath: join(dir, 'missing.key'), privateKeyPem: null })).toThrow(
      /cannot read the private key file .*missing\.key \(KALSHI_PRIVATE_KEY_PATH\): ENOENT/,
    );
    expect(() => loadKalshiCredentials({ apiKeyId: 'k', privateKeyPath: join(dir, 'garbage.key'), privateKeyPem: null })).toThrow(
      /garbage\.key \(KALSHI_PRIVATE_KEY_PATH\) is not an unencrypted PEM private key/,
    );
    let message = '';
    try {
      loadKalshiCredentials({ apiKeyId: 'k', privateKeyPath: null, privateKeyPem: 'SECRET-GARBAGE-1234' });
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toMatch(/the inline private key \(KALSHI_PRIVATE_KEY\) is not an unencrypted PEM private key/);
    expect(message).not.toContain('SECRET-GARBAGE-1234');
  });

  test('a non-RSA key is refused', () => {
    const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    expect(() => loadKalshiCredentials({ apiKeyId: 'k', privateKeyPath: null, privateKeyPem: ec })).toThrow(/is a ec key; Kalshi signs with RSA/);
  });
});
