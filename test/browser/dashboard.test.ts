/**
 * The dashboard as a person sees it (issue 12): the whole service on its simulators, Debian's
 * Chromium on `/`, and only what the page shows through its data-testids. Markets arrive and tick
 * by themselves, the P&L chart draws and grows, insights fill the feed, a row opens its depth and
 * candle charts, and a John outage injected into its simulator turns the JOHN breaker OPEN on the
 * page and back to CLOSED — all without one page error or one request off the service's origin.
 * The service runs in-process so the test can switch the simulator's fault on while the page
 * watches. Screenshots at 1600 × 1000 and 1280 × 800 go to test/.artifacts/.
 */
import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startService, type RunningService } from '../support/service.js';
import { drawnPoints, launchChromium, saveScreenshot, STARTUP_TIMEOUT_MS, watchPage, type PageWatch } from './browser-support.js';

/** Breakers that open after two failed calls and try again 3 s later, so an outage shows in seconds. */
declare global {
  interface Window {
    /** The JOHN breaker states the page showed, in order (recorded by the breaker test). */
    __johnBreakers?: string[];
  }
}

const FAST_BREAKERS = { CB_VOLUME_THRESHOLD: '2', CB_RESET_TIMEOUT_MS: '3000' };

// Each test's timeout covers the sum of its own bounded waits: on a loaded machine a wait may use
// most of its bound, and the default 20 s would cut a test whose every step was still in time.
describe('the dashboard in headless Chromium', () => {
  let service: RunningService;
  let browser: Browser;
  let page: Page;
  let watch: PageWatch;
  let origin: string;

  const rows = (): Locator => page.getByTestId('market-row');
  const johnStatus = (): Locator => page.locator('[data-testid=source-status][data-source=JOHN]');

  beforeAll(async () => {
    [service, browser] = await Promise.all([startService(FAST_BREAKERS), launchChromium()]);
    origin = new URL(service.url).origin;
    page = await browser.newPage({ viewport: { width: 1600, height: 1000 } });
    watch = watchPage(page, origin);
    await page.goto(`${origin}/`);
  }, STARTUP_TIMEOUT_MS);
  afterAll(async () => {
    await browser?.close();
    await service?.stop();
  });

  it('shows every market (at least 20 rows), each with its ticker and price cells', async () => {
    await expect.poll(() => rows().count(), { timeout: 15_000 }).toBeGreaterThanOrEqual(20);
    const tickers = await rows().evaluateAll((elements) => elements.map((row) => row.getAttribute('data-ticker')));
    expect(tickers.every((ticker) => typeof ticker === 'string' && ticker.length > 0)).toBe(true);
    expect(new Set(tickers).size).toBe(tickers.length);
    const fields = await rows()
      .first()
      .evaluate((row) => [...row.querySelectorAll('[data-field]')].map((cell) => cell.getAttribute('data-field')));
    expect(fields).toEqual(expect.arrayContaining(['bid', 'ask', 'last', 'volume']));
    // Prices are cents throughout (42¢, 42.5¢).
    await expect.poll(() => page.locator('[data-testid=market-row] [data-field=bid]').first().innerText()).toMatch(/^\d+(\.\d)?¢$/);
    await saveScreenshot(page, 'dashboard-1600x1000.png');
  });

  it('a bid cell changes by itself within seconds, and the cell does not move when it does', async () => {
    const bids = (): Promise<Record<string, string>> =>
      rows().evaluateAll((elements) =>
        Object.fromEntries(elements.map((row) => [row.getAttribute('data-ticker') ?? '', row.querySelector('[data-field=bid]')?.textContent ?? ''])),
      );
    const before = await bids();
    // Where each bid cell sits: ticker@x,width, in ticker order.
    const places = async (): Promise<string[]> =>
      (
        await page.locator('[data-testid=market-row] [data-field=bid]').evaluateAll((cells) =>
          cells.map((cell) => {
            const box = cell.getBoundingClientRect();
            return `${cell.closest('[data-testid=market-row]')?.getAttribute('data-ticker')}@${box.x},${box.width}`;
          }),
        )
      ).sort();
    const placesBefore = await places();
    let changed: string | undefined;
    await expect
      .poll(
        async () => {
          const now = await bids();
          changed = Object.keys(before).find((ticker) => now[ticker] !== undefined && now[ticker] !== before[ticker]);
          return changed;
        },
        { timeout: 10_000 },
      )
      .toBeDefined();
    // Tabular figures in fixed-width cells: a ticking value shifts nothing sideways.
    expect(await places()).toEqual(placesBefore);
  });

  it('a moved price is tinted for a moment (up or down) and then back to normal; with reduced motion it is not', { timeout: 75_000 }, async () => {
    // What the page shows, cell by cell: the price fields whose text colour is not the row's own.
    const tinted = (): Promise<number> =>
      page.locator('[data-testid=market-row] [data-field]').evaluateAll((cells) => {
        return cells.filter((cell) => {
          const row = cell.closest('[data-testid=market-row]');
          return (
            row !== null &&
            ['bid', 'ask', 'last'].includes(cell.getAttribute('data-field') ?? '') &&
            getComputedStyle(cell).color !== getComputedStyle(row).color &&
            cell.getAnimations().length > 0
          );
        }).length;
      });
    await expect.poll(tinted, { timeout: 10_000 }).toBeGreaterThan(0);
    // Each tint ends by itself (1.2 s): once its animation is over, a cell that has not moved again
    // is back in the row's colour.
    const backToNormal = await page.locator('[data-testid=market-row] [data-field]').evaluateAll(async (cells) => {
      const animated = cells.filter((cell) => cell.getAnimations().length > 0);
      await Promise.all(animated.flatMap((cell) => cell.getAnimations().map((animation) => animation.finished.catch(() => undefined))));
      const still = animated.filter((cell) => cell.getAnimations().length === 0);
      return {
        animated: animated.length,
        normal: still.filter((cell) => getComputedStyle(cell).color === getComputedStyle(cell.closest('[data-testid=market-row]')!).color).length,
        still: still.length,
      };
    });
    expect(backToNormal.animated).toBeGreaterThan(0);
    expect(backToNormal.normal).toBe(backToNormal.still);

    await page.emulateMedia({ reducedMotion: 'reduce' });
    try {
      // A fresh table under reduced motion: prices still tick, none is animated.
      await page.reload();
      await expect.poll(() => rows().count(), { timeout: 15_000 }).toBeGreaterThanOrEqual(20);
      const animatedCells = async (): Promise<number> =>
        page.locator('[data-testid=market-row] [data-field]').evaluateAll((cells) => cells.filter((cell) => cell.getAnimations().length > 0).length);
      const bidsNow = (): Promise<string[]> => page.locator('[data-testid=market-row] [data-field=bid]').allInnerTexts();
      const before = await bidsNow();
      let seen = 0;
      await expect
        .poll(
          async () => {
            seen = Math.max(seen, await animatedCells());
            return (await bidsNow()).join() !== before.join();
          },
          { timeout: 10_000 },
        )
        .toBe(true);
      expect(seen).toBe(0);
      expect(await tinted()).toBe(0);
    } finally {
      await page.emulateMedia({ reducedMotion: 'no-preference' });
      await page.reload();
      await expect.poll(() => rows().count(), { timeout: 15_000 }).toBeGreaterThanOrEqual(20);
    }
  });

  it('the P&L chart draws points and grows as aggregates arrive', { timeout: 40_000 }, async () => {
    await expect.poll(() => drawnPoints(page, 'pnl-chart'), { timeout: 15_000 }).toBeGreaterThan(0);
    const first = await drawnPoints(page, 'pnl-chart');
    await expect.poll(() => drawnPoints(page, 'pnl-chart'), { timeout: 10_000 }).toBeGreaterThan(first);
  });

  it('the insight feed fills as insights are generated', { timeout: 30_000 }, async () => {
    const feed = page.getByTestId('insight-feed');
    await expect.poll(() => feed.locator('[data-insight]').count(), { timeout: 20_000 }).toBeGreaterThan(0);
    await expect.poll(() => feed.locator('[data-insight]').first().innerText()).toMatch(/BULLISH|BEARISH|NEUTRAL|MIXED/i);
  });

  it('clicking a market row shows its depth chart and its candle chart, drawn', { timeout: 45_000 }, async () => {
    const row = rows().nth(1);
    const ticker = await row.getAttribute('data-ticker');
    await row.click();
    await expect.poll(() => page.locator('#market-detail').innerText(), { timeout: 10_000 }).toContain(ticker);
    await expect.poll(() => drawnPoints(page, 'depth-chart'), { timeout: 10_000 }).toBeGreaterThan(0);
    await expect.poll(() => drawnPoints(page, 'candle-chart'), { timeout: 10_000 }).toBeGreaterThan(0);
    await saveScreenshot(page, 'dashboard-market-detail.png');
  });

  it('shows every source, and a John outage in its simulator turns JOHN OPEN, then CLOSED again', { timeout: 90_000 }, async () => {
    for (const source of ['KALSHI', 'ANTHROPIC', 'JOHN']) {
      await expect
        .poll(() => page.locator(`[data-testid=source-status][data-source=${source}]`).getAttribute('data-breaker'), { timeout: 10_000 })
        .toMatch(/^(CLOSED|OPEN|HALF_OPEN)$/);
    }
    await expect.poll(() => johnStatus().getAttribute('data-breaker'), { timeout: 10_000 }).toBe('CLOSED');
    // The page keeps every breaker state it showed for JOHN, so a short OPEN is not missed between two looks.
    await page.evaluate(() => {
      const shown: string[] = ['CLOSED'];
      window.__johnBreakers = shown;
      new MutationObserver(() => {
        const state = document.querySelector('[data-testid=source-status][data-source=JOHN]')?.getAttribute('data-breaker');
        if (state && shown.at(-1) !== state) shown.push(state);
      }).observe(document.getElementById('sources')!, { subtree: true, childList: true, attributeFilter: ['data-breaker'] });
    });
    const shown = (): Promise<string[]> => page.evaluate(() => window.__johnBreakers ?? []);
    const john = service.app.simulators.john;
    if (!john) throw new Error('John runs on its simulator in this test');
    // Bodies that are not JSON: each poll fails at once (no retry-after to wait out).
    john.injectFault({ kind: 'malformed' });
    await expect.poll(shown, { timeout: 20_000 }).toContain('OPEN');
    await saveScreenshot(page, 'dashboard-john-open.png');
    john.clearFault();
    await expect.poll(async () => (await shown()).at(-1), { timeout: 20_000 }).toBe('CLOSED');
    expect((await shown()).slice(0, 2)).toEqual(['CLOSED', 'OPEN']);
    expect(await johnStatus().getAttribute('data-availability')).toBe('LIVE');
  });

  it("keeps each source's last success current while it is healthy", { timeout: 30_000 }, async () => {
    // Kalshi answers every 100 ms: the moment shown ("Last success 0.4 s ago · 16:59:59") moves on
    // by itself, rather than staying at the page's first read of the sources.
    const kalshi = page.locator('[data-testid=source-status][data-source=KALSHI]');
    const lastSuccess = async (): Promise<string | undefined> => /Last success\s+(.*\d\d:\d\d:\d\d)/.exec(await kalshi.innerText())?.[1];
    const first = await lastSuccess();
    expect(first).toMatch(/ s ago · /);
    await expect.poll(lastSuccess, { timeout: 10_000 }).toMatch(/^\d\.\d s ago · /);
    await expect.poll(async () => (await lastSuccess())?.split(' · ')[1], { timeout: 10_000 }).not.toBe(first?.split(' · ')[1]);
  });

  it('is still usable at 1280 × 800: every panel on screen, nothing wider than the window', { timeout: 40_000 }, async () => {
    await page.setViewportSize({ width: 1280, height: 800 });
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    for (const id of ['markets', 'market-detail', 'pnl', 'sources', 'insights']) {
      const box = await page.locator(`#${id}`).boundingBox();
      expect(box, `#${id}`).not.toBeNull();
      expect(box!.width, `#${id} width`).toBeGreaterThan(200);
      expect(box!.x + box!.width, `#${id} right edge`).toBeLessThanOrEqual(1280);
    }
    await saveScreenshot(page, 'dashboard-1280x800.png');
  });

  it('raised no page error and asked nothing of another origin', () => {
    expect(watch.errors).toEqual([]);
    expect(watch.foreignRequests).toEqual([]);
    // It did talk to the service: the page, its assets, /graphql over HTTP and over a WebSocket.
    expect(watch.requests.some((url) => url.startsWith(`${origin.replace(/^http/, 'ws')}/graphql`))).toBe(true);
    expect(watch.requests.some((url) => url === `${origin}/graphql`)).toBe(true);
  });
});
