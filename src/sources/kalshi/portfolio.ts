/**
 * Kalshi portfolio wire → Northstar portfolio records, in integers: contract counts as hundredths
 * and money as micro-dollars (money.ts), so P&L sums never drift. Pure functions: no I/O, no clock.
 *
 * Unlike markets, a malformed position fails the whole read (UpstreamError, category data, naming
 * the ticker and the field): P&L computed from a portfolio with a position silently missing would
 * be wrong rather than degraded, so the caller keeps its previous good portfolio instead.
 */
import { UpstreamError } from '../../core/errors.js';
import { MICROS_PER_CENT, parseCountHundredths, parseDollarMicros } from './money.js';
import type { GetBalanceResponse, MarketPosition } from './protocol.js';
import { isRecord } from '../../core/is-record.js';

export interface KalshiPosition {
  ticker: string;
  /** Contracts held × 100, signed: positive = YES, negative = NO, 0 = flat (closed out). */
  positionHundredths: number;
  /** What the open position cost, in micro-dollars. */
  marketExposureMicros: number;
  /** Realized P&L (before fees, which Kalshi reports apart), in micro-dollars. */
  realizedPnlMicros: number;
  feesPaidMicros: number;
  /** Notional of every fill in this market, in micro-dollars. */
  totalTradedMicros: number;
  /** Epoch ms of the position's last change; null when Kalshi did not say. */
  lastUpdatedAt: number | null;
}

export interface KalshiBalance {
  /** Available cash in micro-dollars. */
  balanceMicros: number;
  /** Value of the positions held, in micro-dollars; null when not sent. */
  portfolioValueMicros: number | null;
  /** Epoch ms of the balance's last change; null when not sent. */
  updatedAt: number | null;
}

function invalid(message: string, cause?: unknown): UpstreamError {
  return new UpstreamError(message, { source: 'kalshi', category: 'data', retryable: false, cause });
}

/** Runs a field parser, turning its failure into a data error that says what was being read. */
function field<T>(what: string, parse: () => T): T {
  try {
    return parse();
  } catch (error) {
    throw invalid(`Kalshi ${what}: ${error instanceof Error ? error.message : String(error)}`, error);
  }
}

/** `GET /portfolio/positions` market positions → records. Throws on the first malformed one. */
export function normalizePositions(wire: readonly MarketPosition[]): KalshiPosition[] {
  return wire.map((position, index) => normalizePosition(position, index));
}

export function normalizePosition(wire: MarketPosition, index = 0): KalshiPosition {
  const raw: unknown = wire;
  if (!isRecord(raw)) throw invalid(`Kalshi position #${index} is not an object`);
  const ticker = raw.ticker;
  if (typeof ticker !== 'string' || ticker === '') throw invalid(`Kalshi position #${index} has no ticker`);
  const what = `position ${ticker}`;
  return {
    ticker,
    positionHundredths: field(what, () => parseCountHundredths(raw.position_fp, 'position_fp')),
    marketExposureMicros: field(what, () => parseDollarMicros(raw.market_exposure_dollars, 'market_exposure_dollars')),
    realizedPnlMicros: field(what, () => parseDollarMicros(raw.realized_pnl_dollars, 'realized_pnl_dollars')),
    feesPaidMicros: field(what, () => parseDollarMicros(raw.fees_paid_dollars, 'fees_paid_dollars')),
    totalTradedMicros: field(what, () => parseDollarMicros(raw.total_traded_dollars, 'total_traded_dollars')),
    lastUpdatedAt: field(what, () => timestamp(raw.last_updated_ts, 'last_updated_ts')),
  };
}

/**
 * `GET /portfolio/balance` → cash and position value in micro-dollars. The 2026 dollar string
 * (`balance_dollars`) is preferred, being exact below a cent; the integer-cent `balance` that
 * kalshi-typescript still documents (and the simulator still sends, next to the string) is the
 * fallback. `portfolio_value` exists only in cents (a `portfolio_value_dollars` is read if it
 * ever appears).
 */
export function normalizeBalance(wire: GetBalanceResponse): KalshiBalance {
  const raw: unknown = wire;
  if (!isRecord(raw)) throw invalid('Kalshi balance is not an object');
  const balanceMicros = field('balance', () =>
    raw.balance_dollars !== undefined && raw.balance_dollars !== null
      ? parseDollarMicros(raw.balance_dollars, 'balance_dollars')
      : centsToMicros(raw.balance, 'balance'),
  );
  const portfolioValueMicros = field('balance', () => {
    if (raw.portfolio_value_dollars !== undefined && raw.portfolio_value_dollars !== null)
      return parseDollarMicros(raw.portfolio_value_dollars, 'portfolio_value_dollars');
    if (raw.portfolio_value === undefined || raw.portfolio_value === null) return null;
    return centsToMicros(raw.portfolio_value, 'portfolio_value');
  });
  const updatedAt = field('balance', () => {
    const value = raw.updated_ts;
    if (value === undefined || value === null) return null;
    if (typeof value !== 'number' || !Number.isFinite(value) || value < 0)
      throw new TypeError(`updated_ts must be a Unix timestamp, got ${JSON.stringify(value)}`);
    return epochMs(value);
  });
  return { balanceMicros, portfolioValueMicros, updatedAt };
}

function centsToMicros(value: unknown, name: string): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value))
    throw new TypeError(`${name} must be an integer number of cents, got ${JSON.stringify(value)}`);
  return value * MICROS_PER_CENT;
}

/** Kalshi documents Unix seconds; a value too large to be seconds is taken as milliseconds. */
function epochMs(value: number): number {
  return value < 1e11 ? Math.round(value * 1000) : Math.round(value);
}

/** An ISO 8601 time (what the API sends) or a numeric epoch string → epoch ms; null when absent. */
function timestamp(value: unknown, name: string): number | null {
  if (value === undefined || value === null || value === '') return null;
  if (typeof value === 'number' && Number.isFinite(value) && value >= 0) return epochMs(value);
  if (typeof value !== 'string') throw new TypeError(`${name} must be a time string, got ${typeof value}`);
  if (/^\d{1,16}$/.test(value)) return epochMs(Number(value));
  const at = Date.parse(value);
  if (!Number.isFinite(at)) throw new TypeError(`${name} ${JSON.stringify(value)} is not a time`);
  return at;
}
