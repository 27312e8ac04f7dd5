import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSubtreeCache } from '../../src/diagnosis/subtree-cache.js';
import { createTestRedis, type TestRedis } from '../helpers/test-redis.js';

/**
 * The subtree cache on a real Redis (the inventory's version is its `importedAt`), with an inventory
 * that counts its walks: a walk is made once per device and version, within a bound on ids held.
 */
let r: TestRedis;
beforeAll(async () => {
  r = await createTestRedis();
});
afterAll(async () => {
  await r?.close();
});

/** a → a-1 (a-1-x, a-1-y), a-2; other roots have `size` leaves each. */
function countingInventory(size = 3) {
  const walks: string[] = [];
  let failNext = false;
  return {
    walks,
    failOnce: () => (failNext = true),
    subtreeOf: (id: string) => {
      walks.push(id);
      if (failNext) {
        failNext = false;
        return Promise.reject(new Error('Redis went away'));
      }
      if (id === 'a')
        return Promise.resolve({
          all: ['a-1', 'a-2', 'a-1-x', 'a-1-y'],
          belowChild: new Map([['a-1', ['a-1-x', 'a-1-y']]]),
        });
      return Promise.resolve({
        all: Array.from({ length: size }, (_, i) => `${id}-${i}`),
        belowChild: new Map<string, string[]>(),
      });
    },
  };
}

describe('createSubtreeCache', () => {
  it("keeps each child's share of the subtree as positions in `all`", async () => {
    const inventory = countingInventory();
    const cache = createSubtreeCache({ redis: r.redis, keys: r.keys, inventory });
    const kept = await cache.get('a');
    expect(kept.all).toEqual(['a-1', 'a-2', 'a-1-x', 'a-1-y']);
    expect([...(kept.belowChild.get('a-1') ?? [])].map((at) => kept.all[at])).toEqual(['a-1-x', 'a-1-y']);
    expect(kept.belowChild.has('a-2')).toBe(false);
  });

  it('walks once per device while the inventory version holds, and again once it moved', async () => {
    await r.redis.hset(r.keys.inventoryMeta(), 'importedAt', '2026-12-03T07:00:00.000Z');
    const inventory = countingInventory();
    const cache = createSubtreeCache({ redis: r.redis, keys: r.keys, inventory });
    await Promise.all([cache.get('a'), cache.get('a')]);
    await cache.get('b');
    await cache.get('a');
    expect(inventory.walks).toEqual(['a', 'b']);
    await r.redis.hset(r.keys.inventoryMeta(), 'importedAt', '2026-12-03T07:00:01.000Z');
    await cache.get('a');
    expect(inventory.walks).toEqual(['a', 'b', 'a']);
  });

  it('drops the least recently used walk past its bound on ids held', async () => {
    const inventory = countingInventory(4);
    const cache = createSubtreeCache({ redis: r.redis, keys: r.keys, inventory, maxIds: 8 });
    await cache.get('b');
    await cache.get('c');
    await cache.get('b'); // b used last: c is the older
    await cache.get('d'); // 12 ids > 8: c goes
    expect(inventory.walks).toEqual(['b', 'c', 'd']);
    await cache.get('b');
    expect(inventory.walks).toEqual(['b', 'c', 'd']);
    await cache.get('c');
    expect(inventory.walks).toEqual(['b', 'c', 'd', 'c']);
  });

  it('keeps no failed walk: the next read walks again', async () => {
    const inventory = countingInventory();
    const cache = createSubtreeCache({ redis: r.redis, keys: r.keys, inventory });
    inventory.failOnce();
    await expect(cache.get('b')).rejects.toThrow('Redis went away');
    expect((await cache.get('b')).all).toHaveLength(3);
    expect(inventory.walks).toEqual(['b', 'b']);
  });
});
