import { builder } from './builder.js';
import type { CacheTierStatusView, HealthView } from './context.js';
import { CacheTierEnum } from './enums.js';
import { SourceStatusRef } from './source-status.js';

export const CacheTierStatusRef = builder.objectRef<CacheTierStatusView>('CacheTierStatus').implement({
  fields: (t) => ({
    tier: t.expose('tier', { type: CacheTierEnum }),
    healthy: t.exposeBoolean('healthy'),
    hits: t.exposeFloat('hits'),
    misses: t.exposeFloat('misses'),
  }),
});

export const HealthRef = builder.objectRef<HealthView>('Health').implement({
  fields: (t) => ({
    status: t.exposeString('status', { description: '"ok", "degraded" or "down".' }),
    version: t.exposeString('version'),
    uptimeSeconds: t.exposeFloat('uptimeSeconds'),
    sources: t.expose('sources', { type: [SourceStatusRef] }),
    cache: t.expose('cache', { type: [CacheTierStatusRef] }),
  }),
});
