/**
 * John's business metrics as last received, in memory: the newest value per agent and metric.
 * Like markets, a value is LIVE only while John answers live and it came with the latest poll;
 * otherwise it is served as what it is, a copy held in process memory (L1).
 */
import type { BusinessMetricRecord } from '../core/domain.js';

export class LiveBusinessMetrics {
  private readonly byKey = new Map<string, BusinessMetricRecord>();
  private latestFetchAt = Number.NEGATIVE_INFINITY;

  constructor(private readonly sourceIsLive: () => boolean = () => true) {}

  upsert(records: readonly BusinessMetricRecord[]): void {
    for (const record of records) {
      this.latestFetchAt = Math.max(this.latestFetchAt, record.provenance.fetchedAt);
      // One value per agent and metric: a new period replaces the previous one.
      this.byKey.set(`${record.agentId}\u0000${record.metricName}`, record);
    }
  }

  list(agentId: string | null = null, limit = Number.POSITIVE_INFINITY): BusinessMetricRecord[] {
    const live = this.sourceIsLive();
    const out: BusinessMetricRecord[] = [];
    const sorted = [...this.byKey.values()].sort((a, b) => a.agentId.localeCompare(b.agentId) || a.metricName.localeCompare(b.metricName));
    for (const record of sorted) {
      if (out.length >= limit) break;
      if (agentId !== null && record.agentId !== agentId) continue;
      const current = record.provenance.tier !== 'LIVE' || (live && record.provenance.fetchedAt >= this.latestFetchAt);
      out.push(current ? record : { ...record, provenance: { ...record.provenance, tier: 'L1' } });
    }
    return out;
  }

  get(id: string): BusinessMetricRecord | null {
    return this.list().find((record) => record.id === id) ?? null;
  }
}
