/**
 * The simulator's HTTP surface as any client sees it (plain fetch, no JohnClient): routes, auth,
 * agent selection, and what each fault puts on the wire.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ManualClock } from '../../../src/core/clock.js';
import { startJohnSimulator, type JohnSimulator } from '../../../src/simulators/john/server.js';
import { START } from './helpers.js';

describe('John simulator over HTTP', () => {
  let sim: JohnSimulator | null = null;
  afterEach(async () => {
    await sim?.close();
    sim = null;
  });

  it('serves one agent on the documented path, chosen by ?agent_id=, and all of them on /all', async () => {
    const clock = new ManualClock(START + 20 * 60_000);
    sim = await startJohnSimulator({ clock, seed: 5 });
    const single = await fetch(`${sim.baseUrl}/api/john/metrics`);
    expect(single.status).toBe(200);
    expect(single.headers.get('content-type')).toMatch(/application\/json/);
    expect(await single.json()).toEqual(sim.model.metricsAt('agent:john:main', clock.now()));

    const smb: unknown = await (await fetch(`${sim.baseUrl}/api/john/metrics?agent_id=agent:john:smb`)).json();
    expect(smb).toMatchObject({ agent_id: 'agent:john:smb', period: '2026-11-24T12:00:00.000Z', timestamp: '2026-11-24T12:20:00.000Z' });

    const all = (await (await fetch(`${sim.baseUrl}/api/john/metrics/all`)).json()) as { agents: { agent_id: string }[] };
    expect(all.agents.map((a) => a.agent_id)).toEqual(['agent:john:main', 'agent:john:enterprise', 'agent:john:smb']);

    const unknown = await fetch(`${sim.baseUrl}/api/john/metrics?agent_id=agent:john:nobody`);
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toEqual({ error: 'unknown agent_id' });
    expect((await fetch(`${sim.baseUrl}/api/john/revenue`)).status).toBe(404);
    expect((await fetch(`${sim.baseUrl}/api/john/metrics`, { method: 'POST' })).status).toBe(405);
    expect(sim.requestCount()).toBe(6);
  });

  it('requires the bearer token when it has one', async () => {
    sim = await startJohnSimulator({ token: 's3cret' });
    const url = `${sim.baseUrl}/api/john/metrics/all`;
    const attempts: Record<string, string>[] = [{}, { authorization: 'Bearer wrong' }, { authorization: 's3cret' }, { authorization: 'Bearer s3cret2' }];
    for (const headers of attempts) {
      const res = await fetch(url, { headers });
      expect(res.status).toBe(401);
      expect(res.headers.get('www-authenticate')).toBe('Bearer');
      expect(await res.json()).toEqual({ error: 'unauthorized' });
    }
    expect((await fetch(url, { headers: { authorization: 'Bearer s3cret' } })).status).toBe(200);
    // A wrong path is 404 whatever the credentials: the client's /all probe relies on it.
    expect((await fetch(`${sim.baseUrl}/nope`)).status).toBe(404);
  });

  it('serves a fault `times` times, then the real answer', async () => {
    sim = await startJohnSimulator();
    sim.injectFault({ kind: 'status', status: 503, times: 2 });
    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push((await fetch(`${sim.baseUrl}/api/john/metrics`)).status);
    expect(statuses).toEqual([503, 503, 200]);
  });

  it('draws `rate` from its seed: the same seed hits the same requests', async () => {
    const pattern = async (seed: number): Promise<number[]> => {
      const s = await startJohnSimulator({ seed });
      s.injectFault({ kind: 'status', status: 500, rate: 0.5 });
      const seen = [];
      for (let i = 0; i < 24; i++) seen.push((await fetch(`${s.baseUrl}/api/john/metrics`)).status);
      await s.close();
      return seen;
    };
    const first = await pattern(9);
    expect(await pattern(9)).toEqual(first);
    expect(first.filter((s) => s === 500).length).toBeGreaterThan(4);
    expect(first.filter((s) => s === 200).length).toBeGreaterThan(4);
  });

  it('puts each body fault on the wire as described', async () => {
    sim = await startJohnSimulator();
    const url = `${sim.baseUrl}/api/john/metrics`;

    sim.injectFault({ kind: 'status', status: 429, retryAfterSeconds: 7, times: 1 });
    const limited = await fetch(url);
    expect([limited.status, limited.headers.get('retry-after')]).toEqual([429, '7']);

    sim.injectFault({ kind: 'malformed', times: 1 });
    const malformed = await fetch(url);
    expect(malformed.status).toBe(200);
    await expect(malformed.json()).rejects.toThrow(SyntaxError);

    sim.injectFault({ kind: 'bad-shape', times: 1 });
    const spoiled = (await (await fetch(url)).json()) as { agent_id: string; metrics: Record<string, unknown> };
    expect(spoiled.agent_id).toBe('agent:john:main');
    expect(spoiled.metrics).not.toHaveProperty('revenue_usd');
    expect(spoiled.metrics).toMatchObject({ deals_closed: -3, pipeline_value: null, conversion_rate: 'NaN' });

    sim.injectFault({ kind: 'bad-shape', target: 'envelope', times: 1 });
    const headless = (await (await fetch(`${url}/all`)).json()) as { agents: object[] };
    expect(headless.agents).toHaveLength(3);
    for (const agent of headless.agents) expect(Object.keys(agent).sort()).toEqual(['period', 'status', 'timestamp']);

    sim.injectFault({ kind: 'truncated', times: 1 });
    const truncated = await fetch(url);
    expect(truncated.status).toBe(200);
    await expect(truncated.text()).rejects.toThrow();
  });

  it('delays on its clock, and close() ends hanging requests', async () => {
    const clock = new ManualClock(START);
    sim = await startJohnSimulator({ clock });
    sim.injectFault({ kind: 'delay', delayMs: 30_000, times: 1 });
    let answered = false;
    const held = sim;
    const arrived = held.requestCount();
    const delayed = fetch(`${sim.baseUrl}/api/john/metrics`).then((res) => {
      answered = true;
      return res.status;
    });
    // The request is in the simulator, held on its clock: no real time passing can answer it.
    await vi.waitFor(() => expect(held.requestCount()).toBe(arrived + 1));
    expect(answered).toBe(false);
    await clock.advance(30_000);
    expect(await delayed).toBe(200);

    sim.injectFault({ kind: 'hang' });
    const before = sim.requestCount();
    const hanging = fetch(`${sim.baseUrl}/api/john/metrics`).then(
      () => 'answered',
      () => 'dropped',
    );
    // The request has reached the simulator (and hangs there) before it closes.
    await vi.waitFor(() => expect(sim!.requestCount()).toBe(before + 1));
    const closing = sim.close();
    expect(await hanging).toBe('dropped');
    await closing;
    sim = null;
  });

  it('refuses a fault it cannot serve', async () => {
    sim = await startJohnSimulator();
    expect(() => sim!.injectFault({ kind: 'status', status: 200 as 500 })).toThrow(RangeError);
    expect((await fetch(`${sim.baseUrl}/api/john/metrics`)).status).toBe(200);
  });
});
