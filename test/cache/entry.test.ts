import { describe, expect, it } from 'vitest';
import { cacheKey, defaultTtlPolicies, isCacheEntry, parseCacheKey, ttlPolicy } from '../../src/cache/entry.js';
import { makeEntry } from './helpers.js';

describe('cache keys', () => {
  it('builds data:{source}:{kind}:{id}:v{version} and parses it back, ids with colons included', () => {
    const key = cacheKey('kalshi', 'markets', 'kalshi:SMUSD-260226');
    expect(key).toBe('data:kalshi:markets:kalshi:SMUSD-260226:v1');
    expect(parseCacheKey(key)).toEqual({ source: 'kalshi', kind: 'markets', id: 'kalshi:SMUSD-260226', version: 1 });
    expect(parseCacheKey(cacheKey('john', 'metrics', 'revenue', 3))).toEqual({ source: 'john', kind: 'metrics', id: 'revenue', version: 3 });
  });

  it('rejects keys it did not build', () => {
    for (const key of ['data:kalshi:markets:v1', 'other:kalshi:markets:A:v1', 'data:nasdaq:markets:A:v1', 'data:kalshi:markets:A:1', 'data:kalshi::A:v1']) {
      expect(parseCacheKey(key), key).toBeNull();
    }
  });
});

describe('TTL policies', () => {
  it('never lets a slower tier expire before a faster one', () => {
    expect(ttlPolicy(90_000, 30, 10)).toEqual({ l1Ms: 90_000, l2Seconds: 90, l3Seconds: 90 });
    expect(ttlPolicy(5_000, 30, 3600)).toEqual({ l1Ms: 5_000, l2Seconds: 30, l3Seconds: 3600 });
  });

  it('gives prices seconds and insights/metrics half a minute, L2 of the slow kinds from config within 30–300 s', () => {
    const { byKind, fallback } = defaultTtlPolicies({ l1TtlMs: 15_000, l2TtlSeconds: 600, l3TtlSeconds: 3600 });
    expect(byKind.markets).toEqual({ l1Ms: 5_000, l2Seconds: 30, l3Seconds: 3600 });
    expect(byKind.orderBooks).toEqual({ l1Ms: 5_000, l2Seconds: 30, l3Seconds: 3600 });
    expect(byKind.insights).toEqual({ l1Ms: 30_000, l2Seconds: 300, l3Seconds: 3600 });
    expect(byKind.metrics).toEqual({ l1Ms: 30_000, l2Seconds: 300, l3Seconds: 3600 });
    expect(fallback).toEqual({ l1Ms: 15_000, l2Seconds: 600, l3Seconds: 3600 });
    expect(defaultTtlPolicies({ l1TtlMs: 15_000, l2TtlSeconds: 5, l3TtlSeconds: 3600 }).byKind.insights.l2Seconds).toBe(30);
  });
});

describe('isCacheEntry', () => {
  it('accepts an entry and rejects what another version or a damaged file might hold', () => {
    const entry = makeEntry({ p: 1 }, 1000);
    expect(isCacheEntry(entry)).toBe(true);
    expect(isCacheEntry({ ...entry, value: null })).toBe(true);
    expect(isCacheEntry({ ...entry, source: 'nasdaq' })).toBe(false);
    expect(isCacheEntry({ ...entry, expiresAt: '2026-01-01' })).toBe(false);
    const withoutValue: Partial<typeof entry> = { ...entry };
    delete withoutValue.value;
    expect(isCacheEntry(withoutValue)).toBe(false);
    expect(isCacheEntry(null)).toBe(false);
    expect(isCacheEntry([entry])).toBe(false);
  });
});
