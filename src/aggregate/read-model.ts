/**
 * What the schema reads by key, and what the feeds write to the cache tiers.
 *
 * Reads take the fastest source of truth first: a live feed's value (the market poller's state,
 * the WebSocket book) is served as LIVE while its source answers live; everything else goes
 * through the four cache tiers in one batched read per kind, whose loader is the upstream (through
 * its guard). A failing upstream is covered by the freshest copy any tier holds, labelled with
 * that tier and its original age.
 *
 * Writes: every poll's markets and metrics, every new insight and (at most once a second per
 * market) every WebSocket book are written through L1 + L2, with L3 behind them; L4 snapshots L1
 * in the background. At startup the tiers warm the in-memory state so a restart with every
 * upstream down still answers, from L3/L4, saying so.
 */
import type { Clock, TimerHandle } from '../core/clock.js';
import type { BusinessMetricRecord, InsightRecord, MarketRecord, OrderBookRecord, Provenance, SourceId } from '../core/domain.js';
import { RequestLimitError } from '../core/errors.js';
import type { Logger } from '../core/logger.js';
import { cacheKey, parseCacheKey, type Served } from '../cache/entry.js';
import type { CacheWrite, LoadedValue, TieredCache } from '../cache/tiered-cache.js';
import type { LiveBusinessMetrics } from './live-metrics.js';
import { mergeMarket, type LiveMarkets } from './live-markets.js';
import { UnknownTickers } from './unknown-tickers.js';

export interface ReadModelSources {
  fetchMarkets(tickers: readonly string[]): Promise<MarketRecord[]>;
  liveBook(ticker: string): OrderBookRecord | null;
  /** REST reads of these books, in the order asked; null where the exchange has no such market, undefined where unreadable. */
  fetchOrderBooks(tickers: readonly string[]): Promise<Array<OrderBookRecord | null | undefined>>;
  /** Books one REST call of fetchOrderBooks reads (the exchange's batch endpoint, or 1). */
  readonly orderBooksPerCall: number;
  /** These books were asked for: the feed follows them while they are (demand-driven tracking). */
  askBooks(tickers: readonly string[]): void;
  /** A subscriber keeps this book asked for until it calls the returned function. */
  holdBook(ticker: string): () => void;
  latestInsight(ticker: string | null): InsightRecord | null;
}

export interface ReadModelDeps {
  cache: TieredCache;
  clock: Clock;
  logger: Logger;
  markets: LiveMarkets;
  businessMetrics: LiveBusinessMetrics;
  sources: ReadModelSources;
  /** How often pushed books are written to the tiers (per market, the latest wins). @default 1000 */
  bookFlushIntervalMs?: number;
  /** How long a ticker the exchange does not know is answered as unknown without asking again. @default 5000 */
  unknownTickerTtlMs?: number;
}

/**
 * What one GraphQL operation may still spend on REST order-book calls, shared by all its loader
 * batches (KALSHI_BOOK_READS_PER_REQUEST). A `markets(limit: 1000) { orderBook }` thus costs the
 * exchange at most `limit` calls, not a thousand, and cannot crowd the pollers out of the pacer.
 */
export interface BookReadBudget {
  readonly limit: number;
  remaining: number;
}

/** Why a book is missing from an answer: this request spent its REST book reads, and no tier held it. */
export function bookReadLimited(ticker: string, limit: number): RequestLimitError {
  return new RequestLimitError(
    `order book of ${ticker} not read: this request already made its ${limit} REST order-book reads (KALSHI_BOOK_READS_PER_REQUEST); ask for it in a request of its own, or subscribe to orderBookUpdated`,
    'BOOK_READ_LIMITED',
    { ticker, limit },
  );
}

export const keys = {
  market: (ticker: string) => cacheKey('kalshi', 'markets', ticker),
  orderBook: (ticker: string) => cacheKey('kalshi', 'orderBooks', ticker),
  insight: (ticker: string | null) => cacheKey('anthropic', 'insights', ticker ?? '*'),
  metrics: (agentId: string) => cacheKey('john', 'metrics', agentId),
};

/** The kinds the in-memory state is seeded with at startup: the prefixes of keys.market and keys.metrics. */
const WARMED_PREFIXES = { markets: 'data:kalshi:markets:', metrics: 'data:john:metrics:' } as const;
/** The version `keys` writes; entries of another version have another shape and are never read. */
const KEY_VERSION = 1;

type WithProvenance = { provenance: Provenance };

/**
 * A cached value served with the provenance of the copy that answered. The value's own stamps
 * (`simulated`) are kept: a value a simulator made stays marked in every tier.
 */
function stamped<T extends WithProvenance>(served: Served<T>): T {
  return { ...served.value, provenance: { ...served.value.provenance, originAt: served.originAt, fetchedAt: served.fetchedAt, tier: served.tier } };
}

