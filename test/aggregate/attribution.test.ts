/**
 * AGENT_ATTRIBUTION parsing (every malformed form refused with a message that names the entry) and
 * the precedence of attribute(): longest prefix, then subaccount, then agent:unattributed.
 */
import { describe, expect, it } from 'vitest';
import { attribute, parseAttribution, UNATTRIBUTED_AGENT } from '../../src/aggregate/attribution.js';
import { DEFAULT_SIMULATED_ATTRIBUTION } from '../../src/simulators/kalshi/attribution.js';
import { SERIES } from '../../src/simulators/kalshi/catalog.js';

describe('parseAttribution', () => {
  it('reads subaccount and prefix rules, trimming blanks and upper-casing prefixes', () => {
    expect(parseAttribution(' subaccount:1=agent:kalshi:macro , prefix:kxnba=agent:kalshi:sports')).toEqual([
      { kind: 'subaccount', subaccount: 1, agentId: 'agent:kalshi:macro' },
      { kind: 'prefix', prefix: 'KXNBA', agentId: 'agent:kalshi:sports' },
    ]);
  });

  it('treats null, empty and blank as no rules', () => {
    expect(parseAttribution(null)).toEqual([]);
    expect(parseAttribution('')).toEqual([]);
    expect(parseAttribution('   ')).toEqual([]);
  });

  it.each([
    ['subaccount:1', /rule #1 "subaccount:1": has no "=<agentId>"/],
    ['subaccount:1=', /names no agent/],
    ['subaccount:x=a', /subaccount must be an integer 0\.\.63, got "x"/],
    ['subaccount:64=a', /subaccount must be an integer 0\.\.63/],
    ['subaccount:-1=a', /subaccount must be an integer/],
    ['subaccount:=a', /subaccount must be an integer/],
    ['prefix:=a', /prefix must be a non-empty ticker prefix/],
    ['prefix:KX NBA=a', /prefix must be a non-empty ticker prefix/],
    ['series:KXNBA=a', /unknown selector "series"/],
    ['KXNBA=a', /unknown selector "KXNBA"/],
    ['prefix:KXNBA=agent sports', /may not contain spaces/],
    ['prefix:KXNBA=a=b', /may not contain spaces, "," or "="/],
    ['prefix:KXNBA=a,,subaccount:1=b', /rule #2 "": is empty/],
    ['prefix:KXNBA=a,', /rule #2 "": is empty/],
    ['subaccount:1=a,subaccount:1=b', /rule #2 .*subaccount:1 is already assigned to a/],
    ['prefix:KXNBA=a,prefix:kxnba=b', /prefix:KXNBA is already assigned to a/],
  ])('refuses %j', (text, message) => {
    expect(() => parseAttribution(text)).toThrow(message);
  });

  it('shows an example of the expected form in every error', () => {
    expect(() => parseAttribution('nonsense')).toThrow(/e\.g\. subaccount:1=agent:kalshi:macro,prefix:KXNBA=agent:kalshi:sports/);
  });
});

describe('attribute', () => {
  const rules = parseAttribution('subaccount:1=agent:sub1,prefix:KXNBA=agent:nba,prefix:KXNBAGAME-26=agent:nba26,subaccount:2=agent:sub2');

  it('prefers the longest matching prefix, whatever the rule order', () => {
    expect(attribute({ ticker: 'KXNBAGAME-26JAN01BOSNYK-BOS', subaccount: 1 }, rules)).toBe('agent:nba26');
    expect(attribute({ ticker: 'KXNBAGAME-25DEC01BOSNYK-BOS', subaccount: 1 }, rules)).toBe('agent:nba');
  });

  it('matches prefixes case-insensitively', () => {
    expect(attribute({ ticker: 'kxnbagame-x', subaccount: 0 }, rules)).toBe('agent:nba');
  });

  it('falls back to the subaccount, then to agent:unattributed', () => {
    expect(attribute({ ticker: 'KXCPI-26JAN', subaccount: 1 }, rules)).toBe('agent:sub1');
    expect(attribute({ ticker: 'KXCPI-26JAN', subaccount: 2 }, rules)).toBe('agent:sub2');
    expect(attribute({ ticker: 'KXCPI-26JAN', subaccount: 0 }, rules)).toBe(UNATTRIBUTED_AGENT);
    expect(attribute({ ticker: 'KXCPI-26JAN', subaccount: 0 }, [])).toBe('agent:unattributed');
  });

  it('takes the first of two equally long matching prefixes', () => {
    const a = [
      { kind: 'prefix', prefix: 'KX', agentId: 'first' },
      { kind: 'prefix', prefix: 'KX', agentId: 'second' },
    ] as const;
    expect(attribute({ ticker: 'KXA', subaccount: 0 }, a)).toBe('first');
  });
});

describe('DEFAULT_SIMULATED_ATTRIBUTION', () => {
  it('maps subaccounts 0/1/2 to main/macro/sports', () => {
    expect(attribute({ ticker: 'NEWSERIES-1', subaccount: 0 }, DEFAULT_SIMULATED_ATTRIBUTION)).toBe('agent:kalshi:main');
    expect(attribute({ ticker: 'NEWSERIES-1', subaccount: 1 }, DEFAULT_SIMULATED_ATTRIBUTION)).toBe('agent:kalshi:macro');
    expect(attribute({ ticker: 'NEWSERIES-1', subaccount: 2 }, DEFAULT_SIMULATED_ATTRIBUTION)).toBe('agent:kalshi:sports');
  });

  it('sends every simulated series to the agent of its subject, whatever its subaccount', () => {
    const expected: Record<string, string> = {
      KXCPI: 'agent:kalshi:macro',
      KXFED: 'agent:kalshi:macro',
      KXGDP: 'agent:kalshi:macro',
      KXHIGHNY: 'agent:kalshi:main',
      KXNFLGAME: 'agent:kalshi:sports',
      KXNBAGAME: 'agent:kalshi:sports',
    };
    expect(SERIES.map((s) => s.seriesTicker).sort()).toEqual(Object.keys(expected).sort());
    for (const series of SERIES) {
      for (const subaccount of [0, 1, 2]) {
        expect(attribute({ ticker: `${series.seriesTicker}-26JAN01-T1`, subaccount }, DEFAULT_SIMULATED_ATTRIBUTION)).toBe(expected[series.seriesTicker]);
      }
    }
  });
});
