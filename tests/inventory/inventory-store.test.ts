import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  createInventoryStore,
  readInventory,
  type Inventory,
  type InventoryStore,
} from '../../src/inventory/index.js';
import { encodeInventory } from '../../src/inventory/encode-inventory.js';
import { stageInventory } from '../../src/inventory/write-inventory.js';
import { AppError } from '../../src/shared/app-error.js';
import { createTestRedis, type TestRedis } from '../helpers/test-redis.js';
import { generateInventory } from './generate-inventory.js';

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

describe('import', () => {
  beforeEach(async () => {
    // Each test starts from an empty inventory: a shrink that is meant.
    await store.importInventory({ sites: [], devices: [], subscribers: [] }, { allowRemovals: true });
  });

  it('counts everything created on the first import, and nothing changed on a re-import', async () => {
    const first = await store.importInventory(fleet());
    expect(first.counts.devices).toEqual({ created: 32, updated: 0, unchanged: 0, removed: 0 });
    expect(first.counts.subscribers.created).toBe(24);
    const again = await store.importInventory(fleet());
    expect(again.changed).toBe(false);
    expect(again.counts.devices).toEqual({ created: 0, updated: 0, unchanged: 32, removed: 0 });
    expect(again.counts.sites).toEqual({ created: 0, updated: 0, unchanged: 2, removed: 0 });
    expect(await store.counts()).toEqual({
      sites: 2,
      devices: 32,
      subscribers: 24,
      devicesByKind: { cpe: 24, access_node: 6, base_station: 2 },
    });
  });

  it('removes rows missing from the new file, with their index entries, and counts them', async () => {
    await store.importInventory(fleet());
    const smaller = fleet();
    smaller.devices = smaller.devices.filter((d) => d.id !== 'cpe-000000');
    smaller.subscribers = smaller.subscribers.filter((s) => s.id !== 'sub-000000');
    const cpe1 = smaller.devices.find((d) => d.id === 'cpe-000001');
    if (cpe1) cpe1.model = 'Changed';
    const result = await store.importInventory(smaller);
    expect(result.counts.devices).toEqual({ created: 0, updated: 1, unchanged: 30, removed: 1 });
    expect(result.counts.subscribers).toEqual({ created: 0, updated: 0, unchanged: 23, removed: 1 });
    expect(await store.getDevice('cpe-000000')).toBeUndefined();
    expect(await store.getDevice('cpe-000001')).toMatchObject({ model: 'Changed' });
    expect(await store.childIds('an-000000-0')).toEqual(['cpe-000001', 'cpe-000002', 'cpe-000003']);
    expect(await store.findSubscriberByAccount('ACC-100000000')).toBeUndefined();
  });

  it('stores nothing from a file with a bad row', async () => {
    await store.importInventory(fleet());
    const bad = JSON.stringify({ ...fleet(), devices: [...fleet().devices, { id: 'x', kind: 'router' }] });
    expect(() => readInventory(bad, { format: 'json' })).toThrow(AppError);
    expect((await store.counts()).devices).toBe(32);
  });

  it('leaves the live inventory whole when an import dies after staging, and the next import clears the leftovers', async () => {
    await store.importInventory(fleet());
    const other = generateInventory({ baseStations: 1, accessNodesPerBaseStation: 1, cpesPerAccessNode: 1 });
    // What a crash between writing and switching leaves behind: staged keys, no switch.
    await stageInventory(test.redis, test.keys, other, encodeInventory(other));
    expect((await store.counts()).devices).toBe(32);
    expect(await store.getDevice('cpe-000023')).toBeDefined();
    const result = await store.importInventory(other, { allowRemovals: true });
    expect(result.counts.devices).toEqual({ created: 0, updated: 0, unchanged: 3, removed: 29 });
    expect((await store.counts()).devices).toBe(3);
    expect(await test.redis.exists(test.keys.inventoryPart('device-records', true))).toBe(0);
  });

  it('refuses a second import while one holds the lock, changing nothing', async () => {
    await store.importInventory(fleet());
    await test.redis.set(test.keys.inventoryLock(), 'another-importer');
    try {
      await expect(store.importInventory({ sites: [], devices: [], subscribers: [] })).rejects.toMatchObject({
        code: 'ERR_INVENTORY_LOCKED',
        retryable: true,
      });
      expect((await store.counts()).devices).toBe(32);
    } finally {
      await test.redis.del(test.keys.inventoryLock());
    }
  });

  it('exports what import reads, so export → import changes nothing', async () => {
    await store.importInventory(fleet());
    const exported = await store.exportInventory();
    expect(exported.devices.map((d) => d.id)).toEqual([...fleet().devices.map((d) => d.id)].sort());
    expect((await store.importInventory(exported)).changed).toBe(false);
  });
});

