/**
 * The Kalshi source's reads of market history: candlesticks and public trades over REST, each one
 * guard call (breaker, retries, the source's token bucket), normalized here. A candlestick or trade
 * that cannot be read is skipped, logged and counted (`northstar_upstream_malformed_payloads_total`);
 * the caller learns how many were, so it does not take a partly read range as complete.
 */
import type { Clock } from '../../core/clock.js';
import { CANDLE_INTERVAL_MINUTES, candleIntervalMs, type CandleInterval, type CandleRecord, type TradeRecord } from '../../core/market-history.js';
import type { Logger } from '../../core/logger.js';
import type { Metrics } from '../../core/metrics.js';
import type { SourceGuard } from '../resilience/source-guard.js';
import { MAX_CANDLESTICK_MARKETS, type KalshiRestClient } from './client.js';
import { normalizeCandlestick, normalizeRestTrade } from './normalize-history.js';

export interface CandlesRead {
  candles: CandleRecord[];
  /** Candlesticks skipped as malformed. */
  malformed: number;
}

export interface TradesRead {
  trades: TradeRecord[];
  malformed: number;
  /** true when the listing was read to its end (nothing older exists before the range). */
  exhausted: boolean;
}

export interface KalshiHistoryReads {
  /**
   * Candles of these markets whose period lies in [fromMs, toMs) (both on the interval's grid), per
   * ticker: one GET /markets/candlesticks per 100 markets.
   */
  candles(tickers: readonly string[], interval: CandleInterval, fromMs: number, toMs: number): Promise<Map<string, CandlesRead>>;
  /** Up to `limit` trades of one market at or before `maxMs`, newest first (following cursors, at most `maxPages`). */
  trades(ticker: string, maxMs: number, limit: number, maxPages?: number): Promise<TradesRead>;
  /**
   * Every market's trades from `minMs` to `maxMs` (Kalshi's min_ts / max_ts: whole seconds, both
   * inclusive), newest first, at most `limit` (pages of 1000): a trade-channel gap read back.
   */
  tradesInRange(minMs: number, maxMs: number, limit: number): Promise<TradesRead>;
}

export interface KalshiHistoryReadsDeps {
  client: KalshiRestClient;
  guard: SourceGuard;
  clock: Clock;
  logger: Logger;
  metrics: Metrics;
  /** The source's stop signal: reads in flight end as cancellations. */
  signal: AbortSignal;
}

/** Kalshi's most trades per page. */
const MAX_TRADES_PAGE = 1000;

export function kalshiHistoryReads(deps: KalshiHistoryReadsDeps): KalshiHistoryReads {
  const { client, guard, clock, logger, metrics, signal } = deps;
  const malformed = (error: unknown, what: string, ticker: string): void => {
    metrics.upstreamMalformedPayloads.inc({ source: 'kalshi' });
    logger.warn({ err: error, ticker }, `malformed Kalshi ${what} skipped`);
  };
  return {
    async candles(tickers, interval, fromMs, toMs) {
      const step = candleIntervalMs(interval);
      const reads = new Map<string, CandlesRead>(tickers.map((ticker) => [ticker, { candles: [], malformed: 0 }]));
      for (let at = 0; at < tickers.length; at += MAX_CANDLESTICK_MARKETS) {
        const chunk = tickers.slice(at, at + MAX_CANDLESTICK_MARKETS);
        // Kalshi selects by the period's inclusive end: the first period [from, from + step) ends at from + step.
        const answer = await guard.call(
          'getCandlesticks',
          (callSignal) =>
            client.getCandlesticksBatch(
              chunk,
              { startTs: (fromMs + step) / 1000, endTs: toMs / 1000, periodInterval: CANDLE_INTERVAL_MINUTES[interval] },
              { signal: callSignal },
            ),
          { signal },
        );
        for (const market of answer.markets) {
          const read = reads.get(market.market_ticker);
          // A market we did not ask for is not ours to keep.
          if (!read) continue;
          for (const wire of market.candlesticks) {
            try {
              const candle = normalizeCandlestick(market.market_ticker, interval, wire);
              // Extras before the range (include_latest_before_start) and periods past it are not ours.
              if (candle.startMs >= fromMs && candle.endMs <= toMs) read.candles.push(candle);
            } catch (error) {
              read.malformed++;
              malformed(error, 'candlestick', market.market_ticker);
            }
          }
        }
      }
      for (const read of reads.values()) read.candles.sort((a, b) => a.startMs - b.startMs);
      return reads;
    },

    async tradesInRange(minMs, maxMs, limit) {
      const trades: TradeRecord[] = [];
      let skipped = 0;
      let cursor = '';
      do {
        const page = await guard.call(
          'listTrades',
          (callSignal) =>
            client.listTrades(
              {
                minTs: Math.floor(minMs / 1000),
                maxTs: Math.floor(maxMs / 1000),
                limit: Math.min(MAX_TRADES_PAGE, Math.max(1, limit - trades.length)),
                ...(cursor ? { cursor } : {}),
              },
              { signal: callSignal },
            ),
          { signal },
        );
        const receivedAt = clock.now();
        for (const wire of page.trades) {
          try {
            trades.push(normalizeRestTrade(wire, receivedAt));
          } catch (error) {
            skipped++;
            malformed(error, 'trade', typeof wire?.ticker === 'string' ? wire.ticker : '(unknown)');
          }
        }
        cursor = page.cursor;
      } while (cursor !== '' && trades.length < limit);
      return { trades, malformed: skipped, exhausted: cursor === '' };
    },

    async trades(ticker, maxMs, limit, maxPages = 3) {
      const trades: TradeRecord[] = [];
      let skipped = 0;
      let cursor = '';
      let pages = 0;
      do {
        const page = await guard.call(
          'listTrades',
          (callSignal) =>
            client.listTrades(
              { ticker, maxTs: Math.floor(maxMs / 1000), limit: Math.min(MAX_TRADES_PAGE, Math.max(1, limit - trades.length)), ...(cursor ? { cursor } : {}) },
              { signal: callSignal },
            ),
          { signal },
        );
        pages++;
        const receivedAt = clock.now();
        for (const wire of page.trades) {
          try {
            const trade = normalizeRestTrade(wire, receivedAt);
            if (trade.ticker === ticker && trade.atMs <= maxMs) trades.push(trade);
          } catch (error) {
            skipped++;
            malformed(error, 'trade', ticker);
          }
        }
        cursor = page.cursor;
      } while (cursor !== '' && trades.length < limit && pages < maxPages);
      return { trades, malformed: skipped, exhausted: cursor === '' };
    },
  };
}
