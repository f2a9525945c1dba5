/**
 * Regenerates the README's picture of the dashboard, dashboard/screenshot.png (committed):
 * starts the service on its simulators as a real process (development mode, auth off, timers
 * short enough that the P&L history and the insight feed fill in seconds), opens `/` in Debian's
 * Chromium at 1600 × 1000, waits until every panel shows live data and one market is open, and
 * saves the page. Run it after changing the dashboard's look:
 *
 *     npx tsx scripts/screenshot-dashboard.ts [--dark] [--out path.png]
 *
 * It builds the dashboard from dashboard/ first (the picture is of the current sources) and needs
 * /usr/bin/chromium.
 */
import { execFileSync } from 'node:child_process';
import { parseArgs } from 'node:util';
import { drawnPoints, launchChromium } from '../test/browser/browser-support.js';
import { graphqlUrl, startServiceProcess } from '../test/support/service-process.js';
import { until } from '../test/support/until.js';

const { values: options } = parseArgs({ options: { dark: { type: 'boolean', default: false }, out: { type: 'string', default: 'dashboard/screenshot.png' } } });
const WAIT_MS = 120_000;

execFileSync(process.execPath, ['scripts/dashboard-build.mjs', '--build'], { stdio: 'inherit' });

/** Waits until the page shows `what` (`check` true; a check that throws counts as not yet). */
async function shows(what: string, check: () => Promise<boolean>): Promise<void> {
  await until(what, WAIT_MS, async () => ((await check().catch(() => false)) ? true : null));
}

const service = await startServiceProcess({
  NODE_ENV: 'development',
  AUTH_MODE: 'off',
  AGGREGATION_INTERVAL_MS: '250',
  SNAPSHOT_INTERVAL_MS: '500',
  INSIGHT_INTERVAL_MS: '2000',
});
const browser = await launchChromium();
try {
  const page = await browser.newPage({ viewport: { width: 1600, height: 1000 }, colorScheme: options.dark ? 'dark' : 'light' });
  await page.goto(`${new URL(graphqlUrl(service)).origin}/`);
  const rows = page.getByTestId('market-row');
  await shows('20 markets', async () => (await rows.count()) >= 20);
  await rows.first().click();
  await shows('the depth chart', async () => (await drawnPoints(page, 'depth-chart')) > 0);
  await shows('the candle chart', async () => (await drawnPoints(page, 'candle-chart')) > 0);
  await shows('an insight', async () => (await page.getByTestId('insight-feed').locator('[data-insight]').count()) > 0);
  // The chart keeps one point per agent per 5 s: a minute of history is a line worth looking at.
  await shows('a minute of P&L', async () => (await drawnPoints(page, 'pnl-chart')) >= 12);
  await shows('every source CLOSED', async () => {
    const breakers = await page.getByTestId('source-status').evaluateAll((elements) => elements.map((element) => element.getAttribute('data-breaker')));
    return breakers.length === 3 && breakers.every((breaker) => breaker === 'CLOSED');
  });
  await page.screenshot({ path: options.out });
  console.log(`wrote ${options.out}`);
} finally {
  await browser.close();
  await service.dispose();
}
