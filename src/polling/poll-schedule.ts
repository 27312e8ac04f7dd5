/**
 * Where and when each device is polled, from a stable hash of its id (as genieacs spreads periodic
 * work): its shard, and its offset within the interval, so the fleet's polls spread evenly over time
 * and a device keeps its slot across restarts and inventory changes.
 */

import { hashId } from '../platform/poll-shard-of.js';

export { DEFAULT_POLL_SHARDS, hashId, shardOf } from '../platform/poll-shard-of.js';

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
