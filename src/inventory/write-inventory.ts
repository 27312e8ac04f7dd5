import type { ChainableCommander, Redis } from 'ioredis';
import {
  INVENTORY_PARTS,
  LEGACY_INVENTORY_PARTS,
  type InventoryPart,
  type RedisKeys,
} from '../platform/redis-keys.js';
import { followInventoryInShards } from './shard-index-changes.js';
import { serializeFingerprints, type EncodedInventory } from './encode-inventory.js';
import type { Device, Inventory, Subscriber } from './inventory-types.js';
import { loadScript } from '../platform/load-script.js';
import { packedIndexKeys, writeBuckets, type PackedIndexName } from './packed-index.js';

/** Members per bulk write: big enough to need few commands, small enough not to stall Redis (~2 ms). */
const MEMBERS_PER_COMMAND = 2000;
/** Commands per pipeline round trip. */
const COMMANDS_PER_PIPELINE = 64;
/** Staging keys of an importer that died expire on their own. */
const STAGING_TTL_MS = 3_600_000;

/**
 * Swaps every staged part in at once. A script runs atomically (redis.io "Scripting with Lua"), so a
 * reader sees the whole old inventory or the whole new one, never a mix; UNLINK frees the old values in
 * the background, so swapping a 1M-device inventory does not stall Redis. Refuses (returns 0) when the
 * import no longer holds the lock.
 *
 * The pollers' device indexes follow in a second step (shard-index-changes.ts), one script per poll
 * shard, since they live in the shards' hash slots (redis-keys.ts, "Liveness": what a reader sees
 * between the steps, what repairs a crash). This script drops the removed devices from what stays
 * core: the silence-confirmed set and the expected-reboot hash, in commands of 1,000 members.
 * KEYS: lock, meta, live parts..., staged parts..., core index sets..., expected reboots;
 * ARGV: token, part count, index set count, dropped ids (newline-joined), meta pairs.
 */
const COMMIT = `
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
local n = tonumber(ARGV[2])
for i = 1, n do
  local live, staged = KEYS[2 + i], KEYS[2 + n + i]
  redis.call('UNLINK', live)
  if redis.call('EXISTS', staged) == 1 then
    redis.call('RENAME', staged, live)
    redis.call('PERSIST', live)
  end
end
local firstIndex, indexCount = 3 + 2 * n, tonumber(ARGV[3])
local expected = KEYS[firstIndex + indexCount]
local function each1000(text, fn)
  local batch = {}
  for id in string.gmatch(text, '[^\\n]+') do
    batch[#batch + 1] = id
    if #batch == 1000 then fn(batch); batch = {} end
  end
  if #batch > 0 then fn(batch) end
end
each1000(ARGV[4], function(ids)
  for k = firstIndex, firstIndex + indexCount - 1 do redis.call('ZREM', KEYS[k], unpack(ids)) end
  redis.call('HDEL', expected, unpack(ids))
end)
redis.call('DEL', KEYS[2])
redis.call('HSET', KEYS[2], unpack(ARGV, 5))
return 1`;

export const SEPARATOR = '\u0000';

/** Removes staged parts (an earlier importer's leftovers, or this one's after a failure). */
export async function dropStaging(redis: Redis, keys: RedisKeys): Promise<void> {
  await redis.unlink(...INVENTORY_PARTS.map((part) => keys.inventoryPart(part, true)));
}

/** Writes the whole inventory under the staging keys, in few pipelined round trips. */
export async function stageInventory(
  redis: Redis,
  keys: RedisKeys,
  inventory: Inventory,
  encoded: EncodedInventory,
): Promise<void> {
  const staged = (part: InventoryPart): string => keys.inventoryPart(part, true);
  const writer = createBatchWriter(redis);
  await writer.hset(
    staged('site-records'),
    encoded.records.sites.map((r) => [r.id, r.json]),
  );
  await writer.hset(
    staged('device-records'),
    encoded.records.devices.map((r) => [r.id, r.json]),
  );
  await writer.hset(
    staged('subscriber-records'),
    encoded.records.subscribers.map((r) => [r.id, r.json]),
  );
  await writer.zadd(
    staged('device-ids'),
    inventory.devices.map((d) => d.id),
  );
  await writer.hset(
    staged('subscriber-account-index'),
    inventory.subscribers.flatMap((s: Subscriber): [string, string][] =>
      s.account === undefined ? [] : [[s.account, s.id]],
    ),
  );
  await writer.flush();
  for (const [name, members] of indexMembers(inventory))
    await writeBuckets(redis, packedIndexKeys(keys, name, true), members, STAGING_TTL_MS);
  await redis.set(staged('fingerprints'), serializeFingerprints(encoded.fingerprints), 'PX', STAGING_TTL_MS);
}

