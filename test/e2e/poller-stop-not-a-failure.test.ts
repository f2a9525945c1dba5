/**
 * Issue 9 follow-up: a poller's own stop is not an upstream failure. Every poller (Kalshi markets,
 * Kalshi portfolio, John metrics, Anthropic insights) hands its stop signal to the source guard,
 * so a call cut by the shutdown counts neither as a success nor as a failure and is not recorded:
 * the status board and `data_freshness` keep `consecutiveFailures` 0 and no `lastError`.
 *
 * The whole service against upstreams that hold the request (written from the documented
 * protocols, /work/shared/reference/upstreams.md): the fake Kalshi with a hanging listing and
 * positions route, a tiny John that answers its first poll and then holds every request, and a
 * tiny Anthropic that holds every message request. `app.stop()` runs while all four are held.
 */
import { generateKeyPairSync } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SourceId } from '../../src/core/domain.js';
import { fakeMarket, startFakeKalshi, type FakeKalshi } from '../support/fake-kalshi.js';
import { startService, type RunningService } from '../support/service.js';

interface HoldingServer {
  url: string;
  /** Requests held so far (never answered until close()). */
  readonly held: number;
  /** Resolves once at least `count` requests are held. */
  waitForHeld(count: number): Promise<void>;
  close(): Promise<void>;
}

/** An HTTP server that answers through `answer` until it returns undefined, then holds the request. */
async function startHoldingServer(answer: (request: IncomingMessage) => { status: number; body: unknown } | undefined): Promise<HoldingServer> {
  const held = new Set<ServerResponse>();
  let heldCount = 0;
  const waiters: Array<{ count: number; resolve: () => void }> = [];
  const server: Server = createServer((request, response) => {
    request.resume();
    const reply = answer(request);
    if (reply) {
      response.writeHead(reply.status, { 'content-type': 'application/json' }).end(JSON.stringify(reply.body));
      return;
    }
    held.add(response);
    heldCount++;
    for (const waiter of waiters.filter((w) => heldCount >= w.count)) {
      waiters.splice(waiters.indexOf(waiter), 1);
      waiter.resolve();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    get held() {
      return heldCount;
    },
    waitForHeld(count) {
      return heldCount >= count ? Promise.resolve() : new Promise((resolve) => waiters.push({ count, resolve }));
    },
    async close() {
      for (const response of held) response.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve())));
    },
  };
}

const TICKER = 'FAKE-26-STOP';

describe('a poller stopped mid-call records no upstream failure (whole service)', () => {
  let kalshi: FakeKalshi;
  let john: HoldingServer;
  let anthropic: HoldingServer;
  let service: RunningService;
  let johnAnswered = 0;

  beforeAll(async () => {
    kalshi = await startFakeKalshi({ markets: [fakeMarket(TICKER, { yes_bid_dollars: '0.4000', yes_ask_dollars: '0.4400', volume_24h_fp: '500.00' })] });
    // John answers the documented single-agent endpoint once (startup's poll), then holds. Our
    // simulator's `/all` extension is not John's: 404, as John would answer it.
    john = await startHoldingServer((request) => {
      if (request.url?.startsWith('/api/john/metrics/all')) return { status: 404, body: { error: 'not found' } };
      if (johnAnswered++ > 0) return undefined;
      return {
        status: 200,
        body: {
          agent_id: 'agent:john:main',
          period: '2026-01-01T00:00:00Z',
          metrics: { revenue_usd: 1000, deals_closed: 3, pipeline_value: 5000, conversion_rate: 0.2, avg_deal_size: 333, active_prospects: 12 },
          timestamp: new Date().toISOString(),
          status: 'ok',
        },
      };
    });
    anthropic = await startHoldingServer(() => undefined);
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    service = await startService({
      KALSHI_BASE_URL: kalshi.baseUrl,
      KALSHI_API_KEY: 'test-key-id',
      KALSHI_PRIVATE_KEY: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
      KALSHI_PORTFOLIO_POLL_INTERVAL_MS: '1000',
      JOHN_BASE_URL: john.url,
      JOHN_API_TOKEN: 'test-token',
      ANTHROPIC_BASE_URL: anthropic.url,
      ANTHROPIC_API_KEY: 'sk-ant-test',
      // Nothing held here may time out during the test: only the stop may end these calls.
      CB_TIMEOUT_MS: '60000',
      ANTHROPIC_TIMEOUT_MS: '60000',
    });
  });
  afterAll(async () => {
    await service?.stop();
    await Promise.all([kalshi?.close(), john?.close(), anthropic?.close()]);
  });

  it('stop() while every poller waits on its upstream leaves the board and data_freshness without a failure', async () => {
    const sources: SourceId[] = ['kalshi', 'john', 'anthropic'];
    // The startup polls answered: every source is healthy before the holds.
    for (const source of sources.filter((s) => s !== 'anthropic')) {
      expect(service.app.services.sources.get(source)).toMatchObject({ consecutiveFailures: 0, lastError: null });
    }

    const before = kalshi.requests.length;
    kalshi.override('markets', { hang: true });
    kalshi.override('positions', { hang: true });
    await kalshi.waitForRequest((r) => r.route === 'markets' && kalshi.requests.indexOf(r) >= before, 5000);
    await kalshi.waitForRequest((r) => r.route === 'positions' && kalshi.requests.indexOf(r) >= before, 5000);
    await john.waitForHeld(1);
    await anthropic.waitForHeld(1);

    await service.app.stop();

    for (const source of sources) {
      const status = service.app.services.sources.get(source);
      expect({ source, consecutiveFailures: status.consecutiveFailures, lastError: status.lastError, lastFailureAt: status.lastFailureAt }).toEqual({
        source,
        consecutiveFailures: 0,
        lastError: null,
        lastFailureAt: null,
      });
    }
    // What the history store kept (every write the guards had in flight ended before it closed).
    const db = new Database(join(service.dir, 'northstar.db'), { readonly: true });
    try {
      const rows = db.prepare('SELECT source, consecutive_failures, last_error, last_failed_fetch FROM data_freshness').all() as Array<{
        source: string;
        consecutive_failures: number;
        last_error: string | null;
        last_failed_fetch: unknown;
      }>;
      // The startup polls' successes were written: the rows exist, so their contents are meaningful.
      expect(rows.map((r) => r.source).sort()).toEqual(expect.arrayContaining(['john', 'kalshi']));
      for (const row of rows) expect(row).toEqual({ source: row.source, consecutive_failures: 0, last_error: null, last_failed_fetch: null });
    } finally {
      db.close();
    }
  });
});
