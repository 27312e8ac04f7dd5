import type { Redis } from 'ioredis';

/** Unlinks every key under `<prefix>:` — for benchmarks' and the demo's own prefixes, never production's. */
export async function deleteKeyPrefix(redis: Redis, prefix: string): Promise<void> {
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
    cursor = next;
    if (keys.length > 0) await redis.unlink(...keys);
  } while (cursor !== '0');
}
