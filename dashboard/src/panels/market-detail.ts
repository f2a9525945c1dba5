/**
 * One market in detail, the one selected in the markets table: its quote, its candles, its order
 * book as a depth chart and its recent trades, stacked in that order (the panel is tall and narrow). Showing a market subscribes first (book changes,
 * trades, market updates) and then reads its history in one query, so nothing that happens while
 * the query is in flight is lost: events that arrive before the answer wait and are merged into it
 * (a trade already in the answer counts once). Showing another market ends the previous one's
 * subscriptions, and an answer for a market no longer shown is dropped. After a reconnect the
 * market is read again, since the candles and trades of the outage are only in the history.
 *
 * Before any selection the panel says what it will show; the markets table selects its first
 * market by itself once it has rows, so in practice something useful is on screen at once.
 */
import type { DashboardApi } from '../api/api.js';
import {
  MarketDetailBookUpdatesDocument,
  MarketDetailDocument,
  MarketDetailTradesDocument,
  MarketDetailUpdatesDocument,
  type MarketDetailBookFragment,
  type MarketDetailHeaderFragment,
  type MarketDetailTradeFragment,
} from '../generated/graphql.js';
import { applyTick, candleWindow, mergeHistory, type Bar, type Tick } from '../shaping/candles.js';
import { depthFromBook } from '../shaping/depth.js';
import { formatCents } from '../shaping/format.js';
import { mergeTrades, type TradeRow } from '../shaping/trades.js';
import { mountCandleChart } from './candle-chart.js';
import { mountDepthChart } from './depth-chart.js';
import { element, panelHeading } from './market-detail-dom.js';
import './market-detail.css';
import { mountTradesList } from './trades-list.js';

/** Book levels per side (the server's cost model counts them). */
const BOOK_DEPTH = 25;
/** Trades read and listed; also how many the candles can tell apart from a subscription's copy. */
const TRADE_ROWS = 50;

interface Session {
  ticker: string;
  end(): void;
}

function part(className: string, caption: string): { section: HTMLElement; body: HTMLElement } {
  const section = element('div', `md-part ${className}`);
  const body = element('div', 'md-part-body');
  section.append(element('div', 'md-caption', caption), body);
  return { section, body };
}

