import type { Redis } from 'ioredis';
import { DEVICE_STATUSES, type DeviceStatus } from '../detection/device-status.js';
import { FINDING_KINDS } from '../detection/finding.js';
import { idsByPollShard } from '../platform/poll-shard-reads.js';
import type { RedisKeys } from '../platform/redis-keys.js';
import { placeUnplaced } from './device-status-index.js';

/** Members moved per step: each step is a read, the writes to the shards, then the old members' removal. */
const CHUNK = 1000;

export interface SplitReport {
  /** Old (core) keys found and emptied into the poll shards' keys. */
  keys: number;
  /** Members and fields moved. */
  moved: number;
}

/**
 * The upgrade from versions that kept the poll schedule, the poller state and the status, finding and
 * answered-at indexes in the core slot (`unshardedPollKey`) to a slot per poll shard (redis-keys.ts):
 * each old key is emptied a chunk at a time into its members' shards — written there first, then
 * removed from the old key — so a crash mid-way loses nothing, and running it again (or in several
 * processes at once) only finishes the move. Writes never overwrite what this version wrote already:
 * schedule entries NX, states HSETNX, a status only for a device in no status set of its shard,
 * answered-at GT. Run by `vigil redis tag-keys` and at every poller's start (sync-schedule.ts; a few
 * EXISTS when there is nothing to move). Works on one Redis and on a cluster alike (no command spans
 * two slots). Old schedule and state keys are looked for under shard numbers below `pollShards`.
 */
export async function splitPollKeys(redis: Redis, keys: RedisKeys): Promise<SplitReport> {
  const report: SplitReport = { keys: 0, moved: 0 };
  const step = async (key: string, move: (key: string) => Promise<number>): Promise<void> => {
    if ((await redis.exists(key)) === 0) return;
    report.keys += 1;
    for (let n = await move(key); n > 0; n = await move(key)) report.moved += n;
  };
  for (let shard = 0; shard < keys.pollShards; shard++) {
    await step(keys.unshardedPollKey('due', String(shard)), (key) => moveDue(redis, keys, key));
    await step(keys.unshardedPollKey('state', String(shard)), (key) => moveStates(redis, keys, key));
  }
  for (const status of DEVICE_STATUSES)
    await step(keys.unshardedPollKey('status', status), (key) => moveStatus(redis, keys, key, status));
  for (const kind of FINDING_KINDS)
    await step(keys.unshardedPollKey('finding', kind), (key) =>
      moveScored(redis, keys, key, (shard) => keys.devicesByFinding(kind, shard)),
    );
  await step(keys.unshardedPollKey('answered-at'), (key) =>
    moveScored(redis, keys, key, (shard) => keys.devicesAnsweredAt(shard), 'GT'),
  );
  return report;
}

/** Ids of a chunk of sorted-set members with their scores: [ids, scores]. */
async function sortedChunk(redis: Redis, key: string): Promise<[string[], string[]]> {
  const flat = await redis.zrange(key, 0, CHUNK - 1, 'WITHSCORES');
  const members: string[] = [];
  const scores: string[] = [];
  for (let i = 0; i < flat.length; i += 2) {
    members.push(flat[i] as string);
    scores.push(flat[i + 1] as string);
  }
  return [members, scores];
}

/** Schedule entries "<intervalMs>:<id>", each to its device's shard (NX: a new entry keeps its time). */
async function moveDue(redis: Redis, keys: RedisKeys, key: string): Promise<number> {
  const [members, scores] = await sortedChunk(redis, key);
  if (members.length === 0) return 0;
  const ids = members.map((m) => m.slice(m.indexOf(':') + 1));
  await Promise.all(
    [...idsByPollShard(keys, ids)].map(([shard, group]) =>
      redis.zadd(
        keys.pollDue(shard),
        'NX',
        ...group.at.flatMap((at) => [scores[at] as string, members[at] as string]),
      ),
    ),
  );
  await redis.zrem(key, ...members);
  return members.length;
}

/** One pass over a state hash (HSCAN may answer a page with nothing but a cursor: it follows it to the end). */
async function moveStates(redis: Redis, keys: RedisKeys, key: string): Promise<number> {
  let moved = 0;
  let cursor = '0';
  do {
    const [next, flat] = await redis.hscanBuffer(key, cursor, 'COUNT', CHUNK);
    cursor = next.toString();
    if (flat.length > 0) moved += await moveStatePage(redis, keys, key, flat);
  } while (cursor !== '0');
  return moved;
}

async function moveStatePage(redis: Redis, keys: RedisKeys, key: string, flat: Buffer[]): Promise<number> {
  const ids = flat.filter((_, i) => i % 2 === 0).map((id) => id.toString());
  await Promise.all(
    [...idsByPollShard(keys, ids)].map(([shard, group]) =>
      Promise.all(
        group.at.map((at) =>
          redis.hsetnx(keys.pollState(shard), ids[at] as string, flat[2 * at + 1] as Buffer),
        ),
      ),
    ),
  );
  await redis.hdel(key, ...ids);
  return ids.length;
}

/** A status only for a device in no status set of its shard: a poll of this version knows better. */
async function moveStatus(redis: Redis, keys: RedisKeys, key: string, status: DeviceStatus): Promise<number> {
  const [ids] = await sortedChunk(redis, key);
  if (ids.length === 0) return 0;
  await Promise.all(
    [...idsByPollShard(keys, ids)].map(([shard, group]) =>
      placeUnplaced(redis, keys, shard, status, group.ids),
    ),
  );
  await redis.zrem(key, ...ids);
  return ids.length;
}

async function moveScored(
  redis: Redis,
  keys: RedisKeys,
  key: string,
  setOf: (shard: number) => string,
  mode?: 'GT',
): Promise<number> {
  const [ids, scores] = await sortedChunk(redis, key);
  if (ids.length === 0) return 0;
  await Promise.all(
    [...idsByPollShard(keys, ids)].map(([shard, group]) => {
      const pairs = group.at.flatMap((at) => [scores[at] as string, ids[at] as string]);
      return mode ? redis.zadd(setOf(shard), mode, ...pairs) : redis.zadd(setOf(shard), ...pairs);
    }),
  );
  await redis.zrem(key, ...ids);
  return ids.length;
}
