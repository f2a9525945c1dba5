/**
 * A simulated Kalshi account trading on the simulated exchange, for `GET /portfolio/positions` and
 * `GET /portfolio/balance`: a handful of positions, YES (positive) and NO (negative), spread over
 * series (so tickers carry different prefixes) and over subaccounts (0 = primary, 1, 2, by series),
 * which is what agent attribution will key on.
 *
 * Now and then (on average every `meanTradeIntervalMs`) the account trades at the market model's
 * current quote: buys more of a position, sells part of one, or opens a new one; positions in
 * markets that settle are paid out. Time moves only through `step(nowMs)`, which also steps the
 * market model (to each trade time first, so a trade sees the quote of its own moment), and every
 * choice comes from a PRNG of its own: the account is a pure function of (seed, the market model,
 * the times stepped to), and the market model's state is the same as without it.
 *
 * Accounting, in integers (micro-dollars, hundredths of a contract), per position:
 * - buy q at price p:   exposure += q·p, fees += fee, cash −= q·p + fee
 * - sell q of Q held:   cost = exposure·q/Q, realized += q·p − cost, exposure −= cost, fees += fee, cash += q·p − fee
 * - settle:             realized += payout − exposure, cash += payout, exposure = 0
 * so for every subaccount: cash = deposit + Σ realized − Σ fees − Σ exposure (realized is before
 * fees, as Kalshi reports them apart). `accounts()` exposes what a test needs to check that.
 * Fees follow Kalshi's taker schedule: ⌈0.07 · contracts · P · (1 − P)⌉ to the cent.
 */
import type { KalshiMarketModel, SimMarket } from './market-model.js';
import { DEFAULT_SEED } from './market-model.js';
import { Prng } from '../../core/prng.js';

export type PositionSide = 'yes' | 'no';

export interface SimPosition {
  /** Creation order: the listing order, and what a page cursor points at. */
  readonly seq: number;
  readonly ticker: string;
  readonly eventTicker: string;
  readonly seriesTicker: string;
  readonly subaccount: number;
  /** Contracts × 100, signed: + YES, − NO, 0 = flat. */
  positionHundredths: number;
  /** Cost of the open contracts, micro-dollars. */
  exposureMicros: number;
  realizedPnlMicros: number;
  feesMicros: number;
  /** Notional of every fill, micro-dollars. */
  totalTradedMicros: number;
  lastUpdatedAt: number;
}

export interface SimFill {
  readonly seq: number;
  readonly at: number;
  readonly ticker: string;
  readonly subaccount: number;
  readonly action: 'buy' | 'sell' | 'settle';
  readonly side: PositionSide;
  readonly countHundredths: number;
  /** Price of the side traded, in cents (settlement: 100 for the winning side, 0 for the losing one). */
  readonly priceCents: number;
  readonly feeMicros: number;
}

export interface SimAccount {
  readonly subaccount: number;
  cashMicros: number;
  readonly depositedMicros: number;
  /** Realized P&L and fees of flat positions dropped from the listing (retainFlatPositions). */
  archivedRealizedMicros: number;
  archivedFeesMicros: number;
  updatedAt: number;
}

export interface KalshiPortfolioModelOptions {
  /** The exchange the account trades on. Stepped by this model from now on. */
  model: KalshiMarketModel;
  /** PRNG seed of the account's own choices. @default derived from the market model's default seed */
  seed?: number;
  /** Average time between trades. @default 20_000 */
  meanTradeIntervalMs?: number;
  /** Cash each subaccount starts with (before the opening positions' history). @default 10_000 dollars */
  initialDepositMicros?: number;
  /** Subaccounts used, 0 (primary) to n − 1; a series always maps to the same one. @default 3 */
  subaccounts?: number;
  /** Positions held at start, one per series while series last. @default 6 */
  initialPositions?: number;
  /** Flat positions kept listed; the oldest beyond this are dropped (their totals archived). @default 50 */
  retainFlatPositions?: number;
  /** Fills kept for tests and diagnostics. @default 500 */
  fillBufferSize?: number;
}

const MICROS_PER_CONTRACT_CENT = 100; // one hundredth of a contract at one cent = 100 micro-dollars
const MAX_TRADES_PER_STEP = 1000;
const MIN_OPEN_POSITIONS = 3;

/** Kalshi's taker fee: ⌈0.07 · C · P · (1 − P)⌉ to the cent, C contracts at P dollars. */
export function kalshiFeeMicros(countHundredths: number, priceCents: number): number {
  const cents = Math.ceil((7 * countHundredths * priceCents * (100 - priceCents)) / 1_000_000);
  return cents * 10_000;
}

function costMicros(countHundredths: number, priceCents: number): number {
  return countHundredths * priceCents * MICROS_PER_CONTRACT_CENT;
}

