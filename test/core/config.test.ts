import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/core/config.js';
import { ConfigError } from '../../src/core/errors.js';

describe('configuration', () => {
  it('has the documented defaults when the environment is empty', () => {
    const config = loadConfig({});
    expect(config.port).toBe(4000);
    expect(config.host).toBe('127.0.0.1');
    expect(config.databaseUrl).toBe('file:./data/northstar.db');
    expect(config.redisUrl).toBeNull();
    expect(config.aggregationIntervalMs).toBe(500);
    expect(config.snapshotIntervalMs).toBe(5000);
    expect(config.retentionDays).toBe(90);
    expect(config.cache.dir).toBe('./cache');
    expect(config.kalshi.baseUrl).toBeNull();
    expect(config.logFormat).toBe('pretty');
    expect(loadConfig({ NODE_ENV: 'production' }).logFormat).toBe('json');
  });

  it('reads values with their units and treats blank as unset', () => {
    const config = loadConfig({
      PORT: '8080',
      REDIS_URL: 'redis://127.0.0.1:6390',
      CB_ERROR_THRESHOLD: '25',
      AVAILABILITY_THRESHOLD: '0.75',
      KALSHI_BASE_URL: 'https://external-api.kalshi.com/trade-api/v2/',
      JOHN_BASE_URL: '',
    });
    expect(config.port).toBe(8080);
    expect(config.redisUrl).toBe('redis://127.0.0.1:6390');
    expect(config.breaker.errorThresholdPercentage).toBe(25);
    expect(config.availabilityThreshold).toBe(0.75);
    expect(config.kalshi.baseUrl).toBe('https://external-api.kalshi.com/trade-api/v2');
    expect(config.john.baseUrl).toBeNull();
  });

  it.each([
    ['PORT', 'eighty', 'an integer port from 0 to 65535'],
    ['PORT', '70000', 'an integer port from 0 to 65535'],
    ['AVAILABILITY_THRESHOLD', '1.5', 'a number from 0 to 1'],
    ['REDIS_URL', 'localhost:6379', 'a redis:// or rediss:// URL'],
    ['DATABASE_URL', 'mysql://x', 'file:<path> (SQLite) or postgresql://'],
    ['KALSHI_WS_URL', 'http://example.test/ws', 'a ws(s) URL'],
    ['LOG_LEVEL', 'loud', 'one of fatal, error'],
    ['NODE_ENV', 'staging', 'one of development, production, test'],
  ])('rejects %s=%s naming the variable and the expected form', (name, value, expected) => {
    let caught: unknown;
    try {
      loadConfig({ [name]: value });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ConfigError);
    const message = (caught as Error).message;
    expect(message).toContain(name);
    expect(message).toContain(expected);
    expect(message).toContain(JSON.stringify(value));
    expect(message.split('\n')).toHaveLength(1);
  });

  it('refuses to start: the real entry point exits 1 with one line naming the variable', () => {
    const result = spawnSync(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
      env: { ...process.env, PORT: 'not-a-port', LOG_LEVEL: 'silent' },
      encoding: 'utf8',
      timeout: 15_000,
    });
    expect(result.status).toBe(1);
    expect(result.stderr.trim()).toBe('northstar: Invalid configuration: PORT must be an integer port from 0 to 65535 (got "not-a-port")');
  });
});

describe('README configuration table', () => {
  it('documents every variable the service reads, and no other', async () => {
    const { readFileSync } = await import('node:fs');
    const { CONFIG_VARIABLES } = await import('../../src/core/config.js');
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    const section = readme.slice(readme.indexOf('## Configuration'), readme.indexOf('### Pointing a source'));
    const documented = [...section.matchAll(/^\| `([A-Z0-9_]+)` \|/gm)].map((m) => m[1]).sort();
    expect(documented).toEqual(CONFIG_VARIABLES.map((v) => v.name).sort());
  });
});
