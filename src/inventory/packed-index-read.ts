import type { Redis } from 'ioredis';
import { byteOrder, type PackedIndexKeys } from './packed-index.js';

/** Values per script call: short enough that Redis is never held for long. */
const VALUES_PER_CALL = 1000;
/** Buckets a page read fetches per round trip (~128 members each). */
const BUCKETS_PER_READ = 8;

/**
 * KEYS: buckets, directory. ARGV[1]: most buckets per range (0: all), then (lo, hi) pairs ("" hi: no
 * bound). For each range, the starts of the buckets that may hold members in [lo, hi): the one lo
 * falls in, then those starting before hi. Each bucket's members are returned once, however many
 * ranges share it (the leaves of one parent share a few buckets).
 */
const READ = `
local most = tonumber(ARGV[1])
local ranges, seen, contents = {}, {}, {}
for i = 2, #ARGV, 2 do
  local lo, hi = ARGV[i], ARGV[i + 1]
  local first = redis.call('ZREVRANGEBYLEX', KEYS[2], '[' .. lo, '-', 'LIMIT', 0, 1)[1] or ''
  local starts = {}
  if most ~= 1 then
    local upper = hi == '' and '+' or '(' .. hi
    starts = redis.call('ZRANGEBYLEX', KEYS[2], '(' .. first, upper, 'LIMIT', 0, most == 0 and -1 or most - 1)
  end
  table.insert(starts, 1, first)
  for _, s in ipairs(starts) do
    if not seen[s] then
      seen[s] = true
      contents[#contents + 1] = s
      contents[#contents + 1] = redis.call('HGET', KEYS[1], s) or ''
    end
  end
  ranges[#ranges + 1] = starts
end
return {ranges, contents}`;

/**
 * KEYS: buckets, directory; ARGV: values. How many members "<value>\0…" each value has. A bucket
 * between two starts of the value holds nothing else, so it is counted by its newlines; the first and
 * last are searched.
 */
const COUNT = `
local counts = {}
for i, v in ipairs(ARGV) do
  local lo = v .. '\\0'
  local first = redis.call('ZREVRANGEBYLEX', KEYS[2], '[' .. lo, '-', 'LIMIT', 0, 1)[1] or ''
  local starts = redis.call('ZRANGEBYLEX', KEYS[2], '(' .. first, '(' .. v .. '\\1')
  table.insert(starts, 1, first)
  local n = 0
  for j, s in ipairs(starts) do
    local text = redis.call('HGET', KEYS[1], s) or ''
    if j > 1 and j < #starts then
      n = n + select(2, string.gsub(text, '\\n', '\\n')) + 1
    else
      local hay, needle, at = '\\n' .. text, '\\n' .. lo, 1
      while true do
        local found = string.find(hay, needle, at, true)
        if not found then break end
        n, at = n + 1, found + #needle
      end
    end
  end
  counts[i] = n
end
return counts`;

type Buckets = Map<string, string[]>;

async function readRanges(
  redis: Redis,
  index: PackedIndexKeys,
  ranges: [lo: string, hi: string][],
  most: number,
): Promise<{ starts: string[][]; buckets: Buckets }> {
  const [starts, contents] = (await redis.eval(
    READ,
    2,
    index.buckets,
    index.directory,
    String(most),
    ...ranges.flat(),
  )) as [string[][], string[]];
  const buckets: Buckets = new Map();
  for (let i = 0; i < contents.length; i += 2) {
    const text = contents[i + 1] ?? '';
    buckets.set(contents[i] ?? '', text === '' ? [] : text.split('\n'));
  }
  return { starts, buckets };
}

/** First position in a sorted bucket whose member is not below `bound`. */
function lowerBound(list: string[], bound: string): number {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (byteOrder(list[mid] as string, bound) < 0) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** For each value, the second halves of its members "<value>\0<id>", in order. */
export async function packedMembersOf(
  redis: Redis,
  index: PackedIndexKeys,
  values: readonly string[],
): Promise<string[][]> {
  const out: string[][] = [];
  for (let i = 0; i < values.length; i += VALUES_PER_CALL) {
    const chunk = values.slice(i, i + VALUES_PER_CALL);
    const ranges = chunk.map((v): [string, string] => [`${v}\u0000`, `${v}\u0001`]);
    const { starts, buckets } = await readRanges(redis, index, ranges, 0);
    ranges.forEach(([prefix], j) => {
      const ids: string[] = [];
      for (const start of starts[j] ?? []) {
        const list = buckets.get(start) ?? [];
        for (let k = lowerBound(list, prefix); k < list.length; k++) {
          const member = list[k] as string;
          if (!member.startsWith(prefix)) break;
          ids.push(member.slice(prefix.length));
        }
      }
      out.push(ids);
    });
  }
  return out;
}

/** How many members "<value>\0…" each value has. */
export async function packedCount(
  redis: Redis,
  index: PackedIndexKeys,
  values: readonly string[],
): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < values.length; i += VALUES_PER_CALL) {
    const chunk = values.slice(i, i + VALUES_PER_CALL);
    out.push(...((await redis.eval(COUNT, 2, index.buckets, index.directory, ...chunk)) as number[]));
  }
  return out;
}

/**
 * Up to `count` members from `from` (inclusive, or exclusive when `after`) below `below` ("": no
 * bound), in order: what ZRANGEBYLEX with LIMIT gave, a few buckets per round trip.
 */
export async function packedRange(
  redis: Redis,
  index: PackedIndexKeys,
  range: { from: string; after: boolean; below: string },
  count: number,
): Promise<string[]> {
  const found: string[] = [];
  let { from, after } = range;
  for (;;) {
    const { starts, buckets } = await readRanges(redis, index, [[from, range.below]], BUCKETS_PER_READ);
    const read = starts[0] ?? [];
    let last = from;
    for (const start of read) {
      const list = buckets.get(start) ?? [];
      for (let k = lowerBound(list, from); k < list.length; k++) {
        const member = list[k] as string;
        if (range.below !== '' && byteOrder(member, range.below) >= 0) return found;
        if (after && member === from) continue;
        found.push(member);
        if (found.length >= count) return found;
      }
      last = list[list.length - 1] ?? start;
    }
    if (read.length < BUCKETS_PER_READ || last === from) return found;
    from = last;
    after = true;
  }
}

/**
 * Members of each value of an index where every record has exactly one value (a device's kind): the
 * values but `rest` counted, `rest` what is left of `recordsKey`'s HLEN, in one atomic step. So the
 * CPEs, nearly all of a fleet, are never counted bucket by bucket (~8k buckets at 1M devices).
 */
export async function packedCountByValue<V extends string>(
  redis: Redis,
  index: PackedIndexKeys,
  values: readonly V[],
  rest: V,
  recordsKey: string,
): Promise<Record<V, number>> {
  const others = values.filter((v) => v !== rest);
  const replies =
    (await redis
      .multi()
      .hlen(recordsKey)
      .eval(COUNT, 2, index.buckets, index.directory, ...others)
      .exec()) ?? [];
  for (const [error] of replies) if (error) throw error;
  const total = Number(replies[0]?.[1] ?? 0);
  const counts = (replies[1]?.[1] ?? []) as number[];
  const byValue = Object.fromEntries(others.map((v, i) => [v, counts[i] ?? 0]));
  const counted = counts.reduce((sum, n) => sum + n, 0);
  return { ...byValue, [rest]: Math.max(0, total - counted) } as Record<V, number>;
}
