/**
 * requestInsight calls per key in any sliding hour (INSIGHT_BUDGET_PER_KEY_PER_HOUR), on top of the
 * global analysis budget (sources/anthropic/budget.ts): one key cannot spend every call of the hour,
 * and a key whose budget is spent leaves the others theirs. A call counts when it is admitted,
 * whether the engine then answers from its cache or not (the caller cannot tell which it will be).
 */
import type { Clock } from '../../core/clock.js';

const HOUR_MS = 60 * 60 * 1000;

export type InsightAdmission = { ok: true } | { ok: false; retryAfterSeconds: number };

export class PerKeyInsightBudget {
  /** Key id → start times of its admitted calls, oldest first. */
  private readonly calls = new Map<string, number[]>();

  constructor(
    private readonly clock: Clock,
    readonly callsPerHour: number,
  ) {}

  /** Admits `count` calls for the key (all or none). */
  admit(keyId: string, count: number): InsightAdmission {
    const now = this.clock.now();
    const window = (this.calls.get(keyId) ?? []).filter((at) => at > now - HOUR_MS);
    if (window.length + count > this.callsPerHour) {
      this.calls.set(keyId, window);
      // The oldest call leaves the window first; with none (a count above the cap) an hour.
      const availableAt = (window[Math.max(0, window.length + count - this.callsPerHour - 1)] ?? now) + HOUR_MS;
      return { ok: false, retryAfterSeconds: Math.max(1, Math.ceil((availableAt - now) / 1000)) };
    }
    for (let i = 0; i < count; i += 1) window.push(now);
    this.calls.set(keyId, window);
    return { ok: true };
  }
}
