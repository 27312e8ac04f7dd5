import type { Redis } from 'ioredis';
import type { DeviceStatus } from '../detection/device-status.js';
import type { RedisKeys } from '../platform/redis-keys.js';
import { scoresInPollShards } from '../platform/poll-shard-reads.js';

/** The order a device is looked for in the status sets: one briefly in two (mid-update) reads as the worse. */
const WORST_FIRST = ['down', 'degraded', 'up'] as const;

/**
 * Each device's status as the pollers' index holds it (one sorted set per status, see
 * src/polling/device-status-index.ts), in the order of `ids`; a device in none is `unknown`, as the
 * index's own reading has it. Each status set is asked only for the devices not found in a worse one:
 * under an outage nearly all are down, so a 20k-CPE subtree costs one ZMSCORE of each id, not four.
 */
export async function statusesOf(
  redis: Redis,
  keys: RedisKeys,
  ids: readonly string[],
): Promise<DeviceStatus[]> {
  const out = new Array<DeviceStatus>(ids.length).fill('unknown');
  let left = ids.map((_, i) => i);
  for (const status of WORST_FIRST) {
    if (left.length === 0) break;
    const scores = await scoresInPollShards(
      redis,
      keys,
      (shard) => keys.devicesByStatus(status, shard),
      left.map((at) => ids[at] as string),
    );
    left = left.filter((at, j) => {
      if (scores[j] == null) return true;
      out[at] = status;
      return false;
    });
  }
  return out;
}

export type StatusCounts = Record<DeviceStatus, number> & { devices: number };

export function countStatuses(statuses: readonly DeviceStatus[]): StatusCounts {
  const counts: StatusCounts = { devices: statuses.length, down: 0, degraded: 0, up: 0, unknown: 0 };
  for (const s of statuses) counts[s] += 1;
  return counts;
}
