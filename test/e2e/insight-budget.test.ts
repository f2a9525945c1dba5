/**
 * The analysis budget: once spent, no call is made, `sources` says why, and requestInsight answers
 * a coded error instead of spending money.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { CurrentAggregateDocument, HealthAndSourcesDocument, RequestInsightDocument } from '../generated/graphql.js';
import { graphqlRequest, startService, type RunningService } from '../support/service.js';

describe('analysis budget', () => {
  let service: RunningService;
  beforeAll(async () => {
    service = await startService({ INSIGHT_BUDGET_CALLS_PER_HOUR: '1' });
  });
  afterAll(async () => {
    await service?.stop();
  });

  it('spends one call, then refuses further calls and says so', async () => {
    // The first scheduled analysis spends the whole budget.
    await vi.waitFor(
      async () => {
        const { body } = await graphqlRequest(service.url, CurrentAggregateDocument);
        expect(body.data!.aggregate.insight).not.toBeNull();
      },
      { timeout: 10_000, interval: 100 },
    );
    const calls = service.app.simulators.anthropic!.requestCount();
    expect(calls).toBe(1);

    // A different slice than the scheduled run's (the same input would be served from the 5-minute cache).
    const { body: current } = await graphqlRequest(service.url, CurrentAggregateDocument);
    const ticker = current.data!.aggregate.markets.find((m) => m.status === 'ACTIVE')!.ticker;
    const { body } = await graphqlRequest(service.url, RequestInsightDocument, { tickers: [ticker] });
    expect(body.errors?.[0]?.extensions).toMatchObject({ code: 'UPSTREAM_RATE_LIMITED', source: 'ANTHROPIC', retryable: false });
    expect(body.errors?.[0]?.message).toMatch(/budget exhausted/);

    // The next scheduled run is skipped and reported in sources.lastError.
    await vi.waitFor(
      async () => {
        const { body } = await graphqlRequest(service.url, HealthAndSourcesDocument);
        const anthropic = body.data!.sources.find((s) => s.source === 'ANTHROPIC')!;
        expect(anthropic.lastError).toMatch(/budget exhausted/);
      },
      { timeout: 10_000, interval: 100 },
    );
    expect(service.app.simulators.anthropic!.requestCount()).toBe(calls);
  });
});
