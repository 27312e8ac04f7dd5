import type { Redis } from 'ioredis';
import { DEVICE_STATUSES } from '../detection/device-status.js';
import { FINDING_KINDS } from '../detection/index.js';
import { cardsOverPollShards } from '../platform/poll-shard-reads.js';
import type { RedisKeys } from '../platform/redis-keys.js';

/** Devices per status (DEVICE_STATUSES order) as the pollers' status sets hold them, summed over the poll shards. */
export function countByStatus(redis: Redis, keys: RedisKeys): Promise<number[]> {
  return cardsOverPollShards(redis, keys, DEVICE_STATUSES, (status, shard) =>
    keys.devicesByStatus(status, shard),
  );
}

/** Devices with an open finding of each kind (FINDING_KINDS order), summed over the poll shards. */
export function countByFinding(redis: Redis, keys: RedisKeys): Promise<number[]> {
  return cardsOverPollShards(redis, keys, FINDING_KINDS, (kind, shard) => keys.devicesByFinding(kind, shard));
}
