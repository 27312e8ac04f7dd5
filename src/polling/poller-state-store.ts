import type { Redis } from 'ioredis';
import type { RedisKeys } from '../platform/redis-keys.js';
import type { StatusChange } from './device-status-index.js';
import { READ_ENTRY_LUA, saveLivePayload, type PackedEntry, type PackedState } from './save-live-payload.js';
import { idsByPollShard } from '../platform/poll-shard-reads.js';
import { luaScript, runScript } from '../platform/lua-script.js';
import type { PollerDeviceState } from './poller-device-state.js';
import { packState, unpackState } from './state-codec.js';
import { expectedHead, frameState, nextVersion, readFrame, STORED_HEAD_LUA } from './state-version.js';

export type { PollerDeviceState } from './poller-device-state.js';
export type { PackedState } from './save-live-payload.js';

/**
 * Per-device poller state in one hash per shard, each a msgpack array of fixed layout (state-codec.ts):
 * the bytes per device are what Redis holds 100k times over.
 */
export interface PollerStateStore {
  load(ids: readonly string[]): Promise<Map<string, PollerDeviceState>>;
  save(states: readonly PollerDeviceState[]): Promise<void>;
  /**
   * What a poll writes, one script per poll shard: each device's state and its status-index changes,
   * only for devices still live (in one of their shard's status sets, which an import keeps; see
   * redis-keys.ts "Liveness"), and only where the stored state is still the one the poll read
   * (state-version.ts). A poll that was running while an import removed its device writes nothing
   * back (`skipped`); nor does one whose device's state another writer changed meanwhile
   * (`conflicted`: judge it again from the state now stored).
   */
  saveLive(entries: readonly LiveEntry[]): Promise<SavedLive>;
}

export interface SavedLive {
  skipped: string[];
  conflicted: string[];
}

/** A device's new state and how its status changed, for `saveLive`. */
export interface LiveEntry {
  state: PollerDeviceState | PackedState;
  change: StatusChange;
}

/** The device's state as `saveLive` writes it. */
export function packLive(state: PollerDeviceState): PackedState {
  const { deviceId, lastOutcome, lastPollAt } = state.detection;
  const answered = (lastOutcome === 'ok' || lastOutcome === 'partial') && lastPollAt !== undefined;
  return {
    id: deviceId,
    bytes: frameState(packState(state), nextVersion(state.version)),
    expected: expectedHead(state.version),
    answeredAt: answered ? Math.round(lastPollAt) : undefined,
    silent: lastOutcome === 'timeout',
  };
}

/**
 * One poll shard's save (every key in the shard's hash slot, redis-keys.ts). KEYS[1]: the shard's state
 * hash, KEYS[2..5]: its status sets, KEYS[6]: its answered-at set, then the finding sets the entries
 * name; ARGV[1]: entry count, ARGV[2]: the entries in one binary string (save-live-payload.ts), each a
 * device id, the frame its state was judged from (state-version.ts), the framed new state, and its
 * index writes: "=k" (in status set k and no other; every entry has one), "+k" (ZADD), "-k" (ZREM),
 * "aT" (it answered at T ms).
 * A device is live while it is in one of its shard's status sets (the import places and drops them,
 * redis-keys.ts "Liveness"): the check costs one ZSCORE when its status did not move, and a device an
 * import dropped while it was polled gets nothing written back. Answers the ids skipped and the ids
 * whose stored state another writer changed since it was read (nothing written for those either).
 */
