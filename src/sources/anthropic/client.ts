/**
 * Market analysis through Anthropic's Messages API, on the official SDK.
 *
 * One call = one streamed message that is forced to call the `record_market_insight` tool; the
 * tool input is accumulated from `input_json_delta` pieces, parsed and validated with zod, and
 * becomes an InsightRecord. Text the model writes before the tool call is passed on as it arrives.
 *
 * This layer does not retry (the SDK's own retries are off: `maxRetries: 0`); the guard that wraps
 * it retries and breaks circuits, deciding from the UpstreamError every failure becomes (errors.ts).
 * No sampling parameters are sent: API version 2026-10-21 rejects temperature/top_p/top_k.
 */
import { randomUUID } from 'node:crypto';
import Anthropic from '@anthropic-ai/sdk';
import { systemClock, type Clock } from '../../core/clock.js';
import type { InsightRecord, MarketRecord, RiskLevel, Sentiment } from '../../core/domain.js';
import { InputError, UpstreamError } from '../../core/errors.js';
import { silentLogger, type Logger } from '../../core/logger.js';
import type { Metrics } from '../../core/metrics.js';
import { PayloadShapeError } from '../payload-shape-error.js';
import { toUpstreamError } from './errors.js';
import { checkInsightToolInput, type InsightToolInput } from './insight-schema.js';
import { buildInsightPrompt, DEFAULT_MAX_MARKETS, DEFAULT_MAX_TITLE_LENGTH } from './prompt.js';
import {
  CURRENT_API_VERSION,
  INSIGHT_TOOL,
  INSIGHT_TOOL_CHOICE,
  INSIGHT_TOOL_NAME,
  LEGACY_API_VERSION,
  type ApiVersion,
  type MessageCreateParamsStreaming,
  type RawMessageStreamEvent,
  type StopReason,
} from './protocol.js';

type Fetch = NonNullable<ConstructorParameters<typeof Anthropic>[0]>['fetch'];

export interface AnthropicInsightClientOptions {
  /** The API key. Sent as `Authorization: Bearer` (2026-10-21) or `x-api-key` (2023-06-01). */
  apiKey: string;
  /** The API origin, e.g. `https://api.anthropic.com` or the simulator's `baseUrl`. */
  baseUrl: string;
  /** Model id from configuration, e.g. `claude-haiku-4-5`. */
  model: string;
  /** Output cap of one analysis. @default 1024 */
  maxTokens?: number;
  /** Deadline until the response headers arrive (the caller's signal covers the whole stream). @default 30_000 */
  timeoutMs?: number;
  /** @default '2026-10-21' */
  apiVersion?: ApiVersion;
  /** Markets put in one prompt. @default 40 */
  maxMarkets?: number;
  /** Characters kept of each (untrusted) title. @default 120 */
  maxTitleLength?: number;
  /** A custom fetch (tests, proxies). @default globalThis.fetch */
  fetch?: Fetch;
  /** Stamps createdAt and provenance. @default systemClock */
  clock?: Clock;
  logger?: Logger;
  /** Counts answers rejected as malformed (northstar_upstream_malformed_payloads_total{source="anthropic"}). */
  metrics?: Pick<Metrics, 'upstreamMalformedPayloads'>;
}

export interface AnalyzeOptions {
  /** Cancels the call (the guard's deadline, shutdown). An abort becomes a network, retryable error. */
  signal?: AbortSignal;
  /** Called with each piece of text as it streams in, in order. */
  onTextDelta?: (delta: string) => void;
  /** The id of the insight to produce, when the caller announced it already (streamed chunks). @default insight:<uuid> */
  insightId?: string;
}

export interface AnalysisResult {
  insight: InsightRecord;
  usage: { inputTokens: number; outputTokens: number };
  /** The API's `request-id`, for support tickets and logs. */
  requestId?: string;
}

/** What the engine needs from a client: lets it run against any implementation of this call. */
export interface InsightAnalyzer {
  analyze(markets: readonly MarketRecord[], options?: AnalyzeOptions): Promise<AnalysisResult>;
}

const SENTIMENTS: Record<InsightToolInput['sentiment'], Sentiment> = { bullish: 'BULLISH', neutral: 'NEUTRAL', bearish: 'BEARISH' };
const RISK_LEVELS: Record<InsightToolInput['risk_level'], RiskLevel> = { low: 'LOW', medium: 'MEDIUM', high: 'HIGH' };

/** What the stream told us, accumulated event by event. */
interface StreamState {
  model: string | null;
  inputTokens: number;
  outputTokens: number;
  stopReason: StopReason | null;
  /** Block index → the JSON text of a tool_use block of our tool. */
  toolJson: Map<number, string>;
  /** Tool calls that completed (content_block_stop seen), in order. */
  finishedTools: string[];
  sawMessageStop: boolean;
}

