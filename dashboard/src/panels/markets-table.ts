/**
 * Every market in one table: bid, ask, last, change against the previous price, 24 h volume, and
 * how fresh and from which tier each price is (dimmed when cached or stale, labelled when
 * simulated). Read once, then kept current by the aggregateUpdated subscription (no polling);
 * re-read after a reconnect. Rows are keyed by ticker and only changed cells are rewritten, in
 * fixed-width columns, so nothing moves as values tick. A click (or Enter) selects a market.
 */
import type { DashboardApi } from '../api/api.js';
import { MarketsTableDocument, MarketsTableUpdatesDocument, type MarketsTableRowFragment } from '../generated/graphql.js';
import { formatCents, formatCount } from '../shaping/format.js';
import { el, panelFrame } from './dom.js';
import { formatAge, formatChangeCents, freshnessOf, producedAt, qualitySentence, tierLabel } from './quality.js';
import './markets-table.css';

const PRICE_FIELDS = ['bid', 'ask', 'last'] as const;
/** How often the age column is rewritten (a display clock; the data comes from the subscription). */
const AGE_TICK_MS = 1000;

interface Row {
  market: MarketsTableRowFragment;
  /** The upstream's moment for this market's values, on the page's clock. */
  producedAt: number;
  element: HTMLTableRowElement;
  cells: Record<'bid' | 'ask' | 'last' | 'change' | 'volume' | 'quality', HTMLTableCellElement>;
}

function cell(row: HTMLTableRowElement, className: string, field?: string): HTMLTableCellElement {
  const td = row.insertCell();
  td.className = className;
  if (field) td.dataset.field = field;
  return td;
}

/** Sets text only when it differs, and says whether it did (so a changed value can flash). */
function setText(element: HTMLElement, text: string): boolean {
  if (element.textContent === text) return false;
  element.textContent = text;
  return true;
}

const reducedMotion = window.matchMedia('(prefers-reduced-motion: reduce)');
/** The running flash per cell, so a new tick replaces it instead of stacking. */
const flashes = new WeakMap<HTMLElement, Animation>();

/**
 * A price that moved shows which way for a moment (its text tinted, no background: calm). The Web
 * Animations API restarts a fade without the forced layout (reading offsetWidth) that restarting a
 * CSS animation by class needs, once per changed cell per tick.
 *
 * The fade is four steps, not a smooth curve: a colour cannot be animated on the compositor, so a
 * smooth fade restyles and repaints every fading cell on every frame. On the simulators (headless
 * Chromium, 1600 × 1000, 10 s windows) the page's main thread was busy 39% of the time with the
 * smooth fade, 13% with four steps, 11% with a tint held and then dropped, and 7.5% with no tint
 * (reduced motion). Four steps keep the fade readable for a few points of a core.
 */
function flash(element: HTMLElement, direction: 'up' | 'down'): void {
  if (reducedMotion.matches) return;
  flashes.get(element)?.cancel();
  flashes.set(element, element.animate([{ color: direction === 'up' ? 'var(--up)' : 'var(--down)' }, {}], { duration: 1200, easing: 'steps(4, jump-none)' }));
}

