/**
 * Reconnect delays: exponential with FULL jitter (a uniform draw in [0, min(max, initial · 2^n))).
 * Full jitter rather than ±x %: when the exchange drops every client at once, their reconnects
 * spread over the whole window instead of arriving together again.
 */
export interface BackoffOptions {
  /** Upper bound of the first delay. @default 3000 */
  initialMs: number;
  /** Cap on the upper bound. @default 30_000 */
  maxMs: number;
}

export const DEFAULT_BACKOFF: BackoffOptions = { initialMs: 3000, maxMs: 30_000 };

/** The delay before reconnect attempt `attempt` (0 = the first after a connection was lost). */
export function backoffDelayMs(attempt: number, options: BackoffOptions, random: () => number): number {
  const ceiling = Math.min(options.maxMs, options.initialMs * 2 ** Math.min(attempt, 30));
  return Math.floor(random() * ceiling);
}
