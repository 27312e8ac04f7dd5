import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createInventoryStore, type Inventory, type InventoryStore } from '../../src/inventory/index.js';
import { PACKED_INDEXES, packedIndexKeys } from '../../src/inventory/packed-index.js';
import { LEGACY_INVENTORY_PARTS } from '../../src/platform/redis-keys.js';
import { createTestRedis, type TestRedis } from '../helpers/test-redis.js';
import { generateInventory } from './generate-inventory.js';
import { canonicalJson } from '../../src/inventory/canonical-json.js';

// 2 base stations × 3 access nodes × 4 CPEs = 32 devices, one subscriber per CPE.
const fleet = (): Inventory =>
  generateInventory({ baseStations: 2, accessNodesPerBaseStation: 3, cpesPerAccessNode: 4 });

let test: TestRedis;
let store: InventoryStore;

beforeAll(async () => {
  test = await createTestRedis();
  store = createInventoryStore({ redis: test.redis, keys: test.keys });
});
afterAll(async () => {
  await test.close();
});

/**
 * The store as the release before packed indexes left it: records as canonical JSON with their id,
 * the indexes as sorted sets of "<value>\0<id>" members (score 0), no packed index.
 */
async function downgrade(inventory: Inventory): Promise<void> {
  const { redis, keys } = test;
  for (const entity of ['sites', 'devices', 'subscribers'] as const) {
    const part = `${entity.slice(0, -1)}-records` as 'site-records' | 'device-records' | 'subscriber-records';
    await redis.hset(keys.inventoryPart(part), ...inventory[entity].flatMap((r) => [r.id, canonicalJson(r)]));
  }
  for (const name of PACKED_INDEXES) {
    const index = packedIndexKeys(keys, name);
    await redis.del(index.buckets, index.directory);
  }
  const legacy = (part: (typeof LEGACY_INVENTORY_PARTS)[number], members: string[]): Promise<number> =>
    redis.zadd(keys.inventoryPart(part), ...members.flatMap((m) => ['0', m]));
  await legacy(
    'device-kind-index',
    inventory.devices.map((d) => `${d.kind}\0${d.id}`),
  );
  await legacy(
    'device-site-index',
    inventory.devices.map((d) => `${d.site}\0${d.id}`),
  );
  await legacy(
    'device-parent-index',
    inventory.devices.filter((d) => d.parentId !== null).map((d) => `${d.parentId}\0${d.id}`),
  );
  await legacy(
    'device-subscriber-index',
    inventory.subscribers.flatMap((s) => s.deviceIds.map((d) => `${d}\0${s.id}`)),
  );
  await legacy(
    'subscriber-phone-index',
    inventory.subscribers.map((s) => `${s.phone}\0${s.id}`),
  );
}

async function legacyKeys(): Promise<number> {
  return test.redis.exists(...LEGACY_INVENTORY_PARTS.map((part) => test.keys.inventoryPart(part)));
}

/** The readers of every packed index answer for the whole fleet. */
async function expectIndexesWhole(inventory: Inventory): Promise<void> {
  const cpes = inventory.devices.filter((d) => d.kind === 'cpe').length;
  expect((await store.counts()).devicesByKind).toEqual({ cpe: cpes, access_node: 6, base_station: 2 });
  expect((await store.listDevices({ site: 'site-000001', limit: 1000 })).items).toHaveLength(16);
  expect(await store.childIds('bs-000000')).toEqual(['an-000000-0', 'an-000000-1', 'an-000000-2']);
  expect(await store.subscriberIdsBehind('bs-000001')).toHaveLength(12);
  const [first] = inventory.subscribers;
  expect((await store.findSubscribersByPhone(first?.phone ?? '')).map((s) => s.id)).toEqual([first?.id]);
}

describe('upgrading from sorted-set indexes', () => {
  beforeEach(async () => {
    await store.importInventory({ sites: [], devices: [], subscribers: [] }, { allowRemovals: true });
    await store.importInventory(fleet());
    await downgrade(fleet());
  });

  it('rebuilds packed indexes from the stored records and drops the old sorted sets', async () => {
    const etag = await store.etag();
    const cpe = fleet().devices.find((d) => d.kind === 'cpe');
    expect(await store.getDevice(cpe?.id ?? '')).toEqual(cpe);
    expect(await store.upgradeLayout()).toBe(true);
    expect(await legacyKeys()).toBe(0);
    // Records are stored without their id (the field has it) and read back whole.
    const stored = await test.redis.hget(test.keys.inventoryPart('device-records'), cpe?.id ?? '');
    expect(JSON.parse(stored ?? '{}')).not.toHaveProperty('id');
    expect(await store.getDevice(cpe?.id ?? '')).toEqual(cpe);
    expect((await store.exportInventory()).devices).toEqual(
      [...fleet().devices].sort((a, b) => (a.id < b.id ? -1 : 1)),
    );
    await expectIndexesWhole(fleet());
    expect(await store.etag()).toBe(etag);
    expect(await store.upgradeLayout()).toBe(false);
  });

  it('rewrites everything when the same file is imported again, though no record changed', async () => {
    const result = await store.importInventory(fleet());
    expect(result.changed).toBe(true);
    expect(result.counts.devices).toEqual({ created: 0, updated: 0, unchanged: 32, removed: 0 });
    expect(await legacyKeys()).toBe(0);
    await expectIndexesWhole(fleet());
    expect((await store.importInventory(fleet())).changed).toBe(false);
  });
});
