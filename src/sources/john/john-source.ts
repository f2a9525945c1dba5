/**
 * The John source assembled against an endpoint (John's URL from configuration, or the
 * simulator's from the composition root): the client, its guard (breaker + John's retry policy)
 * and the poller.
 */
import type { Clock } from '../../core/clock.js';
import { waitForFirstPoll } from '../../core/poll-loop.js';
import type { Config, JohnEndpoint } from '../../core/config.js';
import { fromSimulator, type BusinessMetricRecord } from '../../core/domain.js';
import type { Logger } from '../../core/logger.js';
import type { Metrics } from '../../core/metrics.js';
import type { SourceGuard } from '../resilience/source-guard.js';
import type { UpstreamArchive } from '../upstream-archive.js';
import { JohnClient } from './client.js';
import { JohnMetricsPoller } from './metrics-poller.js';

export interface JohnSource {
  readonly baseUrl: string;
  stop(): Promise<void>;
}

export interface JohnSourceDeps {
  config: Config;
  /** John's origin, which of its endpoints to read, and whether it is the bundled simulator (records are stamped so). */
  endpoint: { baseUrl: string; read: JohnEndpoint; simulated: boolean };
  clock: Clock;
  logger: Logger;
  metrics: Metrics;
  guard: SourceGuard;
  archive: UpstreamArchive;
  onMetrics: (records: BusinessMetricRecord[]) => void;
}

export async function startJohnSource(deps: JohnSourceDeps): Promise<JohnSource> {
  const { config, clock, logger } = deps;
  const { baseUrl, simulated } = deps.endpoint;
  const origin = (records: BusinessMetricRecord[]): BusinessMetricRecord[] => (simulated ? records.map((r) => fromSimulator(r, true)) : records);
  // Per-attempt timeout 5 s (the reference); the breaker's timeout bounds the call with its retries.
  const client = new JohnClient({ baseUrl, token: config.john.apiToken, timeoutMs: 5000, clock, endpoint: deps.endpoint.read });
  const poller = new JohnMetricsPoller({
    client,
    clock,
    logger: logger.child({ source: 'john' }),
    metrics: deps.metrics,
    intervalMs: config.john.pollIntervalMs,
    call: (operation, fn, options) => deps.guard.call(operation, fn, options),
    archive: deps.archive,
    onMetrics: (records) => deps.onMetrics(origin(records)),
  });
  // A John that does not answer is waited for only FIRST_POLL_WAIT_MS before the service listens.
  await waitForFirstPoll(poller.pollOnce(), clock);
  poller.start();
  return {
    baseUrl,
    async stop() {
      await poller.stop();
      await client.close();
    },
  };
}
