/**
 * The insight feed, newest first: the recent `insights` answer, and `insightStream` chunks
 * appended to their insight's text as the model writes it. The last chunk carries the finished
 * insight (summary, sentiment, score, risk), which completes the entry in place; the streamed text
 * (the model's reasoning) stays with it. An insight arriving both
 * ways (streamed, then re-read after a reconnect) is one entry; the finished one wins over a
 * half-streamed copy.
 */

export type Sentiment = 'BULLISH' | 'BEARISH' | 'NEUTRAL';
export type Risk = 'LOW' | 'MEDIUM' | 'HIGH';

/** The fields of the schema's Insight the feed shows. */
export interface InsightInput {
  id: string;
  createdAt: string;
  summary: string;
  sentiment: Sentiment;
  sentimentScore: number;
  riskLevel: Risk;
  confidence: number;
  tickers: readonly string[];
  keyFactors: readonly string[];
}

export interface ChunkInput {
  insightId: string;
  delta: string;
  done: boolean;
  insight?: InsightInput | null;
}

export interface FeedEntry {
  id: string;
  /**
   * The model's reasoning as streamed so far (empty for an insight only read, not watched); the
   * finished insight's summary is apart, in `insight`.
   */
  text: string;
  streaming: boolean;
  /** Epoch ms: the insight's createdAt, or when its first chunk arrived. */
  at: number;
  insight: InsightInput | null;
}

function finished(insight: InsightInput, streamedText = ''): FeedEntry {
  const at = Date.parse(insight.createdAt);
  return { id: insight.id, text: streamedText, streaming: false, at: Number.isFinite(at) ? at : 0, insight };
}

const newestFirst = (a: FeedEntry, b: FeedEntry): number => b.at - a.at;

/** Merges finished insights (e.g. the `insights` answer) into the feed. */
export function withInsights(feed: readonly FeedEntry[], insights: readonly InsightInput[], limit: number): FeedEntry[] {
  const byId = new Map(feed.map((entry) => [entry.id, entry]));
  for (const insight of insights) byId.set(insight.id, finished(insight, byId.get(insight.id)?.text));
  return [...byId.values()].sort(newestFirst).slice(0, limit);
}

/** Applies one stream chunk; `nowMs` dates an insight first seen as a chunk. */
export function withChunk(feed: readonly FeedEntry[], chunk: ChunkInput, nowMs: number, limit: number): FeedEntry[] {
  const held = feed.find((entry) => entry.id === chunk.insightId);
  // A chunk for an insight already finished (a late duplicate) changes nothing.
  if (held && !held.streaming) return [...feed];
  const text = (held?.text ?? '') + chunk.delta;
  const entry: FeedEntry =
    chunk.done && chunk.insight ? finished(chunk.insight, text) : { id: chunk.insightId, text, streaming: !chunk.done, at: held?.at ?? nowMs, insight: null };
  return [entry, ...feed.filter((e) => e.id !== chunk.insightId)].sort(newestFirst).slice(0, limit);
}
