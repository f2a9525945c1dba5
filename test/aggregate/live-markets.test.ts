/**
 * The in-memory market list: what complete listings stop holding is forgotten after a grace period,
 * so a service watched all day does not carry every market it ever saw; a market missing from one
 * listing, or known only from a patch, is kept until then.
 */
import { describe, expect, it } from 'vitest';
import { LiveMarkets } from '../../src/aggregate/live-markets.js';
import { createNorthstarPubSub } from '../../src/core/pubsub.js';
import { market } from '../support/records.js';

const GRACE = 600_000;

describe('LiveMarkets', () => {
  it('forgets a market that complete listings have left out for longer than the grace period', () => {
    const markets = new LiveMarkets(createNorthstarPubSub());
    markets.upsert([market('A', 0.4, 0), market('B', 0.5, 0)], 'refresh');

    // B is missing from the next listings; within the grace period it is still served.
    markets.upsert([market('A', 0.41, 300_000)], 'refresh');
    expect(markets.forgetUnlisted(300_000 - GRACE)).toEqual([]);
    expect(markets.get('B')?.prices.bid).toBe(0.5);

    // Listed again in time: its clock starts over.
    markets.upsert([market('A', 0.42, 500_000), market('B', 0.52, 500_000)], 'refresh');
    expect(markets.forgetUnlisted(700_000 - GRACE)).toEqual([]);

    // Gone for good: once the grace period is over it leaves every listing the service serves.
    markets.upsert([market('A', 0.43, 1_200_000)], 'refresh');
    expect(markets.forgetUnlisted(1_200_000 - GRACE)).toEqual(['B']);
    expect(markets.get('B')).toBeNull();
    expect(markets.list().map((m) => m.ticker)).toEqual(['A']);
    expect(markets.size).toBe(1);
  });

  it('counts a market first seen in a patch as listed when it arrived', () => {
    const markets = new LiveMarkets(createNorthstarPubSub());
    markets.upsert([market('A', 0.4, 0)], 'refresh');
    markets.upsert([market('C', 0.3, 100_000)], 'patch');
    // Later patches do not say the exchange still lists it; only listings do.
    markets.upsert([market('C', 0.31, 650_000)], 'patch');
    markets.upsert([market('A', 0.4, 650_000)], 'refresh');
    expect(markets.forgetUnlisted(650_000 - GRACE)).toEqual([]);
    markets.upsert([market('A', 0.4, 800_000)], 'refresh');
    expect(markets.forgetUnlisted(800_000 - GRACE)).toEqual(['C']);
  });
});
