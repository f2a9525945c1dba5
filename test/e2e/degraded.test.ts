/**
 * With every upstream unreachable from the start, the service still starts and answers, and says
 * the truth: nothing is usable, /ready is 503, health is "down", and the aggregate carries each
 * source's error instead of invented values.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CurrentAggregateDocument, HealthAndSourcesDocument } from '../generated/graphql.js';
import { graphqlRequest, startService, type RunningService } from '../support/service.js';
import { until } from '../support/until.js';

describe('every upstream unreachable at startup', () => {
  let service: RunningService;

  beforeAll(async () => {
    // Port 9 (discard) on loopback: nothing listens there, the connection is refused at once.
    service = await startService({
      KALSHI_BASE_URL: 'http://127.0.0.1:9/trade-api/v2',
      JOHN_BASE_URL: 'http://127.0.0.1:9',
      ANTHROPIC_BASE_URL: 'http://127.0.0.1:9',
    });
  });
  afterAll(async () => {
    await service?.stop();
  });

  it('answers /ready with 503 and names what is missing', async () => {
    const response = await fetch(service.url.replace('/graphql', '/ready'));
    expect(response.status).toBe(503);
    expect(await response.json()).toEqual({ ready: false, database: true, usableSources: [], simulated: [] });
  });

  it('still answers GraphQL, with the source marked live-not-simulated, unavailable, and why', async () => {
    // The service listens before John's first poll has spent its retries (FIRST_POLL_WAIT_MS):
    // unavailable from the first answer, with the reason once that poll has failed.
    const body = await until("John's first poll to fail", 15_000, async () => {
      const answer = (await graphqlRequest(service.url, CurrentAggregateDocument)).body;
      return answer.data?.aggregate.components.find((c) => c.source === 'JOHN')?.lastError ? answer : null;
    });
    expect(body.errors).toBeUndefined();
    const aggregate = body.data!.aggregate;
    expect(aggregate.markets).toEqual([]);
    expect(aggregate.businessMetrics).toEqual([]);
    const john = aggregate.components.find((c) => c.source === 'JOHN')!;
    expect(john).toMatchObject({ simulated: false, availability: 'UNAVAILABLE' });
    expect(john.lastError).toMatch(/refused|ECONNREFUSED/i);
    expect(aggregate.availabilityScore).toBe(0);
    const kalshi = aggregate.components.find((c) => c.source === 'KALSHI')!;
    expect(kalshi.simulated).toBe(false);
    expect(kalshi.availability).toBe('UNAVAILABLE');
    expect(kalshi.consecutiveFailures).toBeGreaterThanOrEqual(1);
    expect(kalshi.lastError).toMatch(/Kalshi GET \/markets: .*(refused|ECONNREFUSED)/i);

    const health = await graphqlRequest(service.url, HealthAndSourcesDocument);
    expect(health.body.data!.health.status).toBe('down');
  });
});
