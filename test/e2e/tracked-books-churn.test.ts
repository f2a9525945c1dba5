/**
 * Issue 9, item 12: the tracked order-book set must not churn at the top-N boundary. The real
 * service against the fake Kalshi with KALSHI_TRACK_TOP_N=1: two markets trade first place on
 * every poll. The feed follows both after the first swap and sends no further delete_markets /
 * add_markets; a market leaves once its rank passes N + margin (here: third).
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { fakeMarket, startFakeKalshi, type FakeKalshi, type RecordedCommand } from '../support/fake-kalshi.js';
import { startService, type RunningService } from '../support/service.js';

async function volumeServed(url: string, ticker: string): Promise<number | undefined> {
  const query = `query ($ticker: String!) { market(ticker: $ticker) { volume { volume24h } } }`;
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query, variables: { ticker } }),
  });
  const body = (await response.json()) as { data?: { market: { volume: { volume24h: number } } | null } };
  return body.data?.market?.volume.volume24h;
}

describe('tracked order books at the top-N boundary (whole service, fake Kalshi)', () => {
  let fake: FakeKalshi;
  let service: RunningService;

  beforeAll(async () => {
    fake = await startFakeKalshi({
      markets: [
        fakeMarket('FAKE-26-A', { volume_24h_fp: '200.00' }),
        fakeMarket('FAKE-26-B', { volume_24h_fp: '100.00' }),
        fakeMarket('FAKE-26-C', { volume_24h_fp: '10.00' }),
      ],
    });
    service = await startService({ ...fake.env(), KALSHI_TRACK_TOP_N: '1' });
    await fake.waitForSubscribed('FAKE-26-A');
  });
  afterAll(async () => {
    await service?.stop();
    await fake?.close();
  });

  /** Sets the 24 h volumes and waits until the service has read a listing carrying them. */
  async function listVolumes(volumes: Record<string, number>): Promise<void> {
    for (const [ticker, volume] of Object.entries(volumes)) fake.setMarket({ ticker, volume_24h_fp: `${volume}.00` });
    for (const [ticker, volume] of Object.entries(volumes)) {
      await vi.waitFor(async () => expect(await volumeServed(service.url, ticker)).toBe(volume), { timeout: 3000, interval: 20 });
    }
  }

  /** update_subscription commands on the order-book sid, as [action, tickers]. */
  function bookCommands(): Array<[unknown, unknown]> {
    const sids = new Set(
      fake
        .subscriptions()
        .filter((s) => s.channel === 'orderbook_delta')
        .map((s) => s.sid),
    );
    return fake.commands
      .filter((c: RecordedCommand) => c.cmd === 'update_subscription' && sids.has(Number(c.params.sid)))
      .map((c) => [c.params.action, c.params.market_tickers]);
  }

  it('two markets swapping first place on every poll are both followed, with one add and no delete', async () => {
    // B overtakes A: B is added; A, second (rank 1 < N + margin = 2), stays.
    await listVolumes({ 'FAKE-26-B': 300 });
    await fake.waitForSubscribed('FAKE-26-B');
    // Five more swaps, one listing each.
    for (let swap = 0; swap < 5; swap++) {
      const aFirst = swap % 2 === 0;
      await listVolumes({ 'FAKE-26-A': 400 + swap * 10 + (aFirst ? 5 : 0), 'FAKE-26-B': 400 + swap * 10 + (aFirst ? 0 : 5) });
    }
    // C jumps to first place: C is added and the market now third leaves. Commands arrive in order
    // on the one connection, so once C is held every command sent before it has been received.
    await listVolumes({ 'FAKE-26-C': 10_000 });
    await fake.waitForSubscribed('FAKE-26-C');
    const third = (await volumeServed(service.url, 'FAKE-26-A'))! < (await volumeServed(service.url, 'FAKE-26-B'))! ? 'FAKE-26-A' : 'FAKE-26-B';
    const second = third === 'FAKE-26-A' ? 'FAKE-26-B' : 'FAKE-26-A';
    await fake.waitFor(() => bookCommands().some(([action]) => action === 'delete_markets'), 3000, 'the third market to be dropped');

    expect(bookCommands()).toEqual([
      ['add_markets', ['FAKE-26-B']],
      ['add_markets', ['FAKE-26-C']],
      ['delete_markets', [third]],
    ]);
    const held = fake.subscriptions().find((s) => s.channel === 'orderbook_delta')!.tickers;
    expect([...held].sort()).toEqual(['FAKE-26-C', second].sort());
  });
});
