import type { Redis } from 'ioredis';
import type { RedisKeys } from '../platform/redis-keys.js';
import { followInventoryInShards } from './shard-index-changes.js';
import type { RecordChange, ResolvedChanges } from './inventory-change.js';
import type { Device, Subscriber } from './inventory-types.js';
import { sameRecord } from './resolve-changes.js';
import { SEPARATOR } from './write-inventory.js';
import { storedJson } from './stored-record.js';
import { PACKED_LUA, packedIndexKeys, type PackedIndexName } from './packed-index.js';

/** The audit trail's cap, as the actions keep it (src/actions/action-store.ts). */
const AUDIT_MAXLEN = '1000000';

/**
 * Applies a batch's writes in one script, so readers see the inventory before the batch or after it,
 * never half of it (redis.io "Scripting with Lua": a script runs atomically), and only while the batch
 * still holds the inventory lock (an import that outlived its lock cannot write either).
 * KEYS[1] lock, KEYS[2] fingerprint changes, KEYS[3] meta, KEYS[4-5] device and subscriber records,
 * then every key the commands name by index. ARGV[1] lock token, ARGV[2] the commands as JSON
 * [name, keyIndex, args...], ARGV[3] meta field/value pairs as JSON (the record counts are added).
 * PACK_ADD and PACK_REM [name, bucketsKey, directoryKey, member] change a packed index (packed-index.ts).
 * The pollers' indexes (poll-shard slots) follow in a step per shard after it (shard-index-changes.ts).
 */
const APPLY = `${PACKED_LUA}
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
for _, op in ipairs(cjson.decode(ARGV[2])) do
  if op[1] == 'PACK_ADD' then
    packAdd(KEYS[op[2]], KEYS[op[3]], op[4])
  elseif op[1] == 'PACK_REM' then
    packRem(KEYS[op[2]], KEYS[op[3]], op[4])
  else
    redis.call(op[1], KEYS[op[2]], unpack(op, 3))
  end
end
redis.call('HSET', KEYS[3], unpack(cjson.decode(ARGV[3])))
redis.call('HSET', KEYS[3], 'devices', redis.call('HLEN', KEYS[4]), 'subscribers', redis.call('HLEN', KEYS[5]))
return 1`;

type Command = [name: string, key: number, ...args: (string | number)[]];

/** Commands over a table of keys, each key named once by its KEYS index. */
class Commands {
  readonly keys: string[];
  readonly removals: Command[] = [];
  readonly additions: Command[] = [];
  private readonly index = new Map<string, number>();

  constructor(fixed: string[]) {
    this.keys = [...fixed];
    fixed.forEach((key, i) => this.index.set(key, i + 1));
  }

  key(key: string): number {
    let at = this.index.get(key);
    if (at === undefined) {
      this.keys.push(key);
      at = this.keys.length;
      this.index.set(key, at);
    }
    return at;
  }

  /** Old index entries go first, so a value one record leaves and another takes (an account) ends with the taker. */
  remove(name: string, key: string, ...args: string[]): void {
    this.removals.push([name, this.key(key), ...args]);
  }

  add(name: string, key: string, ...args: (string | number)[]): void {
    this.additions.push([name, this.key(key), ...args]);
  }

  /** A member joins (`add`) or leaves (`remove`) a packed index. */
  pack(how: 'add' | 'remove', keys: RedisKeys, name: PackedIndexName, value: string, id: string): void {
    const index = packedIndexKeys(keys, name);
    const op = how === 'add' ? 'PACK_ADD' : 'PACK_REM';
    const command: Command = [op, this.key(index.buckets), this.key(index.directory), value + SEPARATOR + id];
    (how === 'add' ? this.additions : this.removals).push(command);
  }
}

export interface ChangeCommit {
  lockToken: string;
  /** fingerprint-changes field → the record's new fingerprint, "" when removed. */
  fingerprints: Map<string, string>;
  meta: Record<string, string>;
  /** One audit entry per record the batch changed, JSON as the audit trail stores them. */
  audit: string[];
}