function clampCents(cents: number): number {
  return Math.min(99, Math.max(1, cents));
}

export class KalshiPortfolioModel {
  readonly model: KalshiMarketModel;
  private readonly rng: Prng;
  private readonly meanTradeIntervalMs: number;
  private readonly subaccountCount: number;
  private readonly retainFlat: number;
  private readonly fillBufferSize: number;
  private readonly byTicker = new Map<string, SimPosition>();
  private readonly accountsById = new Map<number, SimAccount>();
  private readonly subaccountBySeries = new Map<string, number>();
  private readonly fillBuffer: SimFill[] = [];
  private positionSeq = 0;
  private fillSeq = 0;
  private nextTradeAt: number;

  constructor(options: KalshiPortfolioModelOptions) {
    this.model = options.model;
    this.rng = new Prng(options.seed ?? DEFAULT_SEED ^ 0x9e3779b9);
    this.meanTradeIntervalMs = options.meanTradeIntervalMs ?? 20_000;
    if (!(this.meanTradeIntervalMs > 0)) throw new RangeError('meanTradeIntervalMs must be positive');
    this.subaccountCount = Math.max(1, Math.min(64, Math.trunc(options.subaccounts ?? 3)));
    this.retainFlat = options.retainFlatPositions ?? 50;
    this.fillBufferSize = options.fillBufferSize ?? 500;
    const now = this.model.now;
    const deposit = options.initialDepositMicros ?? 10_000 * 1_000_000;
    for (let id = 0; id < this.subaccountCount; id++) {
      this.accountsById.set(id, {
        subaccount: id,
        cashMicros: deposit,
        depositedMicros: deposit,
        archivedRealizedMicros: 0,
        archivedFeesMicros: 0,
        updatedAt: now,
      });
    }
    this.openInitialPositions(options.initialPositions ?? 6, now);
    this.nextTradeAt = now + this.tradeGap();
  }

  /** Steps the market model to `nowMs`, trading at every trade time on the way. */
  step(nowMs: number): void {
    let trades = 0;
    while (this.nextTradeAt <= nowMs) {
      if (++trades > MAX_TRADES_PER_STEP) {
        // A very long gap: skip the trades that fell in it rather than stall a request.
        this.nextTradeAt = nowMs + this.tradeGap();
        break;
      }
      const at = this.nextTradeAt;
      this.model.step(at);
      this.settleFinished(at);
      this.tradeOnce(at);
      this.pruneFlat();
      this.nextTradeAt = at + this.tradeGap();
    }
    this.model.step(nowMs);
    this.settleFinished(nowMs);
  }

  // ---- reads ----

  /** Every listed position, in listing order; `subaccount` narrows to one account. */
  listPositions(subaccount?: number): readonly Readonly<SimPosition>[] {
    const all = [...this.byTicker.values()];
    return subaccount === undefined ? all : all.filter((p) => p.subaccount === subaccount);
  }

  getPosition(ticker: string): Readonly<SimPosition> | undefined {
    return this.byTicker.get(ticker);
  }

  accounts(): readonly Readonly<SimAccount>[] {
    return [...this.accountsById.values()];
  }

  account(subaccount: number): Readonly<SimAccount> | undefined {
    return this.accountsById.get(subaccount);
  }

  /** Mark-to-market value of an account's open positions: each side at its best bid (what selling would fetch). */
  portfolioValueMicros(subaccount: number): number {
    let total = 0;
    for (const position of this.byTicker.values()) {
      if (position.subaccount !== subaccount || position.positionHundredths === 0) continue;
      const side: PositionSide = position.positionHundredths > 0 ? 'yes' : 'no';
      const mark = this.markCents(this.model.getState(position.ticker), side);
      if (mark === null) {
        total += position.exposureMicros;
      } else {
        total += costMicros(Math.abs(position.positionHundredths), mark);
      }
    }
    return total;
  }

  /** Recent fills, oldest first. */
  fills(): readonly SimFill[] {
    return this.fillBuffer.slice(-this.fillBufferSize);
  }

  // ---- simulation ----

  private tradeGap(): number {
    return Math.max(1, Math.round(this.meanTradeIntervalMs * (0.25 + 1.5 * this.rng.next())));
  }

  private subaccountFor(seriesTicker: string): number {
    let id = this.subaccountBySeries.get(seriesTicker);
    if (id === undefined) {
      id = this.subaccountBySeries.size % this.subaccountCount;
      this.subaccountBySeries.set(seriesTicker, id);
    }
    return id;
  }

  private tradable(): Readonly<SimMarket>[] {
    return this.model.listStates().filter((m) => m.status === 'active' && m.quote !== null);
  }

