/**
 * Hostile Anthropic answers against the whole service: a fake Messages API (the documented SSE
 * stream of ../shared/reference/upstreams.md, frames from the simulator's payload builders) first
 * streams a good insight tool call, then tool inputs of the wrong types, with fields missing, with
 * absurd numbers, nested 100,000 levels deep, of 10 MB, and streams that are not the documented
 * events. Each analysis fails as bad data (logged) and clients still get the good insight.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { INSIGHT_TOOL_NAME } from '../../src/sources/anthropic/protocol.js';
import { encodeFrame, streamFrames } from '../../src/simulators/anthropic/payloads.js';
import { captureLogs, type LogLine } from '../support/log-capture.js';
import { startService, type RunningService } from '../support/service.js';
import { until } from '../support/until.js';
import { graphql, isDataErrorLine } from './upstream-probe.js';

const DEEP = 100_000;
const GOOD_INPUT = {
  sentiment: 'bullish',
  sentiment_score: 0.4,
  key_factors: ['rates steady', 'volume up'],
  risk_level: 'low',
  confidence: 0.7,
  summary: 'The good insight.',
};

let fake: Server;
let baseUrl: string;
/** What the fake streams for the next analyses: the tool input's JSON text, or a raw SSE body. */
let answer: { inputJson: string } | { rawStream: string } = { inputJson: JSON.stringify(GOOD_INPUT) };
let service: RunningService;
let logs: LogLine[];

function stream(inputJson: string): string {
  const frames = streamFrames(
    {
      messageId: 'msg_fuzz',
      model: 'claude-haiku-4-5-20251001',
      text: null,
      tool: { id: 'toolu_fuzz', name: INSIGHT_TOOL_NAME, inputJson, input: {} },
      inputTokens: 100,
      outputTokens: 50,
      stopReason: 'tool_use',
    },
    // Big pieces: a 10 MB input in a few hundred frames, not millions.
    () => Math.max(64, Math.ceil(inputJson.length / 200)),
  );
  return frames.map(encodeFrame).join('');
}

async function latestSummary(): Promise<string | null> {
  const { latestInsight } = await graphql<{ latestInsight: { summary: string } | null }>(service.url, '{ latestInsight { summary } }');
  return latestInsight?.summary ?? null;
}

beforeAll(async () => {
  fake = createServer((request, response) => {
    request.resume();
    request.on('end', () => {
      if (request.method !== 'POST' || !request.url?.startsWith('/v1/messages')) {
        response.writeHead(404, { 'content-type': 'application/json' }).end('{"type":"error","error":{"type":"not_found_error","message":"no"}}');
        return;
      }
      const body = 'rawStream' in answer ? answer.rawStream : stream(answer.inputJson);
      response.writeHead(200, { 'content-type': 'text/event-stream', 'request-id': 'req_fuzz' }).end(body);
    });
  });
  await new Promise<void>((resolve) => fake.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(fake.address() as AddressInfo).port}`;
  const capture = captureLogs('info');
  logs = capture.lines;
  service = await startService({ ANTHROPIC_BASE_URL: baseUrl, ANTHROPIC_API_KEY: 'sk-ant-fuzz', INSIGHT_INTERVAL_MS: '1000' }, { logger: capture.logger });
  await until('the good insight served', 15_000, async () => ((await latestSummary()) === GOOD_INPUT.summary ? true : null));
}, 30_000);

afterAll(async () => {
  await service?.stop();
  await new Promise<void>((resolve) => {
    fake.closeAllConnections();
    fake.close(() => resolve());
  });
});

const withInput = (fields: Record<string, unknown>): string => JSON.stringify({ ...GOOD_INPUT, summary: 'A hostile insight.', ...fields });

describe('hostile Anthropic answers', () => {
  test.each<[string, () => typeof answer]>([
    ['a confidence of 1e308', () => ({ inputJson: withInput({ confidence: 1e308 }) })],
    ['a sentiment score of "NaN"', () => ({ inputJson: withInput({ sentiment_score: 'NaN' }) })],
    ['a negative confidence', () => ({ inputJson: withInput({ confidence: -0.5 }) })],
    ['the summary missing', () => ({ inputJson: withInput({ summary: undefined }) })],
    ['key factors of the wrong type', () => ({ inputJson: withInput({ key_factors: 'all of them' }) })],
    ['an input that is not JSON', () => ({ inputJson: '{"sentiment": "bullish", ' })],
    [
      'an input nested 100,000 levels deep',
      () => ({ inputJson: withInput({ summary: '@DEEP@' }).replace('"@DEEP@"', `${'['.repeat(DEEP)}${']'.repeat(DEEP)}`) }),
    ],
    ['a 10 MB summary', () => ({ inputJson: withInput({ summary: 'x'.repeat(10 * 1024 * 1024) }) })],
    ['a stream of events that are not JSON', () => ({ rawStream: 'event: message_start\ndata: {not json\n\n' })],
    [
      'a stream whose message_start has no message',
      () => ({ rawStream: 'event: message_start\ndata: {"type":"message_start"}\n\nevent: message_stop\ndata: {"type":"message_stop"}\n\n' }),
    ],
  ])('%s: rejected as bad data, the good insight still served', async (_case, hostile) => {
    const logsBefore = logs.length;
    answer = hostile();
    try {
      await until('a data error logged', 15_000, () => (logs.slice(logsBefore).some(isDataErrorLine) ? true : null));
      expect(await latestSummary()).toBe(GOOD_INPUT.summary);
    } finally {
      answer = { inputJson: JSON.stringify(GOOD_INPUT) };
      await graphql(service.url, 'mutation { resetBreaker(source: ANTHROPIC) { breaker } }');
    }
  });
});
