/**
 * The Anthropic simulator on its own: its analysis follows the data, its faults parse from the
 * environment and fire as configured (rate, times, on its clock), its gatekeeping matches the API,
 * and close() frees every socket, hanging ones included.
 */
import { afterEach, describe, expect, test } from 'vitest';
import { ManualClock } from '../../../src/core/clock.js';
import { checkInsightToolInput } from '../../../src/sources/anthropic/insight-schema.js';
import { buildInsightPrompt } from '../../../src/sources/anthropic/prompt.js';
import { INSIGHT_TOOL, INSIGHT_TOOL_CHOICE } from '../../../src/sources/anthropic/protocol.js';
import { analyzeMarkets, extractMarketData } from '../../../src/simulators/anthropic/analysis.js';
import { parseAnthropicFault, startAnthropicSimulator, type AnthropicSimulator } from '../../../src/simulators/anthropic/index.js';
import { fallingMarkets, market, risingMarkets } from './fixtures.js';

const NOW = Date.UTC(2026, 10, 24, 12, 0, 0);
const userMessages = (markets: Parameters<typeof buildInsightPrompt>[0]) => [{ role: 'user', content: buildInsightPrompt(markets, NOW).user }];

describe('simulated analysis', () => {
  test('reads the market-data block and follows its numbers', () => {
    const data = extractMarketData(userMessages(risingMarkets(4)));
    expect(data?.markets.map((m) => m.ticker)).toEqual(risingMarkets(4).map((m) => m.ticker));
    const up = analyzeMarkets(data);
    expect(up.input.sentiment).toBe('bullish');
    expect(up.input.sentiment_score).toBeGreaterThan(0);
    const down = analyzeMarkets(extractMarketData(userMessages(fallingMarkets(4))));
    expect(down.input.sentiment).toBe('bearish');
    expect(down.input.sentiment_score).toBeLessThan(0);
  });

  test('is deterministic, independent of market order, and within the tool schema', () => {
    const markets = [...risingMarkets(5), ...fallingMarkets(2)];
    const a = analyzeMarkets(extractMarketData(userMessages(markets)));
    const b = analyzeMarkets(extractMarketData(userMessages([...markets].reverse())));
    expect(b).toEqual(a);
    expect(checkInsightToolInput(a.input).ok).toBe(true);
  });

  test('key factors name real tickers: the biggest mover and the volume leader', () => {
    const markets = [
      market('KXBIG-26DEC-T1', { last: 0.7, previous: 0.4, volume24h: 50 }),
      market('KXVOL-26DEC-T1', { last: 0.51, previous: 0.5, volume24h: 90_000 }),
      market('KXQUIET-26DEC-T1', { last: 0.5, previous: 0.5, volume24h: 10 }),
    ];
    const { input } = analyzeMarkets(extractMarketData(userMessages(markets)));
    expect(input.key_factors.join('\n')).toContain('KXBIG-26DEC-T1 up 30.0¢');
    expect(input.key_factors.join('\n')).toContain('KXVOL-26DEC-T1 leads 24h volume');
    expect(input.summary).toContain('Largest move: KXBIG-26DEC-T1');
  });

  test('without a data block it answers neutral with low confidence', () => {
    const { input } = analyzeMarkets(extractMarketData([{ role: 'user', content: 'How are markets?' }]));
    expect(input).toMatchObject({ sentiment: 'neutral', sentiment_score: 0 });
    expect(input.confidence).toBeLessThan(0.2);
  });
});

describe('parseAnthropicFault', () => {
  test('parses every documented form', () => {
    expect(parseAnthropicFault('status:529')).toEqual({ kind: 'status', status: 529 });
    expect(parseAnthropicFault('status:429:retry=2')).toEqual({ kind: 'status', status: 429, retryAfterSeconds: 2 });
    expect(parseAnthropicFault('status:429,code=enforced_spend_limit_reached,times=1')).toEqual({
      kind: 'status',
      status: 429,
      errorCode: 'enforced_spend_limit_reached',
      times: 1,
    });
    expect(parseAnthropicFault('hang')).toEqual({ kind: 'hang' });
    expect(parseAnthropicFault('truncated')).toEqual({ kind: 'truncated' });
    expect(parseAnthropicFault(' sse-error, rate=0.3 ')).toEqual({ kind: 'sse-error', rate: 0.3 });
    expect(parseAnthropicFault('malformed,times=2')).toEqual({ kind: 'malformed', times: 2 });
    expect(parseAnthropicFault('invalid-tool-input')).toEqual({ kind: 'invalid-tool-input' });
    expect(parseAnthropicFault('delay:1500')).toEqual({ kind: 'delay', delayMs: 1500 });
  });

  test.each([
    ['', /no fault kind/],
    ['explode', /unknown fault kind "explode"/],
    ['status', /HTTP error code/],
    ['status:200', /HTTP error code/],
    ['status:5xx', /HTTP error code/],
    ['delay', /milliseconds/],
    ['hang:5', /takes no argument/],
    ['truncated,rate=1.5', /rate must be/],
    ['truncated,times=0', /times must be/],
    ['truncated,retry=2', /status faults only/],
    ['status:500,colour=red', /unknown option "colour"/],
    ['status:500,rate', /is not name=value/],
  ])('rejects %j with a clear message', (text, why) => {
    expect(() => parseAnthropicFault(text)).toThrow(why);
    expect(() => parseAnthropicFault(text)).toThrow(/expected e\.g\. "status:529"/);
  });
});

