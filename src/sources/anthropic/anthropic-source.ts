/**
 * The Anthropic source assembled against an endpoint (the API's origin and key from
 * configuration, or the simulator's from the composition root): the SDK-based client; the insight engine (schedule, significant moves,
 * budget, cache) whose calls go through the source guard. Streamed text goes to `insightChunk`.
 */
import type { Clock } from '../../core/clock.js';
import type { Config } from '../../core/config.js';
import { fromSimulator, type InsightRecord } from '../../core/domain.js';
import type { Logger } from '../../core/logger.js';
import type { Metrics } from '../../core/metrics.js';
import type { NorthstarPubSub } from '../../core/pubsub.js';
import type { SourceGuard } from '../resilience/source-guard.js';
import type { SourceStatusBoard } from '../source-status.js';
import { AnthropicInsightClient, type InsightAnalyzer } from './client.js';
import { InsightEngine } from './insight-engine.js';

export interface AnthropicSource {
  readonly engine: InsightEngine;
  stop(): Promise<void>;
}

export interface AnthropicSourceDeps {
  config: Config;
  /**
   * The API origin as the SDK takes it, the key (null: every call fails authentication), and
   * whether it is the bundled simulator (its insights are stamped so).
   */
  endpoint: { baseUrl: string; apiKey: string | null; simulated: boolean };
  clock: Clock;
  logger: Logger;
  /** Counts malformed answers (northstar_upstream_malformed_payloads_total{source="anthropic"}). */
  metrics: Metrics;
  guard: SourceGuard;
  pubsub: NorthstarPubSub;
  statuses: SourceStatusBoard;
  onInsight?: (insight: InsightRecord) => void;
}

/** Starts the engine's schedule; rejects (never throws) when the client cannot be built, like the other sources. */
export function startAnthropicSource(deps: AnthropicSourceDeps): Promise<AnthropicSource> {
  return new Promise((resolve) => resolve(assemble(deps)));
}

function assemble(deps: AnthropicSourceDeps): AnthropicSource {
  const { config, clock, logger, guard, pubsub, statuses } = deps;
  const { baseUrl, apiKey } = deps.endpoint;
  if (!apiKey) logger.warn('ANTHROPIC_BASE_URL is set but ANTHROPIC_API_KEY is not: every call will fail authentication');

  const client = new AnthropicInsightClient({
    // Without a key the SDK would refuse to construct; a placeholder lets calls fail authentication visibly instead.
    apiKey: apiKey ?? 'unset',
    baseUrl,
    model: config.anthropic.model,
    timeoutMs: config.anthropic.timeoutMs,
    clock,
    logger: logger.child({ source: 'anthropic' }),
    metrics: deps.metrics,
  });
  // Every insight is made by one analysis: marked there when a simulator made it.
  const analyzer: InsightAnalyzer = deps.endpoint.simulated
    ? {
        async analyze(markets, options) {
          const result = await client.analyze(markets, options);
          return { ...result, insight: fromSimulator(result.insight, true) };
        },
      }
    : client;
  const engine = new InsightEngine({
    client: analyzer,
    clock,
    logger: logger.child({ source: 'anthropic' }),
    call: (operation, fn, options) => guard.call(operation, fn, options),
    intervalMs: config.anthropic.insightIntervalMs,
    // A first insight soon after startup, then on the schedule.
    initialDelayMs: Math.min(2000, config.anthropic.insightIntervalMs),
    moveThreshold: config.anthropic.moveThreshold,
    budget: config.anthropic.budget,
    onChunk: (chunk) => pubsub.publish('insightChunk', chunk),
    ...(deps.onInsight ? { onInsight: deps.onInsight } : {}),
    onBudgetExhausted: (message) => statuses.recordFailure('anthropic', new Error(message)),
  });
  engine.start();
  return {
    engine,
    async stop() {
      await engine.stop();
    },
  };
}
