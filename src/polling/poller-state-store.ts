import type { Redis } from 'ioredis';
import { Packr } from 'msgpackr';
import type { DetectionState } from '../detection/index.js';
import type { RedisKeys } from '../platform/redis-keys.js';
import { shardOf } from './poll-schedule.js';
import type { TableIndices } from './poll-plan.js';
import type { RecentPoint } from './recent-samples.js';

/** What the poller keeps per device between polls. */
export interface PollerDeviceState {
  /** The probe the state was built with: another probe starts afresh. */
  probe: string;
  indices: TableIndices;
  detection: DetectionState;
  /** The last polls, oldest first (see recent-samples.ts). */
  recent?: RecentPoint[];
}

/**
 * Per-device poller state in one hash per shard, packed with msgpack: about half the bytes of JSON,
 * which matters at 100k devices against a Redis memory budget.
 */
export interface PollerStateStore {
  load(ids: readonly string[]): Promise<Map<string, PollerDeviceState>>;
  save(states: readonly PollerDeviceState[]): Promise<void>;
}

const packr = new Packr({ useRecords: false, mapsAsObjects: true });

export function createPollerStateStore(redis: Redis, keys: RedisKeys, shards: number): PollerStateStore {
  const byShard = (ids: readonly string[]): Map<number, string[]> => {
    const groups = new Map<number, string[]>();
    for (const id of ids) {
      const shard = shardOf(id, shards);
      const group = groups.get(shard) ?? [];
      group.push(id);
      groups.set(shard, group);
    }
    return groups;
  };

  return {
    async load(ids) {
      const result = new Map<string, PollerDeviceState>();
      const groups = [...byShard(ids)];
      const pipeline = redis.pipeline();
      for (const [shard, group] of groups) pipeline.hmgetBuffer(keys.pollState(shard), ...group);
      const replies = (await pipeline.exec()) ?? [];
      groups.forEach(([, group], g) => {
        const [error, values] = replies[g] ?? [];
        if (error) throw error;
        (values as (Buffer | null)[]).forEach((value, i) => {
          if (value) result.set(group[i] as string, packr.unpack(value) as PollerDeviceState);
        });
      });
      return result;
    },

    async save(states) {
      if (states.length === 0) return;
      const pipeline = redis.pipeline();
      for (const state of states) {
        pipeline.hset(
          keys.pollState(shardOf(state.detection.deviceId, shards)),
          state.detection.deviceId,
          packr.pack(state),
        );
      }
      const replies = (await pipeline.exec()) ?? [];
      const failed = replies.find(([error]) => error);
      if (failed?.[0]) throw failed[0];
    },
  };
}
