/**
 * Issue 10, section 3: clients cannot starve the upstream reads. The whole service against the
 * fake Kalshi (test/support/fake-kalshi.ts, written from the documented protocol), REST only (no
 * WebSocket URL, so every book is a REST read), counting what the exchange is asked.
 *
 * (c) An unknown ticker asked 50 times costs at most 2 listing calls (it cost 50 before: nothing
 *     remembered that the exchange did not know it), and at most 2 order-book calls.
 * (d) `markets(limit: 1000) { orderBook }` over 30 untracked markets makes at most
 *     KALSHI_BOOK_READS_PER_REQUEST book calls (it made 30); the books beyond are null with a
 *     BOOK_READ_LIMITED error each. With credentials, one signed `GET /markets/orderbooks` call
 *     answers all 30.
 * (e) A burst of 80 client book reads, each its own request, does not delay the market poll by
 *     more than one interval: measured on the listing requests the fake sees (before, a poll
 *     waited behind the whole burst in the pacer: about 80 / KALSHI_READS_PER_SECOND = 4 s).
 * (f) A burst far beyond what the pacer can serve within the call deadline: the reads that would
 *     queue past a quarter of CB_TIMEOUT_MS are refused at once (not sent, not counted), so the breaker
 *     stays CLOSED and the poll goes on (before, they timed out in the queue, each timeout counted
 *     against Kalshi, and the breaker opened: the pollers failed fast too).
 */
import { generateKeyPairSync } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fakeMarket, startFakeKalshi, type FakeKalshi, type RecordedRequest } from '../support/fake-kalshi.js';
import { startService, type RunningService } from '../support/service.js';

/** One RSA key pair for the signed route: the service signs with the private key, the fake verifies. */
const keys = (() => {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return { publicKey, privatePem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString() };
})();

interface Answer<T> {
  data?: T;
  errors?: Array<{ message: string; path?: Array<string | number>; extensions?: Record<string, unknown> }>;
}

async function query<T>(url: string, text: string, variables: Record<string, unknown> = {}): Promise<Answer<T>> {
  const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: text, variables }) });
  return (await response.json()) as Answer<T>;
}

function manyMarkets(count: number, prefix: string) {
  return Array.from({ length: count }, (_, i) => fakeMarket(`${prefix}-${String(i).padStart(3, '0')}`, { volume_24h_fp: `${count - i}.00` }));
}

function withBooks(fake: FakeKalshi, tickers: readonly string[]): void {
  for (const ticker of tickers) fake.setBook(ticker, { yes: [['0.3000', '2.00']], no: [['0.6000', '3.00']] });
}

/** A fake exchange listing these markets, each with a small book. */
async function fakeWithBooks(markets: ReturnType<typeof manyMarkets>): Promise<FakeKalshi> {
  const fake = await startFakeKalshi({ markets });
  withBooks(
    fake,
    markets.map((m) => m.ticker),
  );
  return fake;
}

const countOf = (fake: FakeKalshi, match: (request: RecordedRequest) => boolean): number => fake.requests.filter(match).length;

