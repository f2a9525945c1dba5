/**
 * What the Anthropic simulator writes on the wire: error bodies, the non-streaming Message, and the
 * streaming event sequence, typed against the official SDK's types so a field the SDK expects cannot
 * be forgotten.
 */
import type { ApiErrorBody, ErrorType, Message, RawMessageStreamEvent, StopReason, Usage } from '../../sources/anthropic/protocol.js';

/** The API's error type and a realistic message for each status it documents. */
const STATUS_ERRORS: Record<number, { type: ApiErrorBody['error']['type']; message: string }> = {
  400: { type: 'invalid_request_error', message: 'Invalid request.' },
  401: { type: 'authentication_error', message: 'invalid x-api-key' },
  402: { type: 'billing_error', message: 'Your credit balance is too low to access the Anthropic API.' },
  403: { type: 'permission_error', message: 'Your API key does not have permission to use the specified resource.' },
  404: { type: 'not_found_error', message: 'The requested resource could not be found.' },
  413: { type: 'request_too_large', message: 'Request exceeds the maximum allowed number of bytes.' },
  429: { type: 'rate_limit_error', message: "This request would exceed your organization's rate limit of 50 requests per minute." },
  500: { type: 'api_error', message: 'Internal server error' },
  529: { type: 'overloaded_error', message: 'Overloaded' },
};

export function errorTypeForStatus(status: number): ApiErrorBody['error']['type'] {
  return STATUS_ERRORS[status]?.type ?? (status >= 500 ? 'api_error' : 'invalid_request_error');
}

export function errorBody(
  status: number,
  requestId: string,
  options: { message?: string | undefined; errorCode?: string | undefined; type?: ErrorType | undefined } = {},
): ApiErrorBody {
  const known = STATUS_ERRORS[status];
  return {
    type: 'error',
    error: {
      type: options.type ?? errorTypeForStatus(status),
      message: options.message ?? known?.message ?? `Error ${status}`,
      ...(options.errorCode === undefined ? {} : { details: { error_code: options.errorCode } }),
    },
    request_id: requestId,
  };
}

/** What one simulated answer contains: an optional reasoning text, then (usually) the forced tool call. */
export interface AnswerContent {
  messageId: string;
  /** The model id as the API reports it (aliases resolve to a dated id). */
  model: string;
  /** Text written before the tool call; null for none. */
  text: string | null;
  /** The tool call, or null for a text-only answer (no tools requested). */
  tool: {
    id: string;
    name: string;
    /** The input as the exact JSON text streamed in pieces (cut short when max_tokens ran out). */
    inputJson: string;
    /** The input of the non-streaming Message ({} when the JSON was cut short). */
    input: unknown;
  } | null;
  inputTokens: number;
  outputTokens: number;
  stopReason: StopReason;
}

function usage(inputTokens: number, outputTokens: number): Usage {
  return {
    input_tokens: inputTokens,
    output_tokens: outputTokens,
    cache_creation_input_tokens: 0,
    cache_read_input_tokens: 0,
    cache_creation: { ephemeral_1h_input_tokens: 0, ephemeral_5m_input_tokens: 0 },
    inference_geo: null,
    output_tokens_details: null,
    server_tool_use: null,
    service_tier: 'standard',
    speed: null,
  };
}

export function messagePayload(answer: AnswerContent): Message {
  return {
    id: answer.messageId,
    type: 'message',
    role: 'assistant',
    model: answer.model,
    container: null,
    diagnostics: null,
    stop_details: null,
    stop_reason: answer.stopReason,
    stop_sequence: null,
    content: [
      ...(answer.text === null ? [] : [{ type: 'text' as const, text: answer.text, citations: null }]),
      ...(answer.tool === null
        ? []
        : [{ type: 'tool_use' as const, id: answer.tool.id, name: answer.tool.name, input: answer.tool.input, caller: { type: 'direct' as const } }]),
    ],
    usage: usage(answer.inputTokens, answer.outputTokens),
  };
}

/** Splits text into pieces of 1..maxPiece characters (by code point), as the API streams deltas. */
export function splitPieces(text: string, pieceSizes: () => number): string[] {
  const chars = Array.from(text);
  const pieces: string[] = [];
  for (let i = 0; i < chars.length;) {
    const size = Math.max(1, pieceSizes());
    pieces.push(chars.slice(i, i + size).join(''));
    i += size;
  }
  return pieces;
}

/** A stream frame: the event name and its data. `ping` and `error` are not in the SDK's event union. */
export type SseFrame =
  { event: RawMessageStreamEvent['type']; data: RawMessageStreamEvent } | { event: 'ping'; data: { type: 'ping' } } | { event: 'error'; data: ApiErrorBody };

export function encodeFrame(frame: SseFrame): string {
  return `event: ${frame.event}\ndata: ${JSON.stringify(frame.data)}\n\n`;
}

/**
 * The full event sequence of one answer: message_start → (text block) → ping → (tool_use block with
 * input_json_delta pieces) → message_delta (stop_reason, cumulative output_tokens) → message_stop.
 */
export function streamFrames(answer: AnswerContent, pieceSizes: () => number): SseFrame[] {
  const frames: SseFrame[] = [];
  const start: Message = { ...messagePayload(answer), content: [], stop_reason: null, usage: usage(answer.inputTokens, 1) };
  frames.push({ event: 'message_start', data: { type: 'message_start', message: start } });
  let index = 0;
  if (answer.text !== null) {
    frames.push({ event: 'content_block_start', data: { type: 'content_block_start', index, content_block: { type: 'text', text: '', citations: null } } });
    for (const piece of splitPieces(answer.text, pieceSizes)) {
      frames.push({ event: 'content_block_delta', data: { type: 'content_block_delta', index, delta: { type: 'text_delta', text: piece } } });
    }
    frames.push({ event: 'content_block_stop', data: { type: 'content_block_stop', index } });
    index++;
  }
  frames.push({ event: 'ping', data: { type: 'ping' } });
  if (answer.tool !== null) {
    const { tool } = answer;
    frames.push({
      event: 'content_block_start',
      data: { type: 'content_block_start', index, content_block: { type: 'tool_use', id: tool.id, name: tool.name, input: {}, caller: { type: 'direct' } } },
    });
    for (const piece of splitPieces(tool.inputJson, pieceSizes)) {
      frames.push({ event: 'content_block_delta', data: { type: 'content_block_delta', index, delta: { type: 'input_json_delta', partial_json: piece } } });
    }
    frames.push({ event: 'content_block_stop', data: { type: 'content_block_stop', index } });
  }
  frames.push({
    event: 'message_delta',
    data: {
      type: 'message_delta',
      delta: { stop_reason: answer.stopReason, stop_sequence: null, stop_details: null, container: null },
      usage: {
        input_tokens: answer.inputTokens,
        output_tokens: answer.outputTokens,
        cache_creation_input_tokens: 0,
        cache_read_input_tokens: 0,
        output_tokens_details: null,
        server_tool_use: null,
      },
    },
  });
  frames.push({ event: 'message_stop', data: { type: 'message_stop' } });
  return frames;
}
