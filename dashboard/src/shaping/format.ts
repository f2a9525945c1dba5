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

/** Dollars in the chart's axis: short ("$1.2k", "−$350") so the axis stays narrow. */
export function formatUsdShort(value: number): string {
  if (!Number.isFinite(value)) return MISSING;
  const magnitude = Math.abs(value);
  const sign = value < 0 ? '−' : '';
  if (magnitude >= 1_000_000) return `${sign}$${(magnitude / 1_000_000).toFixed(1)}M`;
  if (magnitude >= 10_000) return `${sign}$${(magnitude / 1000).toFixed(0)}k`;
  if (magnitude >= 1000) return `${sign}$${(magnitude / 1000).toFixed(1)}k`;
  return `${sign}$${magnitude.toFixed(magnitude >= 100 || Number.isInteger(magnitude) ? 0 : 2)}`;
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