export class AnthropicInsightClient implements InsightAnalyzer {
  private readonly sdk: Anthropic;
  private readonly model: string;
  private readonly maxTokens: number;
  private readonly maxMarkets: number;
  private readonly maxTitleLength: number;
  private readonly clock: Clock;
  private readonly logger: Logger;
  private readonly metrics: Pick<Metrics, 'upstreamMalformedPayloads'> | undefined;

  constructor(options: AnthropicInsightClientOptions) {
    this.model = options.model;
    this.maxTokens = options.maxTokens ?? 1024;
    this.maxMarkets = options.maxMarkets ?? DEFAULT_MAX_MARKETS;
    this.maxTitleLength = options.maxTitleLength ?? DEFAULT_MAX_TITLE_LENGTH;
    this.clock = options.clock ?? systemClock;
    this.logger = options.logger ?? silentLogger;
    this.metrics = options.metrics;
    const version = options.apiVersion ?? CURRENT_API_VERSION;
    const sdkLogger = this.logger.child({ component: 'anthropic-sdk' });
    this.sdk = new Anthropic({
      apiKey: options.apiKey,
      baseURL: options.baseUrl,
      // Our guard owns retries: SDK retries would multiply the guard's and hide failures from the breaker.
      maxRetries: 0,
      timeout: options.timeoutMs ?? 30_000,
      ...(options.fetch === undefined ? {} : { fetch: options.fetch }),
      // The legacy version takes the key in x-api-key; the SDK's Bearer header is removed (null) for it.
      ...(version === LEGACY_API_VERSION
        ? { defaultHeaders: { 'anthropic-version': LEGACY_API_VERSION, 'x-api-key': options.apiKey, authorization: null } }
        : {}),
      logger: {
        error: (message, ...rest) => sdkLogger.error({ detail: rest }, message),
        warn: (message, ...rest) => sdkLogger.warn({ detail: rest }, message),
        info: (message, ...rest) => sdkLogger.debug({ detail: rest }, message),
        debug: (message, ...rest) => sdkLogger.trace({ detail: rest }, message),
      },
    });
  }

  /** The request body of one analysis (exposed for tests and logs; contains no credentials). */
  buildRequest(markets: readonly MarketRecord[]): { params: MessageCreateParamsStreaming; tickers: string[] } {
    const prompt = buildInsightPrompt(markets, this.clock.now(), { maxMarkets: this.maxMarkets, maxTitleLength: this.maxTitleLength });
    return {
      tickers: prompt.tickers,
      params: {
        model: this.model,
        max_tokens: this.maxTokens,
        system: prompt.system,
        messages: [{ role: 'user', content: prompt.user }],
        tools: [INSIGHT_TOOL],
        tool_choice: INSIGHT_TOOL_CHOICE,
        stream: true,
      },
    };
  }

  async analyze(markets: readonly MarketRecord[], options: AnalyzeOptions = {}): Promise<AnalysisResult> {
    if (markets.length === 0) throw new InputError('no markets to analyze');
    const { params, tickers } = this.buildRequest(markets);
    const { signal, onTextDelta } = options;
    const state: StreamState = {
      model: null,
      inputTokens: 0,
      outputTokens: 0,
      stopReason: null,
      toolJson: new Map(),
      finishedTools: [],
      sawMessageStop: false,
    };
    let requestId: string | undefined;
    try {
      const { data: stream, response } = await this.sdk.messages.create(params, signal ? { signal } : {}).withResponse();
      requestId = response.headers.get('request-id') ?? undefined;
      for await (const event of stream) {
        const problem = eventShapeProblem(event);
        if (problem) throw malformedAnswer(`a stream event not of the documented shape: ${problem}`, requestId);
        this.apply(state, event, onTextDelta);
      }
      // The SDK ends the iteration quietly when the signal fires mid-stream; an unfinished stream is a failure.
      if (signal?.aborted) throw signal.reason ?? new Error('aborted');
      if (!state.sawMessageStop) {
        throw new UpstreamError('anthropic: the stream ended before message_stop', {
          source: 'anthropic',
          category: 'network',
          retryable: true,
          ...(requestId ? { requestId } : {}),
        });
      }
      const input = this.toolInput(state, requestId);
      const now = this.clock.now();
      const insight: InsightRecord = {
        id: options.insightId ?? `insight:${randomUUID()}`,
        source: 'anthropic',
        tickers,
        sentiment: SENTIMENTS[input.sentiment],
        sentimentScore: input.sentiment_score,
        keyFactors: input.key_factors,
        riskLevel: RISK_LEVELS[input.risk_level],
        confidence: input.confidence,
        summary: input.summary,
        model: state.model ?? this.model,
        createdAt: new Date(now).toISOString(),
        provenance: { originAt: now, fetchedAt: now, tier: 'LIVE' },
      };
      this.logger.debug({ requestId, tickers: tickers.length, outputTokens: state.outputTokens }, 'anthropic analysis done');
      return { insight, usage: { inputTokens: state.inputTokens, outputTokens: state.outputTokens }, ...(requestId ? { requestId } : {}) };
    } catch (error) {
      const upstream = toUpstreamError(error, { signal, requestId });
      if (isMalformedAnswer(upstream)) {
        this.metrics?.upstreamMalformedPayloads.inc({ source: 'anthropic' });
        this.logger.warn({ err: upstream, category: upstream.category, requestId }, 'malformed Anthropic answer rejected; the previous insight is kept');
      }
      throw upstream;
    }
  }

