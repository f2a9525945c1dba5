/**
 * Event-driven aggregation on an injected clock: a change publishes, a burst of changes is
 * coalesced into one publish per interval, and nothing is published while nothing changes.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { Aggregator } from '../../src/aggregate/aggregator.js';
import { LiveMarkets } from '../../src/aggregate/live-markets.js';
import { ManualClock } from '../../src/core/clock.js';
import type { AggregateRecord } from '../../src/core/domain.js';
import { silentLogger } from '../../src/core/logger.js';
import { createNorthstarPubSub } from '../../src/core/pubsub.js';
import { SourceStatusBoard } from '../../src/sources/source-status.js';
import { market } from '../support/records.js';

describe('Aggregator', () => {
  const stops: Array<() => void> = [];
  afterEach(() => stops.splice(0).forEach((stop) => stop()));

  async function setup() {
    const clock = new ManualClock();
    const pubsub = createNorthstarPubSub();
    const statuses = new SourceStatusBoard(clock, pubsub, [{ source: 'kalshi', simulated: true, enabled: true }]);
    const markets = new LiveMarkets(pubsub);
    const published: AggregateRecord[] = [];
    const aggregator = new Aggregator({ clock, pubsub, markets, statuses, intervalMs: 500, logger: silentLogger, onPublished: (a) => published.push(a) });
    aggregator.start();
    stops.push(() => aggregator.stop());
    await clock.advance(0);
    return { clock, markets, published, aggregator };
  }

  it('publishes once at start, then only when something changed', async () => {
    const { clock, published } = await setup();
    expect(published).toHaveLength(1);
    await clock.advance(5000);
    expect(published).toHaveLength(1);
  });

  it('coalesces a burst of changes into at most one publish per interval, carrying the latest state', async () => {
    const { clock, markets, published } = await setup();
    await clock.advance(600);
    for (let i = 1; i <= 10; i++) {
      markets.upsert([market('A', i / 100, clock.now())]);
      await clock.advance(100);
    }
    // 10 changes over 1 s → publishes at most every 500 ms: 2 (or 3 with the boundary) after the first.
    const after = published.length - 1;
    expect(after).toBeGreaterThanOrEqual(2);
    expect(after).toBeLessThanOrEqual(3);
    await clock.advance(1000);
    const last = published.at(-1)!;
    expect(last.markets[0]!.prices.bid).toBe(0.1);
    const gaps = published.slice(1).map((a, i) => Date.parse(a.takenAt) - Date.parse(published[i]!.takenAt));
    expect(gaps.every((gap) => gap >= 500)).toBe(true);
  });

  it('publishes a change right away when the last publish is older than the interval', async () => {
    const { clock, markets, published } = await setup();
    await clock.advance(2000);
    markets.upsert([market('B', 0.3, clock.now())]);
    await clock.advance(0);
    expect(published).toHaveLength(2);
  });
});