describe('simulator HTTP behaviour', () => {
  let sim: AnthropicSimulator | null = null;
  afterEach(async () => {
    await sim?.close();
    sim = null;
  });

  const body = (extra: Record<string, unknown> = {}): string =>
    JSON.stringify({
      model: 'claude-haiku-4-5',
      max_tokens: 512,
      messages: userMessages(risingMarkets(3)),
      tools: [INSIGHT_TOOL],
      tool_choice: INSIGHT_TOOL_CHOICE,
      ...extra,
    });
  const post = (s: AnthropicSimulator, headers: Record<string, string>, payload = body()): Promise<Response> =>
    fetch(`${s.baseUrl}/v1/messages`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: payload });
  const bearer = { 'anthropic-version': '2026-10-21', authorization: 'Bearer k' };

  test('the auth style must match the version, and the version header is required', async () => {
    sim = await startAnthropicSimulator();
    const noVersion = await post(sim, { authorization: 'Bearer k' });
    expect(noVersion.status).toBe(400);
    expect(((await noVersion.json()) as { error: { message: string } }).error.message).toMatch(/anthropic-version/);
    const wrongStyle = await post(sim, { 'anthropic-version': '2026-10-21', 'x-api-key': 'k' });
    expect(wrongStyle.status).toBe(401);
    expect(await wrongStyle.json()).toMatchObject({ type: 'error', error: { type: 'authentication_error' } });
    const legacyWithoutKey = await post(sim, { 'anthropic-version': '2023-06-01', authorization: 'Bearer k' });
    expect(legacyWithoutKey.status).toBe(401);
    await legacyWithoutKey.body?.cancel();
    const ok = await post(sim, bearer);
    expect(ok.status).toBe(200);
    await ok.body?.cancel();
  });

  test('unknown fields and non-JSON bodies are 400 invalid_request_error', async () => {
    sim = await startAnthropicSimulator();
    const extra = await post(sim, bearer, body({ temperatur: 1 }));
    expect(extra.status).toBe(400);
    expect(((await extra.json()) as { error: { message: string } }).error.message).toMatch(/temperatur: Extra inputs/);
    const garbage = await post(sim, bearer, '{nope');
    expect(garbage.status).toBe(400);
    await garbage.body?.cancel();
  });

  test('a 529 fault serves the real overloaded body; a 429 fault adds retry-after', async () => {
    sim = await startAnthropicSimulator();
    sim.injectFault({ kind: 'status', status: 529, times: 1 });
    const overloaded = await post(sim, bearer);
    expect(overloaded.status).toBe(529);
    const overloadedBody = (await overloaded.json()) as { request_id: string };
    expect(overloadedBody).toMatchObject({ type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } });
    expect(overloadedBody.request_id).toBe(overloaded.headers.get('request-id'));
    sim.injectFault({ kind: 'status', status: 429, retryAfterSeconds: 7, times: 1 });
    const limited = await post(sim, bearer);
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('7');
    expect(await limited.json()).toMatchObject({ error: { type: 'rate_limit_error' } });
    const after = await post(sim, bearer);
    expect(after.status).toBe(200); // times: 1 used up
    await after.body?.cancel();
  });

  test('a fault with a rate hits a seeded, repeatable subset of requests', async () => {
    const pattern = async (): Promise<number[]> => {
      const s = await startAnthropicSimulator({ seed: 42 });
      s.injectFault({ kind: 'status', status: 500, rate: 0.5 });
      const statuses: number[] = [];
      for (let i = 0; i < 12; i++) {
        const response = await post(s, bearer);
        statuses.push(response.status);
        await response.body?.cancel();
      }
      await s.close();
      return statuses;
    };
    const first = await pattern();
    expect(await pattern()).toEqual(first);
    expect(first).toContain(500);
    expect(first).toContain(200);
  });

  test('a delay fault answers only when the simulator clock has moved on', async () => {
    const clock = new ManualClock(NOW);
    sim = await startAnthropicSimulator({ clock });
    sim.injectFault({ kind: 'delay', delayMs: 10_000, times: 1 });
    let answered = false;
    const pending = post(sim, bearer).then((r) => {
      answered = true;
      return r;
    });
    while (sim.requestCount() === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    await clock.advance(9_000);
    expect(answered).toBe(false);
    await clock.advance(1_000);
    const response = await pending;
    expect(response.status).toBe(200);
    await response.body?.cancel();
  });

  test('a non-streaming malformed fault is a 200 that is not JSON', async () => {
    sim = await startAnthropicSimulator();
    sim.injectFault({ kind: 'malformed', times: 1 });
    const response = await post(sim, bearer, body({ stream: false }));
    expect(response.status).toBe(200);
    await expect(response.json()).rejects.toThrow(SyntaxError);
  });

  test('close() destroys a hanging request so nothing keeps the process alive', async () => {
    sim = await startAnthropicSimulator();
    sim.injectFault({ kind: 'hang' });
    const outcome = post(sim, bearer).then(
      () => 'answered',
      () => 'failed',
    );
    while (sim.requestCount() === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    await sim.close();
    sim = null;
    expect(await outcome).toBe('failed');
  });
});
