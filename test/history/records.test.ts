import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/core/clock.js';
import { openTestStore, type TestStore } from './helpers.js';

let ctx: TestStore;
const clock = new ManualClock(Date.UTC(2026, 5, 1, 12));

beforeAll(async () => {
  ctx = await openTestStore(clock);
});
afterAll(async () => {
  await ctx.cleanup();
});

describe('operational records', () => {
  it('appends audit events with JSON details, stamped by the clock', async () => {
    await ctx.store.recordAudit({ eventType: 'breaker_open', source: 'kalshi', details: { failures: 5 }, errorMessage: 'timeout' });
    await ctx.store.recordAudit({ eventType: 'startup' });
    const rows = await ctx.store.prisma.auditLog.findMany({ orderBy: { id: 'asc' } });
    expect(rows.map((row) => [row.eventType, row.source, row.agentId, row.detailsJson, row.errorMessage])).toEqual([
      ['breaker_open', 'kalshi', null, '{"failures":5}', 'timeout'],
      ['startup', null, null, null, null],
    ]);
    expect(rows[0]?.loggedAt).toEqual(new Date(clock.now()));
  });

  it('upserts freshness per source and keeps fields the update leaves out', async () => {
    const success = new Date(Date.UTC(2026, 5, 1, 11, 59));
    await ctx.store.upsertFreshness({ source: 'kalshi', lastSuccessAt: success, consecutiveFailures: 0, breakerState: 'CLOSED' });
    await clock.advance(1000);
    const failure = new Date(clock.now());
    await ctx.store.upsertFreshness({ source: 'kalshi', lastFailureAt: failure, consecutiveFailures: 3, breakerState: 'OPEN', lastError: 'HTTP 503' });
    await ctx.store.upsertFreshness({ source: 'john', consecutiveFailures: 0, breakerState: 'HALF_OPEN' });
    expect(await ctx.store.readFreshness()).toEqual([
      { source: 'john', lastSuccessAt: null, lastFailureAt: null, consecutiveFailures: 0, breakerState: 'HALF_OPEN', lastError: null, updatedAt: failure },
      {
        source: 'kalshi',
        lastSuccessAt: success,
        lastFailureAt: failure,
        consecutiveFailures: 3,
        breakerState: 'OPEN',
        lastError: 'HTTP 503',
        updatedAt: failure,
      },
    ]);
    await ctx.store.upsertFreshness({ source: 'kalshi', consecutiveFailures: 0, breakerState: 'CLOSED', lastError: null });
    const kalshi = (await ctx.store.readFreshness()).find((row) => row.source === 'kalshi');
    expect(kalshi).toMatchObject({ lastSuccessAt: success, lastFailureAt: failure, lastError: null, breakerState: 'CLOSED' });
  });

  it('records raw responses as JSON', async () => {
    await ctx.store.recordRawResponse({ source: 'kalshi', endpoint: '/markets', requestId: 'r-1', body: { markets: [1] }, status: 200, ttlSeconds: 60 });
    const [row] = await ctx.store.prisma.rawApiResponse.findMany();
    expect(row).toMatchObject({
      source: 'kalshi',
      apiEndpoint: '/markets',
      requestId: 'r-1',
      responseJson: '{"markets":[1]}',
      responseStatus: 200,
      ttlSeconds: 60,
      fetchTimestamp: new Date(clock.now()),
    });
  });

  it('replaces normalized data by data id', async () => {
    const expiresAt = new Date(clock.now() + 60_000);
    await ctx.store.recordNormalized({ dataId: 'kalshi:X', source: 'kalshi', ticker: 'X', assetType: 'PREDICTION', value: { v: 1 }, cacheTier: 'L3' });
    await clock.advance(5000);
    await ctx.store.recordNormalized({ dataId: 'kalshi:X', source: 'kalshi', ticker: 'X', value: { v: 2 }, cacheTier: 'LIVE', expiresAt });
    const rows = await ctx.store.prisma.normalizedData.findMany();
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      dataId: 'kalshi:X',
      assetType: null,
      normalizedJson: '{"v":2}',
      cacheTier: 'LIVE',
      expiresAt,
      createdAt: new Date(clock.now()),
    });
  });

  it('pings, and reports false instead of throwing once closed', async () => {
    expect(await ctx.store.ping()).toBe(true);
    const { HistoryStore } = await import('../../src/history/index.js');
    const other = await HistoryStore.open(ctx.url, { migrate: false });
    expect(await other.ping()).toBe(true);
    await other.close();
    await other.close();
    expect(await other.ping()).toBe(false);
  });
});
