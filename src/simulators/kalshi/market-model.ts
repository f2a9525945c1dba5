/**
 * The simulated exchange's state: ≥ 20 live binary markets whose quotes walk, books follow the
 * quotes, trades print, volumes grow, and markets close, get determined, settle and are replaced.
 *
 * Time only moves through `step(nowMs)`, in fixed ticks of `tickMs`, and every random choice comes
 * from one seeded PRNG, so the state is a pure function of (seed, start time, the times stepped
 * to). Prices are integer cents and counts integer hundredths of a contract; payloads.ts turns them
 * into wire strings.
 */
import type { GetMarketOrderbookResponse, MarketPayload, MarketResult, MarketWireStatus, Trade } from '../../sources/kalshi/protocol.js';
import { SERIES, type MarketSpec, type SeriesTemplate } from './catalog.js';
import { marketPayload, orderbookPayload, tradePayload } from './payloads.js';
import { Prng } from '../../core/prng.js';

/** A resting bid: price in cents, size in hundredths of a contract. */
export interface SimLevel {
  priceCents: number;
  sizeHundredths: number;
}

/** YES best bid and ask in cents; `askCents - bidCents` is the spread (1..4). */
export interface SimQuote {
  bidCents: number;
  askCents: number;
}

export interface SimMarket {
  /** Creation order: the listing order, and what a page cursor points at. */
  readonly seq: number;
  readonly seriesTicker: string;
  readonly eventTicker: string;
  readonly ticker: string;
  readonly spec: MarketSpec;
  status: MarketWireStatus;
  readonly createdAt: number;
  openAt: number;
  readonly closeAt: number;
  readonly expectedExpirationAt: number;
  readonly latestExpirationAt: number;
  updatedAt: number;
  /** When a closed market becomes determined, and a determined one finalized. */
  determineAt: number | null;
  finalizeAt: number | null;
  settledAt: number | null;
  /** null while the market is not trading (its book is empty). */
  quote: SimQuote | null;
  /** Last trade's YES price; null before the first trade. */
  lastCents: number | null;
  /** Snapshot taken once a day: "previous" prices. */
  previous: { priceCents: number | null; bidCents: number | null; askCents: number | null };
  nextPreviousRollAt: number;
  volumeHundredths: number;
  volume24hHundredths: number;
  openInterestHundredths: number;
  /** Bids only, ascending (best last), as the API sends them. */
  yesBids: SimLevel[];
  noBids: SimLevel[];
  readonly bookLevels: number;
  readonly settlementTimerSeconds: number;
  result: MarketResult;
  expirationValue: string;
}

export interface SimTrade {
  readonly seq: number;
  readonly tradeId: string;
  readonly ticker: string;
  readonly countHundredths: number;
  readonly yesCents: number;
  readonly takerSide: 'yes' | 'no';
  readonly at: number;
}

export interface KalshiMarketModelOptions {
  /** Epoch ms the simulation starts at (the clock's now). */
  startAtMs: number;
  /** PRNG seed. @default 0x5eed */
  seed?: number;
  /** Length of one simulation tick. @default 250 */
  tickMs?: number;
  /**
   * Events listed per series at start (the next months' CPI, the next meetings, ...): 1 lists 23
   * markets, 3 lists 69. @default 1
   */
  eventsPerSeries?: number;
  /** Fewest markets kept active; pending replacements open early to hold it. @default 20 */
  minActiveMarkets?: number;
  /** Average time a market trades before it closes. @default 1_800_000 (30 min) */
  meanMarketLifetimeMs?: number;
  /** Time from determination to settlement. @default 60 */
  settlementTimerSeconds?: number;
  /** Finalized markets kept listed before the oldest are dropped. @default 30 */
  retainFinalizedMarkets?: number;
  /** Trades kept for GET /markets/trades. @default 1000 */
  tradeBufferSize?: number;
  /**
   * Most ticks run by one step(). A longer gap is skipped (the time jumps) so one call after a long
   * pause cannot stall the server; lifecycle deadlines that fell in the gap still fire. @default 20_000
   */
  maxTicksPerStep?: number;
}

