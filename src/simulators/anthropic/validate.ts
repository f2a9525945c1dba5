/**
 * The simulator's gatekeeping, as the real API does it: the version header and the auth style that
 * goes with it, then the request body (required fields, known fields only, tool_choice naming a
 * given tool, and no sampling parameters under 2026-10-21).
 */
import type { IncomingHttpHeaders } from 'node:http';
import { API_VERSIONS, CURRENT_API_VERSION, SAMPLING_PARAMETERS, type ApiVersion } from '../../sources/anthropic/protocol.js';

export type Rejection = { status: 400 | 401; message: string };

/** The fields of a Messages request the simulator acts on. */
export interface ValidRequest {
  model: string;
  maxTokens: number;
  messages: unknown[];
  stream: boolean;
  toolNames: string[];
  /** The tool forced by `tool_choice: { type: 'tool', name }`, or null. */
  forcedTool: string | null;
  /** Whether the model may (or must) call a tool: tools given and tool_choice is not `none`. */
  toolsEnabled: boolean;
}

/** Top-level fields the Messages API accepts; anything else is "Extra inputs are not permitted". */
const KNOWN_FIELDS = new Set([
  'model',
  'max_tokens',
  'messages',
  'system',
  'stream',
  'tools',
  'tool_choice',
  'metadata',
  'stop_sequences',
  'temperature',
  'top_p',
  'top_k',
  'thinking',
  'service_tier',
  'output_config',
  'container',
  'inference_geo',
  'speed',
  'cache_control',
  'diagnostics',
]);

function header(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** Checks `anthropic-version` and the credential that version uses. Returns the version or why not. */
export function checkAuth(headers: IncomingHttpHeaders, expectedKey: string | undefined): { version: ApiVersion } | Rejection {
  const version = header(headers, 'anthropic-version');
  if (version === undefined) return { status: 400, message: 'anthropic-version: header is required' };
  if (!(API_VERSIONS as readonly string[]).includes(version)) {
    return { status: 400, message: `anthropic-version: "${version}" is not a valid version (expected one of ${API_VERSIONS.join(', ')})` };
  }
  let key: string | undefined;
  if (version === CURRENT_API_VERSION) {
    const authorization = header(headers, 'authorization');
    const match = authorization === undefined ? null : /^Bearer\s+(\S+)$/i.exec(authorization);
    if (!match) return { status: 401, message: `authorization: a "Bearer <key>" header is required with anthropic-version ${version}` };
    key = match[1];
  } else {
    key = header(headers, 'x-api-key');
    if (!key) return { status: 401, message: `x-api-key: header is required with anthropic-version ${version}` };
  }
  if (expectedKey !== undefined && key !== expectedKey) {
    return { status: 401, message: version === CURRENT_API_VERSION ? 'invalid bearer token' : 'invalid x-api-key' };
  }
  return { version: version as ApiVersion };
}

const isObject = (value: unknown): value is Record<string, unknown> => value !== null && typeof value === 'object' && !Array.isArray(value);

function checkMessages(messages: unknown): string | null {
  if (!Array.isArray(messages) || messages.length === 0) return 'messages: at least one message is required';
  for (const [i, message] of messages.entries()) {
    if (!isObject(message)) return `messages.${i}: must be an object`;
    if (message['role'] !== 'user' && message['role'] !== 'assistant') return `messages.${i}.role: must be "user" or "assistant"`;
    const content = message['content'];
    if (typeof content === 'string') {
      if (content.length === 0) return `messages.${i}.content: must not be empty`;
    } else if (!Array.isArray(content) || content.length === 0) {
      return `messages.${i}.content: must be a string or a non-empty array of content blocks`;
    }
  }
  if ((messages[0] as { role: string }).role !== 'user') return 'messages.0.role: the first message must use the "user" role';
  return null;
}

export function validateBody(body: unknown, version: ApiVersion): ValidRequest | Rejection {
  const bad = (message: string): Rejection => ({ status: 400, message });
  if (!isObject(body)) return bad('the request body must be a JSON object');
  for (const key of Object.keys(body)) if (!KNOWN_FIELDS.has(key)) return bad(`${key}: Extra inputs are not permitted`);
  if (version === CURRENT_API_VERSION) {
    for (const param of SAMPLING_PARAMETERS) {
      if (body[param] !== undefined) return bad(`${param}: is not supported with anthropic-version ${version}; remove it from the request`);
    }
  } else {
    if (body['temperature'] !== undefined && !(typeof body['temperature'] === 'number' && body['temperature'] >= 0 && body['temperature'] <= 1)) {
      return bad('temperature: must be a number from 0 to 1');
    }
  }
  const model = body['model'];
  if (typeof model !== 'string' || model.trim() === '') return bad('model: Field required');
  const maxTokens = body['max_tokens'];
  if (typeof maxTokens !== 'number' || !Number.isInteger(maxTokens) || maxTokens < 1) return bad('max_tokens: must be a positive integer');
  const messagesProblem = checkMessages(body['messages']);
  if (messagesProblem) return bad(messagesProblem);
  const system = body['system'];
  if (system !== undefined && typeof system !== 'string' && !Array.isArray(system)) return bad('system: must be a string or an array of text blocks');
  const stream = body['stream'];
  if (stream !== undefined && typeof stream !== 'boolean') return bad('stream: must be a boolean');

  const tools = body['tools'];
  const toolNames: string[] = [];
  if (tools !== undefined) {
    if (!Array.isArray(tools)) return bad('tools: must be an array');
    for (const [i, tool] of tools.entries()) {
      if (!isObject(tool) || typeof tool['name'] !== 'string' || !/^[a-zA-Z0-9_-]{1,128}$/.test(tool['name'])) {
        return bad(`tools.${i}.name: must match ^[a-zA-Z0-9_-]{1,128}$`);
      }
      if (!isObject(tool['input_schema']) || tool['input_schema']['type'] !== 'object')
        return bad(`tools.${i}.input_schema: must be a JSON schema of type "object"`);
      toolNames.push(tool['name']);
    }
  }
  const choice = body['tool_choice'];
  let forcedTool: string | null = null;
  let toolsEnabled = toolNames.length > 0;
  if (choice !== undefined) {
    if (!isObject(choice) || !['auto', 'any', 'tool', 'none'].includes(String(choice['type']))) return bad('tool_choice.type: must be auto, any, tool or none');
    if (choice['type'] === 'tool') {
      const name = choice['name'];
      if (typeof name !== 'string' || !toolNames.includes(name)) return bad(`tool_choice.name: tool "${String(name)}" is not among the given tools`);
      forcedTool = name;
    }
    if (choice['type'] !== 'none' && toolNames.length === 0) return bad('tool_choice: requires tools');
    if (choice['type'] === 'none') toolsEnabled = false;
  }
  return { model, maxTokens, messages: body['messages'] as unknown[], stream: stream === true, toolNames, forcedTool, toolsEnabled };
}
