/**
 * A malformed Anthropic answer is counted like John's and Kalshi's: the service against a fake
 * Messages API speaking the documented SSE stream (message_start → content_block_start tool_use →
 * input_json_delta pieces → content_block_stop → message_delta → message_stop, per
 * /work/shared/reference/upstreams.md). It first answers a good insight, then a tool input that
 * breaks the insight schema; /metrics then shows northstar_upstream_malformed_payloads_total
 * {source="anthropic"} risen, the log has the `data` error, and clients still get the good insight.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { captureLogs, type LogLine } from '../support/log-capture.js';
import { startService, type RunningService } from '../support/service.js';

const GOOD = { sentiment: 'bullish', sentiment_score: 0.4, key_factors: ['rates steady'], risk_level: 'low', confidence: 0.7, summary: 'The good insight.' };
// Wrong types where the schema wants an enum and a number: valid JSON, not a valid insight.
const MALFORMED = { ...GOOD, sentiment: 'very bullish', sentiment_score: 'high', summary: 'A malformed insight.' };

/** One streamed message whose only content block is a tool_use of `inputJson`, in three pieces. */
function messageStream(inputJson: string, stopReason = 'tool_use'): string {
  const frame = (data: Record<string, unknown>) => `event: ${String(data.type)}\ndata: ${JSON.stringify(data)}\n\n`;
  const third = Math.ceil(inputJson.length / 3);
  return [
    frame({
      type: 'message_start',
      message: {
        id: 'msg_fake',
        type: 'message',
        role: 'assistant',
        model: 'claude-haiku-4-5',
        content: [],
        stop_reason: null,
        usage: { input_tokens: 120, output_tokens: 1 },
      },
    }),
    frame({ type: 'content_block_start', index: 0, content_block: { type: 'tool_use', id: 'toolu_fake', name: 'record_market_insight', input: {} } }),
    frame({ type: 'ping' }),
    ...[0, 1, 2].map((i) =>
      frame({ type: 'content_block_delta', index: 0, delta: { type: 'input_json_delta', partial_json: inputJson.slice(i * third, (i + 1) * third) } }),
    ),
    frame({ type: 'content_block_stop', index: 0 }),
    frame({ type: 'message_delta', delta: { stop_reason: stopReason, stop_sequence: null }, usage: { output_tokens: 60 } }),
    frame({ type: 'message_stop' }),
  ].join('');
}

let fake: Server;
/** The SSE body the fake streams for the next analyses. */
let answer = messageStream(JSON.stringify(GOOD));
let service: RunningService;
let logs: LogLine[];

async function latestSummary(): Promise<string | null> {
  const response = await fetch(service.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json' },
    body: JSON.stringify({ query: '{ latestInsight { summary } }' }),
  });
  const body = (await response.json()) as { data?: { latestInsight: { summary: string } | null } };
  return body.data?.latestInsight?.summary ?? null;
}

async function malformedCount(): Promise<number> {
  const text = await (await fetch(new URL('/metrics', service.url))).text();
  const match = /^northstar_upstream_malformed_payloads_total\{source="anthropic"\} (\d+)$/m.exec(text);
  return match ? Number(match[1]) : 0;
}

beforeAll(async () => {
  fake = createServer((request, response) => {
    request.resume();
    request.on('end', () => {
      if (request.method !== 'POST' || !request.url?.startsWith('/v1/messages')) {
        response.writeHead(404, { 'content-type': 'application/json' }).end('{"type":"error","error":{"type":"not_found_error","message":"no such route"}}');
        return;
      }
      response.writeHead(200, { 'content-type': 'text/event-stream', 'request-id': 'req_fake' }).end(answer);
    });
  });
  await new Promise<void>((resolve) => fake.listen(0, '127.0.0.1', resolve));
  const capture = captureLogs('info');
  logs = capture.lines;
  service = await startService(
    { ANTHROPIC_BASE_URL: `http://127.0.0.1:${(fake.address() as AddressInfo).port}`, ANTHROPIC_API_KEY: 'sk-ant-fake', INSIGHT_INTERVAL_MS: '1000' },
    { logger: capture.logger },
  );
}, 30_000);

afterAll(async () => {
  await service?.stop();
  fake?.closeAllConnections();
  await new Promise<void>((resolve) => (fake ? fake.close(() => resolve()) : resolve()));
});

describe('a malformed Anthropic answer', () => {
  const dataErrorsSince = (from: number): string[] =>
    logs
      .slice(from)
      .filter((line) => (line.err as { category?: unknown } | undefined)?.category === 'data')
      .map((line) => (line.err as { message: string }).message);

  beforeAll(async () => {
    await vi.waitFor(async () => expect(await latestSummary()).toBe(GOOD.summary), { timeout: 15_000, interval: 100 });
  }, 20_000);

  /** The service's lines that rejected an answer as malformed, since `from`. */
  const malformedLinesSince = (from: number): string[] =>
    logs
      .slice(from)
      .filter((line) => /malformed Anthropic answer/.test(String(line.msg)))
      .map((line) => (line.err as { message: string }).message);

  // An analysis of the previous answer may still end after the switch: the counter is compared
  // with the lines logged since, whichever answer they were about.
  it.each([
    ['a tool input that breaks the insight schema', messageStream(JSON.stringify(MALFORMED)), /violates the insight schema/],
    ['stream data that is not JSON', 'event: message_start\ndata: {not json\n\n', /not JSON/],
  ])('%s: counted in northstar_upstream_malformed_payloads_total{source="anthropic"}, logged as data, the good insight kept', async (_case, body, logged) => {
    const before = await malformedCount();
    const logsBefore = logs.length;
    answer = body;
    await vi.waitFor(() => expect(malformedLinesSince(logsBefore)).toContainEqual(expect.stringMatching(logged)), { timeout: 15_000, interval: 100 });
    expect(dataErrorsSince(logsBefore)).toContainEqual(expect.stringMatching(logged));
    expect(await malformedCount()).toBeGreaterThanOrEqual(before + malformedLinesSince(logsBefore).length);
    expect(await latestSummary()).toBe(GOOD.summary);
  });

  it('a refusal is a data error but no malformed payload', async () => {
    const before = await malformedCount();
    const logsBefore = logs.length;
    answer = messageStream('', 'refusal');
    await vi.waitFor(() => expect(dataErrorsSince(logsBefore)).toContainEqual(expect.stringMatching(/refused/)), { timeout: 15_000, interval: 100 });
    expect(malformedLinesSince(logsBefore).filter((message) => /refused/.test(message))).toEqual([]);
    expect(await malformedCount()).toBe(before + malformedLinesSince(logsBefore).length);
  });
});
