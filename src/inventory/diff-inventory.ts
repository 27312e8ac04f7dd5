import type { Redis } from 'ioredis';
import type { RedisKeys } from '../platform/redis-keys.js';
import { readFingerprints } from './read-fingerprints.js';
import { countChanges, encodeInventory, type Fingerprints } from './encode-inventory.js';
import {
  INVENTORY_ENTITIES,
  type ImportCounts,
  type Inventory,
  type InventoryEntity,
} from './inventory-types.js';

/** A few ids of each change, to show what an import would do without listing a million rows. */
export interface ChangeSamples {
  created: string[];
  updated: string[];
  removed: string[];
}

export interface InventoryDiff {
  /** False when nothing is stored under this prefix yet: everything would be created. */
  stored: boolean;
  counts: ImportCounts;
  samples: Record<InventoryEntity, ChangeSamples>;
}

/** Ids listed per change and kind. */
export const SAMPLE_IDS = 5;

/** The difference between stored fingerprints and an incoming inventory's, with a few ids of each change. */
export function diffFingerprints(
  previous: Fingerprints | undefined,
  next: Fingerprints,
  sampleSize = SAMPLE_IDS,
): InventoryDiff {
  const samples = {} as Record<InventoryEntity, ChangeSamples>;
  for (const entity of INVENTORY_ENTITIES) {
    const before = previous?.[entity] ?? new Map<string, string>();
    const after = next[entity];
    const s: ChangeSamples = { created: [], updated: [], removed: [] };
    for (const [id, fingerprint] of after) {
      const old = before.get(id);
      const list = old === undefined ? s.created : old === fingerprint ? undefined : s.updated;
      if (list && list.length < sampleSize) list.push(id);
    }
    for (const id of before.keys()) {
      if (s.removed.length >= sampleSize) break;
      if (!after.has(id)) s.removed.push(id);
    }
    samples[entity] = s;
  }
  return { stored: previous !== undefined, counts: countChanges(previous, next), samples };
}

/**
 * What importing `inventory` would change, read from the stored fingerprints (one GET) and written
 * nowhere: `vigil inventory import --dry-run`.
 */
export async function diffInventory(
  redis: Redis,
  keys: RedisKeys,
  inventory: Inventory,
): Promise<InventoryDiff> {
  const previous = await readFingerprints(redis, keys);
  return diffFingerprints(previous, encodeInventory(inventory).fingerprints);
}
