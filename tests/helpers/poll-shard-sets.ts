import type { Redis } from 'ioredis';
import type { RedisKeys } from '../../src/platform/redis-keys.js';

/**
 * ZADD of members into a poll index (status, finding or answered-at set), each into its own poll
 * shard's set, as the pollers write them (src/platform/redis-keys.ts): `setOf(shard)` names the set.
 */
export async function zaddInShards(
  redis: Redis,
  keys: RedisKeys,
  setOf: (shard: number) => string,
  entries: readonly (readonly [score: number, id: string])[],
): Promise<void> {
  await Promise.all(entries.map(([score, id]) => redis.zadd(setOf(keys.pollShardOf(id)), score, id)));
}

/** A device's score in a poll index, read from its own shard's set. */
export function zscoreInShard(
  redis: Redis,
  keys: RedisKeys,
  setOf: (shard: number) => string,
  id: string,
): Promise<string | null> {
  return redis.zscore(setOf(keys.pollShardOf(id)), id);
}
