/**
 * Access as an operator meets it, on the real process: production refuses to start without keys
 * and with AUTH_MODE=off (one line naming the variable; malformed entries: test/server/access/api-keys.test.ts), development without
 * keys says so in one warning line and serves without a key, and a key made by `npm run keys:new`
 * works from API_KEYS_FILE (with GraphiQL on in production through GRAPHIQL=on).
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { LEVEL } from '../support/log-capture.js';
import { graphqlUrl, startServiceProcess } from '../support/service-process.js';

const DIGEST = 'ab'.repeat(32);

/** Starts a process that must refuse to start; resolves with its exit code and stderr. */
async function refusal(env: Record<string, string>): Promise<{ code: number; stderr: string }> {
  const error = await startServiceProcess(env, { readyTimeoutMs: 30_000 }).then(
    async (service) => {
      await service.dispose();
      throw new Error('the service started');
    },
    (rejection: Error) => rejection,
  );
  const match = /exited with (\d+) before it was ready: ([\s\S]*)$/.exec(error.message);
  expect(match, error.message).not.toBeNull();
  return { code: Number(match![1]), stderr: match![2]! };
}

function lines(text: string): string[] {
  return text.split('\n').filter((line) => line.trim() !== '');
}

/** `npm run keys:new -- …`: its stdout. */
function keysNew(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn('npm', ['run', '-s', 'keys:new', '--', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve) => child.once('close', (code) => resolve({ code, stdout, stderr })));
}

const post = (url: string, headers: Record<string, string> = {}) =>
  fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify({ query: '{ sources { source } }' }) });

describe('access at startup', () => {
  const dirs: string[] = [];
  afterAll(async () => {
    await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })));
  });

  it('production without keys: exit 1, one line naming API_KEYS', { timeout: 30_000 }, async () => {
    const { code, stderr } = await refusal({ API_KEYS: '' });
    expect(code).toBe(1);
    expect(lines(stderr)).toHaveLength(1);
    expect(stderr).toContain('API_KEYS');
  });

  it('production with AUTH_MODE=off: exit 1, one line naming AUTH_MODE', { timeout: 30_000 }, async () => {
    const { code, stderr } = await refusal({ AUTH_MODE: 'off', API_KEYS: `ops:admin:${DIGEST}` });
    expect(code).toBe(1);
    expect(lines(stderr)).toHaveLength(1);
    expect(stderr).toMatch(/AUTH_MODE=off is refused in production/);
  });

  it('development without keys: one warning line, and it serves without a key', { timeout: 60_000 }, async () => {
    const service = await startServiceProcess({ NODE_ENV: 'development', API_KEYS: '' });
    try {
      const warnings = service.logs.filter((line) => line.level === LEVEL.warn);
      expect(warnings.filter((line) => String(line.msg).includes('AUTH_MODE=off'))).toHaveLength(1);
      const answer = await post(graphqlUrl(service));
      expect(answer.status).toBe(200);
    } finally {
      await service.dispose();
    }
  });

  it('a key from npm run keys:new works from API_KEYS_FILE; GRAPHIQL=on serves GraphiQL in production', { timeout: 60_000 }, async () => {
    const made = await keysNew(['--id', 'desk', '--scopes', 'read']);
    expect(made.code, made.stderr).toBe(0);
    const key = /^ {2}key: (\S+)$/m.exec(made.stdout)?.[1];
    const entry = /^ {2}entry: (\S+)$/m.exec(made.stdout)?.[1];
    expect(key).toMatch(/^[A-Za-z0-9_-]{43,}$/);
    expect(entry).toMatch(/^desk:read:[0-9a-f]{64}$/);
    // Printed once: the key appears in the output exactly one time.
    expect(made.stdout.split(key!).length - 1).toBe(1);
    expect((await keysNew(['--id', 'desk', '--scopes', 'write'])).code).toBe(2);

    const dir = await mkdtemp(join(tmpdir(), 'northstar-keys-'));
    dirs.push(dir);
    const file = join(dir, 'keys');
    await writeFile(file, `# the desk's key\n\n${entry!}\n`);
    const service = await startServiceProcess({ API_KEYS_FILE: file, GRAPHIQL: 'on' });
    try {
      const url = graphqlUrl(service);
      expect((await post(url, { authorization: `Bearer ${key!}` })).status).toBe(200);
      expect((await post(url)).status).toBe(401);
      const page = await fetch(url, { headers: { accept: 'text/html' } });
      expect(page.status).toBe(200);
      expect(await page.text()).toContain('Bearer <your key>');
    } finally {
      await service.dispose();
    }
  });
});