/** Writes the batch: false when the lock was lost before the script ran (nothing was written). */
export async function commitChanges(
  redis: Redis,
  keys: RedisKeys,
  resolved: ResolvedChanges,
  commit: ChangeCommit,
): Promise<boolean> {
  const commands = new Commands([
    keys.inventoryLock(),
    keys.inventoryPart('fingerprint-changes'),
    keys.inventoryMeta(),
    keys.inventoryPart('device-records'),
    keys.inventoryPart('subscriber-records'),
  ]);
  for (const [id, change] of resolved.devices)
    if (!sameRecord(change.before, change.after)) deviceCommands(commands, keys, id, change);
  for (const [id, change] of resolved.subscribers)
    if (!sameRecord(change.before, change.after)) subscriberCommands(commands, keys, id, change);
  for (const [field, fingerprint] of commit.fingerprints)
    commands.add('HSET', keys.inventoryPart('fingerprint-changes'), field, fingerprint);
  for (const entry of commit.audit)
    commands.add('XADD', keys.audit(), 'MAXLEN', '~', AUDIT_MAXLEN, '*', 'entry', entry);
  const done = await redis.eval(
    APPLY,
    commands.keys.length,
    ...commands.keys,
    commit.lockToken,
    JSON.stringify([...commands.removals, ...commands.additions]),
    JSON.stringify(Object.entries(commit.meta).flat()),
  );
  if (done !== 1) return false;
  const dropped: string[] = [];
  const added: string[] = [];
  for (const [id, { before, after }] of resolved.devices) {
    if (before && !after) dropped.push(id);
    else if (!before && after) added.push(id);
  }
  await followInventoryInShards(redis, keys, { dropped, added });
  return true;
}

/** A device's record, its place in the id, kind, site and parent indexes, and the pollers' indexes. */
function deviceCommands(
  c: Commands,
  keys: RedisKeys,
  id: string,
  { before, after }: RecordChange<Device>,
): void {
  const part = keys.inventoryPart.bind(keys);
  if (before) {
    c.pack('remove', keys, 'device-kind', before.kind, id);
    if (before.site !== undefined) c.pack('remove', keys, 'device-site', before.site, id);
    if (before.parentId !== null) c.pack('remove', keys, 'device-parent', before.parentId, id);
  }
  if (!after) {
    c.remove('HDEL', part('device-records'), id);
    c.remove('ZREM', part('device-ids'), id);
    // The poll shards' sets follow after the script (followInventoryInShards), like an import's.
    c.remove('ZREM', keys.devicesSilenceConfirmedAt(), id);
    c.remove('HDEL', keys.expectedReboots(), id);
    return;
  }
  c.add('HSET', part('device-records'), id, storedJson(after));
  c.add('ZADD', part('device-ids'), '0', id);
  c.pack('add', keys, 'device-kind', after.kind, id);
  if (after.site !== undefined) c.pack('add', keys, 'device-site', after.site, id);
  if (after.parentId !== null) c.pack('add', keys, 'device-parent', after.parentId, id);
}

/** A subscriber's record and its place in the device, account and phone indexes. */
function subscriberCommands(
  c: Commands,
  keys: RedisKeys,
  id: string,
  { before, after }: RecordChange<Subscriber>,
): void {
  const part = keys.inventoryPart.bind(keys);
  if (before) {
    for (const deviceId of before.deviceIds) c.pack('remove', keys, 'device-subscriber', deviceId, id);
    if (before.phone !== undefined) c.pack('remove', keys, 'subscriber-phone', before.phone, id);
    if (before.account !== undefined) c.remove('HDEL', part('subscriber-account-index'), before.account);
  }
  if (!after) {
    c.remove('HDEL', part('subscriber-records'), id);
    return;
  }
  c.add('HSET', part('subscriber-records'), id, storedJson(after));
  for (const deviceId of after.deviceIds) c.pack('add', keys, 'device-subscriber', deviceId, id);
  if (after.phone !== undefined) c.pack('add', keys, 'subscriber-phone', after.phone, id);
  if (after.account !== undefined) c.add('HSET', part('subscriber-account-index'), after.account, id);
}
