/**
 * Hostile John payloads against the whole service: the fake John (documented protocol only)
 * serves one good metrics object, then bodies of the wrong types, with fields missing, with absurd
 * numbers, 10 MB and nested 100,000 levels deep. Each is rejected as bad data (logged, counted on
 * northstar_upstream_malformed_payloads_total) and clients still get the good metrics.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { FAKE_JOHN_BODY, startFakeJohn, type FakeJohn } from '../support/fake-john.js';
import { captureLogs, type LogLine } from '../support/log-capture.js';
import { startService, type RunningService } from '../support/service.js';
import { until } from '../support/until.js';
import { graphql, isDataErrorLine, malformedCount } from './upstream-probe.js';

const TOKEN = 'john-fuzz-token';
const DEEP = 100_000;

let john: FakeJohn;
let service: RunningService;
let logs: LogLine[];

interface Served {
  businessMetrics: Array<{ metricName: string; metricValue: number }>;
}

async function revenue(): Promise<number | undefined> {
  const { businessMetrics } = await graphql<Served>(service.url, '{ businessMetrics(agentId: "agent:john:main") { metricName metricValue } }');
  return businessMetrics.find((metric) => metric.metricName === 'revenue_usd')?.metricValue;
}

beforeAll(async () => {
  john = await startFakeJohn(TOKEN);
  const capture = captureLogs('info');
  logs = capture.lines;
  service = await startService({ JOHN_BASE_URL: john.baseUrl, JOHN_API_TOKEN: TOKEN, JOHN_POLL_INTERVAL_MS: '1000' }, { logger: capture.logger });
  await until('the good metrics served', 10_000, async () => ((await revenue()) === FAKE_JOHN_BODY.metrics.revenue_usd ? true : null));
}, 30_000);

afterAll(async () => {
  await service?.stop();
  await john?.close();
});

/** The documented object with these metrics changed (an accepted body would change what is served). */
function withMetrics(metrics: Record<string, unknown>, fields: Record<string, unknown> = {}): string {
  return JSON.stringify({
    ...FAKE_JOHN_BODY,
    timestamp: new Date().toISOString(),
    metrics: { ...FAKE_JOHN_BODY.metrics, revenue_usd: 1, ...metrics },
    ...fields,
  });
}

describe('hostile John metrics', () => {
  test.each<[string, () => string]>([
    ['metrics of the wrong type', () => JSON.stringify({ ...FAKE_JOHN_BODY, metrics: [1, 2, 3] })],
    ['the agent id missing', () => withMetrics({}, { agent_id: undefined })],
    ['a revenue that is a string', () => withMetrics({ revenue_usd: '48210.5' })],
    ['a revenue of "NaN"', () => withMetrics({ revenue_usd: 'NaN' })],
    ['a body that is not JSON', () => '<html>oops</html>'],
    ['a body nested 100,000 levels deep', () => `{"agent_id": "agent:john:main", "metrics": ${'{"a":'.repeat(DEEP)}1${'}'.repeat(DEEP)}}`],
    ['an extra field nested 100,000 levels deep', () => withMetrics({}).replace(/}$/, `, "extra": ${'['.repeat(DEEP)}${']'.repeat(DEEP)}}`)],
    ['a 10 MB body', () => withMetrics({}, { padding: 'x'.repeat(10 * 1024 * 1024) })],
  ])('%s: rejected as bad data, the good metrics still served', async (_case, body) => {
    const before = await malformedCount(service.url, 'john');
    const logsBefore = logs.length;
    john.setRawBody(body());
    try {
      await until('a data error logged and counted', 10_000, async () =>
        logs.slice(logsBefore).some(isDataErrorLine) && (await malformedCount(service.url, 'john')) > before ? true : null,
      );
      expect(await revenue()).toBe(FAKE_JOHN_BODY.metrics.revenue_usd);
    } finally {
      john.setRawBody(null);
      // Bad answers in a row open John's breaker; the next case needs its polls to reach John.
      await graphql(service.url, 'mutation { resetBreaker(source: JOHN) { breaker } }');
    }
  });
});
