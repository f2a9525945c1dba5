/**
 * The Anthropic source assembled: the real API when ANTHROPIC_BASE_URL is set, the bundled
 * simulator otherwise; the SDK-based client; the insight engine (schedule, significant moves,
 * budget, cache) whose calls go through the source guard. Streamed text goes to `insightChunk`.
 */
import type { Clock } from '../../core/clock.js';
import type { Config } from '../../core/config.js';
import type { InsightRecord } from '../../core/domain.js';
import type { Logger } from '../../core/logger.js';
import type { NorthstarPubSub } from '../../core/pubsub.js';
import type { SourceGuard } from '../resilience/source-guard.js';
import type { SourceStatusBoard } from '../source-status.js';
import { parseSimulatorFault } from '../simulator-fault.js';
import { AnthropicInsightClient } from './client.js';
import { InsightEngine } from './insight-engine.js';
import { parseAnthropicFault, startAnthropicSimulator, type AnthropicSimulator } from './simulator/index.js';

export interface AnthropicSource {
  readonly engine: InsightEngine;
  readonly simulator: AnthropicSimulator | null;
  stop(): Promise<void>;
}

export interface AnthropicSourceDeps {
  config: Config;
  clock: Clock;
  logger: Logger;
  guard: SourceGuard;
  pubsub: NorthstarPubSub;
  statuses: SourceStatusBoard;
  onInsight?: (insight: InsightRecord) => void;
}

/** The simulator checks no key unless told to; any placeholder satisfies the SDK. */
const SIMULATOR_KEY = 'sk-ant-simulator';

export async function startAnthropicSource(deps: AnthropicSourceDeps): Promise<AnthropicSource> {
  const { config, clock, logger, guard, pubsub, statuses } = deps;
  const fault = parseSimulatorFault('ANTHROPIC_SIM_FAULT', config.anthropic.simulatorFault, parseAnthropicFault);
  const simulator = config.anthropic.baseUrl ? null : await startAnthropicSimulator({ clock, logger: logger.child({ component: 'anthropic-simulator' }) });
  if (simulator && fault) simulator.injectFault(fault);
  const baseUrl = config.anthropic.baseUrl ?? simulator!.baseUrl;
  logger.info({ source: 'anthropic', mode: simulator ? 'simulated' : 'live', baseUrl, model: config.anthropic.model }, 'source anthropic');
  if (!simulator && !config.anthropic.apiKey) logger.warn('ANTHROPIC_BASE_URL is set but ANTHROPIC_API_KEY is not: every call will fail authentication');

  const client = new AnthropicInsightClient({
    apiKey: config.anthropic.apiKey ?? SIMULATOR_KEY,
    baseUrl,
    model: config.anthropic.model,
    timeoutMs: config.anthropic.timeoutMs,
    clock,
    logger: logger.child({ source: 'anthropic' }),
  });
  const engine = new InsightEngine({
    client,
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
    simulator,
    async stop() {
      await engine.stop();
      await simulator?.close();
    },
  };
}
