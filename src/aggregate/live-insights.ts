/**
 * Anthropic's insights as served from the insight engine's memory, labelled like markets and
 * metrics are (live-markets.ts, live-metrics.ts): the newest insight is LIVE while Anthropic
 * answers live; any older one, or any while Anthropic is not live, is a copy held in process
 * memory (L1), which is what it is.
 */
import type { InsightRecord } from '../core/domain.js';

/** What is read from the insight engine (absent until the Anthropic source has started). */
export interface InsightMemory {
  latest(ticker: string | null): InsightRecord | null;
  list(ticker: string | null, limit: number): InsightRecord[];
}

export class LiveInsights {
  constructor(
    private readonly memory: () => InsightMemory | null,
    private readonly sourceIsLive: () => boolean,
  ) {}

  /** The newest insight covering `ticker` (null: any), labelled. */
  latest(ticker: string | null): InsightRecord | null {
    return this.served(this.memory()?.latest(ticker) ?? null);
  }

  /** The newest `limit` insights covering `ticker` (null: any), newest first, labelled. */
  list(ticker: string | null, limit: number): InsightRecord[] {
    return (this.memory()?.list(ticker, limit) ?? []).map((insight) => this.served(insight)!);
  }

  private served(insight: InsightRecord | null): InsightRecord | null {
    if (!insight) return null;
    const newest = this.memory()?.latest(null);
    return newest?.id === insight.id && this.sourceIsLive() ? insight : { ...insight, provenance: { ...insight.provenance, tier: 'L1' } };
  }
}
