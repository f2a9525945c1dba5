/**
 * GraphiQL as a person uses it: Debian's Chromium (driven by playwright-core) opens the bundled
 * GraphiQL, runs the `aggregateUpdated` subscription over graphql-ws and shows live results that
 * change. The screenshot is kept in test/.artifacts/graphiql.png.
 */
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startService, type RunningService } from '../support/service.js';

const CHROMIUM = '/usr/bin/chromium';
const ARTIFACTS = new URL('../.artifacts/', import.meta.url);

describe('GraphiQL in headless Chromium', () => {
  let service: RunningService;
  let browser: Browser;

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: install Debian's chromium (.ci/run does)`);
    service = await startService();
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
      ],
    });
  });
  afterAll(async () => {
    await browser?.close();
    await service?.stop();
  });

  it('runs the aggregateUpdated subscription and shows live, changing results', { timeout: 60_000 }, async () => {
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    const query = 'subscription { aggregateUpdated { takenAt markets { ticker prices { bid ask } } } }';
    await page.goto(`${service.url}?query=${encodeURIComponent(query)}`);
    await page.locator('.graphiql-execute-button').click();
    const result = page.locator('.graphiql-response');
    await expect.poll(async () => result.innerText(), { timeout: 20_000 }).toContain('aggregateUpdated');
    const first = (await result.innerText()).match(/"takenAt":\s*"([^"]+)"/)?.[1];
    expect(first).toBeDefined();
    // Live: the takenAt shown changes as new aggregates arrive over the WebSocket.
    await expect.poll(async () => (await result.innerText()).match(/"takenAt":\s*"([^"]+)"/)?.[1], { timeout: 20_000 }).not.toBe(first);
    await mkdir(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: new URL('graphiql.png', ARTIFACTS).pathname });
    await page.close();
  });
});
