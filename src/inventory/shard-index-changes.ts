import type { Redis } from 'ioredis';
import type { RedisKeys } from '../platform/redis-keys.js';
import { idsByPollShard } from '../platform/poll-shard-reads.js';
import { deviceIndexKeys } from './device-index-keys.js';

/** Ids per script: O(ids × sets) inside Redis stays a few milliseconds. */
const CHUNK = 1000;

/**
 * KEYS: one poll shard's index sets (its 4 status sets, `unknown` first, then the others); ARGV[1]: the
 * dropped ids, ARGV[2]: the added ids, newline-joined. Dropped ids leave every set; added ids join
 * `unknown` unless a status set already has them (a device re-added keeps the status its polls gave).
 */
const FOLLOW = `
for id in string.gmatch(ARGV[1], '[^\\n]+') do
  for k = 1, #KEYS do redis.call('ZREM', KEYS[k], id) end
end
for id in string.gmatch(ARGV[2], '[^\\n]+') do
  local placed = false
  for k = 1, 4 do
    if redis.call('ZSCORE', KEYS[k], id) then placed = true; break end
  end
  if not placed then redis.call('ZADD', KEYS[1], 0, id) end
end
return 1`;

/**
 * The pollers' indexes follow an inventory change: the step after the inventory's own switch (core
 * slot), one script per poll shard (its slot), since no script may span both on a cluster. What a reader
 * sees between the steps, and what repairs a crash between them, is in redis-keys.ts ("Liveness").
 */
export async function followInventoryInShards(
  redis: Redis,
  keys: RedisKeys,
  devices: { dropped: readonly string[]; added: readonly string[] },
): Promise<void> {
  const dropped = idsByPollShard(keys, devices.dropped);
  const added = idsByPollShard(keys, devices.added);
  const writes: Promise<unknown>[] = [];
  for (const shard of new Set([...dropped.keys(), ...added.keys()])) {
    const indexKeys = deviceIndexKeys(keys, shard);
    const gone = dropped.get(shard)?.ids ?? [];
    const fresh = added.get(shard)?.ids ?? [];
    for (let i = 0; i < Math.max(gone.length, fresh.length); i += CHUNK) {
      const args = [gone.slice(i, i + CHUNK).join('\n'), fresh.slice(i, i + CHUNK).join('\n')];
      writes.push(redis.eval(FOLLOW, indexKeys.length, ...indexKeys, ...args));
    }
  }
  await Promise.all(writes);
}
