/**
 * The simulator's candlestick routes, as Kalshi serves them:
 * - `GET /markets/candlesticks?market_tickers=A,B&start_ts&end_ts&period_interval` (up to 100
 *   markets, 10,000 candles in all) → `{ markets: [{ market_ticker, candlesticks }] }`;
 * - `GET /series/{series_ticker}/markets/{ticker}/candlesticks?start_ts&end_ts&period_interval`
 *   → `{ ticker, candlesticks }` (404 for a market not in that series).
 * `start_ts` / `end_ts` are Unix seconds and select periods by their inclusive end;
 * `period_interval` is minutes: 1, 60 or 1440.
 */
import { CANDLE_PERIOD_MINUTES } from '../../sources/kalshi/protocol.js';
import type { SimCandleHistory } from './candle-history.js';
import type { KalshiMarketModel } from './market-model.js';
import { candlesticksBatchPayload, errorPayload, marketCandlesticksPayload } from './payloads.js';

export const MAX_CANDLESTICK_MARKETS = 100;
export const MAX_CANDLESTICKS = 10_000;

interface Reply {
  status: number;
  body: unknown;
}

const badRequest = (message: string, details = ''): Reply => ({ status: 400, body: errorPayload('bad_request', message, details) });
const notFound = (message: string, details = ''): Reply => ({ status: 404, body: errorPayload('not_found', message, details) });

interface Range {
  startMs: number;
  endMs: number;
  periodMinutes: number;
}

function seconds(query: URLSearchParams, name: string): number | Reply {
  const raw = query.get(name);
  if (raw === null || raw === '') return badRequest(`${name} is required`, `${name} must be Unix seconds`);
  if (!/^\d{1,12}$/.test(raw)) return badRequest(`invalid ${name}`, `${name} must be Unix seconds`);
  return Number(raw);
}

function rangeOf(query: URLSearchParams): Range | Reply {
  const start = seconds(query, 'start_ts');
  if (typeof start !== 'number') return start;
  const end = seconds(query, 'end_ts');
  if (typeof end !== 'number') return end;
  const period = Number(query.get('period_interval'));
  if (!(CANDLE_PERIOD_MINUTES as readonly number[]).includes(period)) return badRequest('invalid period_interval', 'period_interval must be 1, 60 or 1440');
  if (start > end) return badRequest('invalid range', 'start_ts must not be after end_ts');
  return { startMs: start * 1000, endMs: end * 1000, periodMinutes: period };
}

/** The candlestick routes' answer, or null when the path is not one of them. */
export function candleRoute(
  history: SimCandleHistory,
  model: KalshiMarketModel,
  method: string,
  segments: readonly string[],
  query: URLSearchParams,
  nowMs: number,
): Reply | null {
  if (method !== 'GET') return null;
  const batch = segments.length === 2 && segments[0] === 'markets' && segments[1] === 'candlesticks';
  const single = segments.length === 5 && segments[0] === 'series' && segments[2] === 'markets' && segments[4] === 'candlesticks';
  if (!batch && !single) return null;
  const range = rangeOf(query);
  if ('status' in range) return range;
  const { startMs, endMs, periodMinutes } = range;
  if (single) {
    const [, series, , ticker] = segments as [string, string, string, string, string];
    const market = model.getState(ticker);
    if (!market || market.seriesTicker !== series) return notFound('market not found', ticker);
    const candles = history.candles(ticker, periodMinutes, startMs, endMs, nowMs) ?? [];
    if (candles.length > MAX_CANDLESTICKS) return badRequest('too many candlesticks', `at most ${MAX_CANDLESTICKS} candlesticks per request`);
    return { status: 200, body: marketCandlesticksPayload(ticker, candles) };
  }
  const tickers = (query.get('market_tickers') ?? '')
    .split(',')
    .map((t) => t.trim())
    .filter(Boolean);
  if (tickers.length === 0) return badRequest('market_tickers is required');
  if (tickers.length > MAX_CANDLESTICK_MARKETS) return badRequest('too many markets', `at most ${MAX_CANDLESTICK_MARKETS} market_tickers`);
  const markets: Array<{ ticker: string; candles: NonNullable<ReturnType<SimCandleHistory['candles']>> }> = [];
  let total = 0;
  for (const ticker of new Set(tickers)) {
    const candles = history.candles(ticker, periodMinutes, startMs, endMs, nowMs);
    // Unknown markets are left out of the answer.
    if (candles === null) continue;
    total += candles.length;
    markets.push({ ticker, candles });
  }
  if (total > MAX_CANDLESTICKS) return badRequest('too many candlesticks', `at most ${MAX_CANDLESTICKS} candlesticks per request in all`);
  return { status: 200, body: candlesticksBatchPayload(markets) };
}
