import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { InventoryTopologyCache } from '../../src/diagnosis/inventory-topology.js';
import { createInventoryStore } from '../../src/inventory/index.js';
import { createTestRedis, type TestRedis } from '../helpers/test-redis.js';

/**
 * The advisor's topology on a real Redis: read a page at a time, kept while the inventory version
 * stays (a new leadership term in the same process does not load it again), read again when it moves.
 */
let r: TestRedis;
beforeAll(async () => {
  r = await createTestRedis();
});
afterAll(async () => {
  await r?.close();
});

const device = (id: string, parentId: string | null, kind = 'cpe') => ({
  id,
  kind,
  parentId,
  site: 'site-1',
  profile: 'generic',
  host: '127.0.0.1',
  port: 161,
  auth: 'sim',
});

/** An access node with 5,000 CPEs: more than two HSCAN pages of devices and of subscribers. */
const inventory = (cpeParent: string) => ({
  sites: [{ id: 'site-1', name: 'Tver, Lenina 1' }],
  devices: [
    device('bs-1', null, 'base_station'),
    device('an-1', 'bs-1', 'access_node'),
    device('an-2', 'bs-1', 'access_node'),
    ...Array.from({ length: 5_000 }, (_, i) => device(`cpe-${i}`, cpeParent)),
  ],
  subscribers: Array.from({ length: 5_000 }, (_, i) => ({
    id: `sub-${i}`,
    name: `Subscriber ${i}`,
    deviceIds: [`cpe-${i}`],
  })),
});

describe("the advisor's inventory topology", () => {
  it('is empty before any import', async () => {
    const loaded = await new InventoryTopologyCache(r.redis, r.keys).current();
    expect(loaded.version).toBe('');
    expect(loaded.devices.size).toBe(0);
  });

  it('holds every device and subscriber, read in pages, and the links between them', async () => {
    await createInventoryStore({ redis: r.redis, keys: r.keys }).importInventory(inventory('an-1') as never);
    const loaded = await new InventoryTopologyCache(r.redis, r.keys).current();
    expect(loaded.devices.size).toBe(5_003);
    expect(loaded.subscribers).toBe(5_000);
    expect(loaded.version).not.toBe('');
    expect(loaded.topology.parentOf('cpe-4999')).toBe('an-1');
    expect(loaded.topology.childrenOf('an-1')).toHaveLength(5_000);
    expect(loaded.topology.descendantsOf('bs-1')).toHaveLength(5_002);
    expect(loaded.topology.subscribersOf(['cpe-17', 'cpe-4000'])).toEqual(['sub-17', 'sub-4000']);
  });

  it('is read once while the version stays, and again after an import', async () => {
    const cache = new InventoryTopologyCache(r.redis, r.keys);
    const first = await cache.current();
    const scans = vi.spyOn(r.redis, 'hscan');
    expect(await cache.current()).toBe(first);
    expect(scans).not.toHaveBeenCalled();

    await createInventoryStore({ redis: r.redis, keys: r.keys }).importInventory(inventory('an-2') as never);
    const second = await cache.current();
    expect(scans).toHaveBeenCalled();
    scans.mockRestore();
    expect(second.version).not.toBe(first.version);
    expect(second.topology.parentOf('cpe-1')).toBe('an-2');
    expect(second.topology.childrenOf('an-1')).toEqual([]);
  });
});
