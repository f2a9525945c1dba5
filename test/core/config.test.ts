import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/core/config.js';
import { ConfigError } from '../../src/core/errors.js';

/** A key entry production needs to start (the digest of no key anyone holds). */
const PRODUCTION_KEY = `ops:read:${'0'.repeat(64)}`;

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
    expect(loadConfig({ NODE_ENV: 'production', SIMULATORS: 'all', API_KEYS: PRODUCTION_KEY }).logFormat).toBe('json');
    expect(config.simulators).toEqual({ kalshi: true, anthropic: true, john: true });
    expect(config.john.endpoint).toBeNull();
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

describe('SIMULATORS', () => {
  it('defaults to every source without a URL outside production, and a URL always wins', () => {
    expect(loadConfig({}).simulators).toEqual({ kalshi: true, anthropic: true, john: true });
    expect(loadConfig({ JOHN_BASE_URL: 'https://john.internal' }).simulators).toEqual({ kalshi: true, anthropic: true, john: false });
    expect(loadConfig({ SIMULATORS: 'kalshi,anthropic', JOHN_BASE_URL: 'https://john.internal' }).simulators).toEqual({
      kalshi: true,
      anthropic: true,
      john: false,
    });
  });

  it('runs none in production by default: a source without a URL refuses startup naming SIMULATORS and its *_BASE_URL', () => {
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(
      'Invalid configuration: kalshi has no upstream: set KALSHI_BASE_URL, or add kalshi to SIMULATORS to run it on its simulator (SIMULATORS is "none", the production default)',
    );
    expect(() =>
      loadConfig({ NODE_ENV: 'production', KALSHI_BASE_URL: 'https://external-api.kalshi.com/trade-api/v2', ANTHROPIC_BASE_URL: 'https://api.anthropic.com' }),
    ).toThrow(/john has no upstream: set JOHN_BASE_URL, or add john to SIMULATORS/);
    const live = loadConfig({
      NODE_ENV: 'production',
      KALSHI_BASE_URL: 'https://external-api.kalshi.com/trade-api/v2',
      ANTHROPIC_BASE_URL: 'https://api.anthropic.com',
      JOHN_BASE_URL: 'https://john.internal',
      API_KEYS: PRODUCTION_KEY,
    });
    expect(live.simulators).toEqual({ kalshi: false, anthropic: false, john: false });
    expect(
      loadConfig({
        NODE_ENV: 'production',
        SIMULATORS: 'john',
        KALSHI_BASE_URL: 'https://k.example/trade-api/v2',
        ANTHROPIC_BASE_URL: 'https://a.example',
        API_KEYS: PRODUCTION_KEY,
      }).simulators,
    ).toEqual({
      kalshi: false,
      anthropic: false,
      john: true,
    });
  });

  it('outside production, none means every source needs its URL', () => {
    expect(() => loadConfig({ SIMULATORS: 'none', KALSHI_BASE_URL: 'https://k.example/trade-api/v2' })).toThrow(
      /anthropic has no upstream: set ANTHROPIC_BASE_URL, or add anthropic to SIMULATORS .*\(SIMULATORS is "none"\)/,
    );
  });

  it('refuses an unknown source by name', () => {
    expect(() => loadConfig({ SIMULATORS: 'kalshi,bloomberg' })).toThrow(/SIMULATORS must be all, none, or a comma-separated list of kalshi, anthropic, john/);
  });
});

describe('JOHN_ENDPOINT', () => {
  it('is single, all or a list of agent ids', () => {
    expect(loadConfig({ JOHN_ENDPOINT: 'single' }).john.endpoint).toEqual({ kind: 'single' });
    expect(loadConfig({ JOHN_ENDPOINT: 'all' }).john.endpoint).toEqual({ kind: 'all' });
    expect(loadConfig({ JOHN_ENDPOINT: 'agent:john:main,agent:john:smb' }).john.endpoint).toEqual({
      kind: 'agents',
      agentIds: ['agent:john:main', 'agent:john:smb'],
    });
    expect(() => loadConfig({ JOHN_ENDPOINT: 'a,,b' })).toThrow(/JOHN_ENDPOINT must be single/);
  });
});

describe('Kalshi demand and starvation limits (issue 10)', () => {
  it('default: 50 books on demand, a minute idle, 10 book reads per operation, unknown tickers for 5 s, a quarter of the pacer for the pollers', () => {
    const { kalshi } = loadConfig({});
    expect(kalshi).toMatchObject({ maxTrackedBooks: 50, bookIdleMs: 60_000, bookReadsPerRequest: 10, unknownTickerTtlMs: 5000, pollerReservedReads: 2 });
    expect(loadConfig({ KALSHI_READS_PER_SECOND: '1' }).kalshi.pollerReservedReads).toBe(0);
    expect(loadConfig({ KALSHI_READS_PER_SECOND: '3' }).kalshi.pollerReservedReads).toBe(1);
  });

  it('refuses a poller reserve that would leave client reads no token', () => {
    expect(loadConfig({ KALSHI_READS_PER_SECOND: '5', KALSHI_POLLER_RESERVED_READS: '4' }).kalshi.pollerReservedReads).toBe(4);
    expect(() => loadConfig({ KALSHI_READS_PER_SECOND: '5', KALSHI_POLLER_RESERVED_READS: '5' })).toThrow(
      /KALSHI_POLLER_RESERVED_READS must be below KALSHI_READS_PER_SECOND \(5\)/,
    );
    expect(() => loadConfig({ KALSHI_MAX_TRACKED_BOOKS: '-1' })).toThrow(/KALSHI_MAX_TRACKED_BOOKS must be an integer from 0 to 1000/);
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
