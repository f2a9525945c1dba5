/**
 * A local Kalshi order book, kept from one snapshot plus a stream of deltas.
 *
 * Kalshi sends bids only: YES bids and NO bids. Each side is held as two parallel arrays sorted
 * ascending by price (the wire's own order, best bid LAST): integer micro-dollar prices and sizes
 * in integer hundredths of a contract, so repeated deltas never drift. Why sorted arrays and not a
 * Map plus a sort on read: nearly every delta lands within a few cents of the top, which is the
 * tail of an ascending array, so a binary search and a splice that moves a handful of elements is
 * all an update costs, and reads (best bid, the record) need no sort at all. bench/orderbook.bench.ts
 * measures this against a Map + sort-on-read book and a re-sort-every-delta baseline.
 *
 * The record is the YES-side view: bids are YES bids best (highest) first; asks are NO bids turned
 * into YES asks at 1 − price, best (lowest) first. Dollars are produced by one division of an exact
 * integer, so a NO bid of 0.44 becomes an ask of exactly 0.56.
 */
import type { OrderBookRecord, PriceLevel } from '../../../core/domain.js';
import { HUNDREDTHS_PER_CONTRACT, MICROS_PER_DOLLAR, parseCountHundredths, parseDollarMicros } from '../money.js';
import type { OrderbookDeltaMsg, OrderbookSnapshotMsg, WsPriceLevel } from './protocol.js';

export type BookSide = 'yes' | 'no';

/** [price in micro-dollars, size in hundredths of a contract]. */
export type IntLevel = [priceMicros: number, sizeHundredths: number];

/** A delta or snapshot the book cannot apply faithfully (bad number, price outside (0, 1)). */
export class BookUpdateError extends Error {
  override readonly name = 'BookUpdateError';
}

/** One side's bids, ascending by price. */
class SideLevels {
  prices: number[] = [];
  sizes: number[] = [];

  /** Index of the first price ≥ `price` (lower bound). */
  private search(price: number): number {
    const prices = this.prices;
    let lo = 0;
    let hi = prices.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (prices[mid]! < price) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  apply(price: number, delta: number): void {
    const index = this.search(price);
    if (index < this.prices.length && this.prices[index] === price) {
      const size = this.sizes[index]! + delta;
      if (size > 0) {
        this.sizes[index] = size;
      } else {
        // A level that reaches zero (or below, if a delta was lost) is gone.
        this.prices.splice(index, 1);
        this.sizes.splice(index, 1);
      }
    } else if (delta > 0) {
      this.prices.splice(index, 0, price);
      this.sizes.splice(index, 0, delta);
    }
    // A negative delta on an absent level leaves nothing to remove.
  }

  replace(levels: readonly (readonly [number, number])[]): void {
    const sorted = levels.filter((level) => level[1] > 0).sort((a, b) => a[0] - b[0]);
    this.prices = [];
    this.sizes = [];
    for (const [price, size] of sorted) {
      // Kalshi never repeats a price in a snapshot; if it did, the sizes add up.
      if (this.prices.at(-1) === price) this.sizes[this.sizes.length - 1]! += size;
      else {
        this.prices.push(price);
        this.sizes.push(size);
      }
    }
  }

  clear(): void {
    this.prices = [];
    this.sizes = [];
  }

  levels(): IntLevel[] {
    return this.prices.map((price, index) => [price, this.sizes[index]!]);
  }

  equals(other: SideLevels): boolean {
    const n = this.prices.length;
    if (n !== other.prices.length) return false;
    for (let i = 0; i < n; i++) {
      if (this.prices[i] !== other.prices[i] || this.sizes[i] !== other.sizes[i]) return false;
    }
    return true;
  }
}

function level(micros: number, hundredths: number): PriceLevel {
  return { price: micros / MICROS_PER_DOLLAR, size: hundredths / HUNDREDTHS_PER_CONTRACT };
}

function checkPrice(micros: number, what: string): void {
  // A bid at 0 or at $1 cannot exist on a binary contract.
  if (!(micros > 0 && micros < MICROS_PER_DOLLAR)) throw new BookUpdateError(`${what}: price ${micros / MICROS_PER_DOLLAR} is outside (0, 1)`);
}

function parseWireLevels(levels: readonly WsPriceLevel[] | undefined, what: string): IntLevel[] {
  if (levels === undefined) return [];
  return levels.map(([price, count], index) => {
    const micros = wire(() => parseDollarMicros(price, `${what}[${index}] price`));
    checkPrice(micros, `${what}[${index}]`);
    return [micros, wire(() => parseCountHundredths(count, `${what}[${index}] count`))];
  });
}

/** Turns a parse failure (MoneyFormatError) into a BookUpdateError, so callers catch one type. */
function wire<T>(parse: () => T): T {
  try {
    return parse();
  } catch (error) {
    throw new BookUpdateError(error instanceof Error ? error.message : String(error));
  }
}

export class KalshiOrderBook {
  private readonly yes = new SideLevels();
  private readonly no = new SideLevels();

