// How the dashboard writes prices (cents), money (dollars) and counts.
import { describe, expect, it } from 'vitest';
import { formatCents, formatCount, formatUsd, formatUsdShort } from '../../dashboard/src/shaping/format.js';

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

  it('short for an axis', () => {
    expect(formatUsdShort(1234)).toBe('$1.2k');
    expect(formatUsdShort(-25_000)).toBe('−$25k');
    expect(formatUsdShort(350)).toBe('$350');
    expect(formatUsdShort(2.5)).toBe('$2.50');
    expect(formatUsdShort(3_400_000)).toBe('$3.4M');
  });
});

describe('formatCount', () => {
  it('grouped, up to two decimals', () => {
    expect(formatCount(1250)).toBe('1,250');
    expect(formatCount(12.5)).toBe('12.5');
    expect(formatCount(null)).toBe('—');
  });
});
