/**
 * The selected market's recent public trades, newest first: time (local), YES price in cents,
 * contracts, and the side the taker bought. Rows are kept by trade id, so a new trade adds one row
 * on top and the others are not rewritten; columns have fixed widths so nothing shifts.
 */
import { formatCents, formatClock, formatCount } from '../shaping/format.js';
import type { TradeRow } from '../shaping/trades.js';
import { element } from './market-detail-dom.js';
import './trades-list.css';

export interface TradesList {
  render(rows: readonly TradeRow[]): void;
  /** No rows; `note` says why. */
  clear(note: string): void;
}

export function mountTradesList(container: HTMLElement): TradesList {
  const table = element('table', 'mini-table trades-table');
  table.innerHTML =
    '<colgroup><col class="t-time"><col class="t-price"><col class="t-count"><col class="t-side"></colgroup>' +
    '<thead><tr><th scope="col">Time</th><th scope="col" class="num">Price</th><th scope="col" class="num">Contracts</th><th scope="col">Taker</th></tr></thead>';
  const body = table.createTBody();
  const note = element('p', 'panel-empty trades-note');
  container.append(table, note);

  const rows = new Map<string, HTMLTableRowElement>();

  const rowOf = (trade: TradeRow): HTMLTableRowElement => {
    const tr = document.createElement('tr');
    tr.dataset.trade = trade.id;
    const cells: Array<[string, string]> = [
      [formatClock(trade.at), 'num t-time'],
      [formatCents(trade.price), 'num'],
      [formatCount(trade.count), 'num'],
      [trade.side.toUpperCase(), `t-side ${trade.side === 'yes' ? 'up' : 'down'}`],
    ];
    for (const [text, className] of cells) {
      const td = tr.insertCell();
      td.className = className;
      td.textContent = text;
    }
    tr.title = new Date(trade.at).toLocaleString();
    return tr;
  };

  return {
    render(trades) {
      const wanted = new Set(trades.map((trade) => trade.id));
      for (const [id, tr] of rows)
        if (!wanted.has(id)) {
          tr.remove();
          rows.delete(id);
        }
      // Walk in order, inserting only the rows that are new (usually one, at the top).
      let cursor: ChildNode | null = body.firstChild;
      for (const trade of trades) {
        let tr = rows.get(trade.id);
        if (!tr) {
          tr = rowOf(trade);
          rows.set(trade.id, tr);
        }
        if (tr !== cursor) body.insertBefore(tr, cursor);
        cursor = tr.nextSibling;
      }
      note.hidden = trades.length > 0;
      note.textContent = trades.length > 0 ? '' : 'No trades yet';
    },
    clear(text) {
      body.replaceChildren();
      rows.clear();
      note.hidden = false;
      note.textContent = text;
    },
  };
}
