/**
 * Secrets never reach the logs. The real process runs at LOG_LEVEL=debug with known upstream
 * credentials (Kalshi key id and private key, Anthropic key, John token) against upstreams that
 * fail (Kalshi's portfolio answers 401, John refuses the token, Anthropic is not listening) and
 * with known client keys; every path that logs is driven (auth failures with wrong and right keys
 * over HTTP, SSE and graphql-ws, an admin mutation, a failing analysis, the shutdown); then no
 * secret, and no key digest, appears anywhere in stdout or stderr.
 */
import { createHash, generateKeyPairSync } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeJohn, type FakeJohn } from '../support/fake-john.js';
import { fakeMarket, startFakeKalshi, type FakeKalshi } from '../support/fake-kalshi.js';
import { graphqlUrl, startServiceProcess, TEST_API_KEY, TEST_API_KEY_ENTRY, type ServiceProcess } from '../support/service-process.js';
import { until } from '../support/until.js';
import { openRawSocket } from '../server/access/ws-close.js';
import { testKey } from '../server/access/keys.js';
import { freePort } from '../cache/helpers.js';

const KALSHI_KEY_ID = 'kalshi-key-id-SECRET-7c1e5b2a';
const ANTHROPIC_KEY = 'sk-ant-SECRET-anthropic-0f9e8d7c6b5a';
const JOHN_TOKEN = 'john-token-SECRET-1a2b3c4d';
const WRONG_CLIENT_KEY = 'wrong-client-key-SECRET-9z8y7x';
const reader = testKey('reader', 'read');

describe('secrets in logs', () => {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const pem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  let kalshi: FakeKalshi;
  let john: FakeJohn;
  let service: ServiceProcess;

  beforeAll(async () => {
    kalshi = await startFakeKalshi({ markets: [fakeMarket('SECRETS-A'), fakeMarket('SECRETS-B')] });
    kalshi.override('positions', { status: 401, body: { error: 'unauthorized' } });
    // John accepts another token: every poll is an auth failure.
    john = await startFakeJohn('some-other-token');
    service = await startServiceProcess({
      LOG_LEVEL: 'debug',
      SIMULATORS: 'none',
      KALSHI_BASE_URL: kalshi.baseUrl,
      KALSHI_API_KEY: KALSHI_KEY_ID,
      KALSHI_PRIVATE_KEY: pem,
      KALSHI_POLL_INTERVAL_MS: '500',
      KALSHI_PORTFOLIO_POLL_INTERVAL_MS: '1000',
      ANTHROPIC_BASE_URL: `http://127.0.0.1:${await freePort()}`,
      ANTHROPIC_API_KEY: ANTHROPIC_KEY,
      INSIGHT_INTERVAL_MS: '1000',
      JOHN_BASE_URL: john.baseUrl,
      JOHN_API_TOKEN: JOHN_TOKEN,
      JOHN_POLL_INTERVAL_MS: '1000',
      API_KEYS: `${TEST_API_KEY_ENTRY},${reader.entry}`,
      WS_CONNECTION_INIT_TIMEOUT_MS: '300',
    });
  }, 60_000);
  afterAll(async () => {
    await service?.dispose();
    await john?.close();
    await kalshi?.close();
  });

  it('logs none of the upstream credentials, client keys or key digests on any path', { timeout: 60_000 }, async () => {
    const url = graphqlUrl(service);
    const post = (query: string, headers: Record<string, string>) =>
      fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify({ query }) });

    // HTTP: no key, a wrong key, a malformed header carrying a key, the right keys (read and admin).
    expect((await post('{ sources { source } }', {})).status).toBe(401);
    expect((await post('{ sources { source } }', { authorization: `Bearer ${WRONG_CLIENT_KEY}`, 'x-api-key': WRONG_CLIENT_KEY })).status).toBe(401);
    expect((await post('{ sources { source } }', { authorization: reader.key })).status).toBe(401);
    expect((await post('{ sources { source lastError } health { status } }', { authorization: `Bearer ${reader.key}` })).status).toBe(200);
    expect((await post('mutation { requestInsight { id } }', { authorization: `Bearer ${reader.key}` })).status).toBe(403);
    expect((await post('mutation { resetBreaker(source: JOHN) { source } }', { authorization: `Bearer ${TEST_API_KEY}` })).status).toBe(200);
    // A failing analysis (Anthropic is not listening), asked for by the admin key.
    await post('mutation { requestInsight { id } }', { authorization: `Bearer ${TEST_API_KEY}` });
    // SSE with a wrong key.
    const sse = await fetch(`${url}?query=${encodeURIComponent('subscription { aggregateUpdated { takenAt } }')}`, {
      headers: { accept: 'text/event-stream', authorization: `Bearer ${WRONG_CLIENT_KEY}` },
    });
    expect(sse.status).toBe(401);
    // graphql-ws: a wrong key, no connection_init, and the right key with a subscription.
    const wrong = await openRawSocket(url);
    wrong.send({ type: 'connection_init', payload: { authorization: `Bearer ${WRONG_CLIENT_KEY}` } });
    expect((await wrong.closed).code).toBe(4401);
    expect((await (await openRawSocket(url)).closed).code).toBe(4401);
    const good = await openRawSocket(url);
    good.send({ type: 'connection_init', payload: { authorization: `Bearer ${reader.key}` } });
    await good.next('connection_ack');
    good.send({ id: '1', type: 'subscribe', payload: { query: 'subscription { sourceStatusChanged { source lastError } }' } });
    good.send({ id: '2', type: 'subscribe', payload: { query: 'subscription { aggregateUpdated { takenAt } }' } });
    await good.next('next');
    good.socket.close(1000);

    // The upstream failures have been logged (so their paths ran).
    await until('John, Kalshi portfolio and Anthropic failures logged', 20_000, () => {
      const failing = (source: string) => service.logs.some((line) => line.level >= 40 && JSON.stringify(line).includes(source));
      return failing('john') && failing('anthropic') && service.logs.some((line) => JSON.stringify(line).includes('401')) ? true : null;
    });
    const { code } = await service.signal('SIGTERM');
    expect(code).toBe(0);

    const output = `${service.logs.map((line) => JSON.stringify(line)).join('\n')}\n${service.stderr()}`;
    const pemBody = pem.split('\n').filter((line) => line !== '' && !line.startsWith('-----'));
    const secrets = [
      KALSHI_KEY_ID,
      ANTHROPIC_KEY,
      JOHN_TOKEN,
      TEST_API_KEY,
      reader.key,
      WRONG_CLIENT_KEY,
      TEST_API_KEY_ENTRY.split(':')[2]!,
      reader.entry.split(':')[2]!,
      createHash('sha256').update(WRONG_CLIENT_KEY).digest('hex'),
      ...pemBody,
    ];
    // The credentials were in play (sent upstream), and the paths that log about access ran.
    expect(kalshi.requests.some((request) => request.headers['kalshi-access-key'] === KALSHI_KEY_ID)).toBe(true);
    expect(john.seen.some((request) => request.authorization === `Bearer ${JOHN_TOKEN}`)).toBe(true);
    const messages = new Set(service.logs.map((line) => line.msg));
    for (const message of ['request refused: not authenticated', 'WebSocket refused at connection_init', 'operation refused', 'admin mutation']) {
      expect(messages, message).toContain(message);
    }
    // Debug logging really ran (how many lines depends on timing: 43 to 70 seen; the paths above are what counts).
    expect(service.logs.length).toBeGreaterThan(20);
    for (const secret of secrets) expect(output.includes(secret), `a secret in the logs: ${secret.slice(0, 12)}…`).toBe(false);
  });
});
