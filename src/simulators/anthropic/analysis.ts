/**
 * The simulator's "model": it reads the market-data block the client put in the prompt and derives
 * an assessment from the numbers, deterministically, so tests can feed rising markets and expect a
 * bullish answer. It never echoes titles (untrusted text) into its answer, only tickers and numbers.
 *
 * - direction: breadth (rising minus falling markets) and the volume-weighted day move (last − previous)
 * - risk: wide average spreads or large moves
 * - confidence: more markets, tighter spreads and a one-sided breadth
 */
import type { InsightToolInput } from '../../sources/anthropic/insight-schema.js';
import { INSIGHT_LIMITS, MARKET_DATA_CLOSE, MARKET_DATA_OPEN, type PromptMarket, type PromptMarketData } from '../../sources/anthropic/protocol.js';

export interface SimulatedAnalysis {
  /** The short text the "model" writes before calling the tool. */
  reasoning: string;
  input: InsightToolInput;
}

/** Moves smaller than half a cent count as flat. */
const FLAT_MOVE = 0.005;

function text(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return content
    .map((block: unknown) => {
      if (!block || typeof block !== 'object' || (block as { type?: unknown }).type !== 'text') return '';
      const blockText = (block as { text?: unknown }).text;
      return typeof blockText === 'string' ? blockText : '';
    })
    .join('\n');
}

function numberOrNull(value: unknown): number | null {
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
}

function readMarket(value: unknown): PromptMarket | null {
  if (!value || typeof value !== 'object') return null;
  const m = value as Record<string, unknown>;
  if (typeof m['ticker'] !== 'string' || m['ticker'] === '') return null;
  return {
    ticker: m['ticker'],
    title: typeof m['title'] === 'string' ? m['title'] : '',
    status: typeof m['status'] === 'string' ? m['status'] : 'active',
    yes_bid: numberOrNull(m['yes_bid']),
    yes_ask: numberOrNull(m['yes_ask']),
    last: numberOrNull(m['last']),
    previous: numberOrNull(m['previous']),
    volume_24h: numberOrNull(m['volume_24h']) ?? 0,
    open_interest: numberOrNull(m['open_interest']),
  };
}

/**
 * The market data of the last user message: the JSON between the first `<market_data>` and the next
 * `</market_data>`. Null when there is no block or it is not the expected JSON.
 */
export function extractMarketData(messages: unknown): PromptMarketData | null {
  if (!Array.isArray(messages)) return null;
  const lastUser = [...(messages as unknown[])].reverse().find((m: unknown) => m && typeof m === 'object' && (m as { role?: unknown }).role === 'user') as
    { content?: unknown } | undefined;
  const prompt = text(lastUser?.content);
  const start = prompt.indexOf(MARKET_DATA_OPEN);
  const end = start < 0 ? -1 : prompt.indexOf(MARKET_DATA_CLOSE, start + MARKET_DATA_OPEN.length);
  if (end < 0) return null;
  let parsed: unknown;
  try {
    parsed = JSON.parse(prompt.slice(start + MARKET_DATA_OPEN.length, end));
  } catch {
    return null;
  }
  if (!parsed || typeof parsed !== 'object' || !Array.isArray((parsed as { markets?: unknown }).markets)) return null;
  const data = parsed as { as_of?: unknown; markets: unknown[] };
  return {
    as_of: typeof data.as_of === 'string' ? data.as_of : '',
    markets: data.markets.map(readMarket).filter((m): m is PromptMarket => m !== null),
  };
}

interface Reading {
  ticker: string;
  last: number | null;
  move: number | null;
  spread: number | null;
  volume: number;
}

const clamp = (value: number, min: number, max: number): number => Math.min(max, Math.max(min, value));
const round2 = (value: number): number => Math.round(value * 100) / 100;
const cents = (dollars: number): string => (Math.round(dollars * 1000) / 10).toFixed(1);
const signedCents = (dollars: number): string => `${dollars >= 0 ? '+' : '−'}${cents(Math.abs(dollars))}`;
const capText = (value: string, max: number): string => (value.length > max ? `${value.slice(0, max - 1)}…` : value);

function reading(market: PromptMarket): Reading {
  const spread = market.yes_bid !== null && market.yes_ask !== null ? Math.max(0, market.yes_ask - market.yes_bid) : null;
  const move = market.last !== null && market.previous !== null ? market.last - market.previous : null;
  return { ticker: market.ticker, last: market.last, move, spread, volume: Math.max(0, market.volume_24h) };
}

const NO_DATA: SimulatedAnalysis = {
  reasoning: 'No market data was provided, so there is nothing to assess.',
  input: {
    sentiment: 'neutral',
    sentiment_score: 0,
    key_factors: ['No market data was provided'],
    risk_level: 'medium',
    confidence: 0.05,
    summary: 'No market data was provided; the outlook cannot be assessed.',
  },
};

