/**
 * Keeps the Kalshi portfolio current for P&L by reading `GET /portfolio/positions` of every
 * configured subaccount every KALSHI_PORTFOLIO_POLL_INTERVAL_MS, one guarded call per subaccount
 * (breaker + retries; the guard reports each outcome), on the injected clock, never two polls at
 * once.
 *
 * All or nothing: a poll hands over positions only when every subaccount was read to its end and
 * normalized. A portfolio with a subaccount or a position missing would give a wrong P&L rather
 * than a stale one, so after any failure the previous good positions stay where they are (the
 * callback is not called) and the failure is logged.
 */
import type { Clock } from '../../core/clock.js';
import type { Logger } from '../../core/logger.js';
import type { Metrics } from '../../core/metrics.js';
import { UpstreamError } from '../../core/errors.js';
import { PollLoop } from '../../core/poll-loop.js';
import type { SourceGuard } from '../resilience/source-guard.js';
import type { KalshiRestClient } from './client.js';
import { KALSHI_MAX_PAGE_SIZE } from './paging.js';
import { normalizePositions, type KalshiPosition } from './portfolio.js';

export type SubaccountPosition = KalshiPosition & { subaccount: number };

export interface KalshiPortfolioPollerDeps {
  client: Pick<KalshiRestClient, 'getAllPositions'>;
  clock: Clock;
  guard: Pick<SourceGuard, 'call'>;
  logger: Logger;
  metrics?: Metrics;
  /** Subaccounts to read: 0 = primary, 1..63. */
  subaccounts: readonly number[];
  intervalMs: number;
  /** Receives the whole portfolio (every subaccount), once per successful poll. */
  onPositions: (positions: SubaccountPosition[]) => void;
  /** Pages per subaccount per poll, at Kalshi's maximum page size of 1000. @default 10 */
  maxPages?: number;
}

export class KalshiPortfolioPoller {
  private readonly loop: PollLoop<void>;

  constructor(private readonly deps: KalshiPortfolioPollerDeps) {
    this.loop = new PollLoop({ clock: deps.clock, intervalMs: deps.intervalMs, poll: () => this.poll() });
  }

  start(): void {
    this.loop.start();
  }

  stop(): Promise<void> {
    return this.loop.stop();
  }

  /** One poll (joins one in flight); resolves when it has ended. Never rejects. */
  pollOnce(): Promise<void> {
    return this.loop.pollOnce();
  }

  private async poll(): Promise<void> {
    const { logger, metrics } = this.deps;
    try {
      const positions: SubaccountPosition[] = [];
      // One subaccount after another: the client paces requests anyway, and a failure stops the poll.
      for (const subaccount of this.deps.subaccounts) {
        if (this.loop.signal.aborted) return;
        const read = await this.readSubaccount(subaccount);
        for (const position of read) positions.push({ ...position, subaccount });
      }
      if (this.loop.signal.aborted) return;
      this.deps.onPositions(positions);
    } catch (error) {
      if (this.loop.signal.aborted) return;
      if (error instanceof UpstreamError && error.category === 'data') metrics?.upstreamMalformedPayloads.inc({ source: 'kalshi' });
      logger.warn({ err: error }, 'Kalshi portfolio poll failed; keeping the positions already held');
    }
  }

  /**
   * Reads and normalizes one subaccount inside the guarded call, so a malformed position counts as
   * a failed read for the source's status (normalizePositions throws a non-retryable data error).
   */
  private readSubaccount(subaccount: number): Promise<KalshiPosition[]> {
    const { client, guard } = this.deps;
    // The stop goes to the guard: a read cut by stop() is a cancellation, not a Kalshi failure.
    // (The request gets it too, so it ends even under a guard that ignores it.)
    return guard.call(
      'getPositions',
      async (signal) => {
        const scan = await client.getAllPositions(
          // Kalshi's largest page: fewest requests per poll.
          { subaccount, limit: KALSHI_MAX_PAGE_SIZE },
          { maxPages: this.deps.maxPages ?? 10, signal: AbortSignal.any([signal, this.loop.signal]), priority: true },
        );
        if (scan.cursor !== '') {
          throw new UpstreamError(`Kalshi subaccount ${subaccount} has more positions than ${scan.pages} pages; portfolio incomplete`, {
            source: 'kalshi',
            category: 'data',
            retryable: false,
          });
        }
        return normalizePositions(scan.marketPositions);
      },
      { signal: this.loop.signal },
    );
  }
}
