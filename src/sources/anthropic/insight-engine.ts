/**
 * Decides when market analysis runs, and keeps what it produced.
 *
 * Every call costs money, so analysis never runs per aggregation tick. It runs:
 * - on a schedule (`intervalMs`, on the injected clock), skipped while another run is in flight;
 * - after a significant move: `noteMarkets` (called by the aggregator with the current markets)
 *   compares each ACTIVE market's mid with its mid at the last analysis; a move above
 *   `moveThreshold` schedules one debounced run that puts the moved markets first in its slice;
 * - on demand: `request(tickers)`.
 * Every run goes through, in order: the cache (same fingerprint within `cacheTtlMs` → no call), a
 * join of an identical run in flight, and the hourly budget (spent → no call, reported once via
 * `onBudgetExhausted`, or thrown as a rate_limit error by `request`). The call itself goes through
 * the injected `call` guard (breaker + retry), which hands us the signal to honour.
 *
 * Text the model streams is published as InsightChunkRecords (done=false); each run ends with one
 * chunk done=true carrying the insight, or null when the run failed.
 */
import { randomUUID } from 'node:crypto';
import type { Clock, TimerHandle } from '../../core/clock.js';
import type { InsightChunkRecord, InsightRecord, MarketRecord } from '../../core/domain.js';
import { InputError, UpstreamError } from '../../core/errors.js';
import { silentLogger, type Logger } from '../../core/logger.js';
import { HourlyBudget, type BudgetLimits } from './budget.js';
import type { InsightAnalyzer } from './client.js';
import { toUpstreamError } from './errors.js';
import { InsightStore } from './insight-store.js';
import { midOf, selectSlice, sliceFingerprint } from './market-slice.js';
import { DEFAULT_MAX_MARKETS } from './prompt.js';

/**
 * The lead's breaker + retry guard: runs `fn` (maybe several times) with a signal it controls.
 * `options.signal` is the caller's cancellation (the engine's stop): a call it aborts counts
 * neither as a success nor as a failure of the upstream.
 */
export type GuardedCall = <T>(operation: string, fn: (signal: AbortSignal) => Promise<T>, options?: { signal?: AbortSignal }) => Promise<T>;

/** The operation name the engine passes to the guard. */
export const ANALYZE_OPERATION = 'anthropic.analyze';

export interface InsightEngineOptions {
  /** The Anthropic client (or any InsightAnalyzer). */
  client: InsightAnalyzer;
  clock: Clock;
  logger?: Logger;
  /** Wraps every upstream call: breaker, retry, deadline. */
  call: GuardedCall;
  /** Period of scheduled analysis. @default 60_000 */
  intervalMs?: number;
  /** Delay of the first scheduled run after start() (e.g. a few seconds, to have an insight early). @default intervalMs */
  initialDelayMs?: number;
  /** A mid move (dollars) above which a market triggers analysis. @default 0.05 */
  moveThreshold?: number;
  /** Wait after a detected move before running, so a burst of ticks makes one run. @default 2_000 */
  moveDebounceMs?: number;
  /** Least time between the start of any run and a move-triggered one. @default 15_000 */
  minMoveIntervalMs?: number;
  /** Markets analyzed per scheduled/move run: the most active ACTIVE ones by 24h volume. @default 20 */
  sliceSize?: number;
  /** Hourly caps. @default { callsPerHour: 60, outputTokensPerHour: 100_000 } */
  budget?: BudgetLimits;
  /** How long an identical input is answered from the cache. @default 300_000 */
  cacheTtlMs?: number;
  /** Insights kept in memory for `list`. @default 200 */
  historySize?: number;
  /** Streamed pieces of each run (wire to pubsub 'insightChunk'). */
  onChunk?: (chunk: InsightChunkRecord) => void;
  /** Each new insight (not cache hits). */
  onInsight?: (insight: InsightRecord) => void;
  /** The budget stopped a scheduled or move-triggered run; called once per exhaustion (show in sources.lastError). */
  onBudgetExhausted?: (message: string) => void;
  /** A scheduled or move-triggered run failed (request() throws instead). */
  onError?: (error: UpstreamError) => void;
}