export const DEFAULT_SEED = 0x5eed;
const DAY_MS = 86_400_000;

// Per-tick dynamics of an active market. Small enough that a 250 ms tick looks like a live market.
const MOVE_PROBABILITY = 0.15;
const SPREAD_CHANGE_PROBABILITY = 0.03;
const SIZE_CHANGE_PROBABILITY = 0.1;
const TRADE_PROBABILITY = 0.04;

interface SeriesState {
  template: SeriesTemplate;
  nextGeneration: number;
  /** Markets of the newest generation not yet listed, waiting to replace closed ones. */
  pending: { eventTicker: string; spec: MarketSpec }[];
}

export class KalshiMarketModel {
  readonly tickMs: number;
  private readonly rng: Prng;
  private readonly minActive: number;
  private readonly eventsPerSeries: number;
  private readonly meanLifetimeMs: number;
  private readonly settlementTimerSeconds: number;
  private readonly retainFinalized: number;
  private readonly tradeBufferSize: number;
  private readonly maxTicksPerStep: number;
  private readonly baseMs: number;
  private readonly markets = new Map<string, SimMarket>();
  private readonly series = new Map<string, SeriesState>();
  private readonly tradeBuffer: SimTrade[] = [];
  private marketSeq = 0;
  private tradeSeq = 0;
  private lastTickAt: number;

  constructor(options: KalshiMarketModelOptions) {
    this.tickMs = options.tickMs ?? 250;
    if (!(this.tickMs > 0)) throw new RangeError('tickMs must be positive');
    this.rng = new Prng(options.seed ?? DEFAULT_SEED);
    this.minActive = options.minActiveMarkets ?? 20;
    this.eventsPerSeries = options.eventsPerSeries ?? 1;
    this.meanLifetimeMs = options.meanMarketLifetimeMs ?? 30 * 60_000;
    this.settlementTimerSeconds = options.settlementTimerSeconds ?? 60;
    this.retainFinalized = options.retainFinalizedMarkets ?? 30;
    this.tradeBufferSize = options.tradeBufferSize ?? 1000;
    this.maxTicksPerStep = options.maxTicksPerStep ?? 20_000;
    this.baseMs = options.startAtMs;
    this.lastTickAt = options.startAtMs;
    this.listInitialMarkets();
  }

  /** Time of the last simulated tick. */
  get now(): number {
    return this.lastTickAt;
  }

  /** Runs every whole tick between the last one and `nowMs`. Earlier times are ignored. */
  step(nowMs: number): void {
    let ticks = Math.floor((nowMs - this.lastTickAt) / this.tickMs);
    if (ticks <= 0) return;
    if (ticks > this.maxTicksPerStep) {
      this.lastTickAt += (ticks - this.maxTicksPerStep) * this.tickMs;
      ticks = this.maxTicksPerStep;
    }
    for (let i = 0; i < ticks; i++) {
      this.lastTickAt += this.tickMs;
      this.tick(this.lastTickAt);
    }
  }

  // ---- reads (for the server and for tests) ----

  /** Every listed market's state, in listing order. */
  listStates(): readonly Readonly<SimMarket>[] {
    return [...this.markets.values()];
  }

  getState(ticker: string): Readonly<SimMarket> | undefined {
    return this.markets.get(ticker);
  }

  /** Every listed market as the API would send it, in listing order. */
  listMarkets(): MarketPayload[] {
    return this.listStates().map(marketPayload);
  }

  getMarket(ticker: string): MarketPayload | undefined {
    const market = this.markets.get(ticker);
    return market && marketPayload(market);
  }

  /** The order book as the API would send it; depth 0 = every level. */
  orderbook(ticker: string, depth = 0): GetMarketOrderbookResponse | undefined {
    const market = this.markets.get(ticker);
    return market && orderbookPayload(market, depth);
  }

  /** Buffered trades, newest first. */
  recentTrades(): readonly SimTrade[] {
    return this.tradeBuffer.slice(-this.tradeBufferSize).reverse();
  }