function write<T extends WithProvenance>(key: string, source: SourceId, value: T): CacheWrite<T> {
  return { key, value, source, originAt: value.provenance.originAt, fetchedAt: value.provenance.fetchedAt };
}

function indicesWhere<T>(items: readonly T[], keep: (item: T, index: number) => boolean): number[] {
  const out: number[] = [];
  items.forEach((item, index) => {
    if (keep(item, index)) out.push(index);
  });
  return out;
}

function groupByAgent(records: readonly BusinessMetricRecord[]): Map<string, BusinessMetricRecord[]> {
  const byAgent = new Map<string, BusinessMetricRecord[]>();
  for (const record of records) byAgent.set(record.agentId, [...(byAgent.get(record.agentId) ?? []), record]);
  return byAgent;
}

export class ReadModel {
  private readonly pendingBooks = new Map<string, OrderBookRecord>();
  private bookTimer: TimerHandle | null = null;
  /** Markets patched by the feed (book top, ticker) since their last cache write. */
  private readonly patchedTickers = new Set<string>();
  private patchTimer: TimerHandle | null = null;
  /** Tickers the exchange just said it does not know (a negative cache: one listing call, not one per ask). */
  private readonly unknown: UnknownTickers;

  constructor(private readonly deps: ReadModelDeps) {
    this.unknown = new UnknownTickers({ clock: deps.clock, ttlMs: deps.unknownTickerTtlMs ?? 5000 });
  }

  // ---- writes (from the feeds) ----

  /**
   * A listing's markets, written through the tiers as LiveMarkets merges them, never as the listing
   * sent them: per price field the newest observation, so a book's bid newer than the listing is
   * what the tiers keep too, and a restart (warmed from L3/L4) or a source that is not LIVE never
   * serves a bid older than one already served. The listing is merged into the held record here
   * as well, so this holds whether it is called before or after `markets.upsert` (merging a
   * listing into a record it was already merged into changes nothing).
   */
  marketsRefreshed(records: readonly MarketRecord[]): void {
    for (const record of records) this.unknown.forget(record.ticker);
    const merged = records.map((record) => {
      const held = this.deps.markets.held(record.ticker);
      return held ? mergeMarket(held, record).record : record;
    });
    this.background(this.deps.cache.setMany(merged.map((r) => write(keys.market(r.ticker), 'kalshi', r))));
  }

  /**
   * A feed patched a market between listings. The cache gets the market as held (newest per price
   * field) at most once per book-flush interval, so a crash between polls restarts with the last
   * bid served, not the last listing's.
   */
  marketPatched(ticker: string): void {
    this.patchedTickers.add(ticker);
    this.patchTimer ??= this.deps.clock.setTimeout(() => {
      this.patchTimer = null;
      this.background(this.writePatchedMarkets());
    }, this.deps.bookFlushIntervalMs ?? 1000);
  }

  private writePatchedMarkets(): Promise<void> {
    const held = [...this.patchedTickers].map((ticker) => this.deps.markets.held(ticker)).filter((record) => record !== null);
    this.patchedTickers.clear();
    if (held.length === 0) return Promise.resolve();
    return this.deps.cache.setMany(held.map((r) => write(keys.market(r.ticker), 'kalshi', r)));
  }

  bookUpdated(book: OrderBookRecord): void {
    this.pendingBooks.set(book.ticker, book);
    this.bookTimer ??= this.deps.clock.setTimeout(() => {
      this.bookTimer = null;
      const books = [...this.pendingBooks.values()];
      this.pendingBooks.clear();
      this.background(this.deps.cache.setMany(books.map((b) => write(keys.orderBook(b.ticker), 'kalshi', b))));
    }, this.deps.bookFlushIntervalMs ?? 1000);
  }

  metricsPolled(records: readonly BusinessMetricRecord[]): void {
    const writes = [...groupByAgent(records)].map(([agentId, list]) => ({
      key: keys.metrics(agentId),
      value: list,
      source: 'john' as const,
      originAt: Math.min(...list.map((r) => r.provenance.originAt)),
      fetchedAt: Math.max(...list.map((r) => r.provenance.fetchedAt)),
    }));
    this.background(this.deps.cache.setMany(writes));
  }

  insightPublished(insight: InsightRecord): void {
    const writes = [null, ...insight.tickers].map((ticker) => write(keys.insight(ticker), 'anthropic', insight));
    this.background(this.deps.cache.setMany(writes));
  }

  // ---- reads (by key, batched by the schema's DataLoaders) ----

