/**
 * P&L over the last 24 hours (uPlot): revenue (John), realized and unrealized (Kalshi positions,
 * on their own right-hand axis: they are small beside revenue)
 * and their total, as separate lines, for all agents summed or for one agent; the table under the
 * chart has every agent's figures now and the sum, and a click on a row puts that agent (or all)
 * on the chart.
 *
 * The agents are those the aggregate has P&L for. Each one's history is read with pnlHistory
 * (the last point of each minute) the first time it is seen; every aggregateUpdated then extends
 * every line (shaping/pnl.ts puts both on one grid). After a reconnect each agent's history is read
 * again from its last point, which fills the outage and repeats nothing. The chart element carries
 * `data-points` (points on the chart now) for tests and automation.
 */
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import type { DashboardApi } from '../api/api.js';
import { PnlAgentsDocument, PnlHistoryDocument, PnlUpdatesDocument } from '../generated/graphql.js';
import { formatUsd, formatUsdTicks } from '../shaping/format.js';
import { addPoints, chartColumns, lastSampleAt, pointsOfAggregate, since, timeWindow, totalSeries, type PnlBook, type PnlSample } from '../shaping/pnl.js';
import { element, panelHeading } from './market-detail-dom.js';
import { followTheme, type ChartTheme } from './market-detail-theme.js';
import './pnl-chart.css';

const WINDOW_MS = 24 * 3_600_000;
const ALL = '';
const FIELDS = ['revenue', 'realized', 'unrealized', 'total'] as const;
const LABELS: Record<(typeof FIELDS)[number], string> = { revenue: 'Revenue', realized: 'Realized', unrealized: 'Unrealized', total: 'Total' };
/** The narrowest a money axis gets, in CSS pixels ("$0" alone would leave the plot jumping as labels grow). */
const MIN_MONEY_AXIS_PX = 48;

/** "agent:kalshi:macro" → "kalshi:macro": the prefix is on every id and says nothing. */
const agentLabel = (agentId: string): string => agentId.replace(/^agent:/, '');

/** Violet reads on both themes and is neither the gain nor the loss colour. */
const REALIZED_COLOR = '#8b5cf6';

/** Realized and unrealized are a few dollars beside revenue's thousands: on the left axis they
 * would lie flat at $0, so they have their own scale and the right-hand axis. */
const POSITIONS_SCALE = 'positions';

/**
 * The four lines, in chartColumns' order: the total first and wide and faint, so the thin revenue
 * line drawn over it shows where the two meet; realized and unrealized (dashed: not yet money) on
 * the right-hand axis.
 */
function seriesOptions(theme: ChartTheme): uPlot.Series[] {
  const money = (_: uPlot, value: number | null): string => (value === null ? '—' : formatUsd(value));
  return [
    {},
    { label: LABELS.total, stroke: theme.text, width: 4, alpha: 0.35, value: money },
    { label: LABELS.revenue, stroke: theme.accent, width: 1.25, value: money },
    { label: `${LABELS.realized} (right axis)`, stroke: REALIZED_COLOR, width: 1.5, scale: POSITIONS_SCALE, value: money },
    { label: `${LABELS.unrealized} (right axis)`, stroke: theme.warn, width: 1.5, dash: [5, 4], scale: POSITIONS_SCALE, value: money },
  ];
}

