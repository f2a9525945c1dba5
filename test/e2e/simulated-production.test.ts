/**
 * Production never serves invented prices by accident, and says so when asked to. Real processes
 * (`NODE_ENV=production`), as an operator runs them:
 * - no `*_BASE_URL` and SIMULATORS unset: the service refuses to start, with one line naming
 *   SIMULATORS and the missing `*_BASE_URL`;
 * - SIMULATORS=all: it starts, warns in the log that invented prices are served, `/ready` lists the
 *   simulated sources, and every value's `quality { simulated }` is true;
 * - one source on a real (fake, documented-protocol) upstream: that source's values say false.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SimulatedQualityDocument, type SimulatedQualityQuery } from '../generated/graphql.js';
import { startFakeJohn, type FakeJohn } from '../support/fake-john.js';
import { graphqlRequest } from '../support/service.js';
import { authHeaders, graphqlUrl, startServiceProcess, type ServiceProcess } from '../support/service-process.js';
import { until } from '../support/until.js';

const FAST = { INSIGHT_INTERVAL_MS: '1000', KALSHI_POLL_INTERVAL_MS: '200', JOHN_POLL_INTERVAL_MS: '1000', AGGREGATION_INTERVAL_MS: '100' };

/** The startup's stderr when it refuses to start (startServiceProcess rejects with it). */
async function refusal(env: Record<string, string>): Promise<string> {
  const error = await startServiceProcess(env, { readyTimeoutMs: 30_000 }).then(
    () => {
      throw new Error('the service started');
    },
    (reason: unknown) => reason as Error,
  );
  const match = /^exited with 1 before it was ready: ([\s\S]*)$/.exec(error.message);
  expect(match, error.message).not.toBeNull();
  return match![1]!;
}

/** Queries until every value type has arrived (the first insight comes about a second after start). */
function everyValue(url: string): Promise<SimulatedQualityQuery> {
  return until('markets, metrics and an insight served', 20_000, async () => {
    const { body } = await graphqlRequest(url, SimulatedQualityDocument, undefined, authHeaders());
    expect(body.errors).toBeUndefined();
    const data = body.data!;
    const complete =
      data.markets.length > 0 &&
      data.markets.some((m) => m.orderBook !== null) &&
      data.businessMetrics.length > 0 &&
      data.latestInsight !== null &&
      data.aggregate.insight !== null &&
      data.aggregate.markets.length > 0 &&
      data.aggregate.businessMetrics.length > 0;
    return complete ? data : null;
  });
}

async function ready(service: ServiceProcess): Promise<{ status: number; body: { ready: boolean; simulated: string[] } }> {
  const response = await fetch(graphqlUrl(service).replace('/graphql', '/ready'));
  return { status: response.status, body: (await response.json()) as { ready: boolean; simulated: string[] } };
}

describe('production without upstream URLs', () => {
  it('refuses to start with one line naming SIMULATORS and KALSHI_BASE_URL', async () => {
    // Blank counts as unset: the production default, none.
    const stderr = await refusal({ SIMULATORS: '' });
    const lines = stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^northstar: Invalid configuration: kalshi has no upstream: set KALSHI_BASE_URL, or add kalshi to SIMULATORS/);
  });

  it('names the one source left without a URL or a simulator (JOHN_BASE_URL)', async () => {
    const stderr = await refusal({ SIMULATORS: 'kalshi,anthropic' });
    expect(stderr.trim().split('\n')).toEqual([expect.stringMatching(/JOHN_BASE_URL.*SIMULATORS|SIMULATORS.*JOHN_BASE_URL/)]);
  });
});

describe('production with SIMULATORS=all', () => {
  let service: ServiceProcess;

  beforeAll(async () => {
    service = await startServiceProcess({ SIMULATORS: 'all', ...FAST });
  });
  afterAll(async () => {
    await service?.dispose();
  });

  it('warns at startup that invented prices are served', () => {
    const warning = service.logs.find((line) => line.level === 40 && typeof line.msg === 'string' && line.msg.includes('invented prices'));
    expect(warning).toMatchObject({ simulated: ['kalshi', 'anthropic', 'john'] });
    expect(warning?.msg).toMatch(/SIMULATORS/);
  });

  it('lists every source as simulated on /ready', async () => {
    const { status, body } = await ready(service);
    expect(status).toBe(200);
    expect(body).toMatchObject({ ready: true, simulated: ['kalshi', 'anthropic', 'john'] });
  });

  it('marks every value simulated: markets, their books, businessMetrics, latestInsight, aggregate', async () => {
    const data = await everyValue(graphqlUrl(service));
    const flags = [
      ...data.markets.map((m) => m.quality.simulated),
      ...data.markets.flatMap((m) => (m.orderBook ? [m.orderBook.quality.simulated] : [])),
      ...data.businessMetrics.map((m) => m.quality.simulated),
      data.latestInsight!.quality.simulated,
      ...data.aggregate.markets.map((m) => m.quality.simulated),
      data.aggregate.insight!.quality.simulated,
      ...data.aggregate.businessMetrics.map((m) => m.quality.simulated),
    ];
    expect(flags.length).toBeGreaterThan(10);
    expect(new Set(flags)).toEqual(new Set([true]));
  });
});

describe('production with SIMULATORS=all and John at its real (documented-protocol) upstream', () => {
  const token = 'production-john-token';
  let john: FakeJohn;
  let service: ServiceProcess;

  beforeAll(async () => {
    john = await startFakeJohn(token);
    service = await startServiceProcess({ SIMULATORS: 'all', JOHN_BASE_URL: john.baseUrl, JOHN_API_TOKEN: token, ...FAST });
  });
  afterAll(async () => {
    await service?.dispose();
    await john?.close();
  });

  it("lists only Kalshi and Anthropic as simulated; John's values say simulated: false, the others true", async () => {
    expect((await ready(service)).body.simulated).toEqual(['kalshi', 'anthropic']);
    const data = await everyValue(graphqlUrl(service));
    expect(new Set([...data.businessMetrics, ...data.aggregate.businessMetrics].map((m) => m.quality.simulated))).toEqual(new Set([false]));
    expect(data.businessMetrics.map((m) => m.agentId)).toContain('agent:john:main');
    const simulated = [...data.markets, ...data.aggregate.markets, data.latestInsight!, data.aggregate.insight!].map((v) => v.quality.simulated);
    expect(new Set(simulated)).toEqual(new Set([true]));
    expect(john.seen.length).toBeGreaterThan(0);
  });
});