  recentTradePayloads(): Trade[] {
    return this.recentTrades().map(tradePayload);
  }

  activeCount(): number {
    let count = 0;
    for (const market of this.markets.values()) if (market.status === 'active') count++;
    return count;
  }

  // ---- simulation ----

  private listInitialMarkets(): void {
    for (const template of SERIES) {
      const state: SeriesState = { template, nextGeneration: this.eventsPerSeries, pending: [] };
      this.series.set(template.seriesTicker, state);
      for (let generation = 0; generation < this.eventsPerSeries; generation++) this.listInitialEvent(template, generation);
    }
  }

  private listInitialEvent(template: SeriesTemplate, generation: number): void {
    const event = template.event(generation, this.baseMs, this.rng);
    for (const spec of event.markets) {
      // Markets already trading at start: opened days ago, closing at staggered times ahead.
      const openAt = this.baseMs - this.rng.int(1, 30) * DAY_MS;
      const closeAt = this.baseMs + Math.round(this.meanLifetimeMs * (0.2 + 1.6 * this.rng.next()));
      const market = this.createMarket(template.seriesTicker, event.eventTicker, spec, openAt, closeAt);
      this.activate(market, this.baseMs);
      // A history: earlier trading left a last price, a day-old price, volume and open interest.
      market.lastCents = market.quote ? market.quote.bidCents + this.rng.int(0, market.quote.askCents - market.quote.bidCents) : null;
      const drift = this.rng.int(-5, 5);
      market.previous = {
        priceCents: clampCents((market.lastCents ?? spec.fairCents) + drift),
        bidCents: clampCents((market.quote?.bidCents ?? spec.fairCents) + drift),
        askCents: clampCents((market.quote?.askCents ?? spec.fairCents) + drift),
      };
      market.volumeHundredths = this.rng.int(1_000, 250_000) * 100;
      market.volume24hHundredths = Math.floor(market.volumeHundredths * (0.02 + 0.1 * this.rng.next()));
      market.openInterestHundredths = Math.floor(market.volumeHundredths * (0.2 + 0.4 * this.rng.next()));
    }
  }

  private createMarket(seriesTicker: string, eventTicker: string, spec: MarketSpec, openAt: number, closeAt: number): SimMarket {
    const ticker = `${eventTicker}-${spec.suffix}`;
    if (this.markets.has(ticker)) throw new Error(`simulator minted a duplicate ticker ${ticker}`);
    const now = this.lastTickAt;
    const market: SimMarket = {
      seq: ++this.marketSeq,
      seriesTicker,
      eventTicker,
      ticker,
      spec,
      status: 'initialized',
      createdAt: now,
      openAt,
      closeAt,
      // Simulated time is compressed: expiry follows the close by minutes, not months.
      expectedExpirationAt: closeAt + 5 * 60_000,
      latestExpirationAt: closeAt + 7 * DAY_MS,
      updatedAt: now,
      determineAt: null,
      finalizeAt: null,
      settledAt: null,
      quote: null,
      lastCents: null,
      previous: { priceCents: null, bidCents: null, askCents: null },
      nextPreviousRollAt: now + DAY_MS,
      volumeHundredths: 0,
      volume24hHundredths: 0,
      openInterestHundredths: 0,
      yesBids: [],
      noBids: [],
      bookLevels: this.rng.int(4, 8),
      settlementTimerSeconds: this.settlementTimerSeconds,
      result: '',
      expirationValue: '',
    };
    this.markets.set(ticker, market);
    return market;
  }

