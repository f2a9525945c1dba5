/**
 * The examples README links to run as a user runs them (`node examples/…mjs <url>`) against a real
 * server: each prints its query's answer, then five live updates, and exits 0 by itself.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startService, type RunningService } from '../support/service.js';

const run = promisify(execFile);
const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z /;

describe('examples/', () => {
  let service: RunningService;
  beforeAll(async () => {
    service = await startService();
  });
  afterAll(async () => {
    await service?.stop();
  });

  it('apollo-client.mjs prints the aggregate, then five ticks with prices', { timeout: 30_000 }, async () => {
    const { stdout } = await run(process.execPath, ['examples/apollo-client.mjs', service.url], { timeout: 25_000 });
    const lines = stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^availability [\d.]+, \d+ markets$/);
    const ticks = lines.slice(1);
    expect(ticks).toHaveLength(5);
    for (const tick of ticks) expect(tick).toMatch(new RegExp(`${ISO_TIME.source}KX[A-Z0-9.-]+ [\\d.]+ [\\d.]+$`));
  });

  it('urql-client.mjs prints the sources, then five ticks with P&L per agent', { timeout: 30_000 }, async () => {
    const { stdout } = await run(process.execPath, ['examples/urql-client.mjs', service.url], { timeout: 25_000 });
    for (const source of ['KALSHI', 'ANTHROPIC', 'JOHN']) expect(stdout).toContain(source);
    const ticks = stdout.split('\n').filter((line) => ISO_TIME.test(line));
    expect(ticks).toHaveLength(5);
    for (const tick of ticks) expect(tick).toMatch(/agent:[\w:-]+=-?[\d.]+/);
  });
});