const SAVE_LIVE = luaScript(`${STORED_HEAD_LUA}${READ_ENTRY_LUA}
local function isLive(id, target)
  local inTarget = redis.call('ZSCORE', KEYS[target], id)
  if inTarget then return true, true end
  for other = 2, 5 do
    if other ~= target and redis.call('ZSCORE', KEYS[other], id) then return true, false end
  end
  return false, false
end

local skipped, conflicted = {}, {}
local pos = 1
for _ = 1, tonumber(ARGV[1]) do
  local id, expected, state, ops
  id, expected, state, ops, pos = readEntry(ARGV[2], pos)
  local target = tonumber(string.match(ops, '=(%d+)'))
  local live, inTarget = isLive(id, target)
  if not live then
    skipped[#skipped + 1] = id
  elseif storedHead(redis.call('HGET', KEYS[1], id)) ~= expected then
    conflicted[#conflicted + 1] = id
  else
    redis.call('HSET', KEYS[1], id, state)
    for sign, k in string.gmatch(ops, '([=+a-])(%d+)') do
      k = tonumber(k)
      if sign == 'a' then redis.call('ZADD', KEYS[6], k, id)
      elseif sign == '=' then
        if not inTarget then
          redis.call('ZADD', KEYS[k], 0, id)
          for other = 2, 5 do
            if other ~= k then redis.call('ZREM', KEYS[other], id) end
          end
        end
      elseif sign == '+' then redis.call('ZADD', KEYS[k], 0, id)
      else redis.call('ZREM', KEYS[k], id) end
    end
  end
end
return {skipped, conflicted}`);

/**
 * `shards` must be the keys' `pollShards` (it is checked): a device's state lives in the hash slot of
 * its shard, so every process must agree on the count.
 */
export function createPollerStateStore(redis: Redis, keys: RedisKeys, shards: number): PollerStateStore {
  if (shards !== keys.pollShards)
    throw new Error(`poll shards disagree: ${shards} here, ${keys.pollShards} in the Redis keys`);
  const ctx: StoreContext = { redis, keys };
  return {
    load: (ids) => loadStates(ctx, ids),
    save: (states) => saveStates(ctx, states),
    saveLive: (entries) => saveLiveStates(ctx, entries),
  };
}

interface StoreContext {
  redis: Redis;
  keys: RedisKeys;
}

async function loadStates(
  { redis, keys }: StoreContext,
  ids: readonly string[],
): Promise<Map<string, PollerDeviceState>> {
  const result = new Map<string, PollerDeviceState>();
  const groups = [...idsByPollShard(keys, ids)];
  const replies = await Promise.all(
    groups.map(([shard, group]) => redis.hmgetBuffer(keys.pollState(shard), ...group.ids)),
  );
  groups.forEach(([, group], g) => {
    (replies[g] ?? []).forEach((value, i) => {
      const id = group.ids[i] as string;
      if (!value) return;
      const { body, version } = readFrame(value);
      const state = unpackState(body, id);
      state.version = version;
      result.set(id, state);
    });
  });
  return result;
}

async function saveStates(
  { redis, keys }: StoreContext,
  states: readonly PollerDeviceState[],
): Promise<void> {
  if (states.length === 0) return;
  const byShard = new Map<number, (string | Buffer)[]>();
  for (const state of states) {
    const shard = keys.pollShardOf(state.detection.deviceId);
    const fields = byShard.get(shard) ?? [];
    fields.push(state.detection.deviceId, frameState(packState(state), nextVersion(state.version)));
    byShard.set(shard, fields);
  }
  await Promise.all([...byShard].map(([shard, fields]) => redis.hset(keys.pollState(shard), ...fields)));
}

/** One SAVE_LIVE per shard the entries fall in, all sent at once; each shard's is atomic on its own. */
async function saveLiveStates(ctx: StoreContext, entries: readonly LiveEntry[]): Promise<SavedLive> {
  if (entries.length === 0) return { skipped: [], conflicted: [] };
  const byShard = new Map<number, LiveEntry[]>();
  for (const entry of entries) {
    const shard = ctx.keys.pollShardOf(entry.change.id);
    const group = byShard.get(shard) ?? [];
    group.push(entry);
    byShard.set(shard, group);
  }
  const replies = await Promise.all(
    [...byShard].map(([shard, group]) => {
      // A poll's entries come packed (poll-batch.ts); an announcement's may not.
      const packed = group.every((e): e is PackedEntry => 'bytes' in e.state)
        ? group
        : group.map(({ state, change }) => ({ state: 'bytes' in state ? state : packLive(state), change }));
      const { keys, args } = saveLivePayload(ctx.keys, shard, packed);
      return runScript(ctx.redis, SAVE_LIVE, keys, args) as Promise<[string[], string[]]>;
    }),
  );
  return { skipped: replies.flatMap((r) => r[0]), conflicted: replies.flatMap((r) => r[1]) };
}
