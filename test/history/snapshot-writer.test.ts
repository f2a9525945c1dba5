/**
 * The snapshot writer on the shared PollLoop: a tick every interval (never two at once), nothing
 * for an aggregate already stored, a failed write logged and retried at the next interval, and the
 * pending tick written on stop.
 */
import { describe, expect, it } from 'vitest';
import { SnapshotWriter, snapshotTick, type SnapshotTickInput } from '../../src/aggregate/snapshot-writer.js';
import { market } from '../support/records.js';
import { ManualClock } from '../../src/core/clock.js';
import type { AggregateRecord } from '../../src/core/domain.js';
import type { Logger } from '../../src/core/logger.js';

function aggregate(at: number): AggregateRecord {
  return {
    takenAt: new Date(at).toISOString(),
    requestId: `r${at}`,
    markets: [],
    insight: null,
    businessMetrics: [],
    components: [],
    pnl: [{ agentId: 'a', revenueUsd: '0.1', realizedPnlUsd: '0.2', unrealizedPnlUsd: '0', totalPnlUsd: '0.3' }],
    availabilityScore: 1,
    fetchDurationMs: 0,
  };
}

describe('SnapshotWriter', () => {
  it('writes a tick every interval, skips an aggregate already stored, retries after a failure, and writes the pending tick on stop', async () => {
    const clock = new ManualClock();
    const written: SnapshotTickInput[] = [];
    const errors: unknown[] = [];
    let current = aggregate(clock.now());
    let fail = false;
    let inFlight = 0;
    let overlapped = false;
    const writer = new SnapshotWriter({
      clock,
      intervalMs: 1000,
      current: () => current,
      logger: { error: (obj: unknown) => errors.push(obj) } as unknown as Logger,
      sink: {
        writeSnapshotTick: async (tick) => {
          inFlight += 1;
          overlapped ||= inFlight > 1;
          await Promise.resolve();
          inFlight -= 1;
          if (fail) throw new Error('disk full');
          written.push(tick);
        },
      },
    });
    writer.start();
    await clock.advance(999);
    expect(written).toHaveLength(0);
    await clock.advance(1);
    expect(written.map((tick) => tick.agents.map((agent) => agent.pnl.totalPnlUsd))).toEqual([['0.3']]);
    // The same aggregate again: nothing new to store.
    await clock.advance(1000);
    expect(written).toHaveLength(1);
    current = aggregate(clock.now());
    fail = true;
    await clock.advance(1000);
    expect(errors).toHaveLength(1);
    fail = false;
    await clock.advance(1000);
    expect(written.map((tick) => tick.takenAt.toISOString())).toEqual([aggregate(clock.now() - 4000).takenAt, current.takenAt]);
    current = aggregate(clock.now() + 10);
    await writer.stop();
    expect(written.at(-1)?.takenAt.toISOString()).toBe(current.takenAt);
    expect(clock.pending).toBe(0);
    expect(overlapped).toBe(false);
  });
});

describe('snapshotTick', () => {
  it("stores the market as served: without the live state's priceObservedAt bookkeeping, and leaves the live record alone", () => {
    const live = { ...market('KXTEST-1', 0.41, 1000), priceObservedAt: { bid: { at: 1000 }, ask: { at: 1000, upstreamAt: 990 } } };
    const tick = snapshotTick({ ...aggregate(5000), markets: [live] });
    const stored = (tick.aggregate as AggregateRecord).markets[0]!;
    expect(stored).not.toHaveProperty('priceObservedAt');
    expect(stored).toEqual({ ...market('KXTEST-1', 0.41, 1000) });
    expect(live.priceObservedAt.bid).toEqual({ at: 1000 });
  });
});