describe('an unknown ticker asked for again and again (whole service, fake Kalshi)', () => {
  let fake: FakeKalshi;
  let service: RunningService;

  beforeAll(async () => {
    fake = await startFakeKalshi({ markets: [fakeMarket('FAKE-26-KNOWN')] });
    service = await startService({ KALSHI_BASE_URL: fake.baseUrl, KALSHI_UNKNOWN_TICKER_TTL_MS: '60000' });
  });
  afterAll(async () => {
    await service?.stop();
    await fake?.close();
  });

  it('50 asks for the market cost at most 2 listing calls, 50 for its book at most 2 book calls; all answer null', async () => {
    for (let i = 0; i < 50; i++) {
      const body = await query<{ market: unknown }>(service.url, 'query ($t: String!) { market(ticker: $t) { ticker } }', { t: 'FAKE-26-NOPE' });
      expect(body).toEqual({ data: { market: null } });
    }
    expect(countOf(fake, (r) => r.route === 'markets' && r.query.tickers === 'FAKE-26-NOPE')).toBeLessThanOrEqual(2);

    for (let i = 0; i < 50; i++) {
      const body = await query<{ orderBook: unknown }>(service.url, 'query ($t: String!) { orderBook(ticker: $t) { ticker } }', { t: 'FAKE-26-NOBOOK' });
      expect(body).toEqual({ data: { orderBook: null } });
    }
    expect(countOf(fake, (r) => r.route === 'orderbook' && r.path.endsWith('/FAKE-26-NOBOOK/orderbook'))).toBeLessThanOrEqual(2);
  });

  it('a market the listing names again is believed at once, negative cache or not', async () => {
    const miss = await query<{ market: unknown }>(service.url, 'query { market(ticker: "FAKE-26-LATE") { ticker } }');
    expect(miss.data?.market).toBeNull();
    fake.setMarket(fakeMarket('FAKE-26-LATE'));
    // The next poll lists it (the poll runs every 100 ms here): it is served from then on.
    const deadline = Date.now() + 5000;
    for (;;) {
      const hit = await query<{ market: { ticker: string } | null }>(service.url, 'query { market(ticker: "FAKE-26-LATE") { ticker } }');
      if (hit.data?.market?.ticker === 'FAKE-26-LATE') break;
      if (Date.now() > deadline) throw new Error('the listed market was never served');
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  });
});

const FAN_OUT = `{ markets(limit: 1000) { ticker orderBook(depth: 1) { bids { price } } } }`;
type FanOut = { markets: Array<{ ticker: string; orderBook: { bids: Array<{ price: number }> } | null }> };

describe('a request fanning out over many untracked books (whole service, fake Kalshi)', () => {
  const markets = manyMarkets(30, 'FAKE-26-FAN');
  const tickers = markets.map((m) => m.ticker);
  let fake: FakeKalshi;

  beforeAll(async () => {
    const { publicKey } = keys;
    fake = await startFakeKalshi({ markets, publicKey });
    withBooks(fake, tickers);
  });
  afterAll(async () => {
    await fake?.close();
  });

  it('without credentials: at most KALSHI_BOOK_READS_PER_REQUEST book calls; the rest null, each with BOOK_READ_LIMITED', async () => {
    const service = await startService({ KALSHI_BASE_URL: fake.baseUrl, KALSHI_BOOK_READS_PER_REQUEST: '5' });
    try {
      const before = countOf(fake, (r) => r.route === 'orderbook');
      const body = await query<FanOut>(service.url, FAN_OUT);
      expect(countOf(fake, (r) => r.route === 'orderbook') - before).toBe(5);
      expect(countOf(fake, (r) => r.route === 'orderbooks')).toBe(0);
      const served = body.data!.markets.filter((m) => m.orderBook !== null);
      expect(served).toHaveLength(5);
      expect(served.every((m) => m.orderBook!.bids[0]!.price === 0.3)).toBe(true);
      const limited = body.errors ?? [];
      expect(limited).toHaveLength(25);
      expect(new Set(limited.map((e) => e.extensions?.code))).toEqual(new Set(['BOOK_READ_LIMITED']));
      // Each error points at the one book it stands for.
      const nullAt = body.data!.markets.flatMap((m, i) => (m.orderBook === null ? [i] : []));
      expect(limited.map((e) => e.path?.[1]).sort((a, b) => Number(a) - Number(b))).toEqual(nullAt);
      expect(limited.every((e) => e.path?.[0] === 'markets' && e.path[2] === 'orderBook')).toBe(true);
    } finally {
      await service.stop();
    }
  });

  it('with credentials: one signed GET /markets/orderbooks answers every book', async () => {
    const service = await startService({
      KALSHI_BASE_URL: fake.baseUrl,
      KALSHI_API_KEY: 'fake-key-id',
      KALSHI_PRIVATE_KEY: keys.privatePem,
      KALSHI_BOOK_READS_PER_REQUEST: '5',
    });
    try {
      const before = { single: countOf(fake, (r) => r.route === 'orderbook'), batch: countOf(fake, (r) => r.route === 'orderbooks') };
      const body = await query<FanOut>(service.url, FAN_OUT);
      expect(body.errors).toBeUndefined();
      expect(body.data!.markets).toHaveLength(30);
      expect(body.data!.markets.every((m) => m.orderBook?.bids[0]?.price === 0.3)).toBe(true);
      expect(countOf(fake, (r) => r.route === 'orderbook') - before.single).toBe(0);
      const batches = fake.requests.filter((r) => r.route === 'orderbooks').slice(before.batch);
      expect(batches).toHaveLength(1);
      expect(batches[0]!.query.tickers!.split(',').sort()).toEqual([...tickers].sort());
      expect(batches[0]!.headers['kalshi-access-key']).toBe('fake-key-id');
    } finally {
      await service.stop();
    }
  });
});

describe('a burst of client book reads and the market poll (whole service, fake Kalshi)', () => {
  const INTERVAL_MS = 600;
  const READS = 80;
  const markets = manyMarkets(READS, 'FAKE-26-BURST');
  let fake: FakeKalshi;
  let service: RunningService;

  beforeAll(async () => {
    fake = await fakeWithBooks(markets);
    service = await startService({
      KALSHI_BASE_URL: fake.baseUrl,
      KALSHI_POLL_INTERVAL_MS: String(INTERVAL_MS),
      KALSHI_READS_PER_SECOND: '20',
      // The burst queues in the pacer for a few seconds: no breaker deadline may cut it short.
      CB_TIMEOUT_MS: '30000',
    });
  });
  afterAll(async () => {
    await service?.stop();
    await fake?.close();
  });

  it('no gap between two polls exceeds two intervals while 80 reads queue for the pacer', async () => {
    const isPoll = (r: RecordedRequest): boolean => r.route === 'markets' && r.query.tickers === undefined;
    const answers = await Promise.all(
      markets.map((m) =>
        query<{ orderBook: { ticker: string } | null }>(service.url, 'query ($t: String!) { orderBook(ticker: $t) { ticker } }', { t: m.ticker }),
      ),
    );
    expect(answers.every((a, i) => a.data?.orderBook?.ticker === markets[i]!.ticker)).toBe(true);
    const reads = fake.requests.filter((r) => r.route === 'orderbook').map((r) => r.at);
    const burst = { from: Math.min(...reads), to: Math.max(...reads) };
    // The burst was paced over several poll intervals, or this would prove nothing.
    expect(burst.to - burst.from).toBeGreaterThan(3 * INTERVAL_MS);
    // One poll after the burst, so the last gap is closed.
    await fake.waitFor(() => fake.requests.some((r) => isPoll(r) && r.at > burst.to), 5000, 'a poll after the burst');

    const polls = fake.requests.filter(isPoll).map((r) => r.at);
    const first = polls.findLastIndex((at) => at <= burst.from);
    const last = polls.findIndex((at) => at > burst.to);
    const during = polls.slice(first, last + 1);
    const gaps = during.slice(1).map((at, i) => at - during[i]!);
    // A poll starts INTERVAL_MS after the previous one ended: "delayed by at most one interval"
    // means no gap above two intervals.
    expect(Math.max(...gaps), `gaps between polls (ms): ${gaps.join(', ')}`).toBeLessThanOrEqual(2 * INTERVAL_MS);
    expect(during.length).toBeGreaterThan(4);
  });
});

describe('a burst far beyond the pacer within the call deadline (whole service, fake Kalshi)', () => {
  const READS = 40;
  const markets = manyMarkets(READS, 'FAKE-26-FLOOD');
  let fake: FakeKalshi;
  let service: RunningService;

  beforeAll(async () => {
    fake = await fakeWithBooks(markets);
    service = await startService({ KALSHI_BASE_URL: fake.baseUrl, KALSHI_POLL_INTERVAL_MS: '300', KALSHI_READS_PER_SECOND: '5', CB_TIMEOUT_MS: '2000' });
  });
  afterAll(async () => {
    await service?.stop();
    await fake?.close();
  });

  it('reads that would wait past the deadline are shed, not timed out: the breaker stays CLOSED and the polls go on', async () => {
    const answers = await Promise.all(
      markets.map((m) =>
        query<{ orderBook: { ticker: string } | null }>(service.url, 'query ($t: String!) { orderBook(ticker: $t) { ticker } }', { t: m.ticker }),
      ),
    );
    const served = answers.filter((a) => a.data?.orderBook !== null && a.data?.orderBook !== undefined).length;
    // 5 tokens a second, half a second of queue allowed (a quarter of the deadline): a handful served, the rest shed (null).
    expect(served).toBeGreaterThan(0);
    expect(served).toBeLessThan(READS);
    expect(answers.every((a) => a.errors === undefined)).toBe(true);
    // Shed reads never left: the exchange saw only the ones served; /metrics counts the rest.
    expect(countOf(fake, (r) => r.route === 'orderbook')).toBe(served);
    expect((await service.app.metrics.kalshiReadsShed.get()).values[0]?.value).toBe(READS - served);

    const sources = await query<{ sources: Array<{ source: string; breaker: string; consecutiveFailures: number }> }>(
      service.url,
      '{ sources { source breaker consecutiveFailures lastError } }',
    );
    const kalshiStatus = sources.data!.sources.find((s) => s.source === 'KALSHI');
    expect(kalshiStatus, JSON.stringify(kalshiStatus)).toMatchObject({ breaker: 'CLOSED', consecutiveFailures: 0 });
    const polled = countOf(fake, (r) => r.route === 'markets');
    await fake.waitFor(() => countOf(fake, (r) => r.route === 'markets') > polled, 3000, 'the next poll');
  });
});
