import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/core/config.js';
import { createLogger } from '../../src/core/logger.js';

function capture() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      lines.push(String(chunk));
      done();
    },
  });
  return { lines, stream };
}

describe('logger', () => {
  it('writes JSON with the request id and redacts secrets wherever they are logged', () => {
    const { lines, stream } = capture();
    const config = loadConfig({
      LOG_FORMAT: 'json',
      ANTHROPIC_API_KEY: 'sk-ant-secret',
      JOHN_API_TOKEN: 'john-secret',
      KALSHI_PRIVATE_KEY: '-----BEGIN PRIVATE KEY-----x',
    });
    const logger = createLogger(config, stream).child({ requestId: 'req-42' });
    logger.info({ config, headers: { authorization: 'Bearer john-secret', 'x-api-key': 'sk-ant-secret', accept: 'json' } }, 'hello');
    expect(lines).toHaveLength(1);
    const entry = JSON.parse(lines[0]!) as Record<string, unknown>;
    expect(entry.requestId).toBe('req-42');
    expect(entry.msg).toBe('hello');
    expect(entry.headers).toEqual({ authorization: '[redacted]', 'x-api-key': '[redacted]', accept: 'json' });
    expect(lines[0]).not.toContain('secret');
    expect(lines[0]).not.toContain('BEGIN PRIVATE KEY');
  });
});
