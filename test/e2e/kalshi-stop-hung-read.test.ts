/**
 * Issue 9 follow-up: stopping the Kalshi source does not wait for a read already sent. Its stop()
 * cancels the reads in flight (their callers get a cancellation, which the guard neither counts
 * nor records) and then closes the client, which cuts whatever is still on the wire. Before,
 * `client.close()` (undici's Pool.close) waited for the hung answer, so the shutdown's "stop
 * producers" step ran to its bound — and on the simulator, the simulator never closed.
 *
 * The whole service, a REST order-book read hung at the exchange (the fake Kalshi, and the bundled
 * simulator with its `hang` fault), `app.stop()` while it hangs.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { parseKalshiRestFault } from '../../src/simulators/kalshi/rest-faults.js';
import { fakeMarket, startFakeKalshi, type FakeKalshi } from '../support/fake-kalshi.js';
import { startService, type RunningService } from '../support/service.js';

const TICKER = 'FAKE-26-HUNG';

let service: RunningService | null = null;
let fake: FakeKalshi | null = null;
afterEach(async () => {
  await service?.stop();
  await fake?.close();
  service = fake = null;
});

/** Stops the app while `read` hangs; returns the producers step and how the read ended. */
async function stopWhileHung(running: RunningService, read: Promise<unknown>) {
  const settled = read.then(
    (value) => ({ ok: true as const, value }),
    (error: unknown) => ({ ok: false as const, error }),
  );
  const report = await running.app.stop();
  const producers = report.steps.find((step) => step.name === 'stop producers');
  return { producers, read: await settled };
}

describe('Kalshi source stop() with a REST read hung at the exchange', () => {
  it('returns promptly against the fake exchange, and the cut read is not a failure', { timeout: 30_000 }, async () => {
    fake = await startFakeKalshi({ markets: [fakeMarket(TICKER)] });
    service = await startService({
      // REST only: order books are read on demand, through the guard.
      KALSHI_BASE_URL: fake.baseUrl,
      // No poll of ours in flight at shutdown: only the hung read is.
      KALSHI_POLL_INTERVAL_MS: '600000',
      // The hung read must not end by its deadline during the test; the producers step may take 2 s.
      CB_TIMEOUT_MS: '60000',
      SHUTDOWN_TIMEOUT_MS: '10000',
    });
    const before = fake.requests.length;
    fake.override('orderbook', { hang: true });
    // In process, not over HTTP: the shutdown's drain step does not wait for it, so what is
    // measured is the source's stop alone.
    const read = service.app.services.orderBooks.getMany([TICKER]);
    await fake.waitForRequest((r) => r.route === 'orderbook' && fake!.requests.indexOf(r) >= before, 5000);

    const { producers, read: ended } = await stopWhileHung(service, read);
    expect(producers).toMatchObject({ outcome: 'done' });
    expect(producers!.durationMs).toBeLessThan(producers!.boundMs);
    // The read ended, served as absent (no tier holds the book; the cancelled load is not an error) …
    expect(ended).toEqual({ ok: true, value: [null] });
    // … and nothing was recorded against Kalshi.
    expect(service.app.services.sources.get('kalshi')).toMatchObject({ consecutiveFailures: 0, lastError: null, lastFailureAt: null });
  });

  it('returns promptly on the simulator, which closes too', { timeout: 30_000 }, async () => {
    service = await startService({
      // The feed follows one book; the quietest market's book is a REST read.
      KALSHI_TRACK_TOP_N: '1',
      KALSHI_POLL_INTERVAL_MS: '600000',
      KALSHI_PORTFOLIO_POLL_INTERVAL_MS: '3600000',
      CB_TIMEOUT_MS: '60000',
      SHUTDOWN_TIMEOUT_MS: '10000',
    });
    const simulator = service.app.simulators.kalshi!;
    const ticker = service.app.services.markets.list({}).sort((x, y) => x.volume.volume24h - y.volume.volume24h)[0]!.ticker;
    const failuresBefore = service.app.services.sources.get('kalshi').consecutiveFailures;
    const before = simulator.requestCount();
    simulator.injectFault(parseKalshiRestFault('hang'));
    const read = service.app.services.orderBooks.getMany([ticker]);
    await expect.poll(() => simulator.requestCount(), { timeout: 5000, interval: 10 }).toBeGreaterThan(before);

    const { producers } = await stopWhileHung(service, read);
    expect(producers).toMatchObject({ outcome: 'done' });
    expect(producers!.durationMs).toBeLessThan(producers!.boundMs);
    expect(service.app.services.sources.get('kalshi').consecutiveFailures).toBe(failuresBefore);
  });
});
