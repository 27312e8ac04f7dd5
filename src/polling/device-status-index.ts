import type { Redis } from 'ioredis';
import type { DetectionState } from '../detection/index.js';
import type { RedisKeys } from '../platform/redis-keys.js';
import { deviceStatus, type DeviceStatus } from './describe-device-state.js';

export interface StatusFacts {
  status: DeviceStatus;
  findingKinds: string[];
}

export function statusFacts(detection: DetectionState | undefined): StatusFacts {
  return {
    status: deviceStatus(detection),
    findingKinds: [...new Set(Object.values(detection?.findings ?? {}).map((f) => f.kind))],
  };
}

export interface DeviceIdPage {
  ids: string[];
  nextCursor?: string;
}

/**
 * Devices by status and by open finding kind, as sorted sets of ids (score 0, read in id order with
 * ZRANGEBYLEX), kept by the poll service as devices change: `GET /v1/devices?status=down&finding=…` at
 * 1M devices reads one page of one set, never the whole fleet's state.
 */
export function createDeviceStatusIndex(redis: Redis, keys: RedisKeys) {
  return {
    /** Records what changed between two polls of each device; a no-op for devices that did not change. */
    async update(changes: readonly { id: string; before: StatusFacts; after: StatusFacts }[]): Promise<void> {
      const pipeline = redis.pipeline();
      let writes = 0;
      for (const { id, before, after } of changes) {
        if (before.status !== after.status) {
          pipeline.zrem(keys.devicesByStatus(before.status), id);
          pipeline.zadd(keys.devicesByStatus(after.status), 0, id);
          writes += 2;
        }
        for (const kind of before.findingKinds) {
          if (after.findingKinds.includes(kind)) continue;
          pipeline.zrem(keys.devicesByFinding(kind), id);
          writes += 1;
        }
        for (const kind of after.findingKinds) {
          if (before.findingKinds.includes(kind)) continue;
          pipeline.zadd(keys.devicesByFinding(kind), 0, id);
          writes += 1;
        }
      }
      if (writes > 0) await pipeline.exec();
    },

    /** One page of ids in a status and/or with a finding kind, after `cursor` (an id), in id order. */
    async page(
      filter: { status?: string; finding?: string },
      cursor: string | undefined,
      limit: number,
    ): Promise<DeviceIdPage> {
      const primary =
        filter.finding !== undefined
          ? keys.devicesByFinding(filter.finding)
          : keys.devicesByStatus(filter.status ?? 'unknown');
      const secondary =
        filter.finding !== undefined && filter.status !== undefined
          ? keys.devicesByStatus(filter.status)
          : undefined;
      const ids: string[] = [];
      let from = cursor === undefined ? '-' : `(${cursor}`;
      // With both filters, read the finding set in chunks and keep the ids also in the status set.
      for (;;) {
        const chunk = await redis.zrangebylex(primary, from, '+', 'LIMIT', 0, limit);
        if (chunk.length === 0) return { ids };
        const scores = secondary ? await redis.zmscore(secondary, ...chunk) : undefined;
        for (const [i, id] of chunk.entries()) {
          if (scores && scores[i] === null) continue;
          ids.push(id);
          if (ids.length === limit) return { ids, nextCursor: id };
        }
        if (chunk.length < limit) return { ids };
        from = `(${chunk[chunk.length - 1] as string}`;
      }
    },
  };
}

export type DeviceStatusIndex = ReturnType<typeof createDeviceStatusIndex>;
