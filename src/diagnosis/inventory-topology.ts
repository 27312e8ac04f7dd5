import type { Redis } from 'ioredis';
import { topologyFromInventory, type CorrelationTopology } from '../correlation/index.js';
import type { Device, Subscriber } from '../inventory/index.js';
import { parseStored } from '../inventory/stored-record.js';
import type { RedisKeys } from '../platform/redis-keys.js';

/** Records a page of HSCAN returns: each page is parsed between two round trips, never all at once. */
const PAGE = 2_000;

/** The inventory as the advisor reads it: devices by id and the topology, at one inventory version. */
export interface InventoryTopology {
  /** The inventory meta's `importedAt` when it was read ('' before any import). */
  version: string;
  devices: ReadonlyMap<string, Device>;
  topology: CorrelationTopology;
  subscribers: number;
}

export const EMPTY_TOPOLOGY: InventoryTopology = {
  version: '',
  devices: new Map(),
  topology: topologyFromInventory([]),
  subscribers: 0,
};

/**
 * Keeps the advisor's topology for as long as the inventory version stays, across leadership terms:
 * at a million devices a load takes the worker seconds of CPU, and an advisor that had to load again
 * each time it became leader could lose its lease while loading, and load again, for ever.
 */
export class InventoryTopologyCache {
  private loaded: InventoryTopology = EMPTY_TOPOLOGY;
  private loading: Promise<InventoryTopology> | undefined;

  constructor(
    private readonly redis: Redis,
    private readonly keys: RedisKeys,
  ) {}

  /** The topology at the current inventory version, loaded only when the version moved. */
  async current(): Promise<InventoryTopology> {
    const version = (await this.redis.hget(this.keys.inventoryMeta(), 'importedAt')) ?? '';
    if (version === this.loaded.version) return this.loaded;
    this.loading ??= loadInventoryTopology(this.redis, this.keys, version).finally(() => {
      this.loading = undefined;
    });
    this.loaded = await this.loading;
    return this.loaded;
  }
}

/**
 * Reads device and subscriber records a page at a time, keeping only what correlation and planning
 * use. No sort (an export's order is for people): the topology is maps. A record HSCAN returns twice
 * (while the hash rehashes) lands on the same map entry; a subscriber twice, on a device's list twice,
 * which `subscribersOf` folds.
 */
export async function loadInventoryTopology(
  redis: Redis,
  keys: RedisKeys,
  version: string,
): Promise<InventoryTopology> {
  const devices = new Map<string, Device>();
  await forEachPage<Device>(redis, keys.inventoryPart('device-records'), (device) => {
    devices.set(device.id, device);
  });
  const subscribers: Pick<Subscriber, 'id' | 'deviceIds'>[] = [];
  await forEachPage<Subscriber>(redis, keys.inventoryPart('subscriber-records'), (subscriber) => {
    subscribers.push({ id: subscriber.id, deviceIds: subscriber.deviceIds });
  });
  return {
    version,
    devices,
    topology: topologyFromInventory([...devices.values()], subscribers),
    subscribers: subscribers.length,
  };
}

async function forEachPage<T extends { id: string }>(
  redis: Redis,
  key: string,
  onRecord: (record: T) => void,
): Promise<void> {
  let cursor = '0';
  do {
    const [next, flat] = await redis.hscan(key, cursor, 'COUNT', PAGE);
    cursor = next;
    for (let i = 1; i < flat.length; i += 2)
      onRecord(parseStored<T>(flat[i - 1] as string, flat[i] as string));
  } while (cursor !== '0');
}
