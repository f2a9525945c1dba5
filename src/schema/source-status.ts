import type { BreakerStats, SourceStatusRecord } from '../core/domain.js';
import { upstreamErrorFor } from '../server/access/error-visibility.js';
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
    lastError: t.string({
      nullable: true,
      description:
        "The upstream's error text for admin keys (and with AUTH_MODE=off); other keys see its category (network, auth, data, rate_limit, service, circuit_breaker, …).",
      resolve: (status, _args, ctx) => upstreamErrorFor(ctx.principal, status.lastError, status.lastErrorCategory),
    }),
    stats: t.expose('stats', { type: BreakerStatsRef }),
  }),
});
