import type { Redis } from 'ioredis';
import { scanKeyPrefix } from './scan-key-prefix.js';

/** Unlinks every key under `<prefix>:` — for benchmarks' and the demo's own prefixes, never production's. */
export async function deleteKeyPrefix(redis: Redis, prefix: string): Promise<void> {
  // Unlinked one key per command: keys of one batch may hash to different slots of the node.
  await scanKeyPrefix(redis, prefix, async (keys, node) => {
    const pipeline = node.pipeline();
    for (const key of keys) pipeline.unlink(key);
    await pipeline.exec();
  });
}
