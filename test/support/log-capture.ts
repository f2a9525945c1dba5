/**
 * A real pino logger (the service's own configuration) whose JSON lines are kept in memory, so a
 * test can assert what was logged, at which level, with which fields.
 */
import { Writable } from 'node:stream';
import type { Logger } from '../../src/core/logger.js';
import { createLogger } from '../../src/core/logger.js';

export interface LogLine {
  level: number;
  msg: string;
  [field: string]: unknown;
}

/** pino's numeric levels. */
export const LEVEL = { debug: 20, info: 30, warn: 40, error: 50, fatal: 60 } as const;

export function captureLogs(level: 'debug' | 'info' | 'warn' = 'debug'): { logger: Logger; lines: LogLine[] } {
  const lines: LogLine[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of String(chunk).split('\n')) if (line.trim() !== '') lines.push(JSON.parse(line) as LogLine);
      done();
    },
  });
  return { logger: createLogger({ logLevel: level, logFormat: 'json' }, stream), lines };
}
