import type { Redis } from 'ioredis';
import type { RedisKeys } from '../platform/redis-keys.js';
import { DEVICE_STATUSES } from '../detection/device-status.js';
import { liveIndexWrites, type StatusChange } from './device-status-index.js';
import { shardOf } from './poll-schedule.js';
import type { PollerDeviceState } from './poller-device-state.js';
import { packState, unpackState } from './state-codec.js';

export type { PollerDeviceState } from './poller-device-state.js';

/**
 * Per-device poller state in one hash per shard, each a msgpack array of fixed layout (state-codec.ts):
 * the bytes per device are what Redis holds 100k times over.
 */
export interface PollerStateStore {
  load(ids: readonly string[]): Promise<Map<string, PollerDeviceState>>;
  save(states: readonly PollerDeviceState[]): Promise<void>;
  /**
   * What a poll writes, in one script: each device's state and its status-index changes, only for
   * devices the inventory still holds. A poll that was running while an import removed its device
   * therefore writes nothing back (no state, no index entry). Answers the ids it skipped.
   */
  saveLive(entries: readonly LiveEntry[]): Promise<{ skipped: string[] }>;
}

/** A device's new state and how its status changed, for `saveLive`. */
export interface LiveEntry {
  state: PollerDeviceState | PackedState;
  change: StatusChange;
}

/**
 * A state already packed: a batch packs each device's state as soon as it is judged, so what waits for
 * the batch's write is a few hundred bytes, not the state's objects (which would outlive young-generation
 * collections and be copied by each).
 */
export interface PackedState {
  id: string;
  bytes: Buffer;
  /** When the device last answered (ms), for the answered-at index; undefined if this poll failed. */
  answeredAt: number | undefined;
  /**
   * This poll got no answer: the device leaves the answered-at index, which says "answered since"
   * (correlation weighs a device that answered after its parent fell silent as having service, and
   * one that answered and then went silent too must not count as answering).
   */
  silent: boolean;
}

/** The device's state as `saveLive` writes it. */
export function packLive(state: PollerDeviceState): PackedState {
  const { deviceId, lastOutcome, lastPollAt } = state.detection;
  const answered = (lastOutcome === 'ok' || lastOutcome === 'partial') && lastPollAt !== undefined;
  return {
    id: deviceId,
    bytes: packState(state),
    answeredAt: answered ? Math.round(lastPollAt) : undefined,
    silent: lastOutcome === 'timeout',
  };
}

/**
 * KEYS[1]: the inventory's device ids, KEYS[2..5]: the status sets, KEYS[6]: when each device last
 * answered, then every other key the entries name; ARGV[1]: entry count, then per entry: device id,
 * its state key's index in KEYS, the packed state, and its index writes: "=k" (in status set k and no
 * other), "+k" (ZADD), "-k" (ZREM), "aT" (it answered at T ms).
 * The status check costs one ZSCORE per device; a write only when the status moved.
 * Answers the ids not in the inventory.
 */
const SAVE_LIVE = `
local skipped = {}
local j = 2
for _ = 1, tonumber(ARGV[1]) do
  local id, stateKey, state, ops = ARGV[j], tonumber(ARGV[j + 1]), ARGV[j + 2], ARGV[j + 3]
  j = j + 4
  if redis.call('ZSCORE', KEYS[1], id) then
    redis.call('HSET', KEYS[stateKey], id, state)
    for sign, k in string.gmatch(ops, '([=+a-])(%d+)') do
      k = tonumber(k)
      if sign == 'a' then redis.call('ZADD', KEYS[6], k, id)
      elseif sign == '=' then
        if not redis.call('ZSCORE', KEYS[k], id) then
          redis.call('ZADD', KEYS[k], 0, id)
          for other = 2, 5 do
            if other ~= k then redis.call('ZREM', KEYS[other], id) end
          end
        end
      elseif sign == '+' then redis.call('ZADD', KEYS[k], 0, id)
      else redis.call('ZREM', KEYS[k], id) end
    end
  else
    skipped[#skipped + 1] = id
  end
end
return skipped`;

