import type { Redis } from 'ioredis';
import type { RedisKeys } from '../platform/redis-keys.js';

/**
 * A packed index: a sorted set of "<value>\0<id>" members kept in buckets of sorted, newline-joined
 * members (a hash: bucket start → members) and a directory of the bucket starts (a sorted set, score 0,
 * read by lex). A sorted set spends ~105 bytes on each member (skiplist node, dict entry, string); a
 * bucket of ~128 members costs the members' bytes and ~200 bytes, so the five inventory indexes shrink
 * from ~56 MB to ~10 MB per 100k devices. Reads stay O(log N + page): find the bucket a bound falls in
 * (ZREVRANGEBYLEX on the directory), then read buckets onward.
 *
 * Invariant: a bucket holds members from its start (inclusive) up to the next bucket's start
 * (exclusive), sorted bytewise like Redis's lex order; the first bucket's start may be "", so every
 * member has a bucket. Members cannot contain "\n" (ids and values hold no whitespace).
 */
export const PACKED_INDEXES = [
  /** "<kind>\0<device id>". */
  'device-kind',
  /** "<site>\0<device id>". */
  'device-site',
  /** "<parent id>\0<device id>": a device's children. */
  'device-parent',
  /** "<device id>\0<subscriber id>": subscribers linked directly to a device. */
  'device-subscriber',
  /** "<phone>\0<subscriber id>" (phones normalized; one line may serve several subscribers). */
  'subscriber-phone',
] as const;
export type PackedIndexName = (typeof PACKED_INDEXES)[number];

export interface PackedIndexKeys {
  buckets: string;
  directory: string;
}

export function packedIndexKeys(keys: RedisKeys, name: PackedIndexName, staging = false): PackedIndexKeys {
  return {
    buckets: keys.inventoryPart(`${name}-buckets`, staging),
    directory: keys.inventoryPart(`${name}-directory`, staging),
  };
}

/** Members an import puts in a bucket: room for as many again before a change splits it. */
export const BUCKET_FILL = 128;
/** A bucket split in two halves past this many members. */
export const BUCKET_MAX = 256;

/**
 * Bytewise order of the UTF-8 encodings, as Redis orders members, without encoding: UTF-16 code
 * units order like code points except surrogates, which stand for code points above U+FFFF.
 */
export function byteOrder(a: string, b: string): number {
  if (a === b) return 0;
  const n = Math.min(a.length, b.length);
  let i = 0;
  while (i < n && a.charCodeAt(i) === b.charCodeAt(i)) i++;
  if (i === n) return a.length - b.length;
  return rank(a.charCodeAt(i)) - rank(b.charCodeAt(i));
}

function rank(unit: number): number {
  if (unit < 0xd800) return unit;
  return unit < 0xe000 ? unit + 0x2000 : unit - 0x800;
}

const BEYOND_CODE_UNIT_ORDER = /[\ud800-\uffff]/;

/** The buckets an import writes: [start, members joined], the first one starting at "". */
export function buildBuckets(members: string[]): [string, string][] {
  const unique = [...new Set(members)];
  // Below U+D800 code-unit order is byte order (nearly every inventory): the native sort, ~3x faster.
  const sorted = unique.some((m) => BEYOND_CODE_UNIT_ORDER.test(m)) ? unique.sort(byteOrder) : unique.sort();
  const buckets: [string, string][] = [];
  for (let i = 0; i < sorted.length; i += BUCKET_FILL) {
    const chunk = sorted.slice(i, i + BUCKET_FILL);
    buckets.push([i === 0 ? '' : (chunk[0] as string), chunk.join('\n')]);
  }
  return buckets;
}

/** Fields (or members) per command when an import writes buckets and starts. */
const PER_COMMAND = 500;

/** Writes one index's buckets and directory (the staging keys of an import, which expire). */
export async function writeBuckets(
  redis: Redis,
  index: PackedIndexKeys,
  members: string[],
  ttlMs: number,
): Promise<void> {
  const buckets = buildBuckets(members);
  const pipeline = redis.pipeline();
  for (let i = 0; i < buckets.length; i += PER_COMMAND) {
    const chunk = buckets.slice(i, i + PER_COMMAND);
    pipeline.hset(index.buckets, ...chunk.flat());
    pipeline.zadd(index.directory, ...chunk.flatMap(([start]) => ['0', start]));
  }
  if (buckets.length > 0) pipeline.pexpire(index.buckets, ttlMs).pexpire(index.directory, ttlMs);
  for (const [error] of (await pipeline.exec()) ?? []) if (error) throw error;
}

/**
 * Lua: packAdd(buckets, directory, member) and packRem(…), for scripts that change an index in place
 * (write-inventory-changes.ts). Lua's `<` follows the server's locale (strcoll), so members are
 * compared byte by byte here, the order Redis keeps the directory in.
 */
export const PACKED_LUA = `
local function packLess(a, b)
  local n = math.min(#a, #b)
  for i = 1, n do
    local x, y = string.byte(a, i), string.byte(b, i)
    if x ~= y then return x < y end
  end
  return #a < #b
end
local function packLocate(directory, member)
  return redis.call('ZREVRANGEBYLEX', directory, '[' .. member, '-', 'LIMIT', 0, 1)[1] or ''
end
local function packRead(buckets, start)
  local list = {}
  for m in string.gmatch(redis.call('HGET', buckets, start) or '', '[^\\n]+') do list[#list + 1] = m end
  return list
end
local function packFind(list, member)
  local lo, hi = 1, #list + 1
  while lo < hi do
    local mid = math.floor((lo + hi) / 2)
    if packLess(list[mid], member) then lo = mid + 1 else hi = mid end
  end
  return lo
end
local function packAdd(buckets, directory, member)
  local start = packLocate(directory, member)
  local list = packRead(buckets, start)
  local at = packFind(list, member)
  if list[at] == member then return end
  table.insert(list, at, member)
  if #list > ${BUCKET_MAX} then
    local half, upper = math.floor(#list / 2), {}
    for i = half + 1, #list do upper[#upper + 1] = list[i]; list[i] = nil end
    redis.call('HSET', buckets, upper[1], table.concat(upper, '\\n'))
    redis.call('ZADD', directory, 0, upper[1])
  end
  redis.call('HSET', buckets, start, table.concat(list, '\\n'))
  redis.call('ZADD', directory, 0, start)
end
local function packRem(buckets, directory, member)
  local start = packLocate(directory, member)
  local list = packRead(buckets, start)
  local at = packFind(list, member)
  if list[at] ~= member then return end
  table.remove(list, at)
  if #list == 0 then
    redis.call('HDEL', buckets, start)
    redis.call('ZREM', directory, start)
  else
    redis.call('HSET', buckets, start, table.concat(list, '\\n'))
  end
end
`;