export function mountMarketDetail(panel: HTMLElement, api: DashboardApi): { show(ticker: string): void } {
  panel.replaceChildren();
  const { heading, title: headingTicker, note: headingTitle } = panelHeading('Market');
  headingTicker.className = 'md-ticker';
  headingTitle.classList.add('md-title');

  const quote = element('div', 'md-quote');
  const quoteCells = Object.fromEntries(
    (['bid', 'ask', 'last', 'spread'] as const).map((field) => {
      const cell = element('div', 'md-quote-cell');
      const value = element('span', 'num md-quote-value', '—');
      value.dataset.field = field;
      cell.append(element('span', 'md-quote-label', field), value);
      quote.append(cell);
      return [field, value];
    }),
  ) as Record<'bid' | 'ask' | 'last' | 'spread', HTMLElement>;
  const tags = element('span', 'md-tags');
  quote.append(tags);

  const candlesPart = part('md-candles', 'Candles, ¢ · 1 min today (UTC), 1 h before · dotted: bid/ask mid');
  const candleElement = element('div', 'md-chart');
  candleElement.dataset.testid = 'candle-chart';
  candlesPart.body.append(candleElement);

  const depthPart = part('md-depth', 'Depth · contracts at this price or better');
  const depthElement = element('div', 'md-chart');
  depthElement.dataset.testid = 'depth-chart';
  depthPart.body.append(depthElement);

  const tradesPart = part('md-trades', 'Recent trades');
  tradesPart.body.classList.add('md-scroll');

  const hint = element('p', 'panel-empty md-hint', 'Select a market in the table to see its candles, order book and recent trades.');
  const body = element('div', 'md-body');
  body.append(quote, candlesPart.section, depthPart.section, tradesPart.section);
  body.hidden = true;
  panel.append(heading, hint, body);

  const candleChart = mountCandleChart(candleElement);
  const depthChart = mountDepthChart(depthElement);
  const tradesList = mountTradesList(tradesPart.body);

  const showHeader = (market: MarketDetailHeaderFragment): void => {
    headingTicker.textContent = market.ticker;
    headingTitle.textContent = market.title;
    headingTitle.title = market.title;
    quoteCells.bid.textContent = formatCents(market.prices.bid);
    quoteCells.ask.textContent = formatCents(market.prices.ask);
    quoteCells.last.textContent = formatCents(market.prices.last);
    const { bid, ask } = market.prices;
    quoteCells.spread.textContent = bid !== null && bid !== undefined && ask !== null && ask !== undefined ? formatCents(ask - bid) : '—';
    const labels = [market.status === 'ACTIVE' ? null : market.status.toLowerCase(), market.quality.simulated ? 'simulated' : null].filter(Boolean);
    tags.replaceChildren(
      ...labels.map((text) => {
        return element('span', text === 'simulated' ? 'tag tag-warn' : 'tag', text ?? '');
      }),
    );
  };

  const start = (ticker: string): Session => {
    let ended = false;
    let bars: Bar[] | null = null;
    let trades: TradeRow[] = [];
    let bookAt = Number.NEGATIVE_INFINITY;
    const waitingTrades: MarketDetailTradeFragment[] = [];
    const waitingTicks: Tick[] = [];

    headingTicker.textContent = ticker;
    headingTitle.textContent = 'loading…';
    hint.hidden = true;
    body.hidden = false;
    candleChart.clear();
    depthChart.clear('Waiting for the book…');
    tradesList.clear('Loading trades…');

    const drawBook = (book: MarketDetailBookFragment): void => {
      // A book older than the one drawn (the query's answer after a pushed change) is not drawn.
      const at = Date.parse(book.updatedAt);
      if (at < bookAt) return;
      bookAt = at;
      depthChart.draw(depthFromBook(book));
    };
    const tick = (next: Tick): void => {
      if (bars === null) {
        waitingTicks.push(next);
        return;
      }
      const result = applyTick(bars, next);
      bars = result.bars;
      candleChart.update(bars, result.changed);
    };
    const takeTrades = (incoming: readonly MarketDetailTradeFragment[]): void => {
      if (bars === null) {
        waitingTrades.push(...incoming);
        return;
      }
      const merged = mergeTrades(trades, incoming, TRADE_ROWS);
      trades = merged.rows;
      tradesList.render(trades);
      for (const trade of merged.added) tick({ at: trade.at, price: trade.price, volume: trade.count });
    };

    const unsubscribe = [
      api.subscribe(MarketDetailBookUpdatesDocument, { ticker, depth: BOOK_DEPTH }, (data) => {
        if (!ended) drawBook(data.orderBookUpdated);
      }),
      api.subscribe(MarketDetailTradesDocument, { tickers: [ticker] }, (data) => {
        if (!ended) takeTrades([data.tradeExecuted]);
      }),
      api.subscribe(MarketDetailUpdatesDocument, { tickers: [ticker] }, (data) => {
        if (ended) return;
        const market = data.marketUpdated;
        showHeader(market);
        const { bid, ask } = market.prices;
        if (bid !== null && bid !== undefined && ask !== null && ask !== undefined) tick({ at: Date.parse(market.updatedAt), mid: (bid + ask) / 2 });
      }),
    ];

    const window = candleWindow(Date.now());
    const iso = (ms: number): string => new Date(ms).toISOString();
    api
      .query(MarketDetailDocument, {
        ticker,
        hourFrom: iso(window.hourFrom),
        minuteFrom: iso(window.minuteFrom),
        to: iso(window.to),
        depth: BOOK_DEPTH,
        tradeLimit: TRADE_ROWS,
      })
      .then((data) => {
        if (ended) return;
        if (!data.market) {
          headingTitle.textContent = 'not found';
          depthChart.clear('No such market');
          tradesList.clear('No such market');
          return;
        }
        showHeader(data.market);
        if (data.orderBook) drawBook(data.orderBook);
        else if (bookAt === Number.NEGATIVE_INFINITY) depthChart.clear('No book yet');
        bars = mergeHistory(data.hourly, data.minutely, window);
        candleChart.setBars(bars);
        // The answer's trades are in its candles already: only the waiting ones it lacks are added.
        trades = mergeTrades([], data.trades, TRADE_ROWS).rows;
        tradesList.render(trades);
        takeTrades(waitingTrades.splice(0));
        for (const waiting of waitingTicks.splice(0)) tick(waiting);
      })
      .catch((error: unknown) => {
        if (ended) return;
        const message = error instanceof Error ? error.message : String(error);
        headingTitle.textContent = `could not be read: ${message}`;
        depthChart.clear('Not available');
        tradesList.clear('Not available');
      });

    return {
      ticker,
      end() {
        ended = true;
        for (const stop of unsubscribe) stop();
      },
    };
  };

  let session: Session | null = null;
  api.onReconnected(() => {
    if (!session) return;
    const { ticker } = session;
    session.end();
    session = start(ticker);
  });

  return {
    show(ticker) {
      if (session?.ticker === ticker) return;
      session?.end();
      session = start(ticker);
    },
  };
}