  /** One position per series to start with, alternately YES and NO, each with some history. */
  private openInitialPositions(count: number, now: number): void {
    const seen = new Set<string>();
    const markets = this.tradable().filter((m) => {
      if (seen.has(m.seriesTicker)) return false;
      seen.add(m.seriesTicker);
      return true;
    });
    for (const [index, market] of markets.slice(0, count).entries()) {
      const side: PositionSide = index % 2 === 0 ? 'yes' : 'no';
      const quote = market.quote;
      if (!quote) continue;
      const ask = side === 'yes' ? quote.askCents : 100 - quote.bidCents;
      const entryCents = clampCents(ask + this.rng.int(-6, 6));
      const countHundredths = this.rng.int(10, 300) * 100 + (this.rng.chance(0.3) ? this.rng.int(1, 99) : 0);
      const position = this.positionFor(market);
      const exposure = costMicros(countHundredths, entryCents);
      position.positionHundredths = side === 'yes' ? countHundredths : -countHundredths;
      position.exposureMicros = exposure;
      // Earlier round trips in the same market left realized P&L, fees and traded notional behind.
      position.realizedPnlMicros = this.rng.int(-4000, 6000) * 10_000;
      position.feesMicros = kalshiFeeMicros(countHundredths, entryCents) + this.rng.int(0, 300) * 10_000;
      position.totalTradedMicros = exposure + this.rng.int(0, 5000) * 10_000;
      position.lastUpdatedAt = now - this.rng.int(1, 72) * 3_600_000;
      const account = this.accountOf(position);
      account.cashMicros += position.realizedPnlMicros - position.feesMicros - position.exposureMicros;
    }
  }

  private positionFor(market: Readonly<SimMarket>): SimPosition {
    let position = this.byTicker.get(market.ticker);
    if (!position) {
      position = {
        seq: ++this.positionSeq,
        ticker: market.ticker,
        eventTicker: market.eventTicker,
        seriesTicker: market.seriesTicker,
        subaccount: this.subaccountFor(market.seriesTicker),
        positionHundredths: 0,
        exposureMicros: 0,
        realizedPnlMicros: 0,
        feesMicros: 0,
        totalTradedMicros: 0,
        lastUpdatedAt: this.model.now,
      };
      this.byTicker.set(market.ticker, position);
    }
    return position;
  }

  private accountOf(position: SimPosition): SimAccount {
    const account = this.accountsById.get(position.subaccount);
    if (!account) throw new Error(`simulated position ${position.ticker} is in unknown subaccount ${position.subaccount}`);
    return account;
  }

  /** One trade: add to a position, trim one, or open a new one (always, while fewer than 3 are open). */
  private tradeOnce(at: number): void {
    const markets = this.tradable();
    const open = markets.filter((m) => (this.byTicker.get(m.ticker)?.positionHundredths ?? 0) !== 0);
    const roll = this.rng.next();
    if (open.length >= MIN_OPEN_POSITIONS && roll < 0.45) {
      const market = this.rng.pick(open);
      const position = this.positionFor(market);
      this.buy(position, market, position.positionHundredths > 0 ? 'yes' : 'no', this.buySize(), at);
    } else if (open.length >= MIN_OPEN_POSITIONS && roll < 0.85) {
      const market = this.rng.pick(open);
      const position = this.positionFor(market);
      const held = Math.abs(position.positionHundredths);
      const all = held <= 500 || this.rng.chance(0.2);
      const quantity = all ? held : Math.max(1, Math.floor((held * this.rng.int(20, 60)) / 100));
      this.sell(position, market, quantity, at);
    } else {
      const fresh = markets.filter((m) => (this.byTicker.get(m.ticker)?.positionHundredths ?? 0) === 0);
      if (fresh.length === 0) return;
      const market = this.rng.pick(fresh);
      this.buy(this.positionFor(market), market, this.rng.chance(0.5) ? 'yes' : 'no', this.buySize(), at);
    }
  }

  private buySize(): number {
    return this.rng.chance(0.15) ? this.rng.int(1, 999) : this.rng.int(1, 50) * 100;
  }

  /** Buys at the side's ask (YES ask, or NO ask = 100 − YES bid), if the account can pay for it. */
  private buy(position: SimPosition, market: Readonly<SimMarket>, side: PositionSide, countHundredths: number, at: number): void {
    const quote = market.quote;
    if (!quote) return;
    const priceCents = side === 'yes' ? quote.askCents : 100 - quote.bidCents;
    const cost = costMicros(countHundredths, priceCents);
    const fee = kalshiFeeMicros(countHundredths, priceCents);
    const account = this.accountOf(position);
    if (account.cashMicros < cost + fee) return;
    position.positionHundredths += side === 'yes' ? countHundredths : -countHundredths;
    position.exposureMicros += cost;
    position.feesMicros += fee;
    position.totalTradedMicros += cost;
    position.lastUpdatedAt = at;
    account.cashMicros -= cost + fee;
    account.updatedAt = at;
    this.recordFill({ at, ticker: position.ticker, subaccount: position.subaccount, action: 'buy', side, countHundredths, priceCents, feeMicros: fee });
  }

