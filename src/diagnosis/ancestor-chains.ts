import type { Redis } from 'ioredis';
import type { Device } from '../inventory/index.js';
import type { RedisKeys } from '../platform/redis-keys.js';

/** Deeper than any real access network; a longer chain is a broken tree, cut here. */
const MAX_DEPTH = 64;
/** Parent links kept at most (tens of MB at most); past it the cache starts again. */
const MAX_KNOWN = 200_000;

/**
 * Each device's ancestors (parent first, root last), from parent links kept per inventory version.
 * A subscriber's equipment hangs under a few access nodes and base stations that thousands of other
 * subscribers share, so once they are known a diagnosis reads none of them. The version is what every
 * import and batch of changes rewrites in the inventory's meta hash (the digests and the import time):
 * a reader passes the version it read in the same round as the devices' own records, and a version it
 * has not seen drops every link, so a chain never mixes two inventories.
 */
export function createAncestorChains(redis: Redis, keys: RedisKeys) {
  let knownVersion: string | undefined;
  /** Device id → its parent's id; null for a root, false for an id the inventory does not have. */
  const parentOf = new Map<string, string | null | false>();

  async function learn(ids: string[]): Promise<void> {
    const found = await redis.hmget(keys.inventoryPart('device-records'), ...ids);
    ids.forEach((id, i) => {
      const json = found[i];
      parentOf.set(id, json ? ((JSON.parse(json) as Pick<Device, 'parentId'>).parentId ?? null) : false);
    });
  }

  /** The parent ids of `devices`' chains that are not known yet, one level of the tree a round. */
  function unknownAbove(devices: readonly Device[]): string[] {
    const unknown = new Set<string>();
    for (const device of devices) {
      let id = device.parentId;
      for (let depth = 0; id && depth < MAX_DEPTH; depth++) {
        const parent = parentOf.get(id);
        if (parent === undefined) {
          unknown.add(id);
          break;
        }
        id = parent || null;
      }
    }
    return [...unknown];
  }

  function chainOf(device: Device): string[] {
    const chain: string[] = [];
    const seen = new Set<string>([device.id]);
    let id = device.parentId;
    while (id && !seen.has(id) && chain.length < MAX_DEPTH) {
      seen.add(id);
      const parent = parentOf.get(id);
      // A parent the inventory lacks ends the chain, as the tree walk did.
      if (parent === undefined || parent === false) break;
      chain.push(id);
      id = parent;
    }
    return chain;
  }

  return {
    /** The version to pass to `of`, read in the same round as the records it goes with. */
    async version(): Promise<string> {
      const [digests, importedAt] = await redis.hmget(keys.inventoryMeta(), 'digests', 'importedAt');
      return `${digests ?? ''}/${importedAt ?? ''}`;
    },
    /** Each device's ancestor ids, parent first, for the inventory at `version`. */
    async of(devices: readonly Device[], version: string): Promise<string[][]> {
      if (version !== knownVersion || parentOf.size > MAX_KNOWN) {
        parentOf.clear();
        knownVersion = version;
      }
      for (let depth = 0; depth < MAX_DEPTH; depth++) {
        const unknown = unknownAbove(devices);
        if (unknown.length === 0) break;
        await learn(unknown);
      }
      return devices.map(chainOf);
    },
  };
}

export type AncestorChains = ReturnType<typeof createAncestorChains>;