export function analyzeMarkets(data: PromptMarketData | null): SimulatedAnalysis {
  const readings = (data?.markets ?? []).map(reading);
  const n = readings.length;
  if (n === 0) return NO_DATA;

  const rising = readings.filter((r) => r.move !== null && r.move > FLAT_MOVE).length;
  const falling = readings.filter((r) => r.move !== null && r.move < -FLAT_MOVE).length;
  const flat = n - rising - falling;
  const breadth = (rising - falling) / n;

  const withMove = readings.filter((r): r is Reading & { move: number } => r.move !== null);
  const weight = (r: Reading): number => Math.max(1, r.volume);
  const totalWeight = withMove.reduce((sum, r) => sum + weight(r), 0);
  const weightedMove = totalWeight === 0 ? 0 : withMove.reduce((sum, r) => sum + weight(r) * r.move, 0) / totalWeight;
  const meanAbsMove = withMove.length === 0 ? 0 : withMove.reduce((sum, r) => sum + Math.abs(r.move), 0) / withMove.length;

  const spreads = readings.map((r) => r.spread).filter((s): s is number => s !== null);
  const meanSpread = spreads.length === 0 ? null : spreads.reduce((a, b) => a + b, 0) / spreads.length;

  const score = round2(clamp(0.6 * breadth + 0.4 * Math.tanh(weightedMove / 0.03), -1, 1));
  const sentiment = score >= 0.15 ? 'bullish' : score <= -0.15 ? 'bearish' : 'neutral';
  const spreadForRisk = meanSpread ?? 0.1;
  const risk = spreadForRisk >= 0.08 || meanAbsMove >= 0.15 ? 'high' : spreadForRisk >= 0.03 || meanAbsMove >= 0.06 ? 'medium' : 'low';
  const confidence = round2(clamp(0.3 + 0.4 * Math.min(1, n / 10) + 0.2 * (1 - Math.min(1, spreadForRisk / 0.1)) + 0.1 * Math.abs(breadth), 0.05, 0.95));

  // Ties break on the ticker, so the answer does not depend on the order markets were listed in.
  const byTicker = (a: Reading, b: Reading): number => (a.ticker < b.ticker ? -1 : a.ticker > b.ticker ? 1 : 0);
  const movers = [...withMove].sort((a, b) => Math.abs(b.move) - Math.abs(a.move) || byTicker(a, b)).filter((r) => Math.abs(r.move) > FLAT_MOVE);
  const volumeLeader = [...readings].sort((a, b) => b.volume - a.volume || byTicker(a, b))[0];
  const widest = readings.filter((r) => r.spread !== null).sort((a, b) => (b.spread ?? 0) - (a.spread ?? 0) || byTicker(a, b))[0];

  const factors: string[] = [`${rising} of ${n} markets rose and ${falling} fell against their price a day ago`];
  for (const mover of movers.slice(0, 2)) {
    const to = mover.last === null ? '' : ` to $${mover.last.toFixed(2)}`;
    factors.push(`${mover.ticker} ${mover.move > 0 ? 'up' : 'down'} ${cents(Math.abs(mover.move))}¢${to} over the day`);
  }
  if (volumeLeader && volumeLeader.volume > 0) factors.push(`${volumeLeader.ticker} leads 24h volume with ${Math.round(volumeLeader.volume)} contracts`);
  if (widest?.spread != null) factors.push(`${widest.ticker} has the widest bid-ask spread at ${cents(widest.spread)}¢`);
  const keyFactors = factors.slice(0, INSIGHT_LIMITS.keyFactorsMax).map((f) => capText(f, INSIGHT_LIMITS.keyFactorMaxChars));

  const largest = movers[0];
  const summary = capText(
    [
      `${sentiment[0]!.toUpperCase()}${sentiment.slice(1)} (${score.toFixed(2)}) across ${n} markets: ${rising} rising, ${falling} falling, ${flat} flat;`,
      `volume-weighted day move ${signedCents(weightedMove)}¢.`,
      largest ? `Largest move: ${largest.ticker} (${signedCents(largest.move)}¢).` : 'No market moved more than half a cent.',
      meanSpread === null ? `Spreads unknown, so ${risk} risk.` : `Average spread ${cents(meanSpread)}¢, so ${risk} risk.`,
    ].join(' '),
    INSIGHT_LIMITS.summaryMaxChars,
  );
  const reasoning = `Reviewing ${n} markets: ${rising} rose and ${falling} fell; the volume-weighted move is ${signedCents(weightedMove)}¢${
    meanSpread === null ? '' : ` and the average spread ${cents(meanSpread)}¢`
  }.`;

  return { reasoning, input: { sentiment, sentiment_score: score, key_factors: keyFactors, risk_level: risk, confidence, summary } };
}