  /** Replaces both sides. Levels in any order; sizes ≤ 0 are dropped. */
  applySnapshot(yes: readonly (readonly [number, number])[], no: readonly (readonly [number, number])[]): void {
    for (const [price] of yes) checkPrice(price, 'snapshot yes');
    for (const [price] of no) checkPrice(price, 'snapshot no');
    this.yes.replace(yes);
    this.no.replace(no);
  }

  /** An `orderbook_snapshot` msg. Throws BookUpdateError (leaving the book as it was) on a bad level. */
  applySnapshotMsg(msg: OrderbookSnapshotMsg): void {
    const yes = parseWireLevels(msg.yes_dollars_fp, 'yes_dollars_fp');
    const no = parseWireLevels(msg.no_dollars_fp, 'no_dollars_fp');
    this.yes.replace(yes);
    this.no.replace(no);
  }

  /** Adds `deltaHundredths` (signed) to the level; a level reaching ≤ 0 is removed. */
  applyDelta(side: BookSide, priceMicros: number, deltaHundredths: number): void {
    (side === 'yes' ? this.yes : this.no).apply(priceMicros, deltaHundredths);
  }

  /** An `orderbook_delta` msg. Throws BookUpdateError (leaving the book as it was) on a bad field. */
  applyDeltaMsg(msg: OrderbookDeltaMsg): void {
    if (msg.side !== 'yes' && msg.side !== 'no') throw new BookUpdateError(`delta side ${JSON.stringify(msg.side)} is not yes|no`);
    const micros = wire(() => parseDollarMicros(msg.price_dollars, 'price_dollars'));
    checkPrice(micros, 'delta');
    this.applyDelta(
      msg.side,
      micros,
      wire(() => parseCountHundredths(msg.delta_fp, 'delta_fp')),
    );
  }

  clear(): void {
    this.yes.clear();
    this.no.clear();
  }

  /** Best YES bid, in dollars and contracts. */
  bestBid(): PriceLevel | null {
    const index = this.yes.prices.length - 1;
    return index < 0 ? null : level(this.yes.prices[index]!, this.yes.sizes[index]!);
  }

  /** Best YES ask: 1 − the best NO bid. */
  bestAsk(): PriceLevel | null {
    const index = this.no.prices.length - 1;
    return index < 0 ? null : level(MICROS_PER_DOLLAR - this.no.prices[index]!, this.no.sizes[index]!);
  }

  /** Both sides as the wire orders them (ascending, best last), in integers. For tests and diffing. */
  levels(): { yes: IntLevel[]; no: IntLevel[] } {
    return { yes: this.yes.levels(), no: this.no.levels() };
  }

  /** Level count of both sides together. */
  get size(): number {
    return this.yes.prices.length + this.no.prices.length;
  }

  equals(other: KalshiOrderBook): boolean {
    return this.yes.equals(other.yes) && this.no.equals(other.no);
  }

  /**
   * The YES-side view. `originAtMs` is when the upstream produced the latest change (a delta's
   * `ts_ms`), `nowMs` when we received it.
   */
  toRecord(ticker: string, seq: number | null, nowMs: number, originAtMs: number = nowMs): OrderBookRecord {
    const bids: PriceLevel[] = [];
    for (let i = this.yes.prices.length - 1; i >= 0; i--) bids.push(level(this.yes.prices[i]!, this.yes.sizes[i]!));
    // The highest NO bid is the lowest YES ask, so walking NO bids from the top gives asks best first.
    const asks: PriceLevel[] = [];
    for (let i = this.no.prices.length - 1; i >= 0; i--) asks.push(level(MICROS_PER_DOLLAR - this.no.prices[i]!, this.no.sizes[i]!));
    return {
      ticker,
      bids,
      asks,
      seq,
      updatedAt: new Date(originAtMs).toISOString(),
      provenance: { originAt: originAtMs, fetchedAt: nowMs, tier: 'LIVE' },
    };
  }
}
