import { describe, expect, it } from 'vitest';
import { findTopologyCycles } from '../../src/inventory/find-topology-cycles.js';
import { normalizePhone } from '../../src/inventory/normalize-phone.js';
import { canonicalJson } from '../../src/inventory/canonical-json.js';
import { countChanges, encodeInventory } from '../../src/inventory/encode-inventory.js';
import type { Inventory } from '../../src/inventory/index.js';

describe('findTopologyCycles', () => {
  it('finds nothing in a forest', () => {
    expect(
      findTopologyCycles(
        new Map([
          ['cpe', 'an'],
          ['an', 'bs'],
          ['cpe2', 'an'],
        ]),
      ),
    ).toEqual([]);
  });

  it('finds each cycle once, including a self-parent, without following it forever', () => {
    const cycles = findTopologyCycles(
      new Map([
        ['a', 'b'],
        ['b', 'c'],
        ['c', 'a'],
        ['tail', 'a'],
        ['self', 'self'],
      ]),
    );
    expect(cycles).toEqual([['a', 'b', 'c'], ['self']]);
  });
});

describe('normalizePhone', () => {
  it('keeps digits behind a "+" whatever the spelling', () => {
    expect(normalizePhone('+7 (912) 345-67-89')).toBe('+79123456789');
    expect(normalizePhone('79123456789')).toBe('+79123456789');
  });

  it('refuses letters and lengths outside E.164', () => {
    expect(normalizePhone('call me')).toBeUndefined();
    expect(normalizePhone('123')).toBeUndefined();
    expect(normalizePhone('+1234567890123456')).toBeUndefined();
  });
});

describe('fingerprints', () => {
  const inventory = (model: string): Inventory => ({
    sites: [{ id: 's', name: 'S' }],
    devices: [
      { id: 'd', kind: 'cpe', parentId: null, profile: 'p', host: '10.0.0.1', port: 161, auth: 'a', model },
    ],
    subscribers: [],
  });

  it('are the same whatever the field order', () => {
    expect(canonicalJson({ b: 1, a: { d: 2, c: 3 } })).toBe(canonicalJson({ a: { c: 3, d: 2 }, b: 1 }));
  });

  it('count created, updated, unchanged and removed', () => {
    const before = encodeInventory(inventory('A')).fingerprints;
    const after = encodeInventory({ ...inventory('B'), sites: [] }).fingerprints;
    const counts = countChanges(before, after);
    expect(counts.devices).toEqual({ created: 0, updated: 1, unchanged: 0, removed: 0 });
    expect(counts.sites).toEqual({ created: 0, updated: 0, unchanged: 0, removed: 1 });
    expect(countChanges(undefined, before).devices).toEqual({
      created: 1,
      updated: 0,
      unchanged: 0,
      removed: 0,
    });
  });
});
