/**
 * The simulated business behind John: per agent, deals close, revenue accrues, the pipeline moves.
 *
 * The model is a pure function of (seed, agent, time): the hour is cut into STEP_MS steps and every
 * step's events are drawn from hash01(seed, agent, hour, step, channel). Nothing is stored, so two
 * simulators with the same seed and clock serve identical numbers whatever their request history,
 * and a ManualClock can jump anywhere.
 *
 * Within a period (the UTC hour) revenue_usd and deals_closed only grow; both start from zero when
 * the next hour begins. active_prospects and pipeline_value walk up and down. The derived metrics
 * are what their names say: avg_deal_size = revenue / deals, conversion_rate = deals / (deals +
 * prospects still open), so it stays in 0..1. Money is summed in integer cents (no float drift).
 */
import type { JohnMetricsResponse } from '../../sources/john/protocol.js';
import { hash01, hashString } from './random.js';

export interface JohnAgentProfile {
  agentId: string;
  /** Mean size of one closed deal. */
  dealSizeUsd: number;
  /** Mean deals closed per hour. */
  dealsPerHour: number;
  /** Typical number of open prospects. */
  prospects: number;
}

/** Three agents with visibly different businesses: a generalist, few big deals, many small ones. */
export const DEFAULT_JOHN_AGENTS: readonly JohnAgentProfile[] = Object.freeze([
  { agentId: 'agent:john:main', dealSizeUsd: 12_000, dealsPerHour: 6, prospects: 40 },
  { agentId: 'agent:john:enterprise', dealSizeUsd: 85_000, dealsPerHour: 1.5, prospects: 12 },
  { agentId: 'agent:john:smb', dealSizeUsd: 2_500, dealsPerHour: 20, prospects: 120 },
]);

/** The reporting period: one UTC hour. */
export const PERIOD_MS = 3_600_000;
/** Granularity of the simulated business: one chance of each event every 10 s. */
export const STEP_MS = 10_000;

/** Independent random streams per step. */
const Channel = { Deal: 1, DealSize: 2, Prospect: 3, Drift: 4, Start: 5 } as const;
type Channel = (typeof Channel)[keyof typeof Channel];

/** Chance per step that a prospect is lost (and, balanced by arrivals, the walk stays level). */
const LOSS_PER_STEP = 0.06;

export interface JohnAgentModelOptions {
  /** @default 0x10e */
  seed?: number;
  /** Profiles, or bare agent ids that get a profile derived from the seed. @default DEFAULT_JOHN_AGENTS */
  agents?: ReadonlyArray<string | JohnAgentProfile>;
}

export class JohnAgentModel {
  readonly seed: number;
  private readonly profiles: Map<string, JohnAgentProfile>;

  constructor(options: JohnAgentModelOptions = {}) {
    this.seed = options.seed ?? 0x10e;
    const agents = options.agents ?? DEFAULT_JOHN_AGENTS;
    if (agents.length === 0) throw new RangeError('the John simulator needs at least one agent');
    this.profiles = new Map(
      agents.map((agent) => {
        const profile = typeof agent === 'string' ? this.derivedProfile(agent) : agent;
        return [profile.agentId, profile] as const;
      }),
    );
  }

  /** In the order given; the first is the one the documented endpoint answers by default. */
  agentIds(): string[] {
    return [...this.profiles.keys()];
  }

  /** One agent's answer as John would send it at `nowMs`, or undefined for an unknown agent. */
  metricsAt(agentId: string, nowMs: number): JohnMetricsResponse | undefined {
    const profile = this.profiles.get(agentId);
    if (!profile) return undefined;
    const periodStart = Math.floor(nowMs / PERIOD_MS) * PERIOD_MS;
    const hour = periodStart / PERIOD_MS;
    const steps = Math.floor((nowMs - periodStart) / STEP_MS);
    const agent = hashString(agentId);
    const u = (step: number, channel: Channel): number => hash01(this.seed, agent, hour, step, channel);

    const dealCents = Math.round(profile.dealSizeUsd * 100);
    const pDeal = Math.min(0.9, (profile.dealsPerHour * STEP_MS) / PERIOD_MS);
    let deals = 0;
    let revenueCents = 0;
    let prospects = Math.max(1, Math.round(profile.prospects * (0.9 + 0.2 * u(-1, Channel.Start))));
    let pipelineCents = Math.round(prospects * dealCents * (0.8 + 0.4 * u(-2, Channel.Start)));

    for (let step = 0; step < steps; step++) {
      if (u(step, Channel.Deal) < pDeal) {
        const sizeCents = Math.round(dealCents * (0.5 + u(step, Channel.DealSize)));
        deals++;
        revenueCents += sizeCents;
        pipelineCents -= sizeCents;
        prospects--;
      }
      // Arrivals replace closed and lost prospects on average, so the walk has no drift.
      // A prospect is worth one mean deal to the pipeline: arrivals add 0.5..1.5 of it, losses remove one.
      const r = u(step, Channel.Prospect);
      const arrival = pDeal + LOSS_PER_STEP;
      if (r < arrival) {
        prospects++;
        pipelineCents += Math.round(dealCents * (0.5 + r / arrival));
      } else if (r < arrival + LOSS_PER_STEP) {
        prospects--;
        pipelineCents -= dealCents;
      }
      // Estimates of open deals are revised both ways.
      pipelineCents += Math.round((u(step, Channel.Drift) - 0.5) * dealCents * 0.2);
      prospects = Math.max(1, prospects);
      pipelineCents = Math.max(0, pipelineCents);
    }

    return {
      agent_id: agentId,
      period: new Date(periodStart).toISOString(),
      metrics: {
        revenue_usd: revenueCents / 100,
        deals_closed: deals,
        pipeline_value: pipelineCents / 100,
        conversion_rate: round(deals / (deals + prospects), 4),
        avg_deal_size: deals === 0 ? 0 : Math.round(revenueCents / deals) / 100,
        active_prospects: prospects,
      },
      timestamp: new Date(nowMs).toISOString(),
      status: 'ok',
    };
  }

  /** A plausible profile for an agent named only by id: sizes and rates drawn from the seed. */
  private derivedProfile(agentId: string): JohnAgentProfile {
    const agent = hashString(agentId);
    const pick = (channel: number): number => hash01(this.seed, agent, channel);
    return {
      agentId,
      dealSizeUsd: Math.round(1_000 + pick(1) * 50_000),
      dealsPerHour: 1 + Math.round(pick(2) * 15),
      prospects: 10 + Math.round(pick(3) * 100),
    };
  }
}

function round(value: number, digits: number): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}