type Trigger = 'schedule' | 'move' | 'request';

const CACHE_CAPACITY = 64;

export class InsightEngine {
  private readonly client: InsightAnalyzer;
  private readonly clock: Clock;
  private readonly logger: Logger;
  private readonly call: GuardedCall;
  private readonly intervalMs: number;
  private readonly initialDelayMs: number;
  private readonly moveThreshold: number;
  private readonly moveDebounceMs: number;
  private readonly minMoveIntervalMs: number;
  private readonly sliceSize: number;
  private readonly cacheTtlMs: number;
  private readonly budget: HourlyBudget;
  private readonly store: InsightStore;
  private readonly hooks: Pick<InsightEngineOptions, 'onChunk' | 'onInsight' | 'onBudgetExhausted' | 'onError'>;

  private markets: readonly MarketRecord[] = [];
  /** Mid of each market when the last analysis started; null until markets were first noted. */
  private baseline: Map<string, number> | null = null;
  private readonly cache = new Map<string, { insight: InsightRecord; at: number }>();
  private readonly inFlight = new Map<string, Promise<InsightRecord | null>>();
  private background: Promise<void> | null = null;
  private scheduleTimer: TimerHandle | null = null;
  private moveTimer: TimerHandle | null = null;
  private lastRunStartedAt = Number.NEGATIVE_INFINITY;
  private budgetReported = false;
  private started = false;
  private readonly stopController = new AbortController();

  constructor(options: InsightEngineOptions) {
    this.client = options.client;
    this.clock = options.clock;
    this.logger = options.logger ?? silentLogger;
    this.call = options.call;
    this.intervalMs = options.intervalMs ?? 60_000;
    this.initialDelayMs = options.initialDelayMs ?? this.intervalMs;
    this.moveThreshold = options.moveThreshold ?? 0.05;
    this.moveDebounceMs = options.moveDebounceMs ?? 2_000;
    this.minMoveIntervalMs = options.minMoveIntervalMs ?? 15_000;
    this.sliceSize = options.sliceSize ?? 20;
    this.cacheTtlMs = options.cacheTtlMs ?? 300_000;
    this.budget = new HourlyBudget(options.clock, options.budget);
    this.store = new InsightStore(options.historySize ?? 200);
    this.hooks = { onChunk: options.onChunk, onInsight: options.onInsight, onBudgetExhausted: options.onBudgetExhausted, onError: options.onError };
  }

  /** Starts the schedule (first run `initialDelayMs` from now) and move detection. Idempotent. */
  start(): void {
    if (this.started || this.stopController.signal.aborted) return;
    this.started = true;
    this.scheduleNext(this.initialDelayMs);
  }

  /** Stops timers, aborts runs in flight and waits for them to settle. The engine cannot restart. */
  async stop(): Promise<void> {
    this.started = false;
    this.scheduleTimer?.cancel();
    this.moveTimer?.cancel();
    this.scheduleTimer = this.moveTimer = null;
    this.stopController.abort(new Error('insight engine stopped'));
    await this.whenIdle();
  }

  /** Resolves when no run is in flight (failures included). */
  async whenIdle(): Promise<void> {
    while (this.background || this.inFlight.size > 0) {
      await Promise.allSettled([this.background, ...this.inFlight.values()]);
    }
  }

  /** The current markets, from the aggregator. Cheap: compares mids, may schedule one debounced run. */
  noteMarkets(markets: readonly MarketRecord[]): void {
    this.markets = markets;
    if (this.baseline === null) {
      this.baseline = this.midsOf(markets);
      return;
    }
    if (!this.started || this.moveTimer !== null) return;
    const moved = new Set<string>();
    for (const market of markets) {
      if (market.status !== 'ACTIVE') continue;
      const mid = midOf(market);
      const before = this.baseline.get(market.ticker);
      if (mid !== null && before !== undefined && Math.abs(mid - before) > this.moveThreshold + 1e-9) moved.add(market.ticker);
    }
    if (moved.size === 0) return;
    const delay = Math.max(this.moveDebounceMs, this.lastRunStartedAt + this.minMoveIntervalMs - this.clock.now());
    this.logger.debug({ moved: [...moved].slice(0, 10), delayMs: delay }, 'significant market move: analysis scheduled');
    this.moveTimer = this.clock.setTimeout(() => {
      this.moveTimer = null;
      this.runInBackground('move', moved);
    }, delay);
  }

