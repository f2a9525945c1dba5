/**
 * P&L per agent: Kalshi positions (attributed to agents by attribution.ts) marked to market, plus
 * John's revenue. Pure: no I/O, no clock; the caller hands in positions, prices and metrics.
 *
 * Per agent:
 * - realized   = Σ realized P&L − Σ fees (Kalshi reports realized P&L before fees, fees apart),
 *                over every listed position, closed ones (quantity 0) included;
 * - unrealized = Σ over open positions of (mark value − market exposure), exposure being what the
 *                open contracts cost. The mark is the YES mid ((bid + ask) / 2), else the last
 *                trade; a YES position is worth qty × mark, a NO position |qty| × (1 − mark). An
 *                open position with neither quote nor last trade is left out of unrealized and
 *                reported as unmarked (computeAgentPnlReport), not guessed at;
 * - revenue    = the agent's John `revenue_usd` (the most recent record if several);
 * - total      = revenue + realized + unrealized.
 * An agent appears when it has a position or a revenue record; John and Kalshi agents may differ.
 *
 * Exactness: sums are kept exact in decimal.js (positions arrive as integer micro-dollars and
 * hundredths of contracts, prices as decimal dollars), so adding many small amounts never drifts.
 * Output: each of revenue, realized and unrealized is rounded half-even to the micro-dollar (6
 * decimals) once, at the end, and total is the exact sum of those three rounded strings, so a
 * reader adding the parts gets the total. Strings carry 2 to 6 decimals: trailing zeros beyond the
 * cents are trimmed ("12.50", "-0.000005", "3.1415").
 */
import { Decimal } from 'decimal.js';
import type { AgentPnLRecord, BusinessMetricRecord } from '../core/domain.js';
import type { KalshiPosition } from '../sources/kalshi/portfolio.js';
import { attribute, type AttributionRule } from './attribution.js';

/**
 * A private Decimal: 40 significant digits (sums of trillions of dollars to the micro-dollar stay
 * exact) and half-even rounding, without touching the global Decimal another module may configure.
 */
const D = Decimal.clone({ precision: 40, rounding: Decimal.ROUND_HALF_EVEN });
type Dec = InstanceType<typeof D>;

const MICROS_PER_DOLLAR = 1_000_000;
const HUNDREDTHS_PER_CONTRACT = 100;
const OUTPUT_DECIMALS = 6;
const REVENUE_METRIC = 'revenue_usd';

export type AttributedPosition = KalshiPosition & { subaccount: number };

/** YES-side prices of a market in dollars, as MarketRecord.prices carries them. */
export interface MarketMarks {
  bid: number | null;
  ask: number | null;
  last: number | null;
}

export interface AgentPnlInput {
  positions: readonly AttributedPosition[];
  /** Current prices of a ticker, or null when the market is unknown. */
  markets: (ticker: string) => MarketMarks | null;
  /** John's metrics; only `revenue_usd` is read. */
  revenue: readonly BusinessMetricRecord[];
  rules: readonly AttributionRule[];
}

export interface UnmarkedPosition {
  agentId: string;
  ticker: string;
  subaccount: number;
}

export interface AgentPnlReport {
  records: AgentPnLRecord[];
  /** Open positions left out of unrealized P&L for want of a price. */
  unmarked: UnmarkedPosition[];
}

interface Totals {
  revenue: Dec;
  realized: Dec;
  unrealized: Dec;
}

/** P&L per agent, sorted by agentId. See the file comment for the definitions and the rounding. */
export function computeAgentPnl(input: AgentPnlInput): AgentPnLRecord[] {
  return computeAgentPnlReport(input).records;
}

