/**
 * Client-chosen operation names cannot grow /metrics: the whole service, 300 queries with random
 * operation names over HTTP, then the Prometheus text. The allow-listed name keeps its label even
 * after the flood has used up every learned slot; the random names beyond the slots are `other`.
 */
import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HealthAndSourcesDocument } from '../generated/graphql.js';
import { LEARNED_OPERATION_NAMES_MAX } from '../../src/core/metrics.js';
import { graphqlRequest, startService, type RunningService } from '../support/service.js';

const FLOOD = 300;
const IN_FLIGHT = 16;

/** `operation_name` → summed `_count` over operation types and outcomes, from the Prometheus text. */
function operationCounts(text: string): Map<string, number> {
  const counts = new Map<string, number>();
  for (const match of text.matchAll(/^northstar_graphql_operation_duration_seconds_count\{([^}]*)\} (\d+)$/gm)) {
    const name = /operation_name="([^"]*)"/.exec(match[1]!)![1]!;
    counts.set(name, (counts.get(name) ?? 0) + Number(match[2]));
  }
  return counts;
}

async function post(url: string, query: string): Promise<number> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json' },
    body: JSON.stringify({ query }),
  });
  const body = (await response.json()) as { errors?: unknown[] };
  expect(body.errors).toBeUndefined();
  return response.status;
}

describe('operation_name label cardinality', () => {
  let service: RunningService;
  beforeAll(async () => {
    service = await startService({ METRICS_OPERATION_NAMES: 'HealthAndSources' });
  });
  afterAll(async () => {
    await service?.stop();
  });

  it(`${FLOOD} random operation names add at most the learned slots, the rest counted as other; a known name keeps its label`, async () => {
    const names = Array.from({ length: FLOOD }, () => `Random_${randomUUID().replaceAll('-', '')}`);
    const queue = [...names];
    await Promise.all(
      Array.from({ length: IN_FLIGHT }, async () => {
        for (let name = queue.shift(); name; name = queue.shift()) expect(await post(service.url, `query ${name} { sources { source } }`)).toBe(200);
      }),
    );
    // After the flood: every learned slot is taken, the allow-list still labels its name.
    const known = await graphqlRequest(service.url, HealthAndSourcesDocument);
    expect(known.status).toBe(200);
    await post(service.url, '{ sources { source } }');

    const counts = operationCounts(await (await fetch(service.url.replace('/graphql', '/metrics'))).text());
    const random = [...counts.keys()].filter((name) => name.startsWith('Random_'));
    expect(random).toHaveLength(LEARNED_OPERATION_NAMES_MAX);
    for (const name of random) expect(names).toContain(name);
    expect(counts.get('other')).toBe(FLOOD - LEARNED_OPERATION_NAMES_MAX);
    expect(random.reduce((sum, name) => sum + counts.get(name)!, 0)).toBe(LEARNED_OPERATION_NAMES_MAX);
    expect(counts.get('HealthAndSources')).toBe(1);
    expect(counts.get('anonymous')).toBe(1);
    // The whole label set: the allow-list, the learned slots, `other` and `anonymous`.
    expect(counts.size).toBeLessThanOrEqual(1 + LEARNED_OPERATION_NAMES_MAX + 2);
  });

  // Generous: tsx compiles the entry point's whole import graph first, slow on a loaded machine.
  it('a malformed METRICS_OPERATION_NAMES refuses to start: the entry point exits 1 naming the variable', { timeout: 45_000 }, () => {
    const result = spawnSync(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
      env: { ...process.env, METRICS_OPERATION_NAMES: 'Current-Aggregate', LOG_LEVEL: 'silent' },
      encoding: 'utf8',
      timeout: 40_000,
    });
    expect(result.status).toBe(1);
    expect(result.stderr.trim()).toBe(
      'northstar: Invalid configuration: METRICS_OPERATION_NAMES must be a comma-separated list of GraphQL operation names, e.g. CurrentAggregate,HealthAndSources (got "Current-Aggregate")',
    );
  });
});
