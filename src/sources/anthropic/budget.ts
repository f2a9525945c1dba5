/**
 * The spending cap of the analysis: at most `callsPerHour` calls and `outputTokensPerHour` output
 * tokens in any sliding hour, measured on the injected clock. A call is counted when it starts
 * (failed calls may be billed too); its output tokens when it ends. The token cap is checked before
 * a call, so one call may overshoot it by at most its max_tokens.
 */
import type { Clock } from '../../core/clock.js';

export interface BudgetLimits {
  /** @default 60 */
  callsPerHour?: number;
  /** @default 100_000 */
  outputTokensPerHour?: number;
}

export type BudgetCheck = { ok: true } | { ok: false; reason: string; /** When the oldest spending leaves the window. */ availableAt: number };

const HOUR_MS = 60 * 60 * 1000;

export class HourlyBudget {
  readonly callsPerHour: number;
  readonly outputTokensPerHour: number;
  private calls: number[] = [];
  private tokens: Array<{ at: number; count: number }> = [];

  constructor(
    private readonly clock: Clock,
    limits: BudgetLimits = {},
  ) {
    this.callsPerHour = limits.callsPerHour ?? 60;
    this.outputTokensPerHour = limits.outputTokensPerHour ?? 100_000;
  }

  /** Whether a call may start now, and if not, why and until when. */
  check(): BudgetCheck {
    const now = this.clock.now();
    this.prune(now);
    if (this.calls.length >= this.callsPerHour) {
      const availableAt = (this.calls[0] ?? now) + HOUR_MS;
      return { ok: false, availableAt, reason: `call budget spent: ${this.calls.length}/${this.callsPerHour} calls in the last hour` };
    }
    const used = this.outputTokensUsed();
    if (used >= this.outputTokensPerHour) {
      // Enough must leave the window to get under the cap: walk the oldest entries until it is.
      let excess = used - this.outputTokensPerHour;
      let availableAt = now + HOUR_MS;
      for (const entry of this.tokens) {
        excess -= entry.count;
        if (excess < 0) {
          availableAt = entry.at + HOUR_MS;
          break;
        }
      }
      return { ok: false, availableAt, reason: `output token budget spent: ${used}/${this.outputTokensPerHour} tokens in the last hour` };
    }
    return { ok: true };
  }

  recordCall(): void {
    this.calls.push(this.clock.now());
  }

  recordOutputTokens(count: number): void {
    if (count > 0) this.tokens.push({ at: this.clock.now(), count });
  }

  /** Spending in the current window, for status and logs. */
  usage(): { calls: number; outputTokens: number } {
    this.prune(this.clock.now());
    return { calls: this.calls.length, outputTokens: this.outputTokensUsed() };
  }

  private outputTokensUsed(): number {
    return this.tokens.reduce((sum, entry) => sum + entry.count, 0);
  }

  private prune(now: number): void {
    const cutoff = now - HOUR_MS;
    while (this.calls.length > 0 && (this.calls[0] ?? 0) <= cutoff) this.calls.shift();
    while (this.tokens.length > 0 && (this.tokens[0]?.at ?? 0) <= cutoff) this.tokens.shift();
  }
}