  /**
   * Runs one analysis now (within budget) of the given tickers, or of the default slice when null.
   * Answers from the cache for an identical input. Throws InputError for tickers with no market
   * data, and UpstreamError (rate_limit, not retryable) when the budget is spent.
   */
  async request(tickers: readonly string[] | null): Promise<InsightRecord> {
    if (this.stopController.signal.aborted) {
      throw new UpstreamError('anthropic: the insight engine is stopped', { source: 'anthropic', category: 'service', retryable: false });
    }
    let slice: MarketRecord[];
    if (tickers === null || tickers.length === 0) {
      slice = selectSlice(this.markets, this.sliceSize);
    } else {
      const wanted = new Set(tickers);
      slice = this.markets.filter((m) => wanted.has(m.ticker)).slice(0, DEFAULT_MAX_MARKETS);
      if (slice.length === 0) throw new InputError(`no market data for ${tickers.slice(0, 5).join(', ')}${tickers.length > 5 ? ', …' : ''}`);
    }
    if (slice.length === 0) {
      throw new UpstreamError('anthropic: no active markets to analyze yet', { source: 'anthropic', category: 'data', retryable: true });
    }
    const insight = await this.execute(slice, 'request');
    if (!insight) throw new Error('unreachable: a requested analysis returns an insight or throws');
    return insight;
  }

  latest(ticker: string | null = null): InsightRecord | null {
    return this.store.latest(ticker);
  }

  list(ticker: string | null = null, limit: number = 20): InsightRecord[] {
    return this.store.list(ticker, limit);
  }

  /** Spending in the current hour, against the caps. */
  budgetStatus(): { calls: number; outputTokens: number; callsPerHour: number; outputTokensPerHour: number } {
    return { ...this.budget.usage(), callsPerHour: this.budget.callsPerHour, outputTokensPerHour: this.budget.outputTokensPerHour };
  }

  private scheduleNext(delayMs: number = this.intervalMs): void {
    if (!this.started) return;
    this.scheduleTimer = this.clock.setTimeout(() => {
      this.scheduleTimer = null;
      // Fixed cadence: the next tick is planned now; a run still in flight makes this one skip.
      this.scheduleNext();
      this.runInBackground('schedule', new Set());
    }, delayMs);
  }

  private runInBackground(trigger: 'schedule' | 'move', first: ReadonlySet<string>): void {
    if (!this.started) return;
    if (this.background) {
      this.logger.debug({ trigger }, 'analysis skipped: a run is in flight');
      return;
    }
    const slice = selectSlice(this.markets, this.sliceSize, first);
    if (slice.length === 0) return;
    this.background = this.execute(slice, trigger)
      .then(
        () => undefined,
        (error: unknown) => {
          const upstream = toUpstreamError(error);
          if (!this.stopController.signal.aborted) {
            this.logger.warn({ err: upstream, trigger, category: upstream.category }, 'market analysis failed');
            this.safely(() => this.hooks.onError?.(upstream));
          }
        },
      )
      .finally(() => {
        this.background = null;
      });
  }

