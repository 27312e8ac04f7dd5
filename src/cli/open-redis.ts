import type { Redis } from 'ioredis';
import type { Config } from '../config/load-config.js';
import type { RedisKeys } from '../platform/redis-keys.js';
import { describeRedisTarget } from '../platform/describe-redis-target.js';

export interface CommandRedis {
  config: Config;
  redis: Redis;
  keys: RedisKeys;
  /** Which Redis and prefix, password masked: every "found nothing" message names it. */
  where: string;
  close(): void;
}

/**
 * The Redis connection of a reading or writing command (explain, inventory): config from the
 * environment, a fail-fast connection, and an error naming the Redis it could not reach. Loaded on
 * demand, so `vigil --help` never loads ioredis.
 */
export async function openCommandRedis(name: string, timeoutMs = 5_000): Promise<CommandRedis> {
  const [{ loadConfig }, { createRedisConnection, waitForRedis }, { createRedisKeys }] = await Promise.all([
    import('../config/load-config.js'),
    import('../platform/redis-connection.js'),
    import('../platform/redis-keys.js'),
  ]);
  const config = loadConfig();
  const where = describeRedisTarget(config.redisUrl, config.redisPrefix);
  const redis = createRedisConnection(config.redisUrl, 'command', name);
  // Reconnect attempts each emit an error; the one message that matters is the rejection below.
  redis.on('error', () => undefined);
  try {
    await waitForRedis(redis, timeoutMs);
  } catch {
    redis.disconnect();
    throw new Error(`no answer from Redis at ${where} within ${timeoutMs} ms (REDIS_URL)`);
  }
  return {
    config,
    redis,
    keys: createRedisKeys(config.redisPrefix, config.pollShards),
    where,
    close: () => redis.disconnect(),
  };
}
