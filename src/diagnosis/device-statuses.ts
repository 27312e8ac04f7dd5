import type { Redis } from 'ioredis';
import { DEVICE_STATUSES, type DeviceStatus } from '../detection/device-status.js';
import type { RedisKeys } from '../platform/redis-keys.js';

/** Ids per ZMSCORE: big enough to be few round trips, small enough not to stall Redis. */
const CHUNK = 5000;

/**
 * Each device's status as the pollers' index holds it (one sorted set per status, see
 * src/polling/device-status-index.ts), in the order of `ids`; a device in none is `unknown`, as the
 * index's own reading has it. One ZMSCORE per status per chunk, pipelined.
 */
export async function statusesOf(
  redis: Redis,
  keys: RedisKeys,
  ids: readonly string[],
): Promise<DeviceStatus[]> {
  const out: DeviceStatus[] = [];
  for (let i = 0; i < ids.length; i += CHUNK) {
    const chunk = ids.slice(i, i + CHUNK);
    const pipeline = redis.pipeline();
    for (const status of DEVICE_STATUSES) pipeline.zmscore(keys.devicesByStatus(status), ...chunk);
    const results = (await pipeline.exec()) ?? [];
    const scores = results.map(([error, value]) => {
      if (error) throw error;
      return value as (string | null)[];
    });
    chunk.forEach((_, j) => {
      // A device briefly in two sets (mid-update) reads as the worse: down, then degraded, then up.
      const found = ['down', 'degraded', 'up'].find(
        (status) => scores[DEVICE_STATUSES.indexOf(status as DeviceStatus)]?.[j] != null,
      );
      out.push((found as DeviceStatus | undefined) ?? 'unknown');
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
