/**
 * P&L over time, per agent and in total, as the P&L chart draws it. History comes from
 * `pnlHistory` (the last point of each minute), live points from `aggregateUpdated` (two a second):
 * both land on one grid of PNL_BUCKET_MS, at most one sample per agent per bucket, the newest in
 * the bucket winning, so the live head moves within its bucket and the next bucket adds a point
 * (the history's points are a minute apart, each in its own bucket). The same rule makes a re-read
 * after a reconnect harmless: points already held are the same samples again.
 *
 * Revenue (John), realized and unrealized (Kalshi positions) are kept apart; the total is theirs
 * summed as the server sums them. The book-wide total is each agent's latest sample at or before
 * each bucket, summed (an agent that has not started yet adds nothing; one that went quiet keeps
 * its last value, which is what it still has).
 */

/** The live resolution: the snapshot writer's default interval, so a day is 17,280 points at most. */
export const PNL_BUCKET_MS = 5_000;

/** The schema's PnLPoint (and AgentPnL with the aggregate's takenAt). */
export interface PnlPointInput {
  agentId: string;
  at: string;
  revenueUsd: number;
  realizedPnlUsd: number;
  unrealizedPnlUsd: number;
  totalPnlUsd: number;
}

export interface PnlSample {
  at: number;
  revenue: number;
  realized: number;
  unrealized: number;
  total: number;
}

export type PnlBook = ReadonlyMap<string, readonly PnlSample[]>;

export function sampleOf(point: PnlPointInput): PnlSample | null {
  const at = Date.parse(point.at);
  const values = [point.revenueUsd, point.realizedPnlUsd, point.unrealizedPnlUsd, point.totalPnlUsd];
  if (!Number.isFinite(at) || !values.every(Number.isFinite)) return null;
  return { at, revenue: point.revenueUsd, realized: point.realizedPnlUsd, unrealized: point.unrealizedPnlUsd, total: point.totalPnlUsd };
}

/** The aggregate's current P&L as points at its takenAt. */
export function pointsOfAggregate(aggregate: { takenAt: string; pnl: ReadonlyArray<Omit<PnlPointInput, 'at'>> }): PnlPointInput[] {
  return aggregate.pnl.map((agent) => ({ ...agent, at: aggregate.takenAt }));
}

const bucketOf = (at: number, bucketMs: number): number => Math.floor(at / bucketMs);

/** One sample per bucket (the latest `at` in it wins), ascending. */
export function mergeSamples(series: readonly PnlSample[], incoming: readonly PnlSample[], bucketMs: number = PNL_BUCKET_MS): PnlSample[] {
  const byBucket = new Map<number, PnlSample>();
  for (const sample of [...series, ...incoming]) {
    const bucket = bucketOf(sample.at, bucketMs);
    const held = byBucket.get(bucket);
    if (!held || sample.at >= held.at) byBucket.set(bucket, sample);
  }
  return [...byBucket.values()].sort((a, b) => a.at - b.at);
}

/** Adds points (any agents, any order) to the book; agents seen for the first time are added. */
export function addPoints(book: PnlBook, points: readonly PnlPointInput[], bucketMs: number = PNL_BUCKET_MS): Map<string, PnlSample[]> {
  const incoming = new Map<string, PnlSample[]>();
  for (const point of points) {
    const sample = sampleOf(point);
    if (!sample) continue;
    const list = incoming.get(point.agentId) ?? [];
    list.push(sample);
    incoming.set(point.agentId, list);
  }
  const next = new Map<string, PnlSample[]>([...book].map(([agent, samples]) => [agent, [...samples]]));
  for (const [agent, samples] of incoming) next.set(agent, mergeSamples(next.get(agent) ?? [], samples, bucketMs));
  return new Map([...next].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/** The book without samples before `fromMs` (the chart's window): a page open for days stays small. */
export function since(book: PnlBook, fromMs: number): Map<string, PnlSample[]> {
  return new Map([...book].map(([agent, samples]) => [agent, samples.filter((sample) => sample.at >= fromMs)]));
}

/** Where a re-read of one agent's history starts: its newest sample (null: read the whole window). */
export function lastSampleAt(book: PnlBook, agentId: string): number | null {
  return book.get(agentId)?.at(-1)?.at ?? null;
}

/** Every agent's samples summed per bucket, carrying each agent's latest value forward. */
export function totalSeries(book: PnlBook, bucketMs: number = PNL_BUCKET_MS): PnlSample[] {
  const buckets = new Map<number, number>();
  for (const samples of book.values())
    for (const sample of samples) {
      const bucket = bucketOf(sample.at, bucketMs);
      buckets.set(bucket, Math.max(buckets.get(bucket) ?? -Infinity, sample.at));
    }
  const agents = [...book.values()].map((samples) => ({ samples, next: 0, current: null as PnlSample | null }));
  const totals: PnlSample[] = [];
  for (const [bucket, at] of [...buckets].sort((a, b) => a[0] - b[0])) {
    const total: PnlSample = { at, revenue: 0, realized: 0, unrealized: 0, total: 0 };
    for (const agent of agents) {
      while (agent.next < agent.samples.length && bucketOf(agent.samples[agent.next]!.at, bucketMs) <= bucket) agent.current = agent.samples[agent.next++]!;
      if (!agent.current) continue;
      total.revenue += agent.current.revenue;
      total.realized += agent.current.realized;
      total.unrealized += agent.current.unrealized;
      total.total += agent.current.total;
    }
    totals.push(total);
  }
  return totals;
}

/**
 * uPlot's columns: x in seconds, then total, revenue, realized, unrealized. The total comes first
 * so it is drawn first: revenue is most of it, and a thin revenue line drawn over a wide total
 * stays visible where they meet.
 */
export function chartColumns(samples: readonly PnlSample[]): [number[], number[], number[], number[], number[]] {
  return [
    samples.map((s) => s.at / 1000),
    samples.map((s) => s.total),
    samples.map((s) => s.revenue),
    samples.map((s) => s.realized),
    samples.map((s) => s.unrealized),
  ];
}

/** The narrowest time axis the chart shows: a few minutes reads as a clock, not as a span of years. */
export const PNL_MIN_SPAN_MS = 10 * 60_000;

/**
 * The x range (seconds) for samples from minSec to maxSec. uPlot's own choice for one point (or
 * points a moment apart) is a range of years around it; narrower than PNL_MIN_SPAN_MS, the range
 * is PNL_MIN_SPAN_MS centred on the samples. No samples: the last minSpan up to now.
 */
export function timeWindow(minSec: number | null, maxSec: number | null, nowMs: number, minSpanMs: number = PNL_MIN_SPAN_MS): [number, number] {
  const half = minSpanMs / 2000;
  if (minSec === null || maxSec === null || !Number.isFinite(minSec) || !Number.isFinite(maxSec)) return [nowMs / 1000 - 2 * half, nowMs / 1000];
  if (maxSec - minSec >= 2 * half) return [minSec, maxSec];
  const middle = (minSec + maxSec) / 2;
  return [middle - half, middle + half];
}
