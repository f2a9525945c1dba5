import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createApp } from '../../src/app.js';
import { loadConfig } from '../../src/core/config.js';
import { ConfigError } from '../../src/core/errors.js';
import { silentLogger } from '../../src/core/logger.js';

describe('simulator faults from the environment', () => {
  it.each([
    ['JOHN_SIM_FAULT', 'explode'],
    ['KALSHI_SIM_FAULT', 'status:abc'],
    ['ANTHROPIC_SIM_FAULT', 'hang,rate=7'],
    ['KALSHI_WS_SIM_FAULT', 'error-code:99'],
  ])('refuses to start on %s=%s, naming the variable', async (variable, value) => {
    const dir = await mkdtemp(join(tmpdir(), 'northstar-badfault-'));
    const config = loadConfig({ PORT: '0', LOG_LEVEL: 'silent', DATABASE_URL: `file:${join(dir, 'n.db')}`, [variable]: value });
    const app = await createApp({ config, logger: silentLogger, collectProcessMetrics: false });
    const failure = await app.start().then(
      () => null,
      (error: unknown) => error,
    );
    await app.stop();
    await rm(dir, { recursive: true, force: true });
    expect(failure).toBeInstanceOf(ConfigError);
    expect((failure as Error).message).toContain(variable);
    expect((failure as Error).message).toContain(JSON.stringify(value));
  });
});
