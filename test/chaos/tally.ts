/**
 * What the chaos clients saw: every answer counted by outcome (data, or each GraphQL error's code),
 * the slowest request, and the answers that break a bar (an uncoded error, a 5xx without a GraphQL
 * body, a hung request, a failure while the service was up).
 *
 * The service is down on purpose between our SIGKILL and its next "listening" line: a request that
 * cannot reach it then, or that was in flight when it died, is counted apart and breaks no bar.
 * `phase` tells those apart: it moves on every kill and again when the new process listens, so a
 * request that started in one phase and failed in another met a kill or was sent while nothing
 * listened (its refusal can be handled only after the restart, on a loaded machine). `epoch` (one
 * per process run) only counts subscription events per run.
 */
export type Transport = 'http' | 'sse' | 'ws';

export interface Violation {
  transport: Transport;
  /** performance.now() when it was seen. */
  at: number;
  what: string;
  detail: string;
}

export class Tally {
  /** Answers the service sent per transport (HTTP responses, subscription events). */
  readonly served: Record<Transport, number> = { http: 0, sse: 0, ws: 0 };
  /** Subscription events per epoch and transport: resubscription after each restart is visible here. */
  readonly eventsByEpoch: Array<Record<'sse' | 'ws', number>> = [{ sse: 0, ws: 0 }];
  /** `DATA`, each GraphQL error code, and the failures met across a kill. */
  readonly outcomes = new Map<string, number>();
  readonly violations: Violation[] = [];
  worst = { ms: 0, what: '', endedAt: 0 };
  epoch = 0;
  /** Moves on every kill and on every restart's "listening" (see the header). */
  phase = 0;
  down = false;

  count(outcome: string): void {
    this.outcomes.set(outcome, (this.outcomes.get(outcome) ?? 0) + 1);
  }

  /** Every HTTP request's duration and when it ended (performance.now()), for percentiles and windows. */
  readonly durations: Array<{ endedAt: number; ms: number }> = [];

  latency(ms: number, what: string): void {
    this.durations.push({ endedAt: performance.now(), ms });
    if (ms > this.worst.ms) this.worst = { ms, what, endedAt: performance.now() };
  }

  /** The q-quantile (0..1) of the durations that ended in [from, to). */
  quantile(q: number, from = 0, to = Number.POSITIVE_INFINITY): number {
    const sorted = this.durations
      .filter((d) => d.endedAt >= from && d.endedAt < to)
      .map((d) => d.ms)
      .sort((a, b) => a - b);
    return sorted.length === 0 ? 0 : sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
  }

  /** Our SIGKILL is about to go out. */
  killing(): void {
    this.down = true;
    this.epoch++;
    this.phase++;
    this.eventsByEpoch.push({ sse: 0, ws: 0 });
  }

  /** The restarted process is listening again. */
  up(): void {
    this.down = false;
    this.phase++;
  }

  /** A failure to reach the service: expected across a kill, a violation otherwise. */
  unreachable(transport: Transport, startedPhase: number, detail: string): void {
    if (this.down || startedPhase !== this.phase) this.count('UNREACHABLE_DURING_RESTART');
    else this.violate(transport, 'unreachable while up', detail);
  }

  violate(transport: Transport, what: string, detail: string): void {
    this.count(`VIOLATION:${what}`);
    if (this.violations.length < 50) this.violations.push({ transport, at: performance.now(), what, detail: detail.slice(0, 300) });
  }

  /**
   * One GraphQL result (an HTTP body or a subscription event): data, or errors that each carry
   * `extensions.code`.
   */
  result(transport: Transport, body: unknown, what: string): void {
    this.served[transport]++;
    if (transport !== 'http') this.eventsByEpoch[this.epoch]![transport]++;
    const errors = (body as { errors?: unknown } | null)?.errors;
    if (errors === undefined) {
      if ((body as { data?: unknown } | null)?.data == null) this.violate(transport, 'neither data nor errors', `${what}: ${JSON.stringify(body)}`);
      else this.count('DATA');
      return;
    }
    if (!Array.isArray(errors) || errors.length === 0) return this.violate(transport, 'errors not a list', `${what}: ${JSON.stringify(body)}`);
    for (const error of errors as Array<{ message?: unknown; extensions?: { code?: unknown } }>) {
      const code = error?.extensions?.code;
      if (typeof code === 'string' && code !== '') this.count(code);
      else this.violate(transport, 'error without a code', `${what}: ${JSON.stringify(error)}`);
    }
  }
}
