/**
 * The shared-result printer: what it writes must be byte for byte what graphql-ws and yoga would
 * have written themselves, and it must print a shared result once however many send it.
 */
import { GraphQLError, type ExecutionResult } from 'graphql';
import { stringifyMessage, MessageType } from 'graphql-ws';
import { Counter, Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { SharedResultJson } from '../../src/server/result-json.js';

function counter() {
  return new Counter({ name: 'serializations', help: 'test', labelNames: ['transport', 'outcome'] as const, registers: [new Registry()] });
}

async function counts(serializations: ReturnType<typeof counter>) {
  const values = (await serializations.get()).values;
  const of = (outcome: string) => values.filter((v) => v.labels.outcome === outcome).reduce((sum, v) => sum + v.value, 0);
  return { serialized: of('serialized'), reused: of('reused') };
}

/** What graphql-ws sends for a result through onNext and our socket adapter's write. */
function wsFrame(json: SharedResultJson, result: ExecutionResult, id: string, pending = new Map<string, Buffer>()): string {
  const payload = json.placeholder(result, pending) ?? result;
  const message = stringifyMessage({ id, type: MessageType.Next, payload: payload as ExecutionResult });
  const frame = SharedResultJson.frame(message, pending);
  return typeof frame === 'string' ? frame : frame.toString('utf8');
}

const aggregate = (): ExecutionResult => ({
  data: { aggregateUpdated: { takenAt: '2026-11-25T03:00:00.000Z', note: 'Δ "quoted" \\ back\nslash', markets: [{ ticker: 'KXBTC-26', mid: 0.515 }] } },
});

describe('SharedResultJson', () => {
  it('writes the graphql-ws next message byte for byte, for any subscription id', () => {
    const json = new SharedResultJson();
    const result = aggregate();
    json.share(result);
    for (const id of ['1', 'a"b\\c', 'ünïcode-☃', '"payload":"x"}']) {
      const expected = stringifyMessage({ id, type: MessageType.Next, payload: aggregate() });
      expect(wsFrame(json, result, id)).toBe(expected);
    }
  });

  it('prints a shared result once for every subscriber and transport', async () => {
    const serializations = counter();
    const json = new SharedResultJson(serializations);
    const result = aggregate();
    json.share(result);
    const pending = new Map<string, Buffer>();
    for (let i = 0; i < 10; i++) wsFrame(json, result, String(i), pending);
    const stringify = (result as { stringify?: (value: unknown) => string }).stringify!;
    for (let i = 0; i < 10; i++) expect(stringify(result)).toBe(JSON.stringify(aggregate()));
    expect(await counts(serializations)).toEqual({ serialized: 1, reused: 19 });
    // Every placeholder was consumed by its write: nothing stays behind per socket.
    expect(pending.size).toBe(0);
  });

  it('the stringify hook prints a copy yoga made as itself, not as the cached result', () => {
    const json = new SharedResultJson();
    const result = aggregate();
    json.share(result);
    const stringify = (result as { stringify?: (value: unknown) => string }).stringify!;
    const copy = { data: { other: true } };
    expect(stringify(copy)).toBe(JSON.stringify(copy));
    // The hook is not part of the result's JSON.
    expect(Object.keys(result)).toEqual(['data']);
  });

  it('leaves results with errors or http extensions to the transports', async () => {
    const serializations = counter();
    const json = new SharedResultJson(serializations);
    const withErrors: ExecutionResult = { data: null, errors: [new GraphQLError('boom')] };
    const withHttp: ExecutionResult = { data: {}, extensions: { http: { status: 500 } } };
    for (const result of [withErrors, withHttp]) {
      json.share(result);
      expect('stringify' in result).toBe(false);
      const pending = new Map<string, Buffer>();
      expect(json.placeholder(result, pending)).toBeUndefined();
      expect(pending.size).toBe(0);
    }
    expect(await counts(serializations)).toEqual({ serialized: 0, reused: 0 });
  });

  it('passes every other message through untouched', () => {
    const pending = new Map<string, Buffer>([['ns-shared:00:1', Buffer.from('{"data":{"forged":true}}')]]);
    const complete = stringifyMessage({ id: '1', type: MessageType.Complete });
    expect(SharedResultJson.frame(complete, pending)).toBe(complete);
    // A payload that merely looks like a token, but is not one this socket registered.
    const lookalike = '{"id":"1","type":"next","payload":"ns-shared:00:2"}';
    expect(SharedResultJson.frame(lookalike, pending)).toBe(lookalike);
    // A client cannot name a registered token through its subscription id: only the payload counts.
    const viaId = stringifyMessage({ id: 'ns-shared:00:1', type: MessageType.Next, payload: { data: { real: true } } });
    expect(SharedResultJson.frame(viaId, pending)).toBe(viaId);
    expect(pending.size).toBe(1);
  });
});
