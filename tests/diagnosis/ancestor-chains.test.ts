import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createAncestorChains } from '../../src/diagnosis/ancestor-chains.js';
import { createInventoryStore, type Device } from '../../src/inventory/index.js';
import { createTestRedis, type TestRedis } from '../helpers/test-redis.js';

/**
 * Ancestor chains on a real Redis: kept per inventory version, so a diagnosis reads the shared access
 * nodes and base stations once, and a change to the tree is seen at the next read.
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

const inventory = {
  sites: [{ id: 'site-1', name: 'Tver, Lenina 1' }],
  devices: [
    device('bs-1', null, 'base_station'),
    device('an-1', 'bs-1', 'access_node'),
    device('an-2', null, 'access_node'),
    device('cpe-1', 'an-1'),
    device('cpe-2', 'an-1'),
    device('cpe-3', 'gone'),
  ],
  subscribers: [{ id: 'sub-1', name: 'Subscriber 1', account: 'ACC-1', deviceIds: ['cpe-1'] }],
};

async function records(ids: string[]): Promise<Device[]> {
  const store = createInventoryStore({ redis: r.redis, keys: r.keys });
  return (await store.getDevices(ids)).filter((d): d is Device => d !== undefined);
}

describe('ancestor chains', () => {
  it('walks each device up to its root, parent first, and reads shared parents once per version', async () => {
    const store = createInventoryStore({ redis: r.redis, keys: r.keys });
    await store.importInventory(inventory as never);
    const chains = createAncestorChains(r.redis, r.keys);
    const reads = vi.spyOn(r.redis, 'hmget');

    const first = await chains.of(await records(['cpe-1']), await chains.version());
    expect(first).toEqual([['an-1', 'bs-1']]);
    const readsForFirst = reads.mock.calls.length;
    expect(readsForFirst).toBeGreaterThan(1);

    // Another CPE under the same access node: only the version is read, no record.
    const second = await chains.of(await records(['cpe-2', 'an-1', 'bs-1']), await chains.version());
    expect(second).toEqual([['an-1', 'bs-1'], ['bs-1'], []]);
    const versionOnly = reads.mock.calls
      .slice(readsForFirst)
      .filter(([key]) => key !== r.keys.inventoryMeta());
    // The devices' own records above were the test's reads; the chains added none.
    expect(versionOnly.map(([key]) => key)).toEqual([r.keys.inventoryPart('device-records')]);
    reads.mockRestore();
  });

  it('ends a chain at a parent the inventory does not have, as the tree walk does', async () => {
    const chains = createAncestorChains(r.redis, r.keys);
    expect(await chains.of(await records(['cpe-3']), await chains.version())).toEqual([[]]);
  });

  it('sees a device moved under another parent at the next read after the change', async () => {
    const store = createInventoryStore({ redis: r.redis, keys: r.keys });
    await store.importInventory(inventory as never);
    const chains = createAncestorChains(r.redis, r.keys);
    expect(await chains.of(await records(['cpe-1']), await chains.version())).toEqual([['an-1', 'bs-1']]);

    // The access node moves from under the base station to the top: cpe-1's record does not change.
    await store.applyChanges(
      [{ op: 'patch', kind: 'device', id: 'an-1', body: { parentId: 'an-2' }, location: 'line 1' }],
      { by: 'admin:test' },
    );

    expect(await chains.of(await records(['cpe-1']), await chains.version())).toEqual([['an-1', 'an-2']]);
  });
});