export function createPollerStateStore(redis: Redis, keys: RedisKeys, shards: number): PollerStateStore {
  const ctx: StoreContext = { redis, keys, shards };
  return {
    load: (ids) => loadStates(ctx, ids),
    save: (states) => saveStates(ctx, states),
    saveLive: (entries) => saveLiveStates(ctx, entries),
  };
}

interface StoreContext {
  redis: Redis;
  keys: RedisKeys;
  shards: number;
}

function byShard(ids: readonly string[], shards: number): Map<number, string[]> {
  const groups = new Map<number, string[]>();
  for (const id of ids) {
    const shard = shardOf(id, shards);
    const group = groups.get(shard) ?? [];
    group.push(id);
    groups.set(shard, group);
  }
  return groups;
}

async function loadStates(
  { redis, keys, shards }: StoreContext,
  ids: readonly string[],
): Promise<Map<string, PollerDeviceState>> {
  const result = new Map<string, PollerDeviceState>();
  const groups = [...byShard(ids, shards)];
  const pipeline = redis.pipeline();
  for (const [shard, group] of groups) pipeline.hmgetBuffer(keys.pollState(shard), ...group);
  const replies = (await pipeline.exec()) ?? [];
  groups.forEach(([, group], g) => {
    const [error, values] = replies[g] ?? [];
    if (error) throw error;
    (values as (Buffer | null)[]).forEach((value, i) => {
      const id = group[i] as string;
      if (value) result.set(id, unpackState(value, id));
    });
  });
  return result;
}

async function saveStates(
  { redis, keys, shards }: StoreContext,
  states: readonly PollerDeviceState[],
): Promise<void> {
  if (states.length === 0) return;
  const pipeline = redis.pipeline();
  for (const state of states) {
    pipeline.hset(
      keys.pollState(shardOf(state.detection.deviceId, shards)),
      state.detection.deviceId,
      packState(state),
    );
  }
  const replies = (await pipeline.exec()) ?? [];
  const failed = replies.find(([error]) => error);
  if (failed?.[0]) throw failed[0];
}

async function saveLiveStates(
  ctx: StoreContext,
  entries: readonly LiveEntry[],
): Promise<{ skipped: string[] }> {
  if (entries.length === 0) return { skipped: [] };
  const { keys, args } = saveLiveArguments(ctx, entries);
  const skipped = (await ctx.redis.eval(SAVE_LIVE, keys.length, ...keys, ...args)) as string[];
  return { skipped };
}

/** SAVE_LIVE's KEYS and ARGV, as its comment lays them out: each key once, named by its index. */
function saveLiveArguments(
  { keys, shards }: StoreContext,
  entries: readonly LiveEntry[],
): { keys: string[]; args: (string | Buffer)[] } {
  const keyIndex = new Map<string, number>();
  const indexOf = (key: string): number => {
    let index = keyIndex.get(key);
    if (index === undefined) keyIndex.set(key, (index = keyIndex.size + 1));
    return index;
  };
  indexOf(keys.inventoryPart('device-ids'));
  for (const status of DEVICE_STATUSES) indexOf(keys.devicesByStatus(status));
  indexOf(keys.devicesAnsweredAt());
  const args: (string | Buffer)[] = [String(entries.length)];
  for (const { state, change } of entries) {
    const { id, bytes, answeredAt, silent } = 'bytes' in state ? state : packLive(state);
    const writes = liveIndexWrites(keys, change);
    let ops = answeredAt === undefined ? '' : `a${answeredAt}`;
    if (silent) ops += `-${indexOf(keys.devicesAnsweredAt())}`;
    ops += `=${indexOf(writes.status)}`;
    for (const key of writes.remove) ops += `-${indexOf(key)}`;
    for (const key of writes.add) ops += `+${indexOf(key)}`;
    args.push(id, String(indexOf(keys.pollState(shardOf(id, shards)))), bytes, ops);
  }
  return { keys: [...keyIndex.keys()], args };
}
