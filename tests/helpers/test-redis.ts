import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { createRedisKeys, type RedisKeys } from '../../src/platform/redis-keys.js';

export const TEST_REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

export interface TestRedis {
  redis: Redis;
  keys: RedisKeys;
  prefix: string;
  /** Deletes every key under this test's prefix and closes the connection. */
  close(): Promise<void>;
}

/** A real Redis connection with a key prefix of its own, so test files can run in parallel. */
export async function createTestRedis(): Promise<TestRedis> {
  const prefix = `vigil-test-${randomBytes(4).toString('hex')}`;
  const redis = new Redis(TEST_REDIS_URL, { maxRetriesPerRequest: 1 });
  await redis.ping();
  return {
    redis,
    keys: createRedisKeys(prefix),
    prefix,
    async close() {
      await deleteByPrefix(redis, prefix);
      redis.disconnect();
    },
  };
}

export async function deleteByPrefix(redis: Redis, prefix: string): Promise<void> {
  let cursor = '0';
  do {
    const [next, batch] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
    cursor = next;
    if (batch.length > 0) await redis.unlink(...batch);
  } while (cursor !== '0');
}
