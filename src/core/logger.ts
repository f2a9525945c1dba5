/**
 * pino, configured once: JSON in production, pretty in development, secrets redacted wherever they
 * appear. Request-scoped children carry `requestId` on every line of a request.
 */
import { pino, type DestinationStream, type Logger, type LoggerOptions } from 'pino';
import type { Config } from './config.js';

export type { Logger };

/** Paths pino blanks out. Headers and config fields that hold credentials. */
export const REDACTED_PATHS = [
  'headers.authorization',
  'headers["x-api-key"]',
  'headers["kalshi-access-signature"]',
  'req.headers.authorization',
  'req.headers["x-api-key"]',
  'config.kalshi.privateKeyPem',
  'config.kalshi.apiKeyId',
  'config.anthropic.apiKey',
  'config.john.apiToken',
  'apiKey',
  'apiToken',
  'privateKeyPem',
  'token',
  // Client API keys: the Authorization header anywhere, graphql-ws connection params, the key digests.
  'authorization',
  'connectionParams.authorization',
  'payload.authorization',
  'config.access.keys',
];

export function createLogger(config: Pick<Config, 'logLevel' | 'logFormat'>, destination?: DestinationStream): Logger {
  const options: LoggerOptions = {
    level: config.logLevel,
    base: { service: 'northstar' },
    redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
    timestamp: pino.stdTimeFunctions.isoTime,
  };
  if (destination) return pino(options, destination);
  if (config.logFormat === 'pretty') {
    return pino({ ...options, transport: { target: 'pino-pretty', options: { translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname,service' } } });
  }
  return pino(options);
}

/** A logger that writes nothing: for tests and tools that do not care. */
export const silentLogger: Logger = pino({ level: 'silent' });
