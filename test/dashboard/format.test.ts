// How the dashboard writes prices (cents), money (dollars) and counts.
import { describe, expect, it } from 'vitest';
import { formatCents, formatCount, formatUsd, formatUsdTicks } from '../../dashboard/src/shaping/format.js';

describe('formatCents', () => {
  it('whole cents without a decimal, tenths with one', () => {
    expect(formatCents(0.42)).toBe('42¢');
    expect(formatCents(0.425)).toBe('42.5¢');
    expect(formatCents(0.07)).toBe('7¢');
    expect(formatCents(1)).toBe('100¢');
    expect(formatCents(0)).toBe('0¢');
    expect(formatCents(0.4249)).toBe('42.5¢');
  });

  it('no value is a dash', () => {
    expect(formatCents(null)).toBe('—');
    expect(formatCents(undefined)).toBe('—');
    expect(formatCents(Number.NaN)).toBe('—');
  });
});

describe('formatUsd', () => {
  it('dollars and cents with grouping; a typographic minus', () => {
    expect(formatUsd(1234.5)).toBe('$1,234.50');
    expect(formatUsd(-3.2)).toBe('−$3.20');
    expect(formatUsd(0)).toBe('$0.00');
  });

  it('signed: a plus on gains, none on nothing; a loss under a cent is nothing, not −$0.00', () => {
    expect(formatUsd(12, { signed: true })).toBe('+$12.00');
    expect(formatUsd(-12, { signed: true })).toBe('−$12.00');
    expect(formatUsd(-0.004, { signed: true })).toBe('$0.00');
    expect(formatUsd(null)).toBe('—');
  });

  it("an axis's ticks: as many decimals as their step needs, so no two read the same", () => {
    // The screenshot's P&L: $200 of movement around $128k was four ticks all reading "$128k".
    expect(formatUsdTicks([127_700, 127_800, 127_900, 128_000])).toEqual(['$127.7k', '$127.8k', '$127.9k', '$128.0k']);
    expect(formatUsdTicks([127_740, 127_760, 127_780])).toEqual(['$127.74k', '$127.76k', '$127.78k']);
    expect(formatUsdTicks([127_741, 127_742, 127_743])).toEqual(['$127,741', '$127,742', '$127,743']);
    expect(formatUsdTicks([-25_000, 0, 25_000])).toEqual(['−$25k', '$0', '$25k']);
    expect(formatUsdTicks([0, 50, 100])).toEqual(['$0', '$50', '$100']);
    expect(formatUsdTicks([0, 0.5, 1])).toEqual(['$0.00', '$0.50', '$1.00']);
    expect(formatUsdTicks([1_000_000, 2_000_000, 3_000_000])).toEqual(['$1M', '$2M', '$3M']);
    expect(formatUsdTicks([0.1 + 0.2, 0.4, 0.5])).toEqual(['$0.30', '$0.40', '$0.50']);
    expect(formatUsdTicks([-0.001, 50])).toEqual(['$0', '$50']);
    expect(formatUsdTicks([42])).toEqual(['$42']);
    expect(formatUsdTicks([1000, 1500, 2000])).toEqual(['$1.0k', '$1.5k', '$2.0k']);
    expect(formatUsdTicks([100, 350, 600])).toEqual(['$100', '$350', '$600']);
    expect(formatUsdTicks([])).toEqual([]);
  });
});

describe('formatCount', () => {
  it('grouped, up to two decimals', () => {
    expect(formatCount(1250)).toBe('1,250');
    expect(formatCount(12.5)).toBe('12.5');
    expect(formatCount(null)).toBe('—');
  });
});
