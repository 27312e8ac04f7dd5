import type { Redis } from 'ioredis';

/**
 * Bytes Redis holds for every key under `<prefix>:` (MEMORY USAGE, every element counted): the run's
 * own footprint, which `used_memory` cannot give on a Redis that other processes write meanwhile.
 */
export async function prefixMemoryBytes(redis: Redis, prefix: string): Promise<number> {
  let total = 0;
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
    cursor = next;
    const pipeline = redis.pipeline();
    for (const key of keys) pipeline.memory('USAGE', key, 'SAMPLES', 0);
    for (const [error, bytes] of (await pipeline.exec()) ?? []) if (!error) total += Number(bytes ?? 0);
  } while (cursor !== '0');
  return total;
}
