/**
 * The simulator's side of Kalshi authentication: which requests must be signed, and the 401 for
 * those that are not (or not validly). Checked on the simulator's clock, so a client on the same
 * ManualClock signs with timestamps the simulator accepts.
 *
 * With a public key configured the signature is verified exactly as Kalshi does (signing.ts). With
 * none, the portfolio still insists that the three KALSHI-ACCESS-* headers are present, so a client
 * that forgot to sign fails here as it would on the real host, while local development needs no key.
 */
import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import type { ErrorBody } from '../../sources/kalshi/protocol.js';
import {
  DEFAULT_MAX_SKEW_MS,
  KALSHI_ACCESS_KEY_HEADER,
  KALSHI_ACCESS_SIGNATURE_HEADER,
  KALSHI_ACCESS_TIMESTAMP_HEADER,
  verifyKalshiSignature,
  type KalshiCredentials,
} from '../../sources/kalshi/signing.js';
import { errorPayload } from './payloads.js';

export interface SimulatorAuthOptions {
  /** Verifies signatures with this key. @default none: only the headers' presence is checked */
  publicKey?: KeyObject;
  /** When set, a signature made with another key id is refused. */
  apiKeyId?: string;
  /** Every request must be signed, not only /portfolio/*. @default false */
  requireAuth?: boolean;
  /** Accepted distance between a signed timestamp and the simulator's clock. @default 5000 */
  maxSkewMs?: number;
}

/** The answer to an unauthenticated request: 401 with Kalshi's error body. */
export interface AuthFailure {
  status: 401;
  body: ErrorBody;
}

/**
 * The portfolio endpoints are the ones Kalshi signs for, and of market data the many-books read
 * `GET /markets/orderbooks`; the rest of market data is public. `segments` is the decoded path
 * after /trade-api/v2.
 */
export function needsSignature(segments: readonly string[], options: SimulatorAuthOptions): boolean {
  return options.requireAuth === true || segments[0] === 'portfolio' || (segments[0] === 'markets' && segments[1] === 'orderbooks' && segments.length === 2);
}

/**
 * null when the request may proceed, else the 401 to send. `rawPath` is the request's path as sent
 * (from /trade-api/ on, percent-encoding untouched): the path the client signed.
 */
export function checkSignature(
  headers: IncomingHttpHeaders,
  method: string,
  rawPath: string,
  nowMs: number,
  options: SimulatorAuthOptions,
): AuthFailure | null {
  if (!options.publicKey) {
    for (const name of [KALSHI_ACCESS_KEY_HEADER, KALSHI_ACCESS_TIMESTAMP_HEADER, KALSHI_ACCESS_SIGNATURE_HEADER]) {
      if (!headers[name.toLowerCase()]) return unauthorized(`missing ${name} header`);
    }
    return null;
  }
  const result = verifyKalshiSignature(options.publicKey, headers, method, rawPath, {
    nowMs,
    maxSkewMs: options.maxSkewMs ?? DEFAULT_MAX_SKEW_MS,
  });
  if (!result.ok) return unauthorized(result.reason);
  if (options.apiKeyId !== undefined && result.keyId !== options.apiKeyId) return unauthorized('unknown API key');
  return null;
}

function unauthorized(details: string): AuthFailure {
  return { status: 401, body: errorPayload('authentication_error', 'authentication failed', details) };
}

/**
 * A fresh RSA key pair for running the simulator with signature checks: the credentials go to the
 * client, the public key to the simulator. 2048 bits, like the keys Kalshi issues.
 */
export function createSimulatorCredentials(keyId = 'sim-key'): { credentials: KalshiCredentials; publicKey: KeyObject } {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return { credentials: { keyId, privateKey }, publicKey };
}
