/**
 * The recent-trades list: the `trades` answer (newest first) merged with `tradeExecuted` events,
 * newest first, each trade once (by its exchange id: a trade the subscription delivered while the
 * query was in flight is also in the answer), at most `limit`. What was new is returned apart, so
 * only those are added to the running candle.
 */

export interface TradeInput {
  id: string;
  at: string;
  price: number;
  count: number;
  takerSide: string;
}

export interface TradeRow {
  id: string;
  at: number;
  /** YES price, US dollars. */
  price: number;
  count: number;
  /** The outcome the taker bought. */
  side: 'yes' | 'no';
}

export function tradeRow(trade: TradeInput): TradeRow | null {
  const at = Date.parse(trade.at);
  if (!Number.isFinite(at) || !Number.isFinite(trade.price) || !Number.isFinite(trade.count)) return null;
  return { id: trade.id, at, price: trade.price, count: trade.count, side: trade.takerSide.toLowerCase() === 'no' ? 'no' : 'yes' };
}

export interface TradesMerge {
  rows: TradeRow[];
  /** Incoming trades not seen before, oldest first (the order to apply them to candles). */
  added: TradeRow[];
}

/** Newest first; a tie in time keeps the id order stable so rows do not swap on every redraw. */
const newestFirst = (a: TradeRow, b: TradeRow): number => b.at - a.at || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0);

export function mergeTrades(current: readonly TradeRow[], incoming: readonly TradeInput[], limit: number): TradesMerge {
  const seen = new Set(current.map((row) => row.id));
  const added: TradeRow[] = [];
  for (const trade of incoming) {
    const row = tradeRow(trade);
    if (!row || seen.has(row.id)) continue;
    seen.add(row.id);
    added.push(row);
  }
  const rows = [...current, ...added].sort(newestFirst).slice(0, Math.max(0, limit));
  return { rows, added: added.sort((a, b) => -newestFirst(a, b)) };
}
