import type { Redis } from 'ioredis';
import type { InventoryPart, RedisKeys } from '../platform/redis-keys.js';
import { diffInventory, type InventoryDiff } from './diff-inventory.js';
import { exportInventory } from './export-inventory.js';
import { importInventory, type ImportOptions, type ImportResult } from './import-inventory.js';
import { listDevices, type DeviceFilter, type DevicePage } from './list-devices.js';
import { normalizePhone } from './normalize-phone.js';
import { createTopologyQueries, lexRange } from './topology-queries.js';
import {
  DEVICE_KINDS,
  type Device,
  type Inventory,
  type InventoryCounts,
  type Site,
  type Subscriber,
} from './inventory-types.js';

export interface InventoryStoreDeps {
  redis: Redis;
  keys: RedisKeys;
}

export type InventoryStore = ReturnType<typeof createInventoryStore>;

/**
 * Subscribers, devices, sites and the topology in Redis. Every query is a few round trips whatever the
 * inventory's size: records by id from one hash (HGET/HMGET), lists from lexicographic indexes, walks
 * down the tree one pipelined round trip per level. Imports replace everything atomically (see
 * importInventory). The store holds no state of its own; closing the connection is the caller's.
 */
export function createInventoryStore({ redis, keys }: InventoryStoreDeps) {
  const part = (name: InventoryPart): string => keys.inventoryPart(name);
  const topology = createTopologyQueries(redis, keys);

  async function records<T>(key: string, ids: string[]): Promise<(T | undefined)[]> {
    if (ids.length === 0) return [];
    const found = await redis.hmget(key, ...ids);
    return found.map((json) => (json === null ? undefined : (JSON.parse(json) as T)));
  }
  const present = <T>(list: (T | undefined)[]): T[] => list.filter((x): x is T => x !== undefined);

  const getDevices = (ids: string[]): Promise<(Device | undefined)[]> =>
    records<Device>(part('device-records'), ids);
  const getSubscribers = (ids: string[]): Promise<(Subscriber | undefined)[]> =>
    records<Subscriber>(part('subscriber-records'), ids);

  return {
    importInventory: (inventory: Inventory, options?: ImportOptions): Promise<ImportResult> =>
      importInventory(redis, keys, inventory, options),
    exportInventory: (): Promise<Inventory> => exportInventory(redis, keys),
    /** What importing `inventory` would change; writes nothing. */
    diffInventory: (inventory: Inventory): Promise<InventoryDiff> => diffInventory(redis, keys, inventory),

    getDevice: async (id: string): Promise<Device | undefined> => (await getDevices([id]))[0],
    /** Same order as `ids`; undefined where no device has that id. */
    getDevices,
    listDevices: (filter: DeviceFilter = {}): Promise<DevicePage> => listDevices(redis, keys, filter),
    childIds: topology.childIds,
    children: async (id: string): Promise<Device[]> => present(await getDevices(await topology.childIds(id))),
    /** Parent first, root last. */
    ancestors: topology.ancestors,
    descendantIds: topology.descendantIds,
    /** Everyone whose service passes through the device: linked to it or to any device below it. */
    subscriberIdsBehind: topology.subscriberIdsBehind,
    subscribersBehind: async (deviceId: string): Promise<Subscriber[]> =>
      present(await getSubscribers(await topology.subscriberIdsBehind(deviceId))),

    getSubscriber: async (id: string): Promise<Subscriber | undefined> => (await getSubscribers([id]))[0],
    getSubscribers,
    findSubscriberByAccount: async (account: string): Promise<Subscriber | undefined> => {
      const id = await redis.hget(part('subscriber-account-index'), account.trim());
      return id === null ? undefined : (await getSubscribers([id]))[0];
    },
    /** Any spelling of the number (see normalizePhone); several subscribers may share one line. */
    findSubscribersByPhone: async (phone: string): Promise<Subscriber[]> => {
      const normalized = normalizePhone(phone);
      if (normalized === undefined) return [];
      const [ids] = await topology.membersOf(part('subscriber-phone-index'), [normalized]);
      return present(await getSubscribers(ids ?? []));
    },
    /** The subscriber's devices in the order of its deviceIds; empty for an unknown subscriber. */
    devicesOfSubscriber: async (subscriberId: string): Promise<Device[]> => {
      const [subscriber] = await getSubscribers([subscriberId]);
      return subscriber ? present(await getDevices(subscriber.deviceIds)) : [];
    },
    /** Subscribers linked directly to the device (not through devices below it). */
    subscriberIdsOfDevice: async (deviceId: string): Promise<string[]> =>
      (await topology.membersOf(part('device-subscriber-index'), [deviceId]))[0] ?? [],

    listSites: async (): Promise<Site[]> => {
      const all = await redis.hvals(part('site-records'));
      return all
        .map((json) => JSON.parse(json) as Site)
        .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    },
    counts: async (): Promise<InventoryCounts> => {
      const pipeline = redis.pipeline();
      pipeline.hlen(part('site-records')).hlen(part('device-records')).hlen(part('subscriber-records'));
      for (const kind of DEVICE_KINDS) pipeline.zlexcount(part('device-kind-index'), ...lexRange(kind));
      const results = ((await pipeline.exec()) ?? []).map(([error, n]) => {
        if (error) throw error;
        return n as number;
      });
      const [sites = 0, devices = 0, subscribers = 0, ...byKind] = results;
      const devicesByKind = Object.fromEntries(
        DEVICE_KINDS.map((kind, i) => [kind, byKind[i] ?? 0]),
      ) as InventoryCounts['devicesByKind'];
      return { sites, devices, subscribers, devicesByKind };
    },
  };
}
