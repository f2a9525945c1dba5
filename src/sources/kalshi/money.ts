/**
 * Kalshi's fixed-point strings, parsed and printed without float drift.
 *
 * Prices (`*_dollars`, up to 6 decimals) are held as integer micro-dollars and counts (`*_fp`, up to
 * 2 decimals) as integer hundredths of a contract. Arithmetic happens on those integers; a number
 * of dollars or contracts is produced only at the end by one division by a power of ten, which
 * gives the double nearest the decimal (so 1 − 0.44 comes out as exactly 0.56).
 *
 * Anything that is not a well-formed decimal string is rejected with MoneyFormatError: NaN must
 * never leak into a price.
 */

export const MICROS_PER_DOLLAR = 1_000_000;
export const MICROS_PER_CENT = 10_000;
export const HUNDREDTHS_PER_CONTRACT = 100;

/** A dollar or count string that is not a well-formed decimal. */
export class MoneyFormatError extends Error {
  override readonly name = 'MoneyFormatError';
}

// Integer parts are capped so that the scaled integer stays well inside Number.MAX_SAFE_INTEGER.
const DOLLARS_PATTERN = /^(-?)(\d{1,9})(?:\.(\d{1,6}))?$/;
const COUNT_PATTERN = /^(-?)(\d{1,13})(?:\.(\d{1,2}))?$/;

function parseScaled(value: unknown, pattern: RegExp, decimals: number, field: string, kind: string): number {
  if (typeof value !== 'string') {
    throw new MoneyFormatError(`${field}: expected a ${kind} string, got ${describe(value)}`);
  }
  const match = pattern.exec(value);
  if (!match) throw new MoneyFormatError(`${field}: ${JSON.stringify(value)} is not a ${kind}`);
  const [, sign = '', whole = '0', fraction = ''] = match;
  const scaled = Number(whole) * 10 ** decimals + Number(fraction.padEnd(decimals, '0'));
  return sign === '-' && scaled !== 0 ? -scaled : scaled;
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number' || typeof value === 'boolean') return `${typeof value} ${String(value)}`;
  return typeof value;
}

/** "0.5600" → 560000. Accepts 0–6 decimals and a leading minus (P&L fields are signed). */
export function parseDollarMicros(value: unknown, field = 'dollars'): number {
  return parseScaled(value, DOLLARS_PATTERN, 6, field, 'dollar amount');
}

/** "0.5600" → 0.56. */
export function parseDollars(value: unknown, field = 'dollars'): number {
  return parseDollarMicros(value, field) / MICROS_PER_DOLLAR;
}

/** "10.50" → 1050. Accepts 0–2 decimals and a leading minus (positions and deltas are signed). */
export function parseCountHundredths(value: unknown, field = 'count'): number {
  return parseScaled(value, COUNT_PATTERN, 2, field, 'contract count');
}

function formatScaled(scaled: number, decimals: number, minDecimals: number): string {
  if (!Number.isSafeInteger(scaled)) throw new RangeError(`cannot format ${scaled}: not a safe integer`);
  const sign = scaled < 0 ? '-' : '';
  const digits = String(Math.abs(scaled)).padStart(decimals + 1, '0');
  const whole = digits.slice(0, -decimals);
  let fraction = digits.slice(-decimals);
  // Trim trailing zeros down to the minimum the API prints (4 for dollars, 2 for counts).
  while (fraction.length > minDecimals && fraction.endsWith('0')) fraction = fraction.slice(0, -1);
  return `${sign}${whole}.${fraction}`;
}

/** 560000 → "0.5600". Sub-ten-thousandth amounts keep up to 6 decimals, as the API does. */
export function formatDollarMicros(micros: number): string {
  return formatScaled(micros, 6, 4);
}

/** 1050 → "10.50". */
export function formatCountHundredths(hundredths: number): string {
  return formatScaled(hundredths, 2, 2);
}
