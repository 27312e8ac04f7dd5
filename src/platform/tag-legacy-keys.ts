import type { Redis } from 'ioredis';
import type { RedisKeys } from './redis-keys.js';
import { scanKeyPrefix } from './scan-key-prefix.js';

export interface TagReport {
  /** Keys renamed to their hash-tagged name. */
  renamed: number;
  /** Keys already tagged, left as they are. */
  tagged: number;
  /** Keys whose new name was taken already: left under the old name, listed (at most 20). */
  clashes: string[];
}

/**
 * The hash-tagged name (redis-keys.ts) of a key written before keys had tags: `<prefix>:<rest>` becomes
 * `<prefix>:{<prefix>}:<rest>`, a BullMQ key `<prefix>:bull:<queue>:<rest>` goes to the queue's first
 * shard, `keys.bullPrefix(queue, 0)`. Undefined for a key already tagged.
 */
export function taggedName(keys: RedisKeys, key: string): string | undefined {
  const rest = key.slice(keys.prefix.length + 1);
  if (rest.startsWith('{') || rest.startsWith('bull:{')) return undefined;
  if (!rest.startsWith('bull:')) return `${keys.prefix}:{${keys.prefix}}:${rest}`;
  const [queue = ''] = rest.slice('bull:'.length).split(':', 1);
  return `${keys.bullPrefix(queue, 0)}:${rest.slice('bull:'.length)}`;
}

/**
 * Renames an installation's keys from the untagged names of earlier versions to the hash-tagged ones,
 * on the single Redis they were written to (RENAMENX: a key never overwrites one of the new name).
 * Every Vigil process of the installation must be stopped: a process of the earlier version would
 * write the old names again, one of this version would start on an empty keyspace. Idempotent: a
 * second run finds every key tagged.
 */
export async function tagLegacyKeys(redis: Redis, keys: RedisKeys): Promise<TagReport> {
  // A rename to another slot is refused by a cluster: the keys of an earlier version were on one Redis.
  if ((redis as unknown as { isCluster?: boolean }).isCluster === true)
    throw new Error('tag the keys on the single Redis they were written to, before moving to a cluster');
  const report: TagReport = { renamed: 0, tagged: 0, clashes: [] };
  await scanKeyPrefix(redis, keys.prefix, async (batch, node) => {
    for (const key of batch) {
      const target = taggedName(keys, key);
      if (target === undefined) report.tagged++;
      else if ((await node.renamenx(key, target)) === 1) report.renamed++;
      else if (report.clashes.length < 20) report.clashes.push(key);
    }
  });
  return report;
}
