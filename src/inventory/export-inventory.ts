import type { Redis } from 'ioredis';
import type { RedisKeys } from '../platform/redis-keys.js';
import type { Device, Inventory, Site, Subscriber } from './inventory-types.js';
import { parseStored } from './stored-record.js';

/**
 * The stored inventory as the JSON document `vigil inventory import` reads, each list in id order, so
 * export → import is a no-op and two exports diff cleanly. HSCAN in batches keeps Redis responsive
 * while a large inventory streams out.
 */
export async function exportInventory(redis: Redis, keys: RedisKeys): Promise<Inventory> {
  const [sites, devices, subscribers] = await Promise.all([
    scanRecords<Site>(redis, keys.inventoryPart('site-records')),
    scanRecords<Device>(redis, keys.inventoryPart('device-records')),
    scanRecords<Subscriber>(redis, keys.inventoryPart('subscriber-records')),
  ]);
  return { sites, devices, subscribers };
}

async function scanRecords<T extends { id: string }>(redis: Redis, key: string): Promise<T[]> {
  const records: T[] = [];
  let cursor = '0';
  do {
    const [next, flat] = await redis.hscan(key, cursor, 'COUNT', 2000);
    cursor = next;
    for (let i = 1; i < flat.length; i += 2)
      records.push(parseStored<T>(flat[i - 1] as string, flat[i] as string));
  } while (cursor !== '0');
  // HSCAN may return an entry twice while the hash is rehashing (SCAN's documented guarantee).
  const byId = new Map(records.map((r) => [r.id, r]));
  return [...byId.values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}
