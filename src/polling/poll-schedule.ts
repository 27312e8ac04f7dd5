/**
 * Where and when each device is polled, from a stable hash of its id (as genieacs spreads periodic
 * work): its shard, and its offset within the interval, so the fleet's polls spread evenly over time
 * and a device keeps its slot across restarts and inventory changes.
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

/** The device's slot within its interval, in ms. A second hash, so shard and slot are independent. */
export function slotOffsetMs(id: string, intervalMs: number): number {
  return hashId(`${id}#slot`) % intervalMs;
}

/** The first time at or after `nowMs` that falls on the device's slot. */
export function firstDueMs(id: string, intervalMs: number, nowMs: number): number {
  const offset = slotOffsetMs(id, intervalMs);
  const cycleStart = nowMs - (nowMs % intervalMs);
  const due = cycleStart + offset;
  return due >= nowMs ? due : due + intervalMs;
}

/** Shards of the poll schedule when VIGIL_POLL_SHARDS says nothing; every poller and API process must agree. */
export const DEFAULT_POLL_SHARDS = 64;
