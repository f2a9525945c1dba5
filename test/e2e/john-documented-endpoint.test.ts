/**
 * John as documented (upstreams.md: `GET {base}/api/john/metrics`, bearer token, ONE agent's
 * object), behind a proxy that answers every path with that object — as seen in the field. The
 * old client asked the simulator's `/api/john/metrics/all` first, got the one-agent object with
 * 200, and failed every poll with `"agents" is missing`: John showed no metric at all.
 * The whole service runs against it; a client must see John's metrics and John LIVE.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeJohn, type FakeJohn } from '../support/fake-john.js';
import { startService, type RunningService } from '../support/service.js';
import { until } from '../support/until.js';

const TOKEN = 'documented-john-token';

async function query<T>(url: string, text: string): Promise<T> {
  const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: text }) });
  const body = (await response.json()) as { data: T; errors?: unknown[] };
  expect(body.errors).toBeUndefined();
  return body.data;
}

describe('the service against a John that serves the documented one-agent object on every path', () => {
  let john: FakeJohn;
  let service: RunningService;

  beforeAll(async () => {
    john = await startFakeJohn(TOKEN);
    service = await startService({ JOHN_BASE_URL: john.baseUrl, JOHN_API_TOKEN: TOKEN, JOHN_POLL_INTERVAL_MS: '1000' });
  });
  afterAll(async () => {
    await service?.stop();
    await john?.close();
  });

  it("shows John's six metrics, John LIVE, and asks only the documented endpoint", async () => {
    const data = await until('John metrics served', 10_000, async () => {
      const result = await query<{
        businessMetrics: Array<{ agentId: string; metricName: string; metricValue: number; source: string }>;
        sources: Array<{ source: string; availability: string; simulated: boolean; lastError: string | null }>;
      }>(
        service.url,
        '{ businessMetrics(agentId: "agent:john:main") { agentId metricName metricValue source } sources { source availability simulated lastError } }',
      );
      return result.businessMetrics.length >= 6 ? result : null;
    });
    const byName = new Map(data.businessMetrics.map((m) => [m.metricName, m]));
    expect(byName.get('revenue_usd')).toMatchObject({ agentId: 'agent:john:main', source: 'JOHN', metricValue: 48210.5 });
    expect(byName.get('deals_closed')?.metricValue).toBe(7);
    expect(data.sources.find((s) => s.source === 'JOHN')).toMatchObject({ availability: 'LIVE', simulated: false, lastError: null });
    expect(john.seen.length).toBeGreaterThan(0);
    expect(new Set(john.seen.map((s) => s.path))).toEqual(new Set(['/api/john/metrics']));
    expect(john.seen.every((s) => s.authorization === `Bearer ${TOKEN}`)).toBe(true);
  });
});
