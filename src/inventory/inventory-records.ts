import type { Redis } from 'ioredis';
import type { RedisKeys } from '../platform/redis-keys.js';
import type { TopologyQueries } from './topology-queries.js';
import type { Device, Subscriber } from './inventory-types.js';
import { parseStored } from './stored-record.js';

/** What the store's queries read: the connection, where the parts live, and the tree walks over them. */
export interface StoreContext {
  redis: Redis;
  keys: RedisKeys;
  topology: TopologyQueries;
}

/** Records by id from one hash, one HMGET; same order as `ids`, undefined where an id has no record. */
export async function records<T extends { id: string }>(
  redis: Redis,
  key: string,
  ids: string[],
): Promise<(T | undefined)[]> {
  if (ids.length === 0) return [];
  const found = await redis.hmget(key, ...ids);
  return found.map((json, i) => (json === null ? undefined : parseStored<T>(ids[i] as string, json)));
}

export function present<T>(list: (T | undefined)[]): T[] {
  return list.filter((x): x is T => x !== undefined);
}

export function getDevices({ redis, keys }: StoreContext, ids: string[]): Promise<(Device | undefined)[]> {
  return records<Device>(redis, keys.inventoryPart('device-records'), ids);
}

export function getSubscribers(
  { redis, keys }: StoreContext,
  ids: string[],
): Promise<(Subscriber | undefined)[]> {
  return records<Subscriber>(redis, keys.inventoryPart('subscriber-records'), ids);
}
