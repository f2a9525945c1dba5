import type { BreakerStats, SourceStatusRecord } from '../core/domain.js';
import { builder } from './builder.js';
import { AvailabilityEnum, BreakerStateEnum, SourceEnum } from './enums.js';

export const BreakerStatsRef = builder.objectRef<BreakerStats>('BreakerStats').implement({
  fields: (t) => ({
    fires: t.exposeInt('fires'),
    successes: t.exposeInt('successes'),
    failures: t.exposeInt('failures'),
    timeouts: t.exposeInt('timeouts'),
    rejects: t.exposeInt('rejects'),
    fallbacks: t.exposeInt('fallbacks'),
    latencyMeanMs: t.exposeFloat('latencyMeanMs', { nullable: true }),
  }),
});

export const SourceStatusRef = builder.objectRef<SourceStatusRecord>('SourceStatus').implement({
  fields: (t) => ({
    source: t.expose('source', { type: SourceEnum }),
    breaker: t.expose('breaker', { type: BreakerStateEnum }),
    availability: t.expose('availability', { type: AvailabilityEnum }),
    simulated: t.exposeBoolean('simulated', {
      description: 'Whether the source talks to the real upstream or to the bundled simulator.',
    }),
    lastSuccessAt: t.expose('lastSuccessAt', { type: 'DateTime', nullable: true }),
    lastFailureAt: t.expose('lastFailureAt', { type: 'DateTime', nullable: true }),
    consecutiveFailures: t.exposeInt('consecutiveFailures'),
    lastError: t.exposeString('lastError', { nullable: true }),
    stats: t.expose('stats', { type: BreakerStatsRef }),
  }),
});
