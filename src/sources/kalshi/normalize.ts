/**
 * Kalshi wire → Northstar records. Pure functions: no I/O, no clock (the fetch time is passed in).
 *
 * A market or book that cannot be read faithfully throws UpstreamError (category data, not
 * retryable) naming the market and the field; the caller logs and counts it and keeps serving the
 * previous good value. Prices are parsed to integer micro-dollars (money.ts) so derived prices are
 * exact: a NO bid of 0.44 becomes a YES ask of exactly 0.56.
 */
import { MARKET_STATUSES, marketId, type MarketRecord, type MarketStatus, type OrderBookRecord, type PriceLevel } from '../../core/domain.js';
import { UpstreamError } from '../../core/errors.js';
import { HUNDREDTHS_PER_CONTRACT, MICROS_PER_DOLLAR, parseCountHundredths, parseDollarMicros } from './money.js';
import type { Market, OrderbookFp } from './protocol.js';
import { isRecord } from '../../core/is-record.js';

function invalid(message: string, cause?: unknown): UpstreamError {
  return new UpstreamError(message, { source: 'kalshi', category: 'data', retryable: false, cause });
}

/** Runs a field parser, turning its failure into a data error that names the market. */
function field<T>(ticker: string, parse: () => T): T {
  try {
    return parse();
  } catch (error) {
    throw invalid(`Kalshi market ${ticker}: ${error instanceof Error ? error.message : String(error)}`, error);
  }
}

function optionalString(value: unknown, name: string): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw new TypeError(`${name} must be a string, got ${typeof value}`);
  return value;
}

/**
 * A YES price in dollars, or null when Kalshi says there is none. Kalshi shows an empty side as a
 * 0 bid / $1 ask and "no trade yet" as a 0 last price, so those edges read as null too.
 */
function price(value: unknown, name: string, absentAt: 0 | 1): number | null {
  const text = optionalString(value, name);
  if (text === undefined || text === '') return null;
  const micros = parseDollarMicros(text, name);
  if (micros < 0 || micros > MICROS_PER_DOLLAR) throw new RangeError(`${name} ${JSON.stringify(text)} is outside 0..1 dollars`);
  if (micros === absentAt * MICROS_PER_DOLLAR) return null;
  return micros / MICROS_PER_DOLLAR;
}

/** A contract count, or null when absent. */
function count(value: unknown, name: string): number | null {
  const text = optionalString(value, name);
  if (text === undefined || text === '') return null;
  const hundredths = parseCountHundredths(text, name);
  if (hundredths < 0) throw new RangeError(`${name} ${JSON.stringify(text)} is negative`);
  return hundredths / HUNDREDTHS_PER_CONTRACT;
}

/** An ISO-8601 timestamp, re-printed canonically; null when absent. */
function timestamp(value: unknown, name: string): string | null {
  const text = optionalString(value, name);
  if (text === undefined || text === '') return null;
  const at = Date.parse(text);
  if (!Number.isFinite(at)) throw new RangeError(`${name} ${JSON.stringify(text)} is not a timestamp`);
  return new Date(at).toISOString();
}

function status(value: unknown): MarketStatus {
  const upper = typeof value === 'string' ? value.toUpperCase() : '';
  if (!(MARKET_STATUSES as readonly string[]).includes(upper)) throw new RangeError(`status ${JSON.stringify(value)} is not a known market status`);
  return upper as MarketStatus;
}

/**
 * One market as a MarketRecord. `fetchedAtMs` is when the response arrived; it stands in for
 * `updated_time` when Kalshi sends none. `requestedAtMs` is when its request left (default: the
 * fetch time): the observation time of its prices, since the exchange cannot have produced the
 * answer earlier — a listing whose request left before a book message we hold must not win over
 * it (LiveMarkets merges per field). `updated_time` is not a price time: it is "the last
 * non-trading metadata update" (kalshi-typescript's Market), days old while prices move. Accepts
 * `unknown` fields defensively: the wire type is a promise the upstream may break.
 */
