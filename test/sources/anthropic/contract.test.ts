/**
 * The simulator against Anthropic's official SDK: if `@anthropic-ai/sdk` can stream a message that
 * forces our tool, accumulate its input_json_delta pieces into a valid insight, and create the same
 * message without streaming, the simulator speaks the real wire format. Both auth styles and the
 * 2026-10-21 rule on sampling parameters are checked on the wire.
 */
import Anthropic, { AuthenticationError, BadRequestError } from '@anthropic-ai/sdk';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { buildInsightPrompt } from '../../../src/sources/anthropic/prompt.js';
import { checkInsightToolInput } from '../../../src/sources/anthropic/insight-schema.js';
import { INSIGHT_TOOL, INSIGHT_TOOL_CHOICE, INSIGHT_TOOL_NAME } from '../../../src/sources/anthropic/protocol.js';
import { startAnthropicSimulator, type AnthropicSimulator } from '../../../src/simulators/anthropic/index.js';
import { risingMarkets } from './fixtures.js';

const KEY = 'sk-ant-sim-contract';

describe('contract: @anthropic-ai/sdk against the simulator', () => {
  let sim: AnthropicSimulator;
  let sdk: Anthropic;
  const prompt = buildInsightPrompt(risingMarkets(6), Date.UTC(2026, 10, 24, 12));
  const params = {
    model: 'claude-haiku-4-5',
    max_tokens: 1024,
    system: prompt.system,
    messages: [{ role: 'user' as const, content: prompt.user }],
    tools: [INSIGHT_TOOL],
    tool_choice: INSIGHT_TOOL_CHOICE,
  };

  beforeAll(async () => {
    sim = await startAnthropicSimulator({ apiKey: KEY });
    sdk = new Anthropic({ apiKey: KEY, baseURL: sim.baseUrl, maxRetries: 0, logLevel: 'off' });
  });
  afterAll(async () => {
    await sim.close();
  });

  test('messages.stream() delivers the forced tool input in input_json_delta pieces that parse to a valid insight', async () => {
    const stream = sdk.messages.stream(params);
    const eventTypes: string[] = [];
    let partialJson = '';
    let text = '';
    stream.on('streamEvent', (event) => {
      eventTypes.push(event.type);
      if (event.type === 'content_block_delta' && event.delta.type === 'input_json_delta') partialJson += event.delta.partial_json;
    });
    stream.on('text', (delta) => {
      text += delta;
    });
    const message = await stream.finalMessage();

    expect(eventTypes[0]).toBe('message_start');
    expect(eventTypes.at(-1)).toBe('message_stop');
    expect(eventTypes.at(-2)).toBe('message_delta');
    expect(eventTypes.filter((t) => t === 'content_block_delta').length).toBeGreaterThan(5);
    expect(text.length).toBeGreaterThan(0);

    const check = checkInsightToolInput(JSON.parse(partialJson));
    expect(check.ok).toBe(true);
    const toolUse = message.content.find((block) => block.type === 'tool_use');
    expect(toolUse).toMatchObject({ type: 'tool_use', name: INSIGHT_TOOL_NAME });
    // The SDK's own accumulation agrees with ours.
    expect(toolUse?.type === 'tool_use' ? toolUse.input : null).toEqual(JSON.parse(partialJson));
    expect(message.stop_reason).toBe('tool_use');
    expect(message.model).toBe('claude-haiku-4-5-20251001');
    expect(message.usage.output_tokens).toBeGreaterThan(1);
    expect(stream.request_id).toMatch(/^req_sim_/);
  });

  test('the raw stream carries a ping and the documented event order', async () => {
    const response = await fetch(`${sim.baseUrl}/v1/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'anthropic-version': '2026-10-21', authorization: `Bearer ${KEY}` },
      body: JSON.stringify({ ...params, stream: true }),
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const events = [...(await response.text()).matchAll(/^event: (\S+)$/gm)].map((m) => m[1]);
    expect(events).toContain('ping');
    const order = events.filter((e) => e !== 'ping' && e !== 'content_block_delta');
    expect(order).toEqual([
      'message_start',
      'content_block_start',
      'content_block_stop',
      'content_block_start',
      'content_block_stop',
      'message_delta',
      'message_stop',
    ]);
  });

  test('messages.create() without streaming returns the Message with the tool_use block and usage', async () => {
    const { data: message, request_id } = await sdk.messages.create(params).withResponse();
    expect(message.type).toBe('message');
    expect(message.stop_reason).toBe('tool_use');
    const toolUse = message.content.find((block) => block.type === 'tool_use');
    expect(toolUse?.type === 'tool_use' && checkInsightToolInput(toolUse.input).ok).toBe(true);
    expect(message.usage.input_tokens).toBeGreaterThan(100);
    expect(request_id).toMatch(/^req_sim_/);
  });

  test('the SDK default (2026-10-21) authenticates with Authorization: Bearer', async () => {
    await sdk.messages.create({ ...params, max_tokens: 512 });
    const { headers } = sim.requests().at(-1)!;
    expect(headers['anthropic-version']).toBe('2026-10-21');
    expect(headers['authorization']).toBe(`Bearer ${KEY}`);
    expect(headers['x-api-key']).toBeUndefined();
  });

  test('2023-06-01 authenticates with x-api-key', async () => {
    const legacy = new Anthropic({
      apiKey: KEY,
      baseURL: sim.baseUrl,
      maxRetries: 0,
      logLevel: 'off',
      defaultHeaders: { 'anthropic-version': '2023-06-01', 'x-api-key': KEY, authorization: null },
    });
    const message = await legacy.messages.create(params);
    expect(message.stop_reason).toBe('tool_use');
    const { headers } = sim.requests().at(-1)!;
    expect(headers['anthropic-version']).toBe('2023-06-01');
    expect(headers['x-api-key']).toBe(KEY);
    expect(headers['authorization']).toBeUndefined();
  });

  test('a wrong key is a 401 authentication_error with the error body and request-id', async () => {
    const wrong = new Anthropic({ apiKey: 'sk-ant-wrong', baseURL: sim.baseUrl, maxRetries: 0, logLevel: 'off' });
    const error = await wrong.messages.create(params).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AuthenticationError);
    expect(error).toMatchObject({ status: 401, type: 'authentication_error' });
    expect((error as AuthenticationError).requestID).toMatch(/^req_sim_/);
  });

  test('2026-10-21 rejects temperature, top_p and top_k with 400; 2023-06-01 accepts temperature', async () => {
    const post = (version: string, extra: Record<string, unknown>): Promise<Response> =>
      fetch(`${sim.baseUrl}/v1/messages`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'anthropic-version': version,
          ...(version === '2026-10-21' ? { authorization: `Bearer ${KEY}` } : { 'x-api-key': KEY }),
        },
        body: JSON.stringify({ ...params, ...extra }),
      });
    for (const param of ['temperature', 'top_p', 'top_k']) {
      const response = await post('2026-10-21', { [param]: param === 'top_k' ? 5 : 0.5 });
      expect(response.status).toBe(400);
      const body = (await response.json()) as { type: string; error: { type: string; message: string }; request_id: string };
      expect(body).toMatchObject({ type: 'error', error: { type: 'invalid_request_error' } });
      expect(body.error.message).toContain(param);
      expect(body.request_id).toBe(response.headers.get('request-id'));
    }
    const legacy = await post('2023-06-01', { temperature: 0.2 });
    expect(legacy.status).toBe(200);
    await legacy.body?.cancel();
  });

  test('an invalid body is a 400 invalid_request_error the SDK raises as BadRequestError', async () => {
    const error = await sdk.messages.create({ ...params, max_tokens: 0 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BadRequestError);
    expect((error as BadRequestError).apiMessage).toMatch(/max_tokens/);
    const badChoice = await sdk.messages.create({ ...params, tool_choice: { type: 'tool', name: 'not_a_tool' } }).catch((e: unknown) => e);
    expect(badChoice).toBeInstanceOf(BadRequestError);
  });

  test('every answer carries request-id and anthropic-ratelimit-* headers', async () => {
    const { response } = await sdk.messages.create(params).withResponse();
    expect(response.headers.get('request-id')).toMatch(/^req_sim_/);
    for (const kind of ['requests', 'tokens']) {
      expect(Number(response.headers.get(`anthropic-ratelimit-${kind}-limit`))).toBeGreaterThan(0);
      expect(response.headers.get(`anthropic-ratelimit-${kind}-remaining`)).toMatch(/^\d+$/);
      expect(Date.parse(response.headers.get(`anthropic-ratelimit-${kind}-reset`) ?? '')).not.toBeNaN();
    }
    const missing = await fetch(`${sim.baseUrl}/v1/nope`, { method: 'POST' });
    expect(missing.status).toBe(404);
    expect(missing.headers.get('request-id')).toMatch(/^req_sim_/);
    await missing.body?.cancel();
  });
});
