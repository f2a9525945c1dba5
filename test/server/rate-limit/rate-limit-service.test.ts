/**
 * Rate limits on the whole service (in-process, real HTTP, SSE and WebSockets, the shared Redis),
 * as a client sees them: 429 + RATE_LIMITED + Retry-After for a key over its rate while another key
 * is served, one budget for two instances on one Redis, nothing throttled with AUTH_MODE=off unless
 * RATE_LIMIT_PER_IP is set, a graphql-ws `subscribe` over the rate refused with an `error` message on
 * a socket that lives on, connections per key (4429, and 429 for SSE), and Redis unreachable.
 * Limits are 2 a second with a burst of 4, so every refusal comes within a few requests.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startService, type RunningService } from '../../support/service.js';
import { until } from '../../support/until.js';
import { freePort, rawRedis, requireSharedRedis, SHARED_REDIS_URL } from '../../cache/helpers.js';
import { bearer, testKey, type TestKey } from '../access/keys.js';
import { openRawSocket, type RawSocket } from '../access/ws-close.js';

const QUERY = '{ sources { source } }';
const LOW_LIMITS = { RATE_LIMIT_PER_KEY: '2', RATE_LIMIT_BURST: '4' };

interface Answer {
  status: number;
  headers: Headers;
  body: { data?: unknown; errors?: Array<{ message: string; extensions?: Record<string, unknown> }> };
}

async function post(url: string, headers: Record<string, string> = {}): Promise<Answer> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json, application/json', ...headers },
    body: JSON.stringify({ query: QUERY }),
  });
  return { status: response.status, headers: response.headers, body: (await response.json()) as Answer['body'] };
}

async function statuses(url: string, count: number, headers: Record<string, string> = {}): Promise<number[]> {
  const answers: number[] = [];
  for (let i = 0; i < count; i++) answers.push((await post(url, headers)).status);
  return answers;
}

/**
 * Requests until one is refused (at most `max`), the refusal last. A burst of 4 fits one window, but
 * on a loaded machine the requests can straddle a one-second window, which refills the rate: so the
 * tests ask "refused within a few", not "refused exactly at the fifth".
 */
async function untilRefused(url: string, headers: Record<string, string>, max = 16): Promise<Answer[]> {
  const answers: Answer[] = [];
  while (answers.length < max) {
    const answer = await post(url, headers);
    answers.push(answer);
    if (answer.status !== 200) break;
  }
  return answers;
}

async function initialised(url: string, key: TestKey): Promise<RawSocket> {
  const socket = await openRawSocket(url);
  socket.send({ type: 'connection_init', payload: { authorization: `Bearer ${key.key}` } });
  await socket.next('connection_ack');
  return socket;
}

function expectRateLimited(answer: Answer): void {
  expect(answer.status).toBe(429);
  expect(answer.headers.get('retry-after')).toMatch(/^[1-9]\d*$/);
  expect(answer.body.errors?.map((error) => error.extensions?.code)).toEqual(['RATE_LIMITED']);
}

describe('rate limits with API keys (Redis unreachable: counted in memory)', () => {
  const busy = testKey('busy', 'read');
  const calm = testKey('calm', 'read');
  const socketUser = testKey('socket-user', 'read');
  const holder = testKey('holder', 'read');
  let service: RunningService;

  beforeAll(async () => {
    service = await startService({
      API_KEYS: [busy, calm, socketUser, holder].map((k) => k.entry).join(','),
      AUTH_MODE: 'keys',
      REDIS_URL: `redis://127.0.0.1:${await freePort()}`,
      MAX_CONNECTIONS_PER_KEY: '2',
      ...LOW_LIMITS,
    });
  }, 60_000);
  afterAll(async () => {
    await service?.stop();
  });

  it('answers a key over its rate 429 RATE_LIMITED with Retry-After, while another key is served', async () => {
    const answers = await untilRefused(service.url, bearer(busy.key));
    expect(answers.length).toBeGreaterThanOrEqual(5);
    const refused = answers.at(-1)!;
    expectRateLimited(refused);
    expect(refused.headers.get('retry-after')).toBe('1');
    expect(refused.body.errors?.[0]?.message).toContain('"busy"');
    expect(await statuses(service.url, 4, bearer(calm.key))).toEqual([200, 200, 200, 200]);
  });

  it('refuses a graphql-ws subscribe over the rate with an error message, and the socket lives on', async () => {
    const socket = await initialised(service.url, socketUser);
    const answered = (id: string) => socket.messages.find((m) => m.id === id && (m.type === 'complete' || m.type === 'error'))?.type ?? null;
    let refusedId: string | null = null;
    for (let i = 1; i <= 16 && refusedId === null; i++) {
      socket.send({ type: 'subscribe', id: `q${i}`, payload: { query: QUERY } });
      if ((await until(`q${i} answered`, 5000, () => answered(`q${i}`))) === 'error') refusedId = `q${i}`;
    }
    const error = await socket.next('error');
    expect(error.id).toBe(refusedId);
    expect(Number(refusedId?.slice(1))).toBeGreaterThanOrEqual(5);
    expect((error.payload as Array<{ extensions?: { code?: string; retryAfterSeconds?: number } }>)[0]?.extensions).toMatchObject({
      code: 'RATE_LIMITED',
      retryAfterSeconds: 1,
    });
    socket.send({ type: 'ping' });
    await socket.next('pong');
    expect(socket.socket.readyState).toBe(socket.socket.OPEN);
    // Once the window has passed, the same socket is served again.
    await until('a subscribe is admitted again', 5000, async () => {
      const id = randomUUID();
      socket.send({ type: 'subscribe', id, payload: { query: QUERY } });
      return (await until(`${id} answered`, 5000, () => answered(id))) === 'complete' ? true : null;
    });
    socket.socket.close();
  });

  it('closes a WebSocket over MAX_CONNECTIONS_PER_KEY with 4429, refuses an SSE stream over it with 429, and frees the slot on close', async () => {
    const first = await initialised(service.url, holder);
    const second = await initialised(service.url, holder);
    const third = await openRawSocket(service.url);
    third.send({ type: 'connection_init', payload: { authorization: `Bearer ${holder.key}` } });
    expect(await third.closed).toEqual({ code: 4429, reason: 'Too many connections for this key' });

    const sse = await fetch(`${service.url}?query=${encodeURIComponent('subscription { aggregateUpdated { takenAt } }')}`, {
      headers: { accept: 'text/event-stream', ...bearer(holder.key) },
    });
    expect(sse.status).toBe(429);
    expect(((await sse.json()) as Answer['body']).errors?.[0]?.extensions?.code).toBe('TOO_MANY_CONNECTIONS');

    first.socket.close();
    await first.closed;
    const again = await until('a slot is free again', 5000, async () => {
      const socket = await openRawSocket(service.url);
      socket.send({ type: 'connection_init', payload: { authorization: `Bearer ${holder.key}` } });
      const outcome = await Promise.race([socket.next('connection_ack').then(() => 'ack'), socket.closed.then(() => null)]);
      return outcome === 'ack' ? socket : null;
    });
    again.socket.close();
    second.socket.close();
  });
});

