/**
 * How the dashboard writes numbers, in one place so every panel says a price, a sum of money or a
 * count the same way: market prices in cents (42¢, 42.5¢: Kalshi quotes whole and tenth cents),
 * P&L in dollars with cents, contracts as grouped integers. A missing value is an em dash, never
 * "NaN" or "$0.00" (which would be a claim).
 */

const MISSING = '—';

/** Dollars per contract (0.425) as cents: "42.5¢"; whole cents without a decimal: "42¢". */
export function formatCents(dollars: number | null | undefined): string {
  if (dollars === null || dollars === undefined || !Number.isFinite(dollars)) return MISSING;
  // Rounded to a tenth of a cent on the integer grid: 0.425 * 100 is 42.49999…, not 42.5.
  const tenths = Math.round(dollars * 1000);
  const cents = tenths / 10;
  return `${Number.isInteger(cents) ? cents.toFixed(0) : cents.toFixed(1)}¢`;
}

const usd = new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD', minimumFractionDigits: 2, maximumFractionDigits: 2 });
const signedUsd = new Intl.NumberFormat('en-US', {
  style: 'currency',
  currency: 'USD',
  minimumFractionDigits: 2,
  maximumFractionDigits: 2,
  signDisplay: 'exceptZero',
});

/** Money in dollars and cents: "$1,234.50", "-$3.20"; `signed` also writes "+" on gains. */
export function formatUsd(value: number | null | undefined, options: { signed?: boolean } = {}): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return MISSING;
  // -0.004 rounds to "-$0.00" otherwise: a loss of nothing.
  const rounded = Math.round(value * 100) / 100;
  const text = (options.signed ? signedUsd : usd).format(rounded === 0 ? 0 : rounded);
  // A typographic minus is as wide as the plus sign, so signed columns line up.
  return text.replace('-', '−');
}

/**
 * An axis's dollar ticks, short ("$1.2k", "−$25k", "$3.4M") so the axis stays narrow, with as
 * many decimals as the step between ticks needs, so that neighbouring ticks never read the same: a
 * day of P&L moving $200 around $128k is "$127.8k, $127.9k, $128.0k", not four "$128k". When even
 * two decimals of a thousand are too coarse the ticks are whole dollars ("$127,741"); a step below
 * a dollar gets cents.
 */
export function formatUsdTicks(ticks: readonly number[]): string[] {
  const finite = [...new Set(ticks.filter(Number.isFinite))].sort((a, b) => a - b);
  if (finite.length === 0) return ticks.map(() => MISSING);
  const largest = Math.max(...finite.map(Math.abs));
  let step = Number.POSITIVE_INFINITY;
  for (let i = 1; i < finite.length; i++) step = Math.min(step, finite[i]! - finite[i - 1]!);
  if (!Number.isFinite(step)) step = largest > 0 ? largest : 1;
  // Decimals for `step` in `unit`s; the epsilon keeps 0.1 computed as 0.0999… at one decimal.
  const decimalsFor = (unit: number): number => Math.max(0, Math.ceil(-Math.log10(step / unit) - 1e-6));
  const write = (value: number, text: (magnitude: number) => string): string =>
    Number.isFinite(value) ? `${value < 0 && text(Math.abs(value)) !== text(0) ? '−' : ''}$${text(Math.abs(value))}` : MISSING;
  for (const [unit, suffix] of [
    [1_000_000, 'M'],
    [1000, 'k'],
  ] as const) {
    const decimals = decimalsFor(unit);
    if (largest >= unit && decimals <= 2)
      return ticks.map((value) => write(value, (magnitude) => (magnitude === 0 ? '0' : `${(magnitude / unit).toFixed(decimals)}${suffix}`)));
  }
  const cents = step < 1;
  const dollars = new Intl.NumberFormat('en-US', { minimumFractionDigits: cents ? 2 : 0, maximumFractionDigits: cents ? 2 : 0 });
  return ticks.map((value) => write(value, (magnitude) => dollars.format(magnitude)));
}

const contracts = new Intl.NumberFormat('en-US', { maximumFractionDigits: 2 });

/** Contracts (sizes, volumes): "1,250", "12.5". */
export function formatCount(value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return MISSING;
  return contracts.format(value);
}

/** A time of day in the viewer's zone, to the second, always eight characters ("09:05:03"). */
export function formatClock(ms: number): string {
  const at = new Date(ms);
  return [at.getHours(), at.getMinutes(), at.getSeconds()].map((part) => String(part).padStart(2, '0')).join(':');
}
