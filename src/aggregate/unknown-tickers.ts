/**
 * Tickers the exchange just said it does not know, remembered for a few seconds so a client asking
 * for one again and again costs the exchange one listing call, not one per ask (a negative cache).
 *
 * Bounded (lru-cache, least recently used out first), so a client cycling through made-up tickers
 * cannot grow it. Expiry is checked against the injected Clock (each entry stores its deadline), not
 * by lru-cache's TTL timers, so a ManualClock drives it and a forgotten entry leaves no timer behind.
 */
import { LRUCache } from 'lru-cache';
import type { Clock } from '../core/clock.js';

export interface UnknownTickersOptions {
  clock: Clock;
  /** How long "unknown" is believed; 0 remembers nothing. */
  ttlMs: number;
  /** @default 10_000 */
  max?: number;
}

export class UnknownTickers {
  /** ticker → when the answer "unknown" stops being believed. */
  private readonly expiresAt: LRUCache<string, number>;

  constructor(private readonly options: UnknownTickersOptions) {
    this.expiresAt = new LRUCache({ max: options.max ?? 10_000 });
  }

  add(ticker: string): void {
    if (this.options.ttlMs > 0) this.expiresAt.set(ticker, this.options.clock.now() + this.options.ttlMs);
  }

  has(ticker: string): boolean {
    const until = this.expiresAt.get(ticker);
    if (until === undefined) return false;
    if (until > this.options.clock.now()) return true;
    this.expiresAt.delete(ticker);
    return false;
  }

  /** The exchange lists it now: believe the listing. */
  forget(ticker: string): void {
    this.expiresAt.delete(ticker);
  }

  get size(): number {
    return this.expiresAt.size;
  }
}
