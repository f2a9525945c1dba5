/** The whole service against a one-market fake exchange, shared by the tests where a listing races a book delta. */
import { afterAll, beforeAll } from 'vitest';
import { startOneMarketExchange, type FakeKalshi } from './fake-kalshi.js';
import { startService, type RunningService } from './service.js';

/** The service on a fresh one-market exchange for a describe block: started before its tests, stopped after. */
export function onOneMarketExchange(ticker: string, pollIntervalMs: number): { fake: FakeKalshi; service: RunningService } {
  const world = {} as { fake: FakeKalshi; service: RunningService };
  beforeAll(async () => {
    world.fake = await startOneMarketExchange(ticker);
    world.service = await startService({ ...world.fake.env(), KALSHI_TRACK_TOP_N: '1', KALSHI_POLL_INTERVAL_MS: String(pollIntervalMs) });
    await world.fake.waitForSubscribed(ticker);
  });
  afterAll(async () => {
    await world.service?.stop();
    await world.fake?.close();
  });
  return world;
}
