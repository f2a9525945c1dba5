/**
 * GraphiQL in production with API keys on (GRAPHIQL=on), as a person uses it: the page loads
 * without a key, its header editor holds the `Bearer <your key>` placeholder, and a query sent with
 * the placeholder shows UNAUTHENTICATED. Once the real key is typed into the header editor, the
 * query returns data and the `aggregateUpdated` subscription (over SSE, which carries the header)
 * shows live results that change. The screenshot is kept in test/.artifacts/graphiql-keys.png.
 */
import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { graphqlUrl, startServiceProcess, TEST_API_KEY, TEST_API_KEY_ENTRY, type ServiceProcess } from '../support/service-process.js';
import { launchChromium, saveScreenshot, watchPage, type PageWatch } from './browser-support.js';

const PRODUCTION_WITH_GRAPHIQL = {
  AUTH_MODE: 'keys',
  API_KEYS: TEST_API_KEY_ENTRY,
  GRAPHIQL: 'on',
  AGGREGATION_INTERVAL_MS: '200',
  KALSHI_POLL_INTERVAL_MS: '200',
};

/** Chromium logs the 401 the placeholder key earns: that one is on purpose. */
const EXPECTED_CONSOLE_ERRORS = [/status of 401/];

/** What a Monaco editor shows, with its non-breaking spaces read as spaces. */
async function editorText(editor: Locator): Promise<string> {
  return (await editor.innerText()).replaceAll('\u00a0', ' ');
}

const TAKEN_AT = /"takenAt":\s*"([^"]+)"/;

describe('GraphiQL with API keys, in production, in headless Chromium', () => {
  let service: ServiceProcess;
  let browser: Browser;
  let page: Page;
  let watch: PageWatch;

  const response = (): Promise<string> => editorText(page.locator('.graphiql-response'));

  /** The run button asks which operation when the document holds two (GraphiQL's default one does). */
  const run = async (operationName: string): Promise<void> => {
    await page.locator('.graphiql-execute-button').click();
    await page.getByRole('menuitem', { name: operationName, exact: true }).click();
  };

  beforeAll(async () => {
    [service, browser] = await Promise.all([startServiceProcess(PRODUCTION_WITH_GRAPHIQL), launchChromium()]);
    page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    watch = watchPage(page, new URL(graphqlUrl(service)).origin, EXPECTED_CONSOLE_ERRORS);
    // A production start (migrations, simulators) takes longer than the default hook timeout on a busy machine.
  }, 90_000);
  afterAll(async () => {
    await browser?.close();
    await service?.dispose();
  });

  it('refuses the placeholder key, then queries and subscribes with the key typed into the header editor', { timeout: 90_000 }, async () => {
    await page.goto(graphqlUrl(service));
    await page.getByRole('button', { name: 'Headers' }).click();
    const headerEditor = page.locator('.graphiql-editor-tool .graphiql-editor').last();
    await expect.poll(() => editorText(headerEditor), { timeout: 20_000 }).toContain('Bearer <your key>');

    await run('Aggregate');
    await expect.poll(response, { timeout: 20_000 }).toContain('UNAUTHENTICATED');
    expect(await response()).not.toContain('"markets"');

    // As a person does it: click into the editor, select everything, delete it, paste the header
    // (typed key by key, or pasted over the selection, Monaco's auto-closing leaves a stray `"}`).
    const header = `{"Authorization": "Bearer ${TEST_API_KEY}"}`;
    await headerEditor.click();
    await page.keyboard.press('ControlOrMeta+A');
    await page.keyboard.press('Delete');
    await page.keyboard.insertText(header);
    await page.keyboard.press('Home');
    await expect.poll(async () => (await editorText(headerEditor)).split('\n').at(-1)).toBe(header);

    await run('Aggregate');
    await expect.poll(response, { timeout: 20_000 }).toContain('"availabilityScore"');
    const answered = await response();
    expect(answered).toContain('"ticker"');
    expect(answered).not.toContain('UNAUTHENTICATED');

    await run('AggregateUpdated');
    await expect.poll(response, { timeout: 20_000 }).toContain('"aggregateUpdated"');
    const first = (await response()).match(TAKEN_AT)?.[1];
    expect(first).toBeDefined();
    // Live: the takenAt shown changes as new aggregates arrive over SSE.
    await expect.poll(async () => (await response()).match(TAKEN_AT)?.[1], { timeout: 20_000 }).not.toBe(first);

    await saveScreenshot(page, 'graphiql-keys.png');
    expect(watch.errors).toEqual([]);
    expect(watch.foreignRequests).toEqual([]);
  });
});
