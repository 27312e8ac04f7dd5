import type { Redis } from 'ioredis';
import type { RedisKeys } from '../platform/redis-keys.js';
import { lexRange } from './topology-queries.js';
import { DEVICE_KINDS, type InventoryCounts } from './inventory-types.js';

/** Sites, devices, subscribers and devices of each kind: one pipelined round trip of HLEN/ZLEXCOUNT. */
export async function countInventory(redis: Redis, keys: RedisKeys): Promise<InventoryCounts> {
  const pipeline = redis.pipeline();
  pipeline
    .hlen(keys.inventoryPart('site-records'))
    .hlen(keys.inventoryPart('device-records'))
    .hlen(keys.inventoryPart('subscriber-records'));
  for (const kind of DEVICE_KINDS)
    pipeline.zlexcount(keys.inventoryPart('device-kind-index'), ...lexRange(kind));
  const results = ((await pipeline.exec()) ?? []).map(([error, n]) => {
    if (error) throw error;
    return n as number;
  });
  const [sites = 0, devices = 0, subscribers = 0, ...byKind] = results;
  const devicesByKind = Object.fromEntries(
    DEVICE_KINDS.map((kind, i) => [kind, byKind[i] ?? 0]),
  ) as InventoryCounts['devicesByKind'];
  return { sites, devices, subscribers, devicesByKind };
}
