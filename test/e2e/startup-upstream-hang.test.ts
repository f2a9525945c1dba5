/**
 * A hanging upstream does not keep the door shut: each source waits for its first poll only a
 * moment (FIRST_POLL_WAIT_MS) before the service listens, and the poll goes on behind it. Found by
 * the chaos suite: a restart with Kalshi hanging listened only after 21 s (John hanging: 10.5 s),
 * its timeouts and retries, while the market list sat in the durable tiers the whole time.
 */
import { describe, expect, it } from 'vitest';
import { FIRST_POLL_WAIT_MS } from '../../src/core/poll-loop.js';
import { startService } from '../support/service.js';

/** Milliseconds from the call to a listening service; stops it again after `check`. */
async function timedStart(env: Record<string, string>, check: (url: string) => Promise<void> = () => Promise.resolve()): Promise<number> {
  const startedAt = performance.now();
  const service = await startService(env);
  const ms = performance.now() - startedAt;
  try {
    await check(service.url);
  } finally {
    await service.stop();
  }
  return ms;
}

describe('startup with an upstream that never answers', () => {
  it('listens one bounded wait later than a healthy start, and answers', { timeout: 60_000 }, async () => {
    // The same machine, now: what a start costs without any fault (migrations, simulators, warm-up).
    const healthyMs = await timedStart({});
    for (const env of [{ KALSHI_SIM_FAULT: 'hang' }, { JOHN_SIM_FAULT: 'hang' }] as Array<Record<string, string>>) {
      const ms = await timedStart(env, async (url) => {
        const response = await fetch(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ query: '{ health { status } markets { ticker } }' }),
        });
        expect(response.status).toBe(200);
        const body = (await response.json()) as { data?: { health: { status: string } } };
        expect(body.data?.health.status).toBeTypeOf('string');
      });
      // Kalshi's market and portfolio polls share one wait. One upstream timeout with its retries
      // (5 s per attempt, several attempts) would be far more than the 3 s of slack.
      expect(ms, JSON.stringify(env)).toBeLessThan(healthyMs + FIRST_POLL_WAIT_MS + 3000);
    }
  });
});
