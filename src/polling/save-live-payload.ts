import type { RedisKeys } from '../platform/redis-keys.js';
import { DEVICE_STATUSES } from '../detection/device-status.js';
import { liveIndexWrites, type StatusChange } from './device-status-index.js';

/**
 * SAVE_LIVE's arguments for one poll shard's chunk: its keys, then ARGV[1] the entry count and ARGV[2]
 * every entry in one binary string. Four arguments per device (id, state, expected frame, index ops)
 * cost the poll path ~4 µs a device in the client's command encoding (each argument measured,
 * converted and framed on its own); one buffer costs one copy. Per entry, little-endian:
 *
 *   u16 id length, id (at most 4,096 characters: inventory-limits.ts) · u8 expected length, expected
 *   frame · u32 state length, framed state ·
 *   u16 ops length, ops
 *
 * ops: "=k" (in status set k and no other; every entry has one), "+k" (ZADD), "-k" (ZREM), "aT" (it
 * answered at T ms), k being the key's index in KEYS.
 */
/**
 * A state already packed: a batch packs each device's state as soon as it is judged, so what waits for
 * the batch's write is a few hundred bytes, not the state's objects (which would outlive young-generation
 * collections and be copied by each).
 */
export interface PackedState {
  id: string;
  /** The state framed with its write count (state-version.ts). */
  bytes: Buffer;
  /** What must be stored for this write to go ahead: the frame of the state it was judged from. */
  expected: string | Buffer;
  /** When the device last answered (ms), for the answered-at index; undefined if this poll failed. */
  answeredAt: number | undefined;
  /**
   * This poll got no answer: the device leaves the answered-at index, which says "answered since"
   * (correlation weighs a device that answered after its parent fell silent as having service, and
   * one that answered and then went silent too must not count as answering).
   */
  silent: boolean;
}

/** A device's packed state and how its status changed. */
export interface PackedEntry {
  state: PackedState;
  change: StatusChange;
}

export interface SaveLivePayload {
  keys: string[];
  args: [count: string, entries: Buffer];
}

/** The Lua that reads one entry of ARGV[2] at `pos`: id, expected, state, ops and the next position. */
export const READ_ENTRY_LUA = `
local function readEntry(blob, pos)
  local fields = {}
  for f, format in ipairs({'<H', '<B', '<I4', '<H'}) do
    local length
    length, pos = struct.unpack(format, blob, pos)
    fields[f] = string.sub(blob, pos, pos + length - 1)
    pos = pos + length
  end
  return fields[1], fields[2], fields[3], fields[4], pos
end`;

/** KEYS[1] the state hash, KEYS[2..5] the status sets in DEVICE_STATUSES' order, KEYS[6] answered-at. */
const FIRST_FINDING_KEY = 2 + DEVICE_STATUSES.length + 1;
const STATUS_KEY = new Map(DEVICE_STATUSES.map((status, i) => [status, 2 + i]));

export function saveLivePayload(
  keys: RedisKeys,
  shard: number,
  entries: readonly PackedEntry[],
): SaveLivePayload {
  const shardKeys = [keys.pollState(shard), ...DEVICE_STATUSES.map((s) => keys.devicesByStatus(s, shard))];
  shardKeys.push(keys.devicesAnsweredAt(shard));
  const answeredAtKey = FIRST_FINDING_KEY - 1;
  // Finding sets are named only by the entries whose kinds moved or stay open (most have none).
  const findingKeys = new Map<string, number>();
  const keyOf = (key: string): number => {
    let index = findingKeys.get(key);
    if (index === undefined) findingKeys.set(key, (index = FIRST_FINDING_KEY + findingKeys.size));
    return index;
  };
  const opsOf: string[] = new Array<string>(entries.length);
  let size = 0;
  entries.forEach(({ state: packed, change }, i) => {
    let ops = packed.answeredAt === undefined ? '' : `a${packed.answeredAt}`;
    if (packed.silent) ops += `-${answeredAtKey}`;
    ops += `=${STATUS_KEY.get(change.after.status) as number}`;
    if (change.before.findingKinds.length > 0 || change.after.findingKinds.length > 0) {
      const writes = liveIndexWrites(keys, shard, change);
      for (const key of writes.remove) ops += `-${keyOf(key)}`;
      for (const key of writes.add) ops += `+${keyOf(key)}`;
    }
    opsOf[i] = ops;
    size += 9 + Buffer.byteLength(packed.id) + packed.expected.length + packed.bytes.length + ops.length;
  });
  const blob = Buffer.allocUnsafe(size);
  let at = 0;
  entries.forEach(({ state: packed }, i) => {
    const ops = opsOf[i] as string;
    // The id's length is what the write wrote: not measured a second time.
    const idBytes = blob.write(packed.id, at + 2);
    blob.writeUInt16LE(idBytes, at);
    at += 2 + idBytes;
    at = blob.writeUInt8(packed.expected.length, at);
    at +=
      typeof packed.expected === 'string'
        ? blob.write(packed.expected, at, 'latin1')
        : packed.expected.copy(blob, at);
    at = blob.writeUInt32LE(packed.bytes.length, at);
    at += packed.bytes.copy(blob, at);
    at = blob.writeUInt16LE(ops.length, at);
    at += blob.write(ops, at, 'latin1');
  });
  return { keys: [...shardKeys, ...findingKeys.keys()], args: [String(entries.length), blob] };
}