  /**
   * Markets by ticker: live first, then the tiers, then one listing call for the rest. A ticker the
   * listing left out is remembered as unknown for a few seconds (KALSHI_UNKNOWN_TICKER_TTL_MS), so
   * asking for it again is answered null without another call.
   */
  async marketsByTicker(tickers: readonly string[]): Promise<Array<MarketRecord | null>> {
    const out = tickers.map((ticker) => this.liveMarket(ticker));
    const at = indicesWhere(tickers, (ticker, i) => out[i] === null && !this.unknown.has(ticker));
    const missing = at.map((i) => tickers[i]!);
    if (missing.length > 0) {
      const served = await this.deps.cache.getMany<MarketRecord>(missing.map(keys.market), async (cold) => {
        const coldKeys = new Set(cold);
        const wanted = missing.filter((ticker) => coldKeys.has(keys.market(ticker)));
        const fetched = await this.deps.sources.fetchMarkets(wanted);
        const listed = new Set(fetched.map((m) => m.ticker));
        for (const ticker of wanted) if (!listed.has(ticker)) this.unknown.add(ticker);
        return new Map(
          fetched.map((m): [string, LoadedValue<MarketRecord>] => [
            keys.market(m.ticker),
            { value: m, source: 'kalshi', originAt: m.provenance.originAt, fetchedAt: m.provenance.fetchedAt },
          ]),
        );
      });
      at.forEach((i, k) => {
        const s = served[k];
        out[i] = s ? stamped(s) : null;
      });
    }
    return out;
  }

  /**
   * Books by ticker. Asking is demand: the feed is told at once, so a book asked for follows the
   * WebSocket from its snapshot on (KALSHI_MAX_TRACKED_BOOKS, KALSHI_BOOK_IDLE_MS). Only markets
   * known to exist are asked for: those listed, at once, and others once their REST book came back
   * (the exchange refuses `add_markets` for a market it does not know, and the whole command with
   * it, so a made-up ticker must not ride along with real ones). Until then, and
   * for books the feed does not hold, the tiers answer, then REST; a book served from the feed is
   * marked `streaming`, every other one is not (its quality tells a REST snapshot from a live book).
   *
   * REST reads are bounded by `budget` (one GraphQL operation's): books beyond it are answered from
   * any tier that holds a copy (fresh or not, labelled with its tier and age), else with a
   * BOOK_READ_LIMITED error for that book alone. A ticker the exchange does not know is remembered
   * (null without another call for a few seconds).
   */
  async orderBooks(tickers: readonly string[], budget?: BookReadBudget): Promise<Array<OrderBookRecord | RequestLimitError | null>> {
    this.deps.sources.askBooks(tickers.filter((ticker) => this.isListed(ticker)));
    const out: Array<OrderBookRecord | RequestLimitError | null> = tickers.map((ticker) => {
      const live = this.deps.sources.liveBook(ticker);
      return live && { ...live, provenance: { ...live.provenance, streaming: true } };
    });
    const at = indicesWhere(tickers, (ticker, i) => out[i] === null && !this.unknown.has(ticker));
    const missing = at.map((i) => tickers[i]!);
    if (missing.length === 0) return out;
    const limited = new Set<string>();
    const served = await this.deps.cache.getMany<OrderBookRecord>(missing.map(keys.orderBook), async (cold) => {
      const coldKeys = new Set(cold);
      const wanted = [...new Set(missing.filter((ticker) => coldKeys.has(keys.orderBook(ticker))))];
      const perCall = this.deps.sources.orderBooksPerCall;
      const affordable = budget ? Math.min(wanted.length, Math.max(0, budget.remaining) * perCall) : wanted.length;
      const reading = wanted.slice(0, affordable);
      for (const ticker of wanted.slice(affordable)) limited.add(ticker);
      if (budget) budget.remaining -= Math.ceil(reading.length / perCall);
      if (reading.length === 0) return new Map();
      const books = await this.deps.sources.fetchOrderBooks(reading);
      // Markets not listed here whose book the exchange had: they exist, so they are asked for now.
      this.deps.sources.askBooks(reading.filter((ticker, k) => books[k] && !this.isListed(ticker)));
      const loaded = new Map<string, LoadedValue<OrderBookRecord>>();
      reading.forEach((ticker, k) => {
        const book = books[k];
        // Unreadable (undefined): not loaded, so a previous copy covers it. Unknown (null): remembered.
        if (book === null) this.unknown.add(ticker);
        if (!book) return;
        loaded.set(keys.orderBook(ticker), { value: book, source: 'kalshi', originAt: book.provenance.originAt, fetchedAt: book.provenance.fetchedAt });
      });
      return loaded;
    });
    at.forEach((i, k) => {
      const s = served[k];
      const ticker = tickers[i]!;
      // A copy from a tier is not kept current by the feed, whatever it was when it was written.
      if (s) out[i] = { ...stamped(s), provenance: { ...stamped(s).provenance, streaming: false } };
      else out[i] = limited.has(ticker) && budget ? bookReadLimited(ticker, budget.limit) : null;
    });
    return out;
  }