/**
 * Atomically replaces the live inventory with the staged one, then has the pollers' indexes follow
 * (a step per poll shard); false when the lock was lost (nothing was written).
 */
export async function commitInventory(
  redis: Redis,
  keys: RedisKeys,
  lockToken: string,
  meta: Record<string, string>,
  devices: { dropped: readonly string[]; added: readonly string[] } = { dropped: [], added: [] },
): Promise<boolean> {
  // The old layout's indexes go with the swap: an import after an upgrade leaves only packed ones.
  const parts = [...INVENTORY_PARTS, ...LEGACY_INVENTORY_PARTS];
  const live = parts.map((part) => keys.inventoryPart(part));
  const staged = parts.map((part) => keys.inventoryPart(part, true));
  const indexes = [keys.devicesSilenceConfirmedAt()];
  const metaArgs = Object.entries(meta).flat();
  const committed = await redis.eval(
    COMMIT,
    2 + live.length * 2 + indexes.length + 1,
    keys.inventoryLock(),
    keys.inventoryMeta(),
    ...live,
    ...staged,
    ...indexes,
    keys.expectedReboots(),
    lockToken,
    String(live.length),
    String(indexes.length),
    devices.dropped.join('\n'),
    ...metaArgs,
  );
  if (committed !== 1) return false;
  await followInventoryInShards(redis, keys, devices);
  return true;
}

/** The members of every packed index, "<value>\0<id>". */
function indexMembers(inventory: Inventory): [PackedIndexName, string[]][] {
  const { devices, subscribers } = inventory;
  return [
    ['device-kind', devices.map((d) => d.kind + SEPARATOR + d.id)],
    ['device-site', withValue(devices, (d: Device) => d.site)],
    ['device-parent', withValue(devices, (d: Device) => d.parentId ?? undefined)],
    ['device-subscriber', subscribers.flatMap((s) => s.deviceIds.map((d) => d + SEPARATOR + s.id))],
    ['subscriber-phone', withValue(subscribers, (s: Subscriber) => s.phone)],
  ];
}

function withValue<T extends { id: string }>(
  records: T[],
  valueOf: (record: T) => string | undefined,
): string[] {
  const members: string[] = [];
  for (const record of records) {
    const value = valueOf(record);
    if (value !== undefined) members.push(value + SEPARATOR + record.id);
  }
  return members;
}

/**
 * Sends members in bulk. ioredis spends about a microsecond of our CPU on every argument it encodes,
 * which made a 100k-device import CPU-bound in Node at ~2M arguments; so each command carries one
 * newline-joined payload of MEMBERS_PER_COMMAND members and a small script splits it inside Redis.
 * Newlines are safe separators: ids and index values cannot contain whitespace, and JSON escapes it.
 */
function createBatchWriter(redis: Redis) {
  let pipeline: ChainableCommander = redis.pipeline();
  let queued = 0;
  let sha: string | undefined;
  const expiring = new Set<string>();
  const flush = async (): Promise<void> => {
    if (queued === 0) return;
    for (const key of expiring) pipeline.pexpire(key, STAGING_TTL_MS);
    expiring.clear();
    const results = (await pipeline.exec()) ?? [];
    const failed = results.find(([error]) => error);
    if (failed?.[0]) throw failed[0];
    pipeline = redis.pipeline();
    queued = 0;
  };
  const send = async (
    command: 'HSET' | 'ZADD',
    key: string,
    items: string[],
    perMember: number,
  ): Promise<void> => {
    sha ??= await loadScript(redis, BULK_WRITE);
    const step = MEMBERS_PER_COMMAND * perMember;
    for (let i = 0; i < items.length; i += step) {
      pipeline.evalsha(sha, 1, key, command, items.slice(i, i + step).join('\n'));
      expiring.add(key);
      if (++queued >= COMMANDS_PER_PIPELINE) await flush();
    }
  };
  return {
    flush,
    hset: (key: string, pairs: [string, string][]): Promise<void> => send('HSET', key, pairs.flat(), 2),
    zadd: (key: string, members: string[]): Promise<void> => send('ZADD', key, members, 1),
  };
}

/** KEYS[1]: the key; ARGV[1]: HSET or ZADD (score 0); ARGV[2]: newline-joined fields and values, or members. */
const BULK_WRITE = `
local command, args, n = ARGV[1], {}, 0
for item in string.gmatch(ARGV[2], '[^\\n]+') do
  if command == 'ZADD' then n = n + 1; args[n] = '0' end
  n = n + 1; args[n] = item
  if n >= 4000 then redis.call(command, KEYS[1], unpack(args, 1, n)); n = 0 end
end
if n > 0 then redis.call(command, KEYS[1], unpack(args, 1, n)) end
return 0`;
