/**
 * Issue 10, section 2: after `add_markets` on the order-book sid Kalshi documents a snapshot of
 * each added market; "if none comes, ask with get_snapshot". The feed against the documented-
 * protocol fake playing an exchange whose snapshot does not come, on a ManualClock: nothing is
 * asked before snapshotTimeoutMs, then one get_snapshot for exactly the missing market, whose
 * snapshot then makes the book.
 */
import { afterEach, describe, expect, test } from 'vitest';
import { ManualClock } from '../../../../src/core/clock.js';
import { silentLogger } from '../../../../src/core/logger.js';
import { KalshiWsFeed } from '../../../../src/sources/kalshi/ws/feed.js';
import { fakeMarket, startFakeKalshi, type FakeKalshi } from '../../../support/fake-kalshi.js';

describe('a market added whose snapshot does not come', () => {
  let fake: FakeKalshi | null = null;
  let feed: KalshiWsFeed | null = null;
  afterEach(async () => {
    await feed?.stop();
    await fake?.close();
  });

  test('is asked for with get_snapshot after snapshotTimeoutMs, and only it', async () => {
    fake = await startFakeKalshi({ markets: [fakeMarket('FAKE-26-A'), fakeMarket('FAKE-26-B')], snapshotsOnAdd: false });
    fake.setBook('FAKE-26-A', { yes: [['0.4000', '1.00']] });
    fake.setBook('FAKE-26-B', { yes: [['0.3000', '2.00']] });
    const clock = new ManualClock();
    feed = new KalshiWsFeed({ url: fake.wsUrl, clock, logger: silentLogger, tickers: ['FAKE-26-A'], channels: ['orderbook_delta'], snapshotTimeoutMs: 2000 });
    feed.start();
    await fake.waitForSubscribed('FAKE-26-A');
    await until(() => feed!.book('FAKE-26-A') !== undefined);

    feed.setTickers(['FAKE-26-A', 'FAKE-26-B']);
    await fake.waitFor(() => fake!.commands.some((c) => c.params.action === 'add_markets'), 2000, 'add_markets');
    const getSnapshots = () => fake!.commands.filter((c) => c.params.action === 'get_snapshot');
    await clock.advance(1999);
    expect(getSnapshots()).toHaveLength(0);
    expect(feed.book('FAKE-26-B')).toBeUndefined();

    await clock.advance(1);
    await fake.waitFor(() => getSnapshots().length > 0, 2000, 'get_snapshot');
    expect(getSnapshots().map((c) => c.params.market_tickers)).toEqual([['FAKE-26-B']]);
    await until(() => feed!.book('FAKE-26-B') !== undefined);
    expect(feed.book('FAKE-26-B')!.bids).toEqual([{ price: 0.3, size: 2 }]);
    expect(feed.stats().snapshotRequests).toBe(1);
  });
});

async function until(condition: () => boolean, timeoutMs = 3000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
