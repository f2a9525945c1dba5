/**
 * Market-model state → WebSocket msgs, and the book diff that turns two states of a market's book
 * into `orderbook_delta`s. The model keeps no change log; the server instead remembers the book it
 * last published per market (a PublishedBook) and diffs the model against it, so whatever moved
 * the model (its own timer, a REST request stepping it) the stream brings every client to exactly
 * the model's current book.
 */
import { createHash } from 'node:crypto';
import { formatCountHundredths, formatDollarMicros, MICROS_PER_CENT } from '../../sources/kalshi/money.js';
import type { OrderbookDeltaMsg, OrderbookSnapshotMsg, TickerMsg, TradeMsg, WsPriceLevel } from '../../sources/kalshi/ws/protocol.js';
import type { SimLevel, SimMarket, SimTrade } from './market-model.js';

const cents = (value: number): string => formatDollarMicros(value * MICROS_PER_CENT);

/** Kalshi's market_id is a UUID; the simulator derives a stable one from the ticker. */
export function marketIdFor(ticker: string): string {
  const hex = createHash('sha1').update(`kalshi-sim:${ticker}`).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-${((Number.parseInt(hex.slice(16, 17), 16) & 0x3) | 0x8).toString(16)}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/** A book as last published: price in cents → size in hundredths, per side. */
export interface PublishedBook {
  yes: Map<number, number>;
  no: Map<number, number>;
}

function sideMap(levels: readonly SimLevel[]): Map<number, number> {
  return new Map(levels.map((level) => [level.priceCents, level.sizeHundredths]));
}

/** The model's book now (empty for a market that is not trading or no longer listed). */
export function currentBook(market: Readonly<SimMarket> | undefined): PublishedBook {
  return { yes: sideMap(market?.yesBids ?? []), no: sideMap(market?.noBids ?? []) };
}

export interface BookChange {
  side: 'yes' | 'no';
  priceCents: number;
  deltaHundredths: number;
}

function diffSide(side: 'yes' | 'no', from: Map<number, number>, to: Map<number, number>, out: BookChange[]): void {
  for (const [priceCents, size] of to) {
    const before = from.get(priceCents) ?? 0;
    if (size !== before) out.push({ side, priceCents, deltaHundredths: size - before });
  }
  for (const [priceCents, before] of from) {
    if (!to.has(priceCents)) out.push({ side, priceCents, deltaHundredths: -before });
  }
}

/** The deltas that turn `from` into `to`; a vanished level is a delta of minus its size. */
export function diffBooks(from: PublishedBook, to: PublishedBook): BookChange[] {
  const changes: BookChange[] = [];
  diffSide('yes', from.yes, to.yes, changes);
  diffSide('no', from.no, to.no, changes);
  return changes;
}

function wireLevels(side: Map<number, number>): WsPriceLevel[] {
  // Ascending, best bid last, as Kalshi sends them.
  return [...side].sort((a, b) => a[0] - b[0]).map(([price, size]) => [cents(price), formatCountHundredths(size)]);
}

export function snapshotMsg(ticker: string, book: PublishedBook): OrderbookSnapshotMsg {
  const msg: OrderbookSnapshotMsg = { market_ticker: ticker, market_id: marketIdFor(ticker) };
  // A side's key is absent when that side is empty.
  if (book.yes.size > 0) msg.yes_dollars_fp = wireLevels(book.yes);
  if (book.no.size > 0) msg.no_dollars_fp = wireLevels(book.no);
  return msg;
}

export function deltaMsg(ticker: string, change: BookChange, tsMs: number): OrderbookDeltaMsg {
  return {
    market_ticker: ticker,
    market_id: marketIdFor(ticker),
    price_dollars: cents(change.priceCents),
    delta_fp: formatCountHundredths(change.deltaHundredths),
    side: change.side,
    ts_ms: tsMs,
  };
}

/** What a ticker message reports; a message goes out when bid, ask or last change. */
export interface TickerState {
  bidCents: number;
  askCents: number;
  lastCents: number;
}

export function tickerState(market: Readonly<SimMarket> | undefined): TickerState {
  // As on REST: an empty side reads as a 0 bid and a $1 ask, no trade yet as a 0 last price.
  return { bidCents: market?.quote?.bidCents ?? 0, askCents: market?.quote?.askCents ?? 100, lastCents: market?.lastCents ?? 0 };
}

export function tickerMsg(ticker: string, market: Readonly<SimMarket> | undefined, tsMs: number): TickerMsg {
  const state = tickerState(market);
  return {
    market_ticker: ticker,
    market_id: marketIdFor(ticker),
    price_dollars: cents(state.lastCents),
    yes_bid_dollars: cents(state.bidCents),
    yes_ask_dollars: cents(state.askCents),
    volume_fp: formatCountHundredths(market?.volumeHundredths ?? 0),
    open_interest_fp: formatCountHundredths(market?.openInterestHundredths ?? 0),
    ts_ms: tsMs,
  };
}

export function tradeMsg(trade: SimTrade): TradeMsg {
  return {
    trade_id: trade.tradeId,
    market_ticker: trade.ticker,
    yes_price_dollars: cents(trade.yesCents),
    no_price_dollars: cents(100 - trade.yesCents),
    count_fp: formatCountHundredths(trade.countHundredths),
    taker_outcome_side: trade.takerSide,
    ts_ms: trade.at,
  };
}
