import type { Redis } from 'ioredis';
import { scanKeyPrefix } from '../../platform/scan-key-prefix.js';

/**
 * Bytes Redis holds for every key under `<prefix>:` (MEMORY USAGE, every element counted): the run's
 * own footprint, which `used_memory` cannot give on a Redis that other processes write meanwhile. On a
 * cluster, per master too (`host:port` → bytes), to show how the keys spread.
 */
export async function prefixMemoryBytes(redis: Redis, prefix: string): Promise<number> {
  const perNode = await prefixMemoryByNode(redis, prefix);
  return [...perNode.values()].reduce((sum, bytes) => sum + bytes, 0);
}

export async function prefixMemoryByNode(redis: Redis, prefix: string): Promise<Map<string, number>> {
  const totals = new Map<string, number>();
  await scanKeyPrefix(redis, prefix, async (keys, node) => {
    const where = `${node.options.host ?? ''}:${node.options.port ?? ''}`;
    const pipeline = node.pipeline();
    for (const key of keys) pipeline.memory('USAGE', key, 'SAMPLES', 0);
    for (const [error, bytes] of (await pipeline.exec()) ?? [])
      if (!error) totals.set(where, (totals.get(where) ?? 0) + Number(bytes ?? 0));
  });
  return totals;
}
