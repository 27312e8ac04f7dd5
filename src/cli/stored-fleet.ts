import type { Redis } from 'ioredis';
import type { RedisKeys } from '../platform/redis-keys.js';

/** What a prefix holds at all: an inventory, and whether any poller has polled anything under it. */
export interface StoredFleet {
  devices: number;
  subscribers: number;
  /** Polls counted by every poller of this prefix (vigil_polls_total, all outcomes). */
  polls: number;
}

/**
 * Two cheap reads (HLENs and the small counters hash) that let a reading command tell "nothing is
 * wrong with this device" from "you are looking at the wrong Redis or prefix" — an empty prefix
 * answers every question with "unknown", which reads like a confident answer.
 */
export async function readStoredFleet(redis: Redis, keys: RedisKeys): Promise<StoredFleet> {
  const [devices, subscribers, counters] = await Promise.all([
    redis.hlen(keys.inventoryPart('device-records')),
    redis.hlen(keys.inventoryPart('subscriber-records')),
    redis.hgetall(keys.metricCounters()),
  ]);
  let polls = 0;
  for (const [field, value] of Object.entries(counters))
    if (field.startsWith('vigil_polls_total')) polls += Number(value) || 0;
  return { devices, subscribers, polls };
}