export function normalizeMarket(wire: Market, fetchedAtMs: number, requestedAtMs: number = fetchedAtMs): MarketRecord {
  if (!isRecord(wire)) throw invalid('Kalshi market is not an object');
  const raw: Record<string, unknown> = wire;
  const ticker = raw.ticker;
  if (typeof ticker !== 'string' || ticker.trim() === '') throw invalid('Kalshi market without a ticker');
  const eventTicker = field(ticker, () => optionalString(raw.event_ticker, 'event_ticker'));
  const title = field(ticker, () => optionalString(raw.title, 'title') || optionalString(raw.yes_sub_title, 'yes_sub_title')) || ticker;
  const closeTime = field(ticker, () => timestamp(raw.close_time, 'close_time'));
  const updatedTime = field(ticker, () => timestamp(raw.updated_time, 'updated_time'));
  const fetchedAt = new Date(fetchedAtMs).toISOString();

  return {
    id: marketId('kalshi', ticker),
    source: 'kalshi',
    ticker,
    eventTicker: eventTicker || null,
    title,
    type: 'PREDICTION',
    status: field(ticker, () => status(raw.status)),
    prices: field(ticker, () => ({
      bid: price(raw.yes_bid_dollars, 'yes_bid_dollars', 0),
      ask: price(raw.yes_ask_dollars, 'yes_ask_dollars', 1),
      last: price(raw.last_price_dollars, 'last_price_dollars', 0),
      previous: price(raw.previous_price_dollars, 'previous_price_dollars', 0),
      // The market payload carries no session high/low; candlesticks would.
      high: null,
      low: null,
    })),
    volume: field(ticker, () => ({
      volume24h: count(raw.volume_24h_fp, 'volume_24h_fp') ?? 0,
      volume: count(raw.volume_fp, 'volume_fp'),
      openInterest: count(raw.open_interest_fp, 'open_interest_fp'),
    })),
    eventDate: field(ticker, () => timestamp(raw.expected_expiration_time, 'expected_expiration_time')) ?? closeTime,
    expiryDate: field(ticker, () => timestamp(raw.latest_expiration_time, 'latest_expiration_time')) ?? closeTime,
    updatedAt: updatedTime ?? fetchedAt,
    // Prices and volumes are as of the response, not as of `updated_time` (Kalshi's last change to
    // the market's metadata, which can be days old while prices move every second).
    provenance: { originAt: fetchedAtMs, fetchedAt: fetchedAtMs, tier: 'LIVE' },
    priceObservedAt: restObservations(Math.min(requestedAtMs, fetchedAtMs)),
  };
}

/** Every price of a REST answer, observed when its request left (REST prices carry no time of their own). */
function restObservations(at: number): NonNullable<MarketRecord['priceObservedAt']> {
  return { bid: { at }, ask: { at }, last: { at }, previous: { at }, high: { at }, low: { at } };
}

interface ParsedLevel {
  micros: number;
  hundredths: number;
}

function bookSide(ticker: string, levels: unknown, side: string): ParsedLevel[] {
  if (levels === undefined || levels === null) return [];
  if (!Array.isArray(levels)) throw invalid(`Kalshi order book ${ticker}: ${side} is not an array`);
  const parsed: ParsedLevel[] = [];
  levels.forEach((level: unknown, index) => {
    const name = `${side}[${index}]`;
    if (!Array.isArray(level) || level.length !== 2) throw invalid(`Kalshi order book ${ticker}: ${name} is not a [price, count] pair`);
    const [priceText, countText] = level as [unknown, unknown];
    let micros: number;
    let hundredths: number;
    try {
      micros = parseDollarMicros(priceText, `${name} price`);
      hundredths = parseCountHundredths(countText, `${name} count`);
    } catch (error) {
      throw invalid(`Kalshi order book ${ticker}: ${error instanceof Error ? error.message : String(error)}`, error);
    }
    // A bid at 0 or 1 dollars cannot exist on a binary contract.
    if (micros <= 0 || micros >= MICROS_PER_DOLLAR) throw invalid(`Kalshi order book ${ticker}: ${name} price ${String(priceText)} is outside (0, 1)`);
    if (hundredths < 0) throw invalid(`Kalshi order book ${ticker}: ${name} count ${String(countText)} is negative`);
    // An emptied level is not a level.
    if (hundredths > 0) parsed.push({ micros, hundredths });
  });
  return parsed;
}

const toLevel = (micros: number, hundredths: number): PriceLevel => ({
  price: micros / MICROS_PER_DOLLAR,
  size: hundredths / HUNDREDTHS_PER_CONTRACT,
});

/**
 * The YES-side book. Kalshi sends only bids, ascending: YES bids are the bids (best = highest
 * first), and each NO bid at p is a YES ask at 1 − p (best = lowest first).
 */
export function normalizeOrderBook(ticker: string, orderbook: OrderbookFp, fetchedAtMs: number): OrderBookRecord {
  if (!isRecord(orderbook)) throw invalid(`Kalshi order book ${ticker} is not an object`);
  const raw: Record<string, unknown> = orderbook;
  const yes = bookSide(ticker, raw.yes_dollars, 'yes_dollars');
  const no = bookSide(ticker, raw.no_dollars, 'no_dollars');
  return {
    ticker,
    bids: yes.sort((a, b) => b.micros - a.micros).map((level) => toLevel(level.micros, level.hundredths)),
    asks: no
      .map((level) => ({ micros: MICROS_PER_DOLLAR - level.micros, hundredths: level.hundredths }))
      .sort((a, b) => a.micros - b.micros)
      .map((level) => toLevel(level.micros, level.hundredths)),
    // REST snapshots carry no sequence number; the WebSocket feed's books do.
    seq: null,
    updatedAt: new Date(fetchedAtMs).toISOString(),
    provenance: { originAt: fetchedAtMs, fetchedAt: fetchedAtMs, tier: 'LIVE' },
  };
}
