import type { Redis } from 'ioredis';
import type { RedisKeys } from '../platform/redis-keys.js';
import { packedIndexKeys } from './packed-index.js';
import { packedCountByValue } from './packed-index-read.js';
import { DEVICE_KINDS, type DeviceKind, type InventoryCounts } from './inventory-types.js';

/** Devices of each kind: the other kinds counted in the kind index, the CPEs what they leave of the total. */
export function countDevicesByKind(redis: Redis, keys: RedisKeys): Promise<Record<DeviceKind, number>> {
  return packedCountByValue(
    redis,
    packedIndexKeys(keys, 'device-kind'),
    DEVICE_KINDS,
    'cpe',
    keys.inventoryPart('device-records'),
  );
}

/** Sites, devices, subscribers (HLEN, one round trip) and devices of each kind (CPEs: what the others leave). */
export async function countInventory(redis: Redis, keys: RedisKeys): Promise<InventoryCounts> {
  const pipeline = redis.pipeline();
  pipeline
    .hlen(keys.inventoryPart('site-records'))
    .hlen(keys.inventoryPart('device-records'))
    .hlen(keys.inventoryPart('subscriber-records'));
  const [results, byKind] = await Promise.all([pipeline.exec(), countDevicesByKind(redis, keys)]);
  const [sites = 0, devices = 0, subscribers = 0] = (results ?? []).map(([error, n]) => {
    if (error) throw error;
    return n as number;
  });
  return { sites, devices, subscribers, devicesByKind: byKind };
}
