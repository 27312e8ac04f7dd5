import type { Redis } from 'ioredis';
import type { RedisKeys } from '../platform/redis-keys.js';
import { pollShardList } from '../platform/poll-shard-reads.js';
import { luaScript, runScript } from '../platform/lua-script.js';
import { firstDueMs, shardOf } from './poll-schedule.js';

/**
 * The poll schedule in Redis: one sorted set per shard, member "<intervalMs>:<deviceId>", score = when
 * the device is next due. Claiming due devices advances their score in the same script, so two
 * pollers can never take the same device for the same interval, however many run.
 */
const CLAIM_DUE = luaScript(`
local items = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'WITHSCORES', 'LIMIT', 0, tonumber(ARGV[2]))
local now = tonumber(ARGV[1])
local claimed = {}
for i = 1, #items, 2 do
  local member = items[i]
  local due = tonumber(items[i + 1])
  local sep = string.find(member, ':', 1, true)
  local interval = tonumber(string.sub(member, 1, sep - 1))
  local nextDue = due + interval
  if nextDue <= now then
    -- Missed cycles (no poller was running) are skipped, not replayed in a burst.
    nextDue = nextDue + math.ceil((now - nextDue + 1) / interval) * interval
  end
  redis.call('ZADD', KEYS[1], nextDue, member)
  claimed[#claimed + 1] = string.sub(member, sep + 1)
end
return claimed
`);

export interface ScheduledDevice {
  id: string;
  intervalMs: number;
}

export interface ScheduleStore {
  /** Takes up to `limit` devices of `shard` that are due at `nowMs`, and moves them to their next slot. */
  claimDue(shard: number, nowMs: number, limit: number): Promise<string[]>;
  /** Makes the schedule hold exactly these devices: new ones get their slot, gone ones are dropped. */
  sync(devices: readonly ScheduledDevice[], nowMs: number): Promise<{ added: number; removed: number }>;
  /** Devices in the schedule, and how many are overdue by more than `lateMs` (poll lag). */
  size(nowMs: number, lateMs: number): Promise<{ scheduled: number; late: number }>;
}

/** `shards` must be the keys' `pollShards` (checked): a shard's schedule lives in that shard's hash slot. */
export function createScheduleStore(redis: Redis, keys: RedisKeys, shards: number): ScheduleStore {
  if (shards !== keys.pollShards)
    throw new Error(`poll shards disagree: ${shards} here, ${keys.pollShards} in the Redis keys`);
  return {
    async claimDue(shard, nowMs, limit) {
      return (await runScript(
        redis,
        CLAIM_DUE,
        [keys.pollDue(shard)],
        [String(nowMs), String(limit)],
      )) as string[];
    },

    async sync(devices, nowMs) {
      const wanted = Array.from({ length: shards }, () => new Map<string, ScheduledDevice>());
      for (const device of devices)
        wanted[shardOf(device.id, shards)]!.set(`${device.intervalMs}:${device.id}`, device);
      let added = 0;
      let removed = 0;
      for (let shard = 0; shard < shards; shard++) {
        const key = keys.pollDue(shard);
        const present = new Set(await redis.zrange(key, 0, -1));
        const want = wanted[shard]!;
        const gone = [...present].filter((member) => !want.has(member));
        const pipeline = redis.pipeline();
        for (let i = 0; i < gone.length; i += 1000) pipeline.zrem(key, ...gone.slice(i, i + 1000));
        // A device whose interval changed is re-added under its new member: only drop state of ids gone.
        const wantedIds = new Set([...want.values()].map((d) => d.id));
        const goneIds = gone
          .map((member) => member.slice(member.indexOf(':') + 1))
          .filter((id) => !wantedIds.has(id));
        for (let i = 0; i < goneIds.length; i += 1000)
          pipeline.hdel(keys.pollState(shard), ...goneIds.slice(i, i + 1000));
        const fresh: (string | number)[] = [];
        for (const [member, device] of want)
          if (!present.has(member)) fresh.push(firstDueMs(device.id, device.intervalMs, nowMs), member);
        for (let i = 0; i < fresh.length; i += 2000) pipeline.zadd(key, 'NX', ...fresh.slice(i, i + 2000));
        await pipeline.exec();
        added += fresh.length / 2;
        removed += gone.length;
      }
      return { added, removed };
    },

    async size(nowMs, lateMs) {
      // A shard's schedule is in its own slot: commands per shard, sent at once.
      const counts = await Promise.all(
        pollShardList(keys).map((shard) =>
          Promise.all([
            redis.zcard(keys.pollDue(shard)),
            redis.zcount(keys.pollDue(shard), '-inf', String(nowMs - lateMs)),
          ]),
        ),
      );
      let scheduled = 0;
      let late = 0;
      for (const [all, overdue] of counts) {
        scheduled += all;
        late += overdue;
      }
      return { scheduled, late };
    },
  };
}