  /** Cache → join an identical run → budget → the guarded call. Null only when a background run was refused by the budget. */
  private execute(slice: MarketRecord[], trigger: Trigger): Promise<InsightRecord | null> {
    const fingerprint = sliceFingerprint(slice);
    const now = this.clock.now();
    const cached = this.cache.get(fingerprint);
    if (cached && now - cached.at < this.cacheTtlMs) {
      this.logger.debug({ trigger, insightId: cached.insight.id }, 'analysis served from cache');
      this.baseline = this.midsOf(this.markets);
      return Promise.resolve(cached.insight);
    }
    const running = this.inFlight.get(fingerprint);
    if (running) return running;

    const allowed = this.budget.check();
    if (!allowed.ok) {
      const message = `anthropic analysis budget exhausted (${allowed.reason}); next call allowed at ${new Date(allowed.availableAt).toISOString()}`;
      if (trigger === 'request') {
        return Promise.reject(
          new UpstreamError(message, { source: 'anthropic', category: 'rate_limit', retryable: false, retryAfterMs: Math.max(0, allowed.availableAt - now) }),
        );
      }
      if (!this.budgetReported) {
        this.budgetReported = true;
        this.logger.warn({ trigger }, message);
        this.safely(() => this.hooks.onBudgetExhausted?.(message));
      }
      return Promise.resolve(null);
    }
    this.budgetReported = false;

    const run = this.analyze(slice, fingerprint).finally(() => this.inFlight.delete(fingerprint));
    this.inFlight.set(fingerprint, run);
    return run;
  }

  private async analyze(slice: MarketRecord[], fingerprint: string): Promise<InsightRecord> {
    this.budget.recordCall();
    this.lastRunStartedAt = this.clock.now();
    this.baseline = this.midsOf(this.markets);
    const insightId = `insight:${randomUUID()}`;
    const tickers = slice.map((m) => m.ticker);
    const chunk = (delta: string): void => this.safely(() => this.hooks.onChunk?.({ insightId, delta, done: false, insight: null, tickers }));
    let attempts = 0;
    try {
      // The stop goes to the guard: a run cut by stop() is a cancellation, not an Anthropic failure.
      // (The request gets it too, so it ends even under a guard that ignores it.)
      const result = await this.call(
        ANALYZE_OPERATION,
        (signal) => {
          // The first attempt was counted above; the guard's retries are calls too.
          if (attempts++ > 0) this.budget.recordCall();
          return this.client.analyze(slice, { signal: AbortSignal.any([signal, this.stopController.signal]), onTextDelta: chunk, insightId });
        },
        { signal: this.stopController.signal },
      );
      this.budget.recordOutputTokens(result.usage.outputTokens);
      const { insight } = result;
      this.store.add(insight);
      this.cache.set(fingerprint, { insight, at: this.clock.now() });
      this.trimCache();
      this.logger.info(
        { insightId, requestId: result.requestId, tickers: tickers.length, sentiment: insight.sentiment, outputTokens: result.usage.outputTokens },
        'market analysis done',
      );
      this.safely(() => this.hooks.onChunk?.({ insightId, delta: '', done: true, insight, tickers: insight.tickers }));
      this.safely(() => this.hooks.onInsight?.(insight));
      return insight;
    } catch (error) {
      // Subscribers waiting on this insightId learn that it will not come.
      this.safely(() => this.hooks.onChunk?.({ insightId, delta: '', done: true, insight: null, tickers }));
      throw toUpstreamError(error);
    }
  }

  private midsOf(markets: readonly MarketRecord[]): Map<string, number> {
    const mids = new Map<string, number>();
    for (const market of markets) {
      const mid = midOf(market);
      if (mid !== null) mids.set(market.ticker, mid);
    }
    return mids;
  }

  private trimCache(): void {
    const now = this.clock.now();
    for (const [key, entry] of this.cache) if (now - entry.at >= this.cacheTtlMs) this.cache.delete(key);
    while (this.cache.size > CACHE_CAPACITY) {
      const oldest = this.cache.keys().next().value;
      if (oldest === undefined) break;
      this.cache.delete(oldest);
    }
  }

  /** Callbacks belong to other modules: their failures are logged, never allowed to break a run. */
  private safely(fn: () => void): void {
    try {
      fn();
    } catch (error) {
      this.logger.error({ err: error }, 'insight engine callback failed');
    }
  }
}
