/**
 * What the hostile-upstream tests read back: a value through the service's GraphQL (a client's
 * view), the malformed-payload counter from /metrics, and the log lines that report a payload
 * rejected as bad data.
 */
import type { LogLine } from '../support/log-capture.js';

export async function graphql<T>(url: string, query: string, variables: Record<string, unknown> = {}): Promise<T> {
  const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query, variables }) });
  const body = (await response.json()) as { data?: T; errors?: unknown };
  if (!body.data) throw new Error(`no data: ${JSON.stringify(body.errors)}`);
  return body.data;
}

/** northstar_upstream_malformed_payloads_total for one source (0 before the first). */
export async function malformedCount(url: string, source: 'kalshi' | 'john' | 'anthropic'): Promise<number> {
  const text = await (await fetch(new URL('/metrics', url))).text();
  const line = text.split('\n').find((row) => row.startsWith(`northstar_upstream_malformed_payloads_total{source="${source}"}`));
  return line ? Number(line.split(' ').at(-1)) : 0;
}

/** Whether a log line reports a rejected payload: an error of category `data`, or a malformed payload skipped. */
export function isDataErrorLine(line: LogLine): boolean {
  if (line.level < 40) return false;
  const err = line.err as { category?: unknown; type?: unknown; message?: unknown } | undefined;
  return (
    err?.category === 'data' ||
    err?.type === 'PayloadShapeError' ||
    /malformed|not JSON|unexpected shape|violates/i.test(`${line.msg} ${typeof err?.message === 'string' ? err.message : ''}`)
  );
}
