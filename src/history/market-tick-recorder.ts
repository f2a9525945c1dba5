/**
 * Records each market's quote into market_ticks when it changes, coalesced to at most one tick per
 * market and second: the newest value seen in a second is the one kept. The composition root calls
 * `observe()` on every market upsert and patch (with the records it just applied); the recorder reads
 * the market as held (the merged record, newest observation per price) and compares it with what it
 * last recorded, so a listing that repeats unchanged prices costs nothing.
 *
 * A second is written once it is over: on the flush timer (every `flushIntervalMs`, one batch insert
 * for every market that changed) and, for the second still open, at shutdown (`flush()`). A failed
 * write is logged and its rows dropped (the next change is recorded as usual): ticks are a record of
 * the market, not state the service needs, and holding them would grow memory while the database is
 * down.
 */
import type { Clock } from '../core/clock.js';
import type { MarketRecord } from '../core/domain.js';
import { silentLogger, type Logger } from '../core/logger.js';
import { PollLoop } from '../core/poll-loop.js';
import { toHundredths, toMicros, type MarketTickInput } from './market-ticks.js';

export interface MarketTickSink {
  writeMarketTicks(rows: readonly MarketTickInput[]): Promise<void>;
}

export interface MarketTickRecorderOptions {
  clock: Clock;
  /** null while the history store is not open: ticks wait in memory (one per market) until it is. */
  sink: () => MarketTickSink | null;
  /** The market as held now (LiveMarkets.get). */
  current: (ticker: string) => MarketRecord | null | undefined;
  /** @default 1000 */
  flushIntervalMs?: number;
  logger?: Logger;
}

type Quote = Omit<MarketTickInput, 'ticker' | 'atMs'>;

interface Pending {
  second: number;
  tick: MarketTickInput;
}

function quoteOf(market: MarketRecord): Quote {
  return {
    bidMicros: toMicros(market.prices.bid),
    askMicros: toMicros(market.prices.ask),
    lastMicros: toMicros(market.prices.last),
    volumeHundredths: toHundredths(market.volume.volume ?? market.volume.volume24h),
    openInterestHundredths: toHundredths(market.volume.openInterest),
  };
}

function sameQuote(a: Quote, b: Quote): boolean {
  return (
    a.bidMicros === b.bidMicros &&
    a.askMicros === b.askMicros &&
    a.lastMicros === b.lastMicros &&
    a.volumeHundredths === b.volumeHundredths &&
    a.openInterestHundredths === b.openInterestHundredths
  );
}

export class MarketTickRecorder {
  /** The newest quote observed per ticker (written or waiting): what a change is measured against. */
  private readonly latest = new Map<string, Quote>();
  /** The open second's newest tick per ticker. */
  private readonly pending = new Map<string, Pending>();
  /** Ticks of seconds that are over, waiting for the next flush. */
  private ready: MarketTickInput[] = [];
  private readonly loop: PollLoop<void>;
  private readonly logger: Logger;
  private writing: Promise<void> = Promise.resolve();

  constructor(private readonly options: MarketTickRecorderOptions) {
    this.logger = options.logger ?? silentLogger;
    const intervalMs = options.flushIntervalMs ?? 1000;
    this.loop = new PollLoop({ clock: options.clock, intervalMs, firstDelayMs: intervalMs, poll: () => this.write(false) });
  }

  start(): void {
    this.loop.start();
  }

  /** Stops the timer (the producers' step); `flush()` writes what is left. */
  stop(): Promise<void> {
    return this.loop.stop();
  }

  /** Writes every tick held, the open second's too (shutdown). */
  flush(): Promise<void> {
    return this.write(true);
  }

  /** After an upsert or patch of these markets: records the ones whose quote changed. */
  observe(records: readonly Pick<MarketRecord, 'ticker'>[]): void {
    const now = this.options.clock.now();
    const second = Math.floor(now / 1000);
    for (const { ticker } of records) {
      const market = this.options.current(ticker);
      if (!market) continue;
      const quote = quoteOf(market);
      const previous = this.latest.get(ticker);
      if (previous && sameQuote(previous, quote)) continue;
      this.latest.set(ticker, quote);
      const open = this.pending.get(ticker);
      // A new second: the last one's newest value is final.
      if (open && open.second !== second) this.ready.push(open.tick);
      this.pending.set(ticker, { second, tick: { ticker, atMs: now, ...quote } });
    }
  }

  /** Markets with a tick not yet written (for tests and metrics). */
  get held(): number {
    return this.ready.length + this.pending.size;
  }

  private write(all: boolean): Promise<void> {
    // Writes never overlap: a flush waits for the one before it.
    this.writing = this.writing.then(() => this.writeNow(all));
    return this.writing;
  }

  private async writeNow(all: boolean): Promise<void> {
    const sink = this.options.sink();
    if (!sink) return;
    const second = Math.floor(this.options.clock.now() / 1000);
    for (const [ticker, open] of this.pending) {
      if (all || open.second < second) {
        this.ready.push(open.tick);
        this.pending.delete(ticker);
      }
    }
    if (this.ready.length === 0) return;
    const batch = this.ready;
    this.ready = [];
    try {
      await sink.writeMarketTicks(batch);
    } catch (error) {
      this.logger.error({ err: error, ticks: batch.length }, 'market tick write failed; those ticks are dropped');
    }
  }
}
