/**
 * What every browser test of a page the service serves needs: Debian's Chromium started headless
 * the way this machine allows (no background traffic to Google, which the closed network refuses),
 * a watch on the page for errors and for requests that leave the service's origin, and the place
 * screenshots go. scripts/screenshot-dashboard.ts uses the same launch and readiness checks.
 */
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { chromium, type Browser, type Page } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';

/** A service and Chromium starting side by side, and the page's first load, on a busy two-core machine. */
export const STARTUP_TIMEOUT_MS = 60_000;

/** Where tests keep their screenshots (git-ignored). */
export const ARTIFACTS = new URL('../.artifacts/', import.meta.url);

export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: install Debian's chromium (npm test's setup does)`);
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
}

/** Saves a screenshot of `page` as test/.artifacts/<name>. */
export async function saveScreenshot(page: Page, name: string): Promise<void> {
  await mkdir(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: new URL(name, ARTIFACTS).pathname });
}

export interface PageWatch {
  /** Uncaught exceptions and console errors, as text. */
  readonly errors: string[];
  /** Every URL the page asked for (HTTP and WebSocket) outside `origin`. */
  readonly foreignRequests: string[];
  /** Every URL the page asked for, in order. */
  readonly requests: string[];
}

/**
 * Records what the page does wrong from now on. `origin` is the service's (http://host:port); a
 * WebSocket to the same host and port counts as the same origin. data: and blob: URLs never leave
 * the page. `expectedConsoleErrors`: messages the browser itself logs for what the test does on
 * purpose (a 401 before the key is entered, a refused connection while the service restarts).
 */
export function watchPage(page: Page, origin: string, expectedConsoleErrors: readonly RegExp[] = []): PageWatch {
  const own = new URL(origin);
  const watch: PageWatch = { errors: [], foreignRequests: [], requests: [] };
  const record = (url: string): void => {
    watch.requests.push(url);
    const target = new URL(url);
    if (target.protocol === 'data:' || target.protocol === 'blob:') return;
    const sameScheme = target.protocol === own.protocol || target.protocol === own.protocol.replace(/^http/, 'ws');
    if (!sameScheme || target.host !== own.host) watch.foreignRequests.push(url);
  };
  page.on('request', (request) => record(request.url()));
  page.on('websocket', (socket) => record(socket.url()));
  page.on('pageerror', (error) => watch.errors.push(`pageerror: ${error.stack ?? error.message}`));
  page.on('console', (message) => {
    if (message.type() !== 'error') return;
    const text = message.text();
    if (!expectedConsoleErrors.some((pattern) => pattern.test(text))) watch.errors.push(`console.error: ${text} (${message.location().url})`);
  });
  return watch;
}

/**
 * How many points a chart says it has drawn: the panels put the count on their chart element as
 * `data-points` once it is on the canvas.
 */
export async function drawnPoints(page: Page, testId: string): Promise<number> {
  const value = await page.getByTestId(testId).first().getAttribute('data-points', { timeout: 1000 });
  return value === null ? 0 : Number(value);
}