export function mountMarketsTable(element: HTMLElement, api: DashboardApi, options: { onSelect(ticker: string): void }): void {
  const { heading, body, empty } = panelFrame(element, 'Markets', 'Loading markets…');
  const count = el('span', 'panel-note');
  const legend = el('span', 'panel-note markets-legend');
  legend.innerHTML =
    '<span class="q-dot q-fresh"></span>live <span class="q-dot q-cached"></span>cached <span class="q-dot q-stale"></span>stale · prices in ¢ per contract';
  heading.append(count, legend);

  const table = el('table', 'markets-table');
  table.innerHTML = `<colgroup><col class="c-market"><col class="c-price"><col class="c-price"><col class="c-price"><col class="c-change"><col class="c-volume"><col class="c-quality"></colgroup>
<thead><tr><th scope="col">Market</th><th scope="col" class="num">Bid</th><th scope="col" class="num">Ask</th><th scope="col" class="num">Last</th><th scope="col" class="num">Chg</th><th scope="col" class="num">Vol 24 h</th><th scope="col">Quality</th></tr></thead>`;
  const tbody = table.createTBody();
  body.prepend(table);

  const rows = new Map<string, Row>();
  let selected: string | null = null;
  let latestBatch = 0;

  const select = (ticker: string): void => {
    if (selected === ticker) return;
    rows.get(selected ?? '')?.element.classList.remove('selected');
    rows.get(selected ?? '')?.element.setAttribute('aria-selected', 'false');
    selected = ticker;
    rows.get(ticker)?.element.classList.add('selected');
    rows.get(ticker)?.element.setAttribute('aria-selected', 'true');
    options.onSelect(ticker);
  };

  const createRow = (market: MarketsTableRowFragment): Row => {
    const tr = document.createElement('tr');
    tr.dataset.testid = 'market-row';
    tr.dataset.ticker = market.ticker;
    tr.tabIndex = 0;
    tr.setAttribute('aria-selected', 'false');
    cell(tr, 'market-name').append(el('span', 'market-ticker', market.ticker), el('span', 'market-title'));
    const cells = {
      bid: cell(tr, 'num price', 'bid'),
      ask: cell(tr, 'num price', 'ask'),
      last: cell(tr, 'num price', 'last'),
      change: cell(tr, 'num change', 'change'),
      volume: cell(tr, 'num', 'volume'),
      quality: cell(tr, 'quality', 'quality'),
    };
    tr.addEventListener('click', () => select(market.ticker));
    tr.addEventListener('keydown', (event) => {
      if (event.key === 'Enter' || event.key === ' ') {
        event.preventDefault();
        select(market.ticker);
      }
    });
    return { market, producedAt: 0, element: tr, cells };
  };

  /** The quality shown with every price of a row (class, tooltip) and in its quality cell. */
  const drawQuality = (row: Row, now: number): void => {
    const { quality } = row.market;
    const age = now - row.producedAt;
    const freshness = freshnessOf(quality, age);
    const sentence = qualitySentence(quality, age);
    row.element.dataset.freshness = freshness;
    for (const field of PRICE_FIELDS) {
      const td = row.cells[field];
      td.dataset.freshness = freshness;
      td.dataset.tier = quality.cacheTier;
      td.title = sentence;
    }
    const q = row.cells.quality;
    q.title = sentence;
    let dot = q.querySelector<HTMLSpanElement>('.q-dot');
    let tier = q.querySelector<HTMLSpanElement>('.q-tier');
    let ageText = q.querySelector<HTMLSpanElement>('.q-age');
    let sim = q.querySelector<HTMLSpanElement>('.q-sim');
    if (!dot || !tier || !ageText || !sim) {
      dot = el('span');
      tier = el('span', 'q-tier');
      ageText = el('span', 'q-age num');
      sim = el('span', 'tag tag-warn q-sim', 'SIM');
      sim.title = 'Simulated: invented by the bundled simulator, not a real market price';
      q.replaceChildren(dot, tier, ageText, sim);
    }
    dot.className = `q-dot q-${freshness}`;
    setText(tier, tierLabel(quality.cacheTier));
    setText(ageText, formatAge(age));
    sim.hidden = !quality.simulated;
  };

  const drawRow = (row: Row, market: MarketsTableRowFragment, receivedAt: number, animate: boolean): void => {
    const previous = row.market;
    row.market = market;
    row.producedAt = producedAt(market.quality, receivedAt);
    const title = row.element.querySelector<HTMLSpanElement>('.market-title');
    if (title && setText(title, market.title)) row.element.cells[0]!.title = `${market.ticker}: ${market.title}`;
    for (const field of PRICE_FIELDS) {
      const before = previous === market ? null : previous.prices[field];
      const now = market.prices[field];
      if (setText(row.cells[field], formatCents(now)) && animate && before != null && now != null && now !== before) {
        flash(row.cells[field], now > before ? 'up' : 'down');
      }
    }
    const change = formatChangeCents(market.prices.last, market.prices.previous);
    setText(row.cells.change, change.text);
    row.cells.change.dataset.direction = change.direction;
    row.cells.change.title = market.prices.previous == null ? 'No previous price' : `Previous price ${formatCents(market.prices.previous)}`;
    // Whole contracts: a fraction of one traded says nothing at a glance.
    setText(row.cells.volume, formatCount(Math.round(market.volume.volume24h)));
    drawQuality(row, receivedAt);
  };

  /** A full list of markets (the query's or an aggregate's): rows added, updated, removed. */
  const apply = (markets: readonly MarketsTableRowFragment[], animate: boolean): void => {
    const receivedAt = Date.now();
    const seen = new Set<string>();
    let added = false;
    for (const market of markets) {
      seen.add(market.ticker);
      let row = rows.get(market.ticker);
      if (!row) {
        row = createRow(market);
        rows.set(market.ticker, row);
        added = true;
      }
      drawRow(row, market, receivedAt, animate);
    }
    for (const [ticker, row] of rows) {
      if (seen.has(ticker)) continue;
      row.element.remove();
      rows.delete(ticker);
    }
    if (added) {
      // A stable order (by ticker): rows never trade places as prices move.
      const ordered = [...rows.values()].sort((a, b) => a.market.ticker.localeCompare(b.market.ticker));
      tbody.replaceChildren(...ordered.map((row) => row.element));
      if (selected) rows.get(selected)?.element.classList.add('selected');
    }
    count.textContent = `${rows.size} markets`;
    empty.hidden = rows.size > 0;
    empty.textContent = 'No markets yet.';
    // Until someone picks one, show the first market that is live and fresh (else the first).
    if (selected === null && tbody.rows.length > 0) {
      const fresh = [...tbody.rows].find((tr) => tr.dataset.freshness === 'fresh') ?? tbody.rows[0];
      if (fresh?.dataset.ticker) select(fresh.dataset.ticker);
    }
  };

  const load = (): void => {
    const batch = ++latestBatch;
    api.query(MarketsTableDocument, {}).then(
      (data) => {
        // An aggregate that arrived while this was in flight is newer: keep it.
        if (batch === latestBatch) apply(data.aggregate.markets, false);
      },
      (error: unknown) => {
        empty.hidden = rows.size > 0;
        empty.textContent = `Could not read the markets: ${error instanceof Error ? error.message : String(error)}`;
      },
    );
  };

  api.subscribe(MarketsTableUpdatesDocument, {}, (data) => {
    latestBatch++;
    apply(data.aggregateUpdated.markets, true);
  });
  api.onReconnected(load);
  load();

  setInterval(() => {
    const now = Date.now();
    for (const row of rows.values()) drawQuality(row, now);
  }, AGE_TICK_MS);
}
