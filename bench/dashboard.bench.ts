/**
 * The dashboard's cost to the machine it is open on, all day: how busy the page's main thread is
 * (Chromium's own task, script, style and layout time from the DevTools Performance domain) while
 * the service ticks on its simulators, over BENCH_DASHBOARD_WINDOW_MS windows in headless Debian
 * Chromium at 1600 × 1000. Measured as it ships, with one market open, and next to the baseline of
 * the same page with reduced motion (no price tint: what the data and the charts alone cost) in
 * the same run. `npm run bench dashboard`; needs /usr/bin/chromium.
 */
import type { Browser } from 'playwright-core';
import { launchChromium } from '../test/browser/browser-support.js';
import { graphqlUrl, startServiceProcess } from '../test/support/service-process.js';
import { until } from '../test/support/until.js';

const WINDOW_MS = Number(process.env.BENCH_DASHBOARD_WINDOW_MS ?? 10_000);
/** Let the first reads, the charts' first draw and the key prompt check settle before measuring. */
const SETTLE_MS = 4000;

interface MainThread {
  taskPct: number;
  scriptPct: number;
  stylePct: number;
  layoutPct: number;
  layouts: number;
  styleRecalcs: number;
}

async function measure(browser: Browser, origin: string, options: { reducedMotion: 'reduce' | 'no-preference'; openMarket: boolean }): Promise<MainThread> {
  const page = await browser.newPage({ viewport: { width: 1600, height: 1000 }, reducedMotion: options.reducedMotion });
  try {
    await page.goto(`${origin}/`);
    await until('20 market rows', 60_000, async () => ((await page.getByTestId('market-row').count()) >= 20 ? true : null));
    if (options.openMarket) await page.getByTestId('market-row').first().click();
    await new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('Performance.enable');
    const read = async (): Promise<Record<string, number>> =>
      Object.fromEntries((await cdp.send('Performance.getMetrics')).metrics.map((metric) => [metric.name, metric.value]));
    const before = await read();
    await new Promise((resolve) => setTimeout(resolve, WINDOW_MS));
    const after = await read();
    const delta = (name: string): number => (after[name] ?? 0) - (before[name] ?? 0);
    const wall = delta('Timestamp');
    const pct = (name: string): number => (100 * delta(name)) / wall;
    return {
      taskPct: pct('TaskDuration'),
      scriptPct: pct('ScriptDuration'),
      stylePct: pct('RecalcStyleDuration'),
      layoutPct: pct('LayoutDuration'),
      layouts: delta('LayoutCount'),
      styleRecalcs: delta('RecalcStyleCount'),
    };
  } finally {
    await page.close();
  }
}

const line = (label: string, m: MainThread): string =>
  `  ${label.padEnd(52)} busy ${m.taskPct.toFixed(1).padStart(5)}%  script ${m.scriptPct.toFixed(1)}%  style ${m.stylePct.toFixed(1)}% (${m.styleRecalcs})  layout ${m.layoutPct.toFixed(1)}% (${m.layouts})`;

export async function run(): Promise<void> {
  const service = await startServiceProcess({ NODE_ENV: 'development', AUTH_MODE: 'off' });
  const browser = await launchChromium();
  try {
    const origin = new URL(graphqlUrl(service)).origin;
    console.log(`dashboard: the page's main thread over ${WINDOW_MS / 1000} s windows on the simulators (style and layout: time, then count)`);
    for (const openMarket of [false, true]) {
      const shipped = await measure(browser, origin, { reducedMotion: 'no-preference', openMarket });
      const baseline = await measure(browser, origin, { reducedMotion: 'reduce', openMarket });
      const what = openMarket ? 'one market open' : 'markets only';
      console.log(line(`as shipped (price tints), ${what}`, shipped));
      console.log(line(`baseline: reduced motion (no tints), ${what}`, baseline));
    }
  } finally {
    await browser.close();
    await service.dispose();
  }
}