  /** Folds one stream event into the state. Unknown event and block types are ignored, as the API asks. */
  private apply(state: StreamState, event: RawMessageStreamEvent, onTextDelta: ((delta: string) => void) | undefined): void {
    switch (event.type) {
      case 'message_start':
        state.model = event.message.model;
        state.inputTokens = event.message.usage.input_tokens;
        state.outputTokens = event.message.usage.output_tokens;
        break;
      case 'content_block_start':
        if (event.content_block.type === 'tool_use' && event.content_block.name === INSIGHT_TOOL_NAME) state.toolJson.set(event.index, '');
        break;
      case 'content_block_delta': {
        const { delta } = event;
        if (delta.type === 'text_delta') onTextDelta?.(delta.text);
        else if (delta.type === 'input_json_delta') {
          const json = state.toolJson.get(event.index);
          if (json !== undefined) state.toolJson.set(event.index, json + delta.partial_json);
        }
        break;
      }
      case 'content_block_stop': {
        const json = state.toolJson.get(event.index);
        if (json !== undefined) state.finishedTools.push(json);
        break;
      }
      case 'message_delta':
        state.stopReason = event.delta.stop_reason;
        // Cumulative counts: the last one is the total.
        state.outputTokens = event.usage.output_tokens;
        if (typeof event.usage.input_tokens === 'number') state.inputTokens = event.usage.input_tokens;
        break;
      case 'message_stop':
        state.sawMessageStop = true;
        break;
      default:
        break;
    }
  }

  /** The validated tool input, or the data error explaining why there is none. */
  private toolInput(state: StreamState, requestId: string | undefined): InsightToolInput {
    const fail = (message: string): never => {
      throw new UpstreamError(`anthropic: ${message}`, { source: 'anthropic', category: 'data', retryable: false, ...(requestId ? { requestId } : {}) });
    };
    if (state.stopReason === 'refusal') fail('the model refused to analyze the data (stop_reason refusal)');
    if (state.stopReason === 'max_tokens') fail(`the answer was cut at max_tokens (${this.maxTokens}) before the tool input was complete`);
    // From here on the answer is not what the protocol promises: malformed, not a refusal or a cap.
    const json = state.finishedTools[0];
    if (json === undefined) throw malformedAnswer(`no ${INSIGHT_TOOL_NAME} tool call in the answer (stop_reason ${state.stopReason ?? 'none'})`, requestId);
    let parsed: unknown;
    try {
      // An empty input streams no delta at all: that is the JSON {}.
      parsed = JSON.parse(json === '' ? '{}' : json);
    } catch (error) {
      throw malformedAnswer(`the tool input is not valid JSON (${error instanceof Error ? error.message : String(error)})`, requestId);
    }
    const check = checkInsightToolInput(parsed);
    if (!check.ok) throw malformedAnswer(`the tool input violates the insight schema: ${check.problems}`, requestId);
    return check.value;
  }
}

/** An answer not of the documented shape: a `data` error, caused by a PayloadShapeError so it is counted as malformed. */
function malformedAnswer(message: string, requestId: string | undefined): UpstreamError {
  return new UpstreamError(`anthropic: ${message}`, {
    source: 'anthropic',
    category: 'data',
    retryable: false,
    cause: new PayloadShapeError(message),
    ...(requestId ? { requestId } : {}),
  });
}

/**
 * Malformed: stream events or a tool input not of the documented shape, or stream data that is not
 * JSON (the SDK's SyntaxError). Not a refusal, a max_tokens cut or a 4xx, which are `data` errors too.
 */
function isMalformedAnswer(error: UpstreamError): boolean {
  return error.category === 'data' && (error.cause instanceof PayloadShapeError || error.cause instanceof SyntaxError);
}

/** What apply() reads of each event, checked first: the SDK parses the events' JSON but does not check their shape. */
function eventShapeProblem(event: RawMessageStreamEvent): string | null {
  const fields = event as unknown as Record<string, unknown>;
  const isObject = (value: unknown): boolean => typeof value === 'object' && value !== null;
  switch (event.type) {
    case 'message_start': {
      const message = fields.message as Record<string, unknown> | undefined;
      return isObject(message) && isObject(message!.usage) ? null : 'message_start without message.usage';
    }
    case 'content_block_start':
      return isObject(fields.content_block) ? null : 'content_block_start without content_block';
    case 'content_block_delta':
      return isObject(fields.delta) ? null : 'content_block_delta without delta';
    case 'message_delta':
      return isObject(fields.delta) && isObject(fields.usage) ? null : 'message_delta without delta or usage';
    default:
      return null;
  }
}
