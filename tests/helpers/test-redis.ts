import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { createRedisConnection, waitForRedis } from '../../src/platform/redis-connection.js';
import { createRedisKeys, type RedisKeys } from '../../src/platform/redis-keys.js';
import { deleteKeyPrefix } from '../../src/platform/delete-key-prefix.js';

/** REDIS_URL may name a Redis Cluster (redis+cluster://…): the tests then run on it (README "Tests"). */
export const TEST_REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

/** VIGIL_POLL_SHARDS of the tests: the keys of every test prefix are built for it (redis-keys.ts). */
export const TEST_POLL_SHARDS = 8;

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
  // On a cluster, commands queue while it connects (as the single-node client below does by default).
  const redis = TEST_REDIS_URL.startsWith('redis+cluster://')
    ? createRedisConnection(TEST_REDIS_URL, 'worker', 'vigil-test')
    : new Redis(TEST_REDIS_URL, { maxRetriesPerRequest: 1 });
  await waitForRedis(redis);
  await redis.ping();
  return {
    redis,
    keys: createRedisKeys(prefix, TEST_POLL_SHARDS),
    prefix,
    async close() {
      await deleteByPrefix(redis, prefix);
      redis.disconnect();
    },
  };
}

export async function deleteByPrefix(redis: Redis, prefix: string): Promise<void> {
  await deleteKeyPrefix(redis, prefix);
}
