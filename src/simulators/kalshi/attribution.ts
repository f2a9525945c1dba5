/**
 * The Kalshi simulator's agent attribution: what P&L uses when the simulator runs and
 * AGENT_ATTRIBUTION is unset. It names the simulator's own catalog, so it lives with it.
 */
import { parseAttribution, type AttributionRule } from '../../aggregate/attribution.js';

/**
 * The simulator's split (portfolio-model.ts gives each series a subaccount in catalog order,
 * round-robin over 3): 0 holds KXCPI and KXGDP, 1 holds KXFED and KXNFLGAME, 2 holds KXHIGHNY and
 * KXNBAGAME. Subaccounts alone do not separate sports from macro there, so the default maps the
 * subaccounts (0 main, 1 macro, 2 sports, as asked) and lets prefix rules, which take precedence,
 * put every simulated series with the agent its subject belongs to:
 *   KXCPI*, KXGDP*, KXFED* → agent:kalshi:macro; KXNFL*, KXNBA* → agent:kalshi:sports;
 *   KXHIGHNY* (weather) → agent:kalshi:main; a series added later → by its subaccount.
 * Written as the equivalent AGENT_ATTRIBUTION text so the setting and the default read alike.
 */
export const DEFAULT_SIMULATED_ATTRIBUTION_TEXT =
  'prefix:KXCPI=agent:kalshi:macro,prefix:KXGDP=agent:kalshi:macro,prefix:KXFED=agent:kalshi:macro,' +
  'prefix:KXNFL=agent:kalshi:sports,prefix:KXNBA=agent:kalshi:sports,prefix:KXHIGHNY=agent:kalshi:main,' +
  'subaccount:0=agent:kalshi:main,subaccount:1=agent:kalshi:macro,subaccount:2=agent:kalshi:sports';

/** The parsed DEFAULT_SIMULATED_ATTRIBUTION_TEXT: what to use when the simulator runs and AGENT_ATTRIBUTION is unset. */
export const DEFAULT_SIMULATED_ATTRIBUTION: readonly AttributionRule[] = Object.freeze(parseAttribution(DEFAULT_SIMULATED_ATTRIBUTION_TEXT));
