/**
 * The dashboard's entry: one API client, five panels. Each panel owns its element (found by id in
 * index.html) and talks to the server only through `DashboardApi`.
 */
import { createDashboardApi } from './api/client.js';
import { mountConnectionBadge } from './panels/connection-badge.js';
import { mountInsightFeed } from './panels/insight-feed.js';
import { mountMarketDetail } from './panels/market-detail.js';
import { mountMarketsTable } from './panels/markets-table.js';
import { mountPnlChart } from './panels/pnl-chart.js';
import { mountSourcesPanel } from './panels/sources-panel.js';
import './styles.css';

function panel(id: string): HTMLElement {
  const element = document.getElementById(id);
  if (!element) throw new Error(`index.html has no #${id}`);
  return element;
}

const api = createDashboardApi();
mountConnectionBadge(panel('connection'), api);
const detail = mountMarketDetail(panel('market-detail'), api);
mountMarketsTable(panel('markets'), api, { onSelect: (ticker) => detail.show(ticker) });
mountPnlChart(panel('pnl'), api);
mountSourcesPanel(panel('sources'), api);
mountInsightFeed(panel('insights'), api);