  private tick(t: number): void {
    const closed: SimMarket[] = [];
    let finalized = false;
    for (const market of this.markets.values()) {
      switch (market.status) {
        case 'initialized':
          if (t >= market.openAt) this.activate(market, t);
          break;
        case 'active':
          if (t >= market.closeAt) {
            this.close(market, t);
            closed.push(market);
          } else {
            this.trade(market, t);
          }
          break;
        case 'closed':
          if (market.determineAt !== null && t >= market.determineAt) this.determine(market, t);
          break;
        case 'determined':
          if (market.finalizeAt !== null && t >= market.finalizeAt) {
            market.status = 'finalized';
            market.settledAt = t;
            market.updatedAt = t;
            finalized = true;
          }
          break;
        default:
          break;
      }
      if (t >= market.nextPreviousRollAt) {
        market.previous = { priceCents: market.lastCents, bidCents: market.quote?.bidCents ?? null, askCents: market.quote?.askCents ?? null };
        market.nextPreviousRollAt += DAY_MS;
      }
    }
    // Only a close can take the active count down, and only a settlement can grow the finalized list.
    if (closed.length > 0) {
      for (const market of closed) this.listReplacement(market, t);
      this.holdMinimumActive(t);
    }
    if (finalized) this.pruneFinalized();
  }

  private activate(market: SimMarket, t: number): void {
    const spread = this.rng.int(1, 4);
    const bid = Math.min(Math.max(1, market.spec.fairCents - Math.floor(spread / 2)), 99 - spread);
    market.status = 'active';
    market.openAt = Math.min(market.openAt, t);
    market.quote = { bidCents: bid, askCents: bid + spread };
    this.rebuildBook(market);
    market.updatedAt = t;
  }

  /** One tick of a live market: the quote may walk, the book follows, a trade may print. */
  private trade(market: SimMarket, t: number): void {
    const quote = market.quote;
    if (!quote) return;
    let { bidCents, askCents } = quote;
    let spread = askCents - bidCents;
    if (this.rng.chance(SPREAD_CHANGE_PROBABILITY)) spread = this.rng.int(1, 4);
    if (this.rng.chance(MOVE_PROBABILITY)) bidCents += this.rng.chance(0.5) ? 1 : -1;
    // Bounded walk: bid ≥ 1¢, ask ≤ 99¢, ask − bid = spread.
    bidCents = Math.min(Math.max(1, bidCents), 99 - spread);
    askCents = bidCents + spread;
    let changed = false;
    if (bidCents !== quote.bidCents || askCents !== quote.askCents) {
      market.quote = { bidCents, askCents };
      this.rebuildBook(market);
      changed = true;
    } else if (this.rng.chance(SIZE_CHANGE_PROBABILITY)) {
      const side = this.rng.chance(0.5) ? market.yesBids : market.noBids;
      const level = side.length > 0 ? this.rng.pick(side) : undefined;
      if (level) level.sizeHundredths = this.randomSize();
      changed = true;
    }
    if (this.rng.chance(TRADE_PROBABILITY)) {
      // A taker buying YES lifts the ask; one buying NO hits the YES bid.
      const takerSide = this.rng.chance(0.5) ? 'yes' : 'no';
      const yesCents = takerSide === 'yes' ? askCents : bidCents;
      const countHundredths = this.rng.chance(0.1) ? this.rng.int(1, 999) : this.rng.int(1, 50) * 100;
      market.lastCents = yesCents;
      market.volumeHundredths += countHundredths;
      market.volume24hHundredths += countHundredths;
      market.openInterestHundredths += Math.floor(countHundredths * this.rng.next());
      this.recordTrade({ seq: ++this.tradeSeq, tradeId: this.rng.uuid(), ticker: market.ticker, countHundredths, yesCents, takerSide, at: t });
      changed = true;
    }
    if (changed) market.updatedAt = t;
  }

  private close(market: SimMarket, t: number): void {
    market.status = 'closed';
    market.quote = null;
    market.yesBids = [];
    market.noBids = [];
    market.determineAt = t + this.rng.int(10, 60) * 1000;
    market.updatedAt = t;
  }

  private determine(market: SimMarket, t: number): void {
    // The outcome follows the market's last view of the odds.
    const yes = this.rng.next() * 100 < (market.lastCents ?? market.spec.fairCents);
    market.status = 'determined';
    market.result = yes ? 'yes' : 'no';
    market.expirationValue = expirationValueFor(market.spec, yes);
    market.finalizeAt = t + market.settlementTimerSeconds * 1000;
    market.updatedAt = t;
  }

