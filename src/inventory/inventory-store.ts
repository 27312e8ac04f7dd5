import type { Redis } from 'ioredis';
import type { RedisKeys } from '../platform/redis-keys.js';
import { countInventory } from './count-inventory.js';
import { diffInventory, type InventoryDiff } from './diff-inventory.js';
import { exportInventory } from './export-inventory.js';
import { applyInventoryChanges, type ChangeOptions } from './apply-inventory-changes.js';
import type { ChangesResult, InventoryChange } from './inventory-change.js';
import { readInventoryEtag } from './inventory-etag.js';
import { importInventory, type ImportOptions, type ImportResult } from './import-inventory.js';
import { listDevices, type DeviceFilter, type DevicePage } from './list-devices.js';
import { getDevices, getSubscribers, present, type StoreContext } from './inventory-records.js';
import {
  devicesOfSubscriber,
  findSubscriberByAccount,
  findSubscribersByPhone,
  subscriberIdsOfDevice,
} from './subscriber-lookups.js';
import { createTopologyQueries } from './topology-queries.js';
import { upgradeInventoryLayout } from './upgrade-inventory-layout.js';
import { parseStored } from './stored-record.js';
import { countMembersOf, subtreeOf, type Subtree } from './subtree-queries.js';
import {
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
  const topology = createTopologyQueries(redis, keys);
  const ctx: StoreContext = { redis, keys, topology };
  return {
    importInventory: (inventory: Inventory, options?: ImportOptions): Promise<ImportResult> =>
      importInventory(redis, keys, inventory, options),
    exportInventory: (): Promise<Inventory> => exportInventory(redis, keys),
    /** Applies a batch of changes atomically, validated like an import (see applyInventoryChanges). */
    applyChanges: (changes: readonly InventoryChange[], options: ChangeOptions): Promise<ChangesResult> =>
      applyInventoryChanges(redis, keys, changes, options),
    /** The inventory's strong ETag: the same for the same records however they were written. */
    etag: (): Promise<string> => readInventoryEtag(redis, keys),
    /** Rebuilds the indexes of an inventory stored before packed indexes; false when there was nothing to do. */
    upgradeLayout: (): Promise<boolean> => upgradeInventoryLayout(redis, keys),
    /** What importing `inventory` would change; writes nothing. */
    diffInventory: (inventory: Inventory): Promise<InventoryDiff> => diffInventory(redis, keys, inventory),

    getDevice: async (id: string): Promise<Device | undefined> => (await getDevices(ctx, [id]))[0],
    /** Same order as `ids`; undefined where no device has that id. */
    getDevices: (ids: string[]): Promise<(Device | undefined)[]> => getDevices(ctx, ids),
    listDevices: (filter: DeviceFilter = {}): Promise<DevicePage> => listDevices(redis, keys, filter),
    childIds: topology.childIds,
    children: async (id: string): Promise<Device[]> =>
      present(await getDevices(ctx, await topology.childIds(id))),
    /** Parent first, root last. */
    ancestors: topology.ancestors,
    descendantIds: topology.descendantIds,
    /** Everything below a device, and below each of its children, in one walk (see subtreeOf). */
    subtreeOf: (id: string): Promise<Subtree> => subtreeOf(ctx, id),
    /** How many children each device has. */
    countChildren: (ids: readonly string[]): Promise<number[]> => countMembersOf(ctx, 'device-parent', ids),
    /** How many subscribers are linked directly to each device. */
    countSubscribersOf: (ids: readonly string[]): Promise<number[]> =>
      countMembersOf(ctx, 'device-subscriber', ids),
    /** Everyone whose service passes through the device: linked to it or to any device below it. */
    subscriberIdsBehind: topology.subscriberIdsBehind,
    subscribersBehind: async (deviceId: string): Promise<Subscriber[]> =>
      present(await getSubscribers(ctx, await topology.subscriberIdsBehind(deviceId))),

    getSubscriber: async (id: string): Promise<Subscriber | undefined> =>
      (await getSubscribers(ctx, [id]))[0],
    getSubscribers: (ids: string[]): Promise<(Subscriber | undefined)[]> => getSubscribers(ctx, ids),
    findSubscriberByAccount: (account: string): Promise<Subscriber | undefined> =>
      findSubscriberByAccount(ctx, account),
    /** Any spelling of the number (see normalizePhone); several subscribers may share one line. */
    findSubscribersByPhone: (phone: string): Promise<Subscriber[]> => findSubscribersByPhone(ctx, phone),
    /** The subscriber's devices in the order of its deviceIds; empty for an unknown subscriber. */
    devicesOfSubscriber: (subscriberId: string): Promise<Device[]> => devicesOfSubscriber(ctx, subscriberId),
    /** Subscribers linked directly to the device (not through devices below it). */
    subscriberIdsOfDevice: (deviceId: string): Promise<string[]> => subscriberIdsOfDevice(ctx, deviceId),

    listSites: (): Promise<Site[]> => listSites(redis, keys),
    counts: (): Promise<InventoryCounts> => countInventory(redis, keys),
  };
}

/** Every site, in id order. */
async function listSites(redis: Redis, keys: RedisKeys): Promise<Site[]> {
  const all = Object.entries(await redis.hgetall(keys.inventoryPart('site-records')));
  return all
    .map(([id, json]) => parseStored<Site>(id, json))
    .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}
