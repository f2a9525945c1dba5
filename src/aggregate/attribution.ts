/**
 * Which agent a Kalshi position belongs to, from the AGENT_ATTRIBUTION setting: a comma-separated
 * list of rules, each `subaccount:<n>=<agentId>` or `prefix:<tickerPrefix>=<agentId>`, e.g.
 * `subaccount:1=agent:kalshi:macro,prefix:KXNBA=agent:kalshi:sports`.
 *
 * Precedence, most specific first: a ticker prefix names the market a position is in, a subaccount
 * only the pot of money it was paid from, so
 *   1. prefix rules, the longest matching prefix winning (ties: the one written first);
 *   2. then subaccount rules;
 *   3. else `agent:unattributed`, so an unmapped position is still counted, visibly, not dropped.
 * Prefixes match case-insensitively (Kalshi tickers are upper case; settings often are not).
 * Pure functions: no I/O, nothing read from the environment.
 */

export type AttributionRule =
  | { readonly kind: 'subaccount'; readonly subaccount: number; readonly agentId: string }
  | { readonly kind: 'prefix'; readonly prefix: string; readonly agentId: string };

/** The agent of a position no rule claims. */
export const UNATTRIBUTED_AGENT = 'agent:unattributed';

/** Kalshi's subaccount range: 0 = primary, 1..63 = subaccounts. */
const MAX_SUBACCOUNT = 63;
const EXAMPLE = 'e.g. subaccount:1=agent:kalshi:macro,prefix:KXNBA=agent:kalshi:sports';
const PREFIX_PATTERN = /^[A-Za-z0-9._-]+$/;
/** Agent ids are identifiers (`agent:kalshi:main`): no spaces, and none of the list's separators. */
const AGENT_PATTERN = /^[^\s,=]+$/;

/**
 * Parses AGENT_ATTRIBUTION. null, '' or blanks mean no rules (every position unattributed).
 * Throws an Error naming the offending entry and the expected form; the caller adds the variable.
 */
export function parseAttribution(text: string | null): AttributionRule[] {
  if (text === null || text.trim() === '') return [];
  const rules: AttributionRule[] = [];
  const seen = new Map<string, string>();
  for (const [index, raw] of text.split(',').entries()) {
    const entry = raw.trim();
    const fail = (why: string): never => {
      throw new Error(`attribution rule #${index + 1} ${JSON.stringify(entry)}: ${why} (${EXAMPLE})`);
    };
    if (entry === '') fail('is empty (two commas in a row, or a trailing comma?)');
    const equals = entry.indexOf('=');
    if (equals < 0) fail('has no "=<agentId>"');
    const selector = entry.slice(0, equals).trim();
    const agentId = entry.slice(equals + 1).trim();
    if (agentId === '') fail('names no agent after "="');
    if (!AGENT_PATTERN.test(agentId)) fail(`agent id ${JSON.stringify(agentId)} may not contain spaces, "," or "="`);
    const colon = selector.indexOf(':');
    const kind = colon < 0 ? selector : selector.slice(0, colon).trim();
    const key = colon < 0 ? '' : selector.slice(colon + 1).trim();
    let rule: AttributionRule;
    if (kind === 'subaccount') {
      if (!/^\d{1,2}$/.test(key) || Number(key) > MAX_SUBACCOUNT) fail(`subaccount must be an integer 0..${MAX_SUBACCOUNT}, got ${JSON.stringify(key)}`);
      rule = { kind, subaccount: Number(key), agentId };
    } else if (kind === 'prefix') {
      if (!PREFIX_PATTERN.test(key)) fail(`prefix must be a non-empty ticker prefix (letters, digits, ".", "_", "-"), got ${JSON.stringify(key)}`);
      rule = { kind, prefix: key.toUpperCase(), agentId };
    } else {
      return fail(`unknown selector ${JSON.stringify(kind)}; expected subaccount:<n> or prefix:<tickerPrefix>`);
    }
    // The same selector twice is a contradiction (or a typo): refuse rather than pick one silently.
    const selectorKey = rule.kind === 'subaccount' ? `subaccount:${rule.subaccount}` : `prefix:${rule.prefix}`;
    const earlier = seen.get(selectorKey);
    if (earlier !== undefined) fail(`${selectorKey} is already assigned to ${earlier}`);
    seen.set(selectorKey, agentId);
    rules.push(rule);
  }
  return rules;
}

/** The agent owning a position: longest matching prefix rule, else its subaccount's rule, else UNATTRIBUTED_AGENT. */
export function attribute(position: { readonly ticker: string; readonly subaccount: number }, rules: readonly AttributionRule[]): string {
  const ticker = position.ticker.toUpperCase();
  let best: { prefix: string; agentId: string } | null = null;
  for (const rule of rules) {
    if (rule.kind !== 'prefix' || !ticker.startsWith(rule.prefix)) continue;
    if (best === null || rule.prefix.length > best.prefix.length) best = rule;
  }
  if (best) return best.agentId;
  for (const rule of rules) {
    if (rule.kind === 'subaccount' && rule.subaccount === position.subaccount) return rule.agentId;
  }
  return UNATTRIBUTED_AGENT;
}
