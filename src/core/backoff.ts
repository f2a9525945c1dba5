/**
 * The one backoff: exponential with FULL jitter, a uniform draw in [0, min(max, initial · 2^n)).
 * Full jitter rather than ±x %: when an upstream drops or fails every client at once, their
 * retries and reconnects spread over the whole window instead of arriving together again. Used by
 * the retries inside each breaker fire (retry.ts), the Kalshi WebSocket's reconnects, and the SQLite
 * connection's waits on a file another process has locked (history/serial-connection.ts).
 */
export interface BackoffOptions {
  /** Upper bound of the first delay, ms. */
  initialMs: number;
  /** Cap on the upper bound, ms. */
  maxMs: number;
}

/** The delay before wait number `step` (0 = the first), ms; `random` draws from [0, 1). */
export function backoffDelayMs(step: number, options: BackoffOptions, random: () => number): number {
  // The exponent is capped so huge step counts stay finite (the ceiling is capped by maxMs anyway).
  const ceiling = Math.min(options.maxMs, options.initialMs * 2 ** Math.min(Math.max(0, step), 30));
  return Math.floor(random() * ceiling);
}
