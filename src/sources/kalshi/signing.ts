/**
 * Kalshi's request signature: RSA-PSS over SHA-256 with a salt as long as the digest, over the
 * string `timestamp + METHOD + path`, where the timestamp is epoch milliseconds and the path starts
 * at /trade-api/ and stops before the query string. The result travels base64-encoded in
 * KALSHI-ACCESS-SIGNATURE next to KALSHI-ACCESS-KEY (the key id) and KALSHI-ACCESS-TIMESTAMP.
 *
 * The same signature authenticates REST calls and the WebSocket handshake (`GET /trade-api/ws/v2`),
 * so this file is shared by both clients and by the simulators that check them.
 *
 * The salt length is set explicitly on both sides: Node's default for PSS signing is the longest
 * salt that fits, which Kalshi rejects, and a verifier that accepted any salt length would let that
 * mistake through the simulator and fail only against the real host.
 */
import { constants, createPrivateKey, sign, verify, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';

export const KALSHI_ACCESS_KEY_HEADER = 'KALSHI-ACCESS-KEY';
export const KALSHI_ACCESS_TIMESTAMP_HEADER = 'KALSHI-ACCESS-TIMESTAMP';
export const KALSHI_ACCESS_SIGNATURE_HEADER = 'KALSHI-ACCESS-SIGNATURE';

/** How far a signed timestamp may be from the verifier's clock, by default. */
export const DEFAULT_MAX_SKEW_MS = 5000;

export interface KalshiCredentials {
  keyId: string;
  privateKey: KeyObject;
}

const PSS = { padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: constants.RSA_PSS_SALTLEN_DIGEST } as const;

/**
 * Reads the API key from configuration. null when no key id is configured (public market data
 * only); throws a clear Error when a key id is set but no usable RSA private key comes with it, so a
 * half-configured deployment fails at start-up rather than on its first portfolio read.
 *
 * The inline PEM wins over the path when both are set, as in kalshi-typescript. An inline PEM whose
 * newlines arrived as literal `\n` (common in .env files) is accepted. Error messages name the
 * setting and the reason, never the key material.
 */
export function loadKalshiCredentials(input: {
  apiKeyId: string | null;
  privateKeyPath: string | null;
  privateKeyPem: string | null;
}): KalshiCredentials | null {
  const keyId = input.apiKeyId?.trim() ?? '';
  if (keyId === '') return null;

  let pem: string;
  let from: string;
  if (input.privateKeyPem !== null && input.privateKeyPem.trim() !== '') {
    pem = input.privateKeyPem.includes('\n') ? input.privateKeyPem : input.privateKeyPem.replace(/\\n/g, '\n');
    from = 'the inline private key (KALSHI_PRIVATE_KEY)';
  } else if (input.privateKeyPath !== null && input.privateKeyPath.trim() !== '') {
    from = `the private key file ${input.privateKeyPath} (KALSHI_PRIVATE_KEY_PATH)`;
    try {
      pem = readFileSync(input.privateKeyPath, 'utf8');
    } catch (error) {
      throw new Error(`Kalshi API key ${keyId}: cannot read ${from}: ${describe(error)}`, { cause: error });
    }
  } else {
    throw new Error(`Kalshi API key ${keyId} is configured without a private key: set KALSHI_PRIVATE_KEY_PATH or KALSHI_PRIVATE_KEY`);
  }

  let privateKey: KeyObject;
  try {
    privateKey = createPrivateKey(pem);
  } catch (error) {
    throw new Error(`Kalshi API key ${keyId}: ${from} is not an unencrypted PEM private key: ${describe(error)}`, { cause: error });
  }
  if (privateKey.asymmetricKeyType !== 'rsa') {
    throw new Error(`Kalshi API key ${keyId}: ${from} is a ${privateKey.asymmetricKeyType ?? 'non-asymmetric'} key; Kalshi signs with RSA`);
  }
  return { keyId, privateKey };
}

/**
 * The three KALSHI-ACCESS-* headers for one request. `path` may carry a query string (or be a full
 * URL): only the path is signed, as Kalshi requires. `timestampMs` is floored to whole milliseconds.
 */
export function signKalshiRequest(credentials: KalshiCredentials, method: string, path: string, timestampMs: number): Record<string, string> {
  // Kalshi wants whole milliseconds; a fractional clock reading is floored rather than refused.
  const wholeMs = Math.floor(timestampMs);
  if (!Number.isSafeInteger(wholeMs) || wholeMs < 0) throw new RangeError(`a Kalshi signature timestamp must be epoch milliseconds, got ${timestampMs}`);
  const timestamp = String(wholeMs);
  const signature = sign('sha256', signedMessage(timestamp, method, path), { key: credentials.privateKey, ...PSS });
  return {
    [KALSHI_ACCESS_KEY_HEADER]: credentials.keyId,
    [KALSHI_ACCESS_TIMESTAMP_HEADER]: timestamp,
    [KALSHI_ACCESS_SIGNATURE_HEADER]: signature.toString('base64'),
  };
}

/**
 * Checks a request's KALSHI-ACCESS-* headers (names in any case) against a public key, the way
 * Kalshi does: the signature must verify over `timestamp + METHOD + path` (query excluded) and the
 * timestamp must be within `maxSkewMs` (default 5 s) of `nowMs` (default: wall time). Pass
 * `maxSkewMs: Infinity` to check the signature alone.
 */
export function verifyKalshiSignature(
  publicKey: KeyObject,
  headers: Record<string, string | string[] | undefined>,
  method: string,
  path: string,
  options: { nowMs?: number; maxSkewMs?: number } = {},
): { ok: true; keyId: string } | { ok: false; reason: string } {
  const keyId = headerValue(headers, KALSHI_ACCESS_KEY_HEADER);
  const timestamp = headerValue(headers, KALSHI_ACCESS_TIMESTAMP_HEADER);
  const signature = headerValue(headers, KALSHI_ACCESS_SIGNATURE_HEADER);
  if (keyId === undefined) return { ok: false, reason: `missing ${KALSHI_ACCESS_KEY_HEADER} header` };
  if (timestamp === undefined) return { ok: false, reason: `missing ${KALSHI_ACCESS_TIMESTAMP_HEADER} header` };
  if (signature === undefined) return { ok: false, reason: `missing ${KALSHI_ACCESS_SIGNATURE_HEADER} header` };
  if (!/^\d{1,16}$/.test(timestamp)) return { ok: false, reason: `${KALSHI_ACCESS_TIMESTAMP_HEADER} is not epoch milliseconds` };

  const nowMs = options.nowMs ?? Date.now();
  const maxSkewMs = options.maxSkewMs ?? DEFAULT_MAX_SKEW_MS;
  const skewMs = Math.abs(nowMs - Number(timestamp));
  if (skewMs > maxSkewMs) return { ok: false, reason: `timestamp is ${skewMs} ms away from the server clock (at most ${maxSkewMs} ms allowed)` };

  // Base64 decoding in Node never throws; a signature of the wrong length simply fails to verify.
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(signature)) return { ok: false, reason: `${KALSHI_ACCESS_SIGNATURE_HEADER} is not base64` };
  let valid: boolean;
  try {
    valid = verify('sha256', signedMessage(timestamp, method, path), { key: publicKey, ...PSS }, Buffer.from(signature, 'base64'));
  } catch (error) {
    return { ok: false, reason: `signature could not be checked: ${describe(error)}` };
  }
  return valid ? { ok: true, keyId } : { ok: false, reason: 'signature does not match' };
}

/** `timestamp + METHOD + path`, with the path cut at the query string (and a full URL cut to its path). */
function signedMessage(timestamp: string, method: string, path: string): Buffer {
  return Buffer.from(`${timestamp}${method.toUpperCase()}${signedPath(path)}`, 'utf8');
}

function signedPath(path: string): string {
  const withoutOrigin = /^[a-z][a-z0-9+.-]*:\/\//i.test(path) ? new URL(path).pathname : path;
  const cut = withoutOrigin.search(/[?#]/);
  return cut === -1 ? withoutOrigin : withoutOrigin.slice(0, cut);
}

function headerValue(headers: Record<string, string | string[] | undefined>, name: string): string | undefined {
  const wanted = name.toLowerCase();
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() !== wanted) continue;
    const first = Array.isArray(value) ? value[0] : value;
    if (first !== undefined && first !== '') return first;
  }
  return undefined;
}

function describe(error: unknown): string {
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    return typeof code === 'string' ? `${code} ${error.message}` : error.message;
  }
  return String(error);
}