describe('one key, two instances on one Redis', () => {
  // A key id of this run's own: the budget lives in the shared Redis (its keys expire within 10 s).
  const shared = testKey(`shared-${randomUUID().slice(0, 8)}`, 'read');
  let one: RunningService;
  let two: RunningService;

  beforeAll(async () => {
    await requireSharedRedis();
    const env = { API_KEYS: shared.entry, AUTH_MODE: 'keys', REDIS_URL: SHARED_REDIS_URL, ...LOW_LIMITS };
    [one, two] = await Promise.all([startService(env), startService(env)]);
  }, 60_000);
  afterAll(async () => {
    await Promise.all([one?.stop(), two?.stop()]);
    const raw = rawRedis();
    await raw.del(`northstar:rate:key:${shared.id}`, `northstar:rate:key-burst:${shared.id}`);
    raw.disconnect();
  });

  it('shares the key budget: once it is spent on one instance, the other refuses too', async () => {
    expectRateLimited((await untilRefused(one.url, bearer(shared.key))).at(-1)!);
    // The burst reserve is spent now: a new window gives back at most the rate (2) of these 3,
    // where a budget of the second instance's own would admit all 3.
    const onTwo = await Promise.all([1, 2, 3].map(() => post(two.url, bearer(shared.key))));
    const refused = onTwo.filter((answer) => answer.status === 429);
    expect(refused.length).toBeGreaterThanOrEqual(1);
    for (const answer of refused) expectRateLimited(answer);
  });
});

describe('AUTH_MODE=off', () => {
  let open: RunningService;
  let perIp: RunningService;

  beforeAll(async () => {
    [open, perIp] = await Promise.all([startService({ ...LOW_LIMITS }), startService({ ...LOW_LIMITS, RATE_LIMIT_PER_IP: '2' })]);
  }, 60_000);
  afterAll(async () => {
    await Promise.all([open?.stop(), perIp?.stop()]);
  });

  it('throttles nothing without RATE_LIMIT_PER_IP: 500 quick requests all answered 200', async () => {
    const answers: number[] = [];
    for (let batch = 0; batch < 10; batch++) {
      answers.push(...(await Promise.all(Array.from({ length: 50 }, async () => (await post(open.url)).status))));
    }
    expect(answers).toHaveLength(500);
    expect(answers.every((status) => status === 200)).toBe(true);
  });

  it('throttles by client address with RATE_LIMIT_PER_IP, over HTTP and graphql-ws', async () => {
    const answers = await untilRefused(perIp.url, {});
    expect(answers.length).toBeGreaterThanOrEqual(5);
    const refused = answers.at(-1)!;
    expectRateLimited(refused);
    expect(refused.body.errors?.[0]?.message).toContain('client address');
    const socket = await openRawSocket(perIp.url);
    socket.send({ type: 'connection_init' });
    await socket.next('connection_ack');
    // As above: at most the rate's 2 of these 3 can be admitted once the reserve is spent.
    for (const id of ['s1', 's2', 's3']) socket.send({ type: 'subscribe', id, payload: { query: QUERY } });
    const error = await socket.next('error');
    expect((error.payload as Array<{ extensions?: { code?: string } }>)[0]?.extensions?.code).toBe('RATE_LIMITED');
    socket.socket.close();
  });
});
