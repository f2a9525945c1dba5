/**
 * What `health` (GraphQL) and `/health` say about the service as a whole:
 * - `down` when the history store does not answer or no source is usable at all;
 * - `degraded` when the availability score (the share of sources answering live) is below
 *   AVAILABILITY_THRESHOLD;
 * - `ok` otherwise.
 */
import type { Clock } from '../core/clock.js';
import type { SourceStatusRecord } from '../core/domain.js';
import type { CacheTierStatusView, HealthView } from '../schema/context.js';
import { availabilityScore } from '../sources/source-status.js';

export interface HealthPolicyDeps {
  clock: Clock;
  version: string;
  /** AVAILABILITY_THRESHOLD, 0–1. */
  availabilityThreshold: number;
  sources: () => SourceStatusRecord[];
  /** false while the store is not open or does not answer. */
  databaseUp: () => Promise<boolean>;
  cache: () => CacheTierStatusView[];
}

export class HealthPolicy {
  private readonly startedAt: number;

  constructor(private readonly deps: HealthPolicyDeps) {
    this.startedAt = deps.clock.now();
  }

  async health(): Promise<HealthView> {
    const sources = this.deps.sources();
    const databaseUp = await this.deps.databaseUp();
    const usable = sources.some((s) => s.availability !== 'UNAVAILABLE');
    const score = availabilityScore(sources);
    return {
      status: !databaseUp || !usable ? 'down' : score < this.deps.availabilityThreshold ? 'degraded' : 'ok',
      version: this.deps.version,
      uptimeSeconds: Math.round((this.deps.clock.now() - this.startedAt) / 100) / 10,
      sources,
      cache: this.deps.cache(),
    };
  }
}
