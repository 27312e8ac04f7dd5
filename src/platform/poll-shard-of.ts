/**
 * A device's poll shard, from a stable hash of its id (as genieacs spreads periodic work): the shard of
 * the schedule that polls it and the hash slot its poller state and index entries live in
 * (redis-keys.ts), so every layer that reads those must compute it the same way.
 */

/** FNV-1a, 32-bit: fast, stable, well spread for short ids. */
export function hashId(id: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < id.length; i++) {
    hash ^= id.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash >>> 0;
}

export function shardOf(id: string, shards: number): number {
  return hashId(id) % shards;
}

/** Shards of the poll schedule when VIGIL_POLL_SHARDS says nothing; every poller and API process must agree. */
export const DEFAULT_POLL_SHARDS = 64;