  /**
   * Keeps a subscriber's book asked for (so followed over the WebSocket) until the returned function
   * is called. A market not listed here is held once a read by ticker finds it (one listing call,
   * remembered when unknown): a subscription to a made-up ticker asks the exchange for nothing.
   */
  holdBook(ticker: string): () => void {
    let release: (() => void) | null = null;
    let released = false;
    const hold = (): void => {
      if (!released) release = this.deps.sources.holdBook(ticker);
    };
    if (this.isListed(ticker)) hold();
    else if (!this.unknown.has(ticker)) {
      this.marketsByTicker([ticker]).then(
        ([market]) => {
          if (market) hold();
        },
        (error: unknown) => this.deps.logger.warn({ err: error, ticker }, 'could not tell whether a subscribed market exists; its book is not followed'),
      );
    }
    return () => {
      released = true;
      release?.();
    };
  }

  /** Listed by the exchange's latest listings (held in memory), whatever the source's state now. */
  private isListed(ticker: string): boolean {
    return this.deps.markets.held(ticker) !== null;
  }

  async latestInsights(tickers: ReadonlyArray<string | null>): Promise<Array<InsightRecord | null>> {
    // The insight engine's memory is the source; after a restart it is empty and the tiers answer.
    const served = await this.deps.cache.getMany<InsightRecord>(tickers.map(keys.insight), (cold) => {
      const loaded = new Map<string, LoadedValue<InsightRecord>>();
      for (const ticker of tickers) {
        const insight = this.deps.sources.latestInsight(ticker);
        if (insight && cold.includes(keys.insight(ticker))) {
          loaded.set(keys.insight(ticker), {
            value: insight,
            source: 'anthropic',
            originAt: insight.provenance.originAt,
            fetchedAt: insight.provenance.fetchedAt,
          });
        }
      }
      return Promise.resolve(loaded);
    });
    return served.map((s) => (s ? stamped(s) : null));
  }

  // ---- startup and shutdown ----

  /**
   * Seeds the in-memory state from the freshest durable copy of each market and agent's metrics, so
   * the aggregate has them before any upstream has answered: the database (L3, written seconds after
   * every poll) or the fallback files (L4, every minute and at shutdown, already in L1), whichever
   * is newer. They keep that tier's label and their origin time: the answer says it is a stored
   * copy of a given age, not today's market.
   */
  async warm(): Promise<{ markets: number; metrics: number; fromL3: number; fromL4: number }> {
    const counts = { markets: 0, metrics: 0, fromL3: 0, fromL4: 0 };
    const warmed = await this.deps.cache.warmFromL3([WARMED_PREFIXES.markets, WARMED_PREFIXES.metrics]);
    for (const { key, entry, tier } of warmed) {
      if (parseCacheKey(key)?.version !== KEY_VERSION) continue;
      if (key.startsWith(WARMED_PREFIXES.markets)) {
        const record = entry.value as MarketRecord;
        this.deps.markets.upsert([{ ...record, provenance: { ...record.provenance, originAt: entry.originAt, fetchedAt: entry.fetchedAt, tier } }], 'patch');
        counts.markets++;
      } else {
        const list = entry.value as BusinessMetricRecord[];
        this.deps.businessMetrics.upsert(list.map((m) => ({ ...m, provenance: { ...m.provenance, tier } })));
        counts.metrics += list.length;
      }
      if (tier === 'L3') counts.fromL3++;
      else if (tier === 'L4') counts.fromL4++;
    }
    return counts;
  }

  /** Writes the books still waiting for their flush. */
  async flush(): Promise<void> {
    this.patchTimer?.cancel();
    this.patchTimer = null;
    await this.writePatchedMarkets();
    this.bookTimer?.cancel();
    this.bookTimer = null;
    const books = [...this.pendingBooks.values()];
    this.pendingBooks.clear();
    if (books.length > 0) await this.deps.cache.setMany(books.map((b) => write(keys.orderBook(b.ticker), 'kalshi', b)));
  }

  private liveMarket(ticker: string): MarketRecord | null {
    const market = this.deps.markets.get(ticker);
    return market && market.provenance.tier === 'LIVE' ? market : null;
  }

  private fill<T extends WithProvenance>(out: Array<T | null>, served: Array<Served<T> | null>): void {
    let next = 0;
    for (let i = 0; i < out.length; i++) {
      if (out[i] !== null) continue;
      const s = served[next++];
      out[i] = s ? stamped(s) : null;
    }
  }

  private background(write: Promise<void>): void {
    write.catch((error: unknown) => this.deps.logger.warn({ err: error }, 'cache write failed'));
  }
}