  /** Sells held contracts at the side's bid (YES bid, or NO bid = 100 − YES ask). */
  private sell(position: SimPosition, market: Readonly<SimMarket>, countHundredths: number, at: number): void {
    const quote = market.quote;
    const held = Math.abs(position.positionHundredths);
    if (!quote || held === 0) return;
    const quantity = Math.min(countHundredths, held);
    const side: PositionSide = position.positionHundredths > 0 ? 'yes' : 'no';
    const priceCents = side === 'yes' ? quote.bidCents : 100 - quote.askCents;
    const proceeds = costMicros(quantity, priceCents);
    const fee = kalshiFeeMicros(quantity, priceCents);
    // Average cost; the last contracts out take whatever exposure is left, so a flat position has none.
    const costRemoved = quantity === held ? position.exposureMicros : Math.round((position.exposureMicros * quantity) / held);
    position.positionHundredths += side === 'yes' ? -quantity : quantity;
    position.exposureMicros -= costRemoved;
    position.realizedPnlMicros += proceeds - costRemoved;
    position.feesMicros += fee;
    position.totalTradedMicros += proceeds;
    position.lastUpdatedAt = at;
    const account = this.accountOf(position);
    account.cashMicros += proceeds - fee;
    account.updatedAt = at;
    this.recordFill({
      at,
      ticker: position.ticker,
      subaccount: position.subaccount,
      action: 'sell',
      side,
      countHundredths: quantity,
      priceCents,
      feeMicros: fee,
    });
  }

  /** Pays out open positions whose market has settled ($1 a contract to the winning side). */
  private settleFinished(now: number): void {
    for (const position of this.byTicker.values()) {
      if (position.positionHundredths === 0) continue;
      const market = this.model.getState(position.ticker);
      // A market pruned before we saw it settle (only after a very long gap) is settled at cost.
      if (market && market.status !== 'finalized') continue;
      const side: PositionSide = position.positionHundredths > 0 ? 'yes' : 'no';
      const held = Math.abs(position.positionHundredths);
      const at = market?.settledAt ?? now;
      let payout: number;
      let priceCents: number;
      if (market && (market.result === 'yes' || market.result === 'no')) {
        priceCents = market.result === side ? 100 : 0;
        payout = costMicros(held, priceCents);
      } else {
        payout = position.exposureMicros;
        priceCents = Math.round(payout / (held * MICROS_PER_CONTRACT_CENT));
      }
      position.realizedPnlMicros += payout - position.exposureMicros;
      position.exposureMicros = 0;
      position.positionHundredths = 0;
      position.lastUpdatedAt = at;
      const account = this.accountOf(position);
      account.cashMicros += payout;
      account.updatedAt = Math.max(account.updatedAt, at);
      this.recordFill({
        at,
        ticker: position.ticker,
        subaccount: position.subaccount,
        action: 'settle',
        side,
        countHundredths: held,
        priceCents,
        feeMicros: 0,
      });
    }
  }

  /** Drops the oldest flat positions beyond retainFlatPositions, keeping their totals in the account. */
  private pruneFlat(): void {
    const flat = [...this.byTicker.values()].filter((p) => p.positionHundredths === 0);
    let excess = flat.length - this.retainFlat;
    if (excess <= 0) return;
    flat.sort((a, b) => a.lastUpdatedAt - b.lastUpdatedAt || a.seq - b.seq);
    for (const position of flat) {
      if (excess-- <= 0) break;
      const account = this.accountOf(position);
      account.archivedRealizedMicros += position.realizedPnlMicros;
      account.archivedFeesMicros += position.feesMicros;
      this.byTicker.delete(position.ticker);
    }
  }

  /** What a side of a market would fetch now, in cents: its best bid, or the settlement value once known. */
  private markCents(market: Readonly<SimMarket> | undefined, side: PositionSide): number | null {
    if (!market) return null;
    if (market.result === 'yes' || market.result === 'no') return market.result === side ? 100 : 0;
    if (market.quote) return side === 'yes' ? market.quote.bidCents : 100 - market.quote.askCents;
    if (market.lastCents !== null) return side === 'yes' ? market.lastCents : 100 - market.lastCents;
    return null;
  }

  private recordFill(fill: Omit<SimFill, 'seq'>): void {
    this.fillBuffer.push({ seq: ++this.fillSeq, ...fill });
    if (this.fillBuffer.length >= 2 * this.fillBufferSize) this.fillBuffer.splice(0, this.fillBuffer.length - this.fillBufferSize);
  }
}
