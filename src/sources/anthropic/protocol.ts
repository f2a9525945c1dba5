/**
 * The parts of Anthropic's Messages API (2026) this project relies on, shared by the client and the
 * simulator so the two cannot drift apart: API versions and their auth styles, the insight tool we
 * force the model to call, the error body, and the market-data block the prompt carries.
 *
 * Wire types come from the official SDK (`@anthropic-ai/sdk`): it is the referee for field names.
 */
import type { Tool, ToolChoiceTool } from '@anthropic-ai/sdk/resources/messages';
import type { ErrorType } from '@anthropic-ai/sdk/resources/shared';

export type {
  ContentBlock,
  InputJSONDelta,
  Message,
  MessageCreateParamsBase,
  MessageCreateParamsNonStreaming,
  MessageCreateParamsStreaming,
  MessageParam,
  RawContentBlockDeltaEvent,
  RawContentBlockStartEvent,
  RawContentBlockStopEvent,
  RawMessageDeltaEvent,
  RawMessageStartEvent,
  RawMessageStopEvent,
  RawMessageStreamEvent,
  StopReason,
  TextBlock,
  TextDelta,
  Tool,
  ToolChoiceTool,
  ToolUseBlock,
  Usage,
} from '@anthropic-ai/sdk/resources/messages';
export type { ErrorType } from '@anthropic-ai/sdk/resources/shared';

/** The only endpoint we call, relative to the API origin. */
export const MESSAGES_PATH = '/v1/messages';

/**
 * The two live API versions. `2023-06-01` takes the key in `x-api-key`; `2026-10-21` (what the SDK
 * sends by default) takes it as `Authorization: Bearer` and rejects sampling parameters.
 */
export const API_VERSIONS = ['2023-06-01', '2026-10-21'] as const;
export type ApiVersion = (typeof API_VERSIONS)[number];
export const LEGACY_API_VERSION: ApiVersion = '2023-06-01';
export const CURRENT_API_VERSION: ApiVersion = '2026-10-21';

/** Rejected with 400 under `2026-10-21`; we never send them under either version. */
export const SAMPLING_PARAMETERS = ['temperature', 'top_p', 'top_k'] as const;

/** `{ type: 'error', error: { type, message, details? }, request_id }`, with the `request-id` header. */
export interface ApiErrorBody {
  type: 'error';
  error: { type: ErrorType | 'request_too_large'; message: string; details?: { error_code: string } };
  request_id: string | null;
}

/** Error codes (error.details.error_code) meaning a spend limit is hit: waiting minutes will not help. */
export const SPEND_LIMIT_ERROR_CODES: ReadonlySet<string> = new Set([
  'contract_spend_limit_reached',
  'enforced_spend_limit_reached',
  'linked_organization_spend_limit_reached',
]);

// ---------------------------------------------------------------------------------------------
// The insight tool: the model's answer is the input of this forced, strict tool.
// ---------------------------------------------------------------------------------------------

export const INSIGHT_TOOL_NAME = 'record_market_insight';

/** Limits of the tool input, shared by the JSON schema, the zod validator and the simulator. */
export const INSIGHT_LIMITS = {
  keyFactorsMin: 1,
  keyFactorsMax: 6,
  keyFactorMaxChars: 200,
  summaryMaxChars: 600,
} as const;

/** JSON schema of the tool input (`strict` tools need `additionalProperties: false` and all fields required). */
export const INSIGHT_INPUT_SCHEMA: Tool.InputSchema = {
  type: 'object',
  properties: {
    sentiment: { type: 'string', enum: ['bullish', 'neutral', 'bearish'], description: 'Overall direction implied by the data.' },
    sentiment_score: { type: 'number', minimum: -1, maximum: 1, description: '-1 (strongly bearish) to 1 (strongly bullish).' },
    key_factors: {
      type: 'array',
      minItems: INSIGHT_LIMITS.keyFactorsMin,
      maxItems: INSIGHT_LIMITS.keyFactorsMax,
      items: { type: 'string', maxLength: INSIGHT_LIMITS.keyFactorMaxChars },
      description: 'The facts from the data that drive the assessment; name tickers.',
    },
    risk_level: { type: 'string', enum: ['low', 'medium', 'high'] },
    confidence: { type: 'number', minimum: 0, maximum: 1 },
    summary: { type: 'string', maxLength: INSIGHT_LIMITS.summaryMaxChars },
  },
  required: ['sentiment', 'sentiment_score', 'key_factors', 'risk_level', 'confidence', 'summary'],
  additionalProperties: false,
};

export const INSIGHT_TOOL: Tool = {
  name: INSIGHT_TOOL_NAME,
  description:
    'Record a structured assessment of the prediction markets given in the <market_data> block. ' +
    'Base every field on that data only; call this tool exactly once.',
  input_schema: INSIGHT_INPUT_SCHEMA,
  strict: true,
};

export const INSIGHT_TOOL_CHOICE: ToolChoiceTool = { type: 'tool', name: INSIGHT_TOOL_NAME, disable_parallel_tool_use: true };

// ---------------------------------------------------------------------------------------------
// The market-data block of the prompt.
// ---------------------------------------------------------------------------------------------

/** The tag that delimits the JSON market data in the user message: `<market_data>…</market_data>`. */
export const MARKET_DATA_TAG = 'market_data';
export const MARKET_DATA_OPEN = `<${MARKET_DATA_TAG}>`;
export const MARKET_DATA_CLOSE = `</${MARKET_DATA_TAG}>`;

/** One market as the model sees it. Prices are USD per contract (= implied probability). */
export interface PromptMarket {
  ticker: string;
  /** Untrusted text from the exchange, sanitized and capped. */
  title: string;
  status: string;
  yes_bid: number | null;
  yes_ask: number | null;
  last: number | null;
  /** The last price a day ago. */
  previous: number | null;
  volume_24h: number;
  open_interest: number | null;
}

/** The JSON inside the market-data block. */
export interface PromptMarketData {
  as_of: string;
  markets: PromptMarket[];
}
