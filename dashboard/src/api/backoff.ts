/**
 * How long to wait before the next attempt to reach the server: doubling from half a second to at
 * most five, with up to a quarter more at random so that many pages reconnecting after a restart
 * do not all arrive in the same instant. The page retries for ever; the cap keeps it prompt.
 */
const FIRST_MS = 500;
const MAX_MS = 5_000;

/** `attempt` counts from 0; `random` is a number in [0, 1) (Math.random by default). */
export function backoffMs(attempt: number, random: () => number = Math.random): number {
  const base = Math.min(MAX_MS, FIRST_MS * 2 ** Math.max(0, Math.min(attempt, 16)));
  return Math.round(base * (1 + random() / 4));
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
