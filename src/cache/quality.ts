/**
 * The quality stamp of a served value: the cache's answer (tier, origin, fetch time) turned into the
 * DataQuality the schema exposes, by the same rules as every other served value (src/core/quality.ts:
 * reliability lowered by the tier it came from and by its age since the upstream produced it).
 */
import type { DataQuality, SourceId } from '../core/domain.js';
import { qualityOf } from '../core/quality.js';
import type { Served } from './entry.js';

export function servedQuality(source: SourceId, served: Pick<Served<unknown>, 'tier' | 'originAt' | 'fetchedAt'>, nowMs: number): DataQuality {
  return qualityOf(source, { tier: served.tier, originAt: served.originAt, fetchedAt: served.fetchedAt }, nowMs);
}
