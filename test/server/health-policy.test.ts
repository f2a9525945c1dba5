/** HealthPolicy: `down`, `degraded` and `ok`, from the database, the sources and AVAILABILITY_THRESHOLD. */
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/core/clock.js';
import type { Availability, SourceStatusRecord } from '../../src/core/domain.js';
import { HealthPolicy } from '../../src/server/health-policy.js';

const status = (source: SourceStatusRecord['source'], availability: Availability): SourceStatusRecord => ({
  source,
  breaker: 'CLOSED',
  availability,
  simulated: false,
  lastSuccessAt: null,
  lastFailureAt: null,
  consecutiveFailures: 0,
  lastError: null,
  stats: { fires: 0, successes: 0, failures: 0, timeouts: 0, rejects: 0, fallbacks: 0, latencyMeanMs: null },
});

function policy(sources: SourceStatusRecord[], databaseUp = true, clock = new ManualClock()): HealthPolicy {
  return new HealthPolicy({
    clock,
    version: '1.2.3',
    availabilityThreshold: 0.5,
    sources: () => sources,
    databaseUp: () => Promise.resolve(databaseUp),
    cache: () => [],
  });
}

describe('HealthPolicy', () => {
  it('ok when the availability score reaches the threshold', async () => {
    const all = [status('kalshi', 'LIVE'), status('anthropic', 'LIVE'), status('john', 'CACHED')];
    expect((await policy(all).health()).status).toBe('ok');
  });

  it('degraded below the threshold while something is still usable', async () => {
    const some = [status('kalshi', 'LIVE'), status('anthropic', 'UNAVAILABLE'), status('john', 'UNAVAILABLE')];
    expect((await policy(some).health()).status).toBe('degraded');
  });

  it('down when no source is usable, or when the database does not answer', async () => {
    const none = [status('kalshi', 'UNAVAILABLE'), status('anthropic', 'UNAVAILABLE'), status('john', 'UNAVAILABLE')];
    expect((await policy(none).health()).status).toBe('down');
    const all = [status('kalshi', 'LIVE'), status('anthropic', 'LIVE'), status('john', 'LIVE')];
    expect((await policy(all, false).health()).status).toBe('down');
  });

  it('reports the version and the uptime on the clock it was given', async () => {
    const clock = new ManualClock();
    const health = policy([status('kalshi', 'LIVE')], true, clock);
    await clock.advance(12_340);
    expect(await health.health()).toMatchObject({ version: '1.2.3', uptimeSeconds: 12.3 });
  });
});