export function mountPnlChart(panel: HTMLElement, api: DashboardApi): void {
  panel.replaceChildren();
  const { heading, note } = panelHeading('P&L', 'last 24 h · dollars · all agents');
  const chartBox = element('div', 'pnl-chart');
  chartBox.dataset.testid = 'pnl-chart';
  chartBox.dataset.points = '0';
  const empty = element('p', 'panel-empty pnl-empty', 'Loading P&L…');
  chartBox.append(empty);

  const table = element('table', 'mini-table pnl-table');
  table.innerHTML =
    '<colgroup><col class="p-agent"><col class="p-money"><col class="p-money"><col class="p-money"><col class="p-money"></colgroup>' +
    `<thead><tr><th scope="col">Agent</th>${FIELDS.map((field) => `<th scope="col" class="num">${LABELS[field]}</th>`).join('')}</tr></thead>`;
  const rowsBody = table.createTBody();
  const totalBody = table.createTFoot();
  const tableBox = element('div', 'pnl-table-box');
  tableBox.append(table);
  const body = element('div', 'pnl-body');
  body.append(chartBox, tableBox);
  panel.append(heading, body);

  let book: PnlBook = new Map();
  let scope = ALL;
  let plot: uPlot | null = null;
  let theme: ChartTheme | null = null;
  const requested = new Set<string>();
  const rows = new Map<string, { tr: HTMLTableRowElement; cells: HTMLTableCellElement[] }>();

  const samplesInScope = (): PnlSample[] => (scope === ALL ? totalSeries(book) : [...(book.get(scope) ?? [])]);

  const rowFor = (key: string, label: string, parent: HTMLTableSectionElement): { tr: HTMLTableRowElement; cells: HTMLTableCellElement[] } => {
    let row = rows.get(key);
    if (row) return row;
    const tr = parent.insertRow();
    tr.tabIndex = 0;
    tr.dataset.agent = key || 'all';
    const name = tr.insertCell();
    name.className = 'p-name';
    name.textContent = label;
    name.title = label;
    const cells = FIELDS.map(() => {
      const td = tr.insertCell();
      td.className = 'num';
      return td;
    });
    const choose = (): void => {
      scope = key;
      note.textContent = `last 24 h · dollars · ${key === ALL ? 'all agents' : agentLabel(key)}`;
      schedule();
    };
    tr.addEventListener('click', choose);
    tr.addEventListener('keydown', (event) => {
      if (event.key === 'Enter' || event.key === ' ') {
        event.preventDefault();
        choose();
      }
    });
    row = { tr, cells };
    rows.set(key, row);
    return row;
  };

  const fillRow = (row: { tr: HTMLTableRowElement; cells: HTMLTableCellElement[] }, sample: PnlSample | undefined, key: string): void => {
    FIELDS.forEach((field, i) => {
      const value = sample?.[field];
      const cell = row.cells[i]!;
      cell.textContent = formatUsd(value, { signed: true });
      cell.classList.toggle('up', value !== undefined && value > 0.005);
      cell.classList.toggle('down', value !== undefined && value < -0.005);
    });
    row.tr.classList.toggle('selected', key === scope);
  };

  const size = (): { width: number; height: number } => {
    const legend = plot?.root.querySelector('.u-legend');
    return { width: Math.max(100, chartBox.clientWidth), height: Math.max(60, chartBox.clientHeight - (legend?.clientHeight ?? 24)) };
  };

  const moneyTicks = (_self: uPlot, ticks: number[]): string[] => formatUsdTicks(ticks);
  /** As wide as the longest tick label ("$127.90k" needs more room than "$50"), measured on the canvas. */
  const moneyAxisSize = (self: uPlot, values: string[] | undefined, axisIndex: number, cycle: number): number => {
    const axis = self.axes[axisIndex]!;
    // uPlot sizes axes in up to three passes; a width settled once is kept, so the plot does not shimmer.
    if (cycle > 1) return (axis as { _size?: number })._size ?? MIN_MONEY_AXIS_PX;
    const longest = (values ?? []).reduce((widest, value) => (value.length > widest.length ? value : widest), '');
    self.ctx.font = Array.isArray(axis.font) ? String(axis.font[0]) : String(axis.font ?? '');
    const text = longest === '' ? 0 : self.ctx.measureText(longest).width / devicePixelRatio;
    return Math.max(MIN_MONEY_AXIS_PX, Math.ceil(text + (axis.gap ?? 5) + Number(axis.ticks?.size ?? 10) + 4));
  };

  const createPlot = (data: uPlot.AlignedData): void => {
    if (!theme) return;
    plot?.destroy();
    const axis = { stroke: theme.muted, grid: { stroke: theme.grid, width: 1 }, ticks: { stroke: theme.grid, width: 1 }, font: `11px ${theme.font}` };
    plot = new uPlot(
      {
        ...size(),
        series: seriesOptions(theme),
        // One point would otherwise get a time axis years wide (shaping/pnl.ts timeWindow).
        scales: { x: { time: true, range: (_self, min, max) => timeWindow(min, max, Date.now()) }, [POSITIONS_SCALE]: { auto: true } },
        axes: [
          axis,
          { ...axis, size: moneyAxisSize, values: moneyTicks },
          { ...axis, scale: POSITIONS_SCALE, side: 1, size: moneyAxisSize, grid: { show: false }, values: moneyTicks },
        ],
        legend: { live: false },
        cursor: { drag: { x: true, y: false } },
      },
      data,
      chartBox,
    );
    plot.setSize(size());
  };

  let pending = false;
  function schedule(): void {
    if (pending) return;
    pending = true;
    requestAnimationFrame(() => {
      pending = false;
      draw();
    });
  }

  function draw(): void {
    book = since(book, Date.now() - WINDOW_MS);
    const samples = samplesInScope();
    const data = chartColumns(samples) as uPlot.AlignedData;
    if (!plot) createPlot(data);
    else plot.setData(data);
    empty.hidden = samples.length > 0;
    chartBox.dataset.points = String(samples.length);
    for (const [agent, agentSamples] of book) fillRow(rowFor(agent, agentLabel(agent), rowsBody), agentSamples.at(-1), agent);
    fillRow(rowFor(ALL, 'All agents', totalBody), totalSeries(book).at(-1), ALL);
  }

  const readHistory = async (agentId: string, fromMs: number): Promise<void> => {
    const to = new Date().toISOString();
    const data = await api.query(PnlHistoryDocument, { agentId, from: new Date(fromMs).toISOString(), to });
    book = addPoints(book, data.pnlHistory);
    schedule();
  };
  const fail = (error: unknown): void => {
    empty.textContent = `P&L could not be read: ${error instanceof Error ? error.message : String(error)}`;
  };
  const learnAgents = (agents: readonly { agentId: string }[]): void => {
    for (const { agentId } of agents) {
      if (requested.has(agentId)) continue;
      requested.add(agentId);
      readHistory(agentId, Date.now() - WINDOW_MS).catch(fail);
    }
  };
  const readNow = (): void => {
    api
      .query(PnlAgentsDocument, {})
      .then((data) => {
        book = addPoints(book, pointsOfAggregate(data.aggregate));
        learnAgents(data.aggregate.pnl);
        if (data.aggregate.pnl.length === 0) empty.textContent = 'No P&L yet: an agent appears once it holds a position or reports revenue.';
        schedule();
      })
      .catch(fail);
  };

  followTheme((next) => {
    theme = next;
    if (plot) createPlot(plot.data);
  });
  new ResizeObserver(() => plot?.setSize(size())).observe(chartBox);

  api.subscribe(PnlUpdatesDocument, {}, (data) => {
    book = addPoints(book, pointsOfAggregate(data.aggregateUpdated));
    learnAgents(data.aggregateUpdated.pnl);
    schedule();
  });
  readNow();
  api.onReconnected(() => {
    for (const agentId of book.keys()) readHistory(agentId, lastSampleAt(book, agentId) ?? Date.now() - WINDOW_MS).catch(fail);
    readNow();
  });
}
