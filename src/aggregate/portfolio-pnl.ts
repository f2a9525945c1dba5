/**
 * The P&L the aggregate publishes, as state: the latest Kalshi positions (from the portfolio poller)
 * and the attribution rules, marked to the markets held and added to John's revenue when asked
 * (the arithmetic is pnl.ts, pure). The rules are fixed at startup: AGENT_ATTRIBUTION, or the
 * simulator's series → agents map when Kalshi runs on it, or none.
 */
import type { AgentPnLRecord, BusinessMetricRecord } from '../core/domain.js';
import { ConfigError } from '../core/errors.js';
import { parseAttribution, type AttributionRule } from './attribution.js';
import { computeAgentPnl, type AttributedPosition, type MarketMarks } from './pnl.js';

export interface PortfolioPnlDeps {
  /** Current prices of a ticker, or null when the market is unknown. */
  marks: (ticker: string) => MarketMarks | null;
  /** John's metrics as served now; only `revenue_usd` is read. */
  revenue: () => readonly BusinessMetricRecord[];
}

/**
 * AGENT_ATTRIBUTION when set (a bad value is a configuration error naming it), else the
 * simulator's default rules (null when Kalshi does not run simulated: nothing is attributed).
 */
export function attributionRules(configured: string | null, simulatorDefault: readonly AttributionRule[] | null): readonly AttributionRule[] {
  if (configured === null) return simulatorDefault ?? [];
  try {
    return parseAttribution(configured);
  } catch (error) {
    throw new ConfigError(`Invalid configuration: AGENT_ATTRIBUTION ${error instanceof Error ? error.message : String(error)}`);
  }
}

export class PortfolioPnl {
  private positions: readonly AttributedPosition[] = [];
  private rules: readonly AttributionRule[] = [];

  constructor(private readonly deps: PortfolioPnlDeps) {}

  /** The rules positions are attributed by (set once the Kalshi endpoint is known). */
  attributeBy(rules: readonly AttributionRule[]): void {
    this.rules = rules;
  }

  /** Every subaccount's positions as of the latest portfolio poll (they replace the previous ones). */
  positionsPolled(positions: readonly AttributedPosition[]): void {
    this.positions = positions;
  }

  /** P&L per agent, marked to the markets as held now. */
  current(): AgentPnLRecord[] {
    return computeAgentPnl({ positions: this.positions, markets: this.deps.marks, revenue: this.deps.revenue(), rules: this.rules });
  }
}