/** computeAgentPnl, plus the open positions that could not be marked (for logs and quality flags). */
export function computeAgentPnlReport(input: AgentPnlInput): AgentPnlReport {
  const byAgent = new Map<string, Totals>();
  const totalsOf = (agentId: string): Totals => {
    let totals = byAgent.get(agentId);
    if (!totals) {
      totals = { revenue: new D(0), realized: new D(0), unrealized: new D(0) };
      byAgent.set(agentId, totals);
    }
    return totals;
  };

  const unmarked: UnmarkedPosition[] = [];
  for (const position of input.positions) {
    const agentId = attribute(position, input.rules);
    const totals = totalsOf(agentId);
    totals.realized = totals.realized.plus(micros(position.realizedPnlMicros)).minus(micros(position.feesPaidMicros));
    if (position.positionHundredths === 0) continue;
    const mark = markOf(input.markets(position.ticker));
    if (mark === null) {
      unmarked.push({ agentId, ticker: position.ticker, subaccount: position.subaccount });
      continue;
    }
    const contracts = new D(Math.abs(position.positionHundredths)).div(HUNDREDTHS_PER_CONTRACT);
    // A NO contract pays $1 when YES does not, so it is worth 1 − the YES price.
    const value = position.positionHundredths > 0 ? contracts.times(mark) : contracts.times(new D(1).minus(mark));
    totals.unrealized = totals.unrealized.plus(value.minus(micros(position.marketExposureMicros)));
  }

  for (const [agentId, record] of latestRevenue(input.revenue)) {
    totalsOf(agentId).revenue = new D(record.metricValue);
  }

  const records = [...byAgent.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([agentId, totals]): AgentPnLRecord => {
      const revenue = toMicros(totals.revenue);
      const realized = toMicros(totals.realized);
      const unrealized = toMicros(totals.unrealized);
      return {
        agentId,
        revenueUsd: format(revenue),
        realizedPnlUsd: format(realized),
        unrealizedPnlUsd: format(unrealized),
        // Already on the micro-dollar grid: this sum is exact, no second rounding.
        totalPnlUsd: format(revenue.plus(realized).plus(unrealized)),
      };
    });
  return { records, unmarked };
}

function micros(value: number): Dec {
  return new D(value).div(MICROS_PER_DOLLAR);
}

/** The YES mark: mid of a two-sided quote, else the last trade, else null. */
function markOf(prices: MarketMarks | null): Dec | null {
  if (!prices) return null;
  const { bid, ask, last } = prices;
  if (isPrice(bid) && isPrice(ask)) return new D(bid).plus(ask).div(2);
  if (isPrice(last)) return new D(last);
  return null;
}

function isPrice(value: number | null): value is number {
  return value !== null && Number.isFinite(value);
}

/**
 * One revenue figure per agent: the record John produced last (originAt; then period, then id, so
 * the choice is deterministic). Several periods of the same metric are not summed: they overlap.
 */
function latestRevenue(metrics: readonly BusinessMetricRecord[]): Map<string, BusinessMetricRecord> {
  const latest = new Map<string, BusinessMetricRecord>();
  for (const record of metrics) {
    if (record.metricName !== REVENUE_METRIC || !Number.isFinite(record.metricValue)) continue;
    const held = latest.get(record.agentId);
    if (!held || newer(record, held)) latest.set(record.agentId, record);
  }
  return latest;
}

function newer(a: BusinessMetricRecord, b: BusinessMetricRecord): boolean {
  if (a.provenance.originAt !== b.provenance.originAt) return a.provenance.originAt > b.provenance.originAt;
  if (a.period !== b.period) return a.period > b.period;
  return a.id > b.id;
}

function toMicros(value: Dec): Dec {
  return value.toDecimalPlaces(OUTPUT_DECIMALS, D.ROUND_HALF_EVEN);
}

/** 6 fixed decimals, trailing zeros trimmed down to the cents; never "-0.00". */
function format(value: Dec): string {
  const fixed = (value.isZero() ? new D(0) : value).toFixed(OUTPUT_DECIMALS);
  return fixed.replace(/(\.\d\d\d*?)0+$/, '$1');
}
