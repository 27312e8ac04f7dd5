import type { Redis } from 'ioredis';
import type { InventoryStore } from '../inventory/index.js';
import type { RedisKeys } from '../platform/redis-keys.js';

/** What lies below one device, as kept: every id once, and each child's share of them by position. */
export interface KeptSubtree {
  /** Every device below the root, breadth first. */
  all: readonly string[];
  /** For each direct child with devices below it: where those devices are in `all`. */
  belowChild: ReadonlyMap<string, Int32Array>;
}

export interface SubtreeCacheDeps {
  redis: Redis;
  keys: RedisKeys;
  inventory: Pick<InventoryStore, 'subtreeOf'>;
  /** Device ids the cache may hold in all (each subtree counts its `all`); the least recently used go first. */
  maxIds?: number;
}

export interface SubtreeCache {
  /** The subtree below `deviceId` in the inventory in force now. */
  get(deviceId: string): Promise<KeptSubtree>;
}

/** ~5–10 MB of ids: a few 20k-CPE outages' roots and what NOC opens beneath them. */
const DEFAULT_MAX_IDS = 200_000;

/**
 * The incident tree's walks, kept per device while the inventory's version (`importedAt`, moved by
 * every import and batch of changes) holds. The topology changes only with the inventory, yet walking a
 * 20k-CPE subtree costs ~0.3 s of Redis round trips (every leaf asked for its children), most of a root
 * level's answer; kept, a level costs one HGET and the statuses. Positions instead of ids per child let
 * a level count its statuses from one array read in `all`'s order, without a map of 20k ids. Kept in the
 * process (each API instance walks once), least recently used dropped first; a failed walk is not kept.
 */
export function createSubtreeCache(deps: SubtreeCacheDeps): SubtreeCache {
  const maxIds = deps.maxIds ?? DEFAULT_MAX_IDS;
  let version: string | undefined;
  /** Insertion order is use order: a hit is re-inserted, so the first entry is the least recently used. */
  const held = new Map<string, Promise<KeptSubtree>>();
  const sizes = new Map<string, number>();
  let total = 0;

  const drop = (deviceId: string): void => {
    total -= sizes.get(deviceId) ?? 0;
    sizes.delete(deviceId);
    held.delete(deviceId);
  };

  const walk = async (deviceId: string): Promise<KeptSubtree> => {
    const { all, belowChild } = await deps.inventory.subtreeOf(deviceId);
    const at = new Map(all.map((id, i) => [id, i]));
    const positions = new Map<string, Int32Array>();
    for (const [child, ids] of belowChild)
      positions.set(
        child,
        Int32Array.from(ids, (id) => at.get(id) ?? -1),
      );
    return { all, belowChild: positions };
  };

  return {
    async get(deviceId) {
      const current = (await deps.redis.hget(deps.keys.inventoryMeta(), 'importedAt')) ?? '';
      if (current !== version) {
        held.clear();
        sizes.clear();
        total = 0;
        version = current;
      }
      const hit = held.get(deviceId);
      if (hit) {
        held.delete(deviceId);
        held.set(deviceId, hit);
        return hit;
      }
      const walking = walk(deviceId);
      held.set(deviceId, walking);
      try {
        const subtree = await walking;
        if (held.get(deviceId) === walking && !sizes.has(deviceId)) {
          sizes.set(deviceId, subtree.all.length);
          total += subtree.all.length;
          for (const oldest of held.keys()) {
            if (total <= maxIds || oldest === deviceId) break;
            drop(oldest);
          }
        }
        return subtree;
      } catch (error) {
        if (held.get(deviceId) === walking) drop(deviceId);
        throw error;
      }
    },
  };
}