  /** Lists the next unlisted market of the closed one's series; it opens a little later. */
  private listReplacement(closed: SimMarket, t: number): void {
    const series = this.series.get(closed.seriesTicker);
    if (!series) return;
    if (series.pending.length === 0) {
      const event = series.template.event(series.nextGeneration++, this.baseMs, this.rng);
      series.pending = event.markets.map((spec) => ({ eventTicker: event.eventTicker, spec }));
    }
    const next = series.pending.shift();
    if (!next) return;
    const openAt = t + this.rng.int(5, 30) * 1000;
    const closeAt = openAt + Math.round(this.meanLifetimeMs * (0.5 + this.rng.next()));
    this.createMarket(series.template.seriesTicker, next.eventTicker, next.spec, openAt, closeAt);
  }

  /** If closes outran openings, opens the earliest pending markets now. */
  private holdMinimumActive(t: number): void {
    let shortfall = this.minActive - this.activeCount();
    if (shortfall <= 0) return;
    for (const market of this.markets.values()) {
      if (shortfall <= 0) break;
      if (market.status === 'initialized') {
        this.activate(market, t);
        shortfall--;
      }
    }
  }

  private pruneFinalized(): void {
    let excess = -this.retainFinalized;
    for (const market of this.markets.values()) if (market.status === 'finalized') excess++;
    if (excess <= 0) return;
    for (const [ticker, market] of this.markets) {
      if (excess <= 0) break;
      if (market.status === 'finalized') {
        this.markets.delete(ticker);
        excess--;
      }
    }
  }

  /**
   * Rebuilds both ladders under the current quote, keeping the size of every level that survives.
   * YES bids hang below the YES bid; NO bids hang below 100 − YES ask, so 1 − best NO bid = YES ask.
   */
  private rebuildBook(market: SimMarket): void {
    const quote = market.quote;
    if (!quote) return;
    market.yesBids = this.ladder(quote.bidCents, market.bookLevels, market.yesBids);
    market.noBids = this.ladder(100 - quote.askCents, market.bookLevels, market.noBids);
  }

  private ladder(bestCents: number, levels: number, previous: readonly SimLevel[]): SimLevel[] {
    // Ladders are contiguous cent steps, so a surviving level is found by its offset from the first.
    const firstPrevious = previous[0]?.priceCents ?? 0;
    const ladder: SimLevel[] = [];
    for (let price = Math.max(1, bestCents - levels + 1); price <= bestCents; price++) {
      const kept = previous[price - firstPrevious];
      ladder.push({ priceCents: price, sizeHundredths: kept?.priceCents === price ? kept.sizeHundredths : this.randomSize() });
    }
    return ladder;
  }

  private randomSize(): number {
    // Mostly whole contracts; now and then a fractional size, which the API allows.
    return this.rng.chance(0.1) ? this.rng.int(100, 50_000) : this.rng.int(5, 800) * 100;
  }

  private recordTrade(trade: SimTrade): void {
    this.tradeBuffer.push(trade);
    // Trim in batches so a burst of trades costs amortized O(1) each, not an O(n) shift per trade.
    if (this.tradeBuffer.length >= 2 * this.tradeBufferSize) this.tradeBuffer.splice(0, this.tradeBuffer.length - this.tradeBufferSize);
  }
}

function clampCents(cents: number): number {
  return Math.min(99, Math.max(1, cents));
}

/** What the underlying came in at: just past the strike on the winning side, or the winner. */
function expirationValueFor(spec: MarketSpec, yes: boolean): string {
  if (spec.floorStrike === null) return yes ? spec.yesSubTitle : `not ${spec.yesSubTitle}`;
  const nudge = spec.floorStrike >= 10 ? 1 : 0.1;
  const value = spec.floorStrike + (yes ? nudge : -nudge);
  return value.toFixed(spec.floorStrike >= 10 ? 0 : 2);
}
