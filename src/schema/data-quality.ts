import type { DataQuality } from '../core/domain.js';
import { builder } from './builder.js';
import { CacheTierEnum } from './enums.js';

export const DataQualityRef = builder.objectRef<DataQuality>('DataQuality').implement({
  description: 'How trustworthy and how old a value is.',
  fields: (t) => ({
    freshnessMs: t.exposeFloat('freshnessMs', { description: 'Milliseconds between the upstream producing the value and this answer.' }),
    sourceReliability: t.exposeFloat('sourceReliability', { description: '0.0 to 1.0.' }),
    isFromCache: t.exposeBoolean('isFromCache'),
    cacheTier: t.expose('cacheTier', { type: CacheTierEnum }),
    fetchedAt: t.expose('fetchedAt', { type: 'DateTime' }),
    simulated: t.exposeBoolean('simulated', {
      description:
        'true when a bundled simulator invented the value (SIMULATORS), false when the real upstream sent it. Kept with the value in every cache tier.',
    }),
    isStreaming: t.exposeBoolean('isStreaming', {
      description:
        'true when a push stream keeps the value current as served (an order book held from the Kalshi WebSocket); false for a REST snapshot (e.g. a book asked for before its WebSocket snapshot arrived) or a stored copy.',
    }),
  }),
});
