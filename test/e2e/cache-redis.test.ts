/**
 * With REDIS_URL set, the service writes through to Redis (L2) under `data:{source}:{kind}:{id}`
 * keys and reports the tier healthy. A dedicated Redis database keeps this file's keys apart.
 */
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { CacheHealthDocument } from '../generated/graphql.js';
import { graphqlRequest, startService, type RunningService } from '../support/service.js';

const REDIS_URL = 'redis://127.0.0.1:6379/7';

describe('L2 on a real Redis', () => {
  let service: RunningService;
  let redis: Redis;
  beforeAll(async () => {
    redis = new Redis(REDIS_URL);
    await redis.flushdb();
    service = await startService({ REDIS_URL });
  });
  afterAll(async () => {
    await service?.stop();
    await redis.flushdb();
    redis.disconnect();
  });

  it('writes markets and metrics through to Redis and reports L2 healthy', async () => {
    await vi.waitFor(async () => {
      const { body } = await graphqlRequest(service.url, CacheHealthDocument);
      expect(body.data!.health.cache.find((t) => t.tier === 'L2')).toMatchObject({ healthy: true });
    });
    await vi.waitFor(async () => {
      const [, marketKeys] = await redis.scan('0', 'MATCH', 'data:kalshi:markets:*', 'COUNT', 1000);
      expect(marketKeys.length).toBeGreaterThanOrEqual(20);
      const [, metricKeys] = await redis.scan('0', 'MATCH', 'data:john:metrics:*', 'COUNT', 1000);
      expect(metricKeys.length).toBe(3);
    });
    const [, keys] = await redis.scan('0', 'MATCH', 'data:kalshi:markets:*', 'COUNT', 1000);
    const ttl = await redis.pttl(keys[0]!);
    expect(ttl).toBeGreaterThan(0); // SET … with an expiry, never a key that lives forever
  });
});