describe('queries', () => {
  beforeAll(async () => {
    const inventory = fleet();
    // A second subscriber on the first CPE, sharing its phone line.
    inventory.subscribers.push({
      id: 'sub-extra',
      account: 'ACC-X',
      phone: '+79100000000',
      deviceIds: ['cpe-000000', 'cpe-000013'],
    });
    await store.importInventory(inventory);
  });

  it('reads one device, or a batch in order with holes', async () => {
    expect(await store.getDevice('an-000001-2')).toMatchObject({
      kind: 'access_node',
      parentId: 'bs-000001',
      site: 'site-000001',
    });
    const batch = await store.getDevices(['cpe-000002', 'nope', 'bs-000000']);
    expect(batch.map((d) => d?.id)).toEqual(['cpe-000002', undefined, 'bs-000000']);
  });

  it('lists children and ancestors', async () => {
    expect((await store.children('bs-000000')).map((d) => d.id)).toEqual([
      'an-000000-0',
      'an-000000-1',
      'an-000000-2',
    ]);
    expect((await store.ancestors('cpe-000005')).map((d) => d.id)).toEqual(['an-000000-1', 'bs-000000']);
    expect(await store.ancestors('bs-000000')).toEqual([]);
  });

  it('finds every subscriber behind a base station, through its access nodes', async () => {
    const behind = await store.subscriberIdsBehind('bs-000000');
    expect(behind).toHaveLength(13);
    expect(behind).toContain('sub-000011');
    expect(behind).toContain('sub-extra');
    expect(behind).not.toContain('sub-000012');
    expect((await store.subscribersBehind('an-000001-0')).map((s) => s.id)).toEqual([
      'sub-000012',
      'sub-000013',
      'sub-000014',
      'sub-000015',
      'sub-extra',
    ]);
  });

  it('finds subscribers by account and by any spelling of their phone', async () => {
    expect((await store.findSubscriberByAccount('ACC-100000007'))?.id).toBe('sub-000007');
    expect((await store.findSubscribersByPhone('+7 (910) 000-00-00')).map((s) => s.id)).toEqual([
      'sub-000000',
      'sub-extra',
    ]);
    expect((await store.findSubscribersByPhone('79100000007')).map((s) => s.id)).toEqual(['sub-000007']);
    expect(await store.findSubscribersByPhone('no phone')).toEqual([]);
  });

  it("lists a subscriber's devices", async () => {
    expect((await store.devicesOfSubscriber('sub-extra')).map((d) => d.id)).toEqual([
      'cpe-000000',
      'cpe-000013',
    ]);
    expect(await store.devicesOfSubscriber('nobody')).toEqual([]);
  });

  it('pages through devices with filters and a cursor, each device once', async () => {
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await store.listDevices({ kind: 'cpe', limit: 5, ...(cursor ? { cursor } : {}) });
      expect(page.items.length).toBeLessThanOrEqual(5);
      seen.push(...page.items.map((d) => d.id));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen).toHaveLength(24);
    expect(new Set(seen).size).toBe(24);
    const bySiteAndKind = await store.listDevices({ site: 'site-000001', kind: 'access_node' });
    expect(bySiteAndKind.items.map((d) => d.id)).toEqual(['an-000001-0', 'an-000001-1', 'an-000001-2']);
    expect(bySiteAndKind.nextCursor).toBeUndefined();
    expect((await store.listDevices({ parentId: 'an-000000-0' })).items).toHaveLength(4);
    await expect(store.listDevices({ cursor: 'not a cursor!' })).rejects.toMatchObject({
      code: 'ERR_INVENTORY_QUERY_INVALID',
    });
  });

  it('lists sites in id order', async () => {
    expect((await store.listSites()).map((s) => s.id)).toEqual(['site-000000', 'site-000001']);
  });
});
