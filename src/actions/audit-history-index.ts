import type { ChainableCommander, Redis } from 'ioredis';
import type { RedisKeys } from '../platform/redis-keys.js';
import { AUDIT_MAXLEN, HISTORY_ITEM_STARTS, type AuditEntry } from './audit-entry.js';

/**
 * The per-subscriber and per-device index of the audit entries that start a history item, so a
 * subscriber's history reads its own entries, not the whole trail. Indexed by device as written (no
 * inventory read on the write path): a device shared by several subscribers is in each one's history, as
 * the read resolves the subscriber's devices at read time, like the scan it replaces.
 */

/** Each index keeps its newest entries only: a subscriber's history reaches this many actions back. */
export const AUDIT_INDEX_CAP = 1_000;
/** How long after its `at` an entry may reach the stream (a pipeline's round trip, a loaded Redis): the scan's start. */
export const AUDIT_WRITE_SLACK_MS = 60_000;

/**
 * One atomic step: the entry, the marker of the first indexed entry (SET NX), and the entry's id in its
 * index keys, each capped to its newest `cap` and rid of its oldest-scored ids the stream has trimmed
 * (MAXLEN drops the oldest ids; up to `checks` checked a write, so an index drains as fast as it fills;
 * a read drops any other it meets). Compared by id, not by `at`: an entry's `at` may be any time.
 * A Lua function, so the action store's guarded save appends its entry in the same script.
 */
export const AUDIT_APPEND_LUA = `
local function older(a, b)
  local am, aseq = string.match(a, '^(%d+)-(%d+)$')
  local bm, bseq = string.match(b, '^(%d+)-(%d+)$')
  am, bm = tonumber(am), tonumber(bm)
  return am < bm or (am == bm and tonumber(aseq) < tonumber(bseq))
end
local function append_audit(stream, since, indexes, maxlen, entry, at, cap, checks)
  local id = redis.call('XADD', stream, 'MAXLEN', '~', maxlen, '*', 'entry', entry)
  redis.call('SET', since, id, 'NX')
  if #indexes == 0 then return id end
  local oldest = redis.call('XRANGE', stream, '-', '+', 'COUNT', 1)[1][1]
  for _, index in ipairs(indexes) do
    redis.call('ZADD', index, at, id)
    redis.call('ZREMRANGEBYRANK', index, 0, -tonumber(cap) - 1)
    for _, member in ipairs(redis.call('ZRANGE', index, 0, tonumber(checks) - 1)) do
      if older(member, oldest) then redis.call('ZREM', index, member) end
    end
  end
  return id
end
`;

/**
 * KEYS[1] audit stream, KEYS[2] indexed-since marker, KEYS[3..] index keys; ARGV[1] MAXLEN, ARGV[2] the
 * entry JSON, ARGV[3] its `at`, ARGV[4] the cap, ARGV[5] how many of the oldest to check.
 */
const APPEND = `${AUDIT_APPEND_LUA}
local indexes = {}
for i = 3, #KEYS do indexes[#indexes + 1] = KEYS[i] end
return append_audit(KEYS[1], KEYS[2], indexes, ARGV[1], ARGV[2], ARGV[3], ARGV[4], ARGV[5])`;

/** How many of an index's oldest-scored ids a write checks against the stream's oldest. */
export const TRIM_CHECKS = 4;

/** The index keys an entry goes to: none unless it starts a history item. */
export function indexKeysOf(keys: RedisKeys, entry: AuditEntry): string[] {
  if (!HISTORY_ITEM_STARTS.has(entry.what)) return [];
  return [
    ...(entry.subscriberId !== undefined ? [keys.auditOfSubscriber(entry.subscriberId)] : []),
    ...(entry.deviceId !== undefined ? [keys.auditOfDevice(entry.deviceId)] : []),
  ];
}

/** Queues the entry and its index writes on a pipeline (one script: both or neither). */
export function appendAudit(pipeline: ChainableCommander, keys: RedisKeys, entry: AuditEntry): void {
  const indexes = indexKeysOf(keys, entry);
  pipeline.eval(
    APPEND,
    2 + indexes.length,
    keys.audit(),
    keys.auditIndexedSince(),
    ...indexes,
    String(AUDIT_MAXLEN),
    JSON.stringify(entry),
    String(entry.at),
    String(AUDIT_INDEX_CAP),
    String(TRIM_CHECKS),
  );
}

export interface IndexedStarts {
  /** The newest `limit` indexed entries before the cursor, newest first. */
  entries: AuditEntry[];
  /** An index was full and ran out before `limit`: older entries were dropped from it. */
  capped: boolean;
  /** The first indexed entry's id; absent when nothing was ever written with the index. */
  indexedSince?: string;
  /** The stream's oldest entry id (absent when the stream is empty). */
  oldest?: string;
}

/**
 * Reads the subscriber's and their devices' indexes, then the entries they name. A dangling id (its entry
 * trimmed or deleted) is dropped from the indexes and the read done again, so the page still holds the
 * newest `limit` that exist (each round drops at least one id: it ends).
 */
export async function readIndexedStarts(
  redis: Redis,
  keys: RedisKeys,
  of: { subscriberId: string; deviceIds: Iterable<string> },
  before: number,
  limit: number,
): Promise<IndexedStarts> {
  const indexes = [
    keys.auditOfSubscriber(of.subscriberId),
    ...[...of.deviceIds].map((id) => keys.auditOfDevice(id)),
  ];
  for (;;) {
    const pipeline = redis
      .pipeline()
      .get(keys.auditIndexedSince())
      .xrange(keys.audit(), '-', '+', 'COUNT', 1);
    for (const index of indexes)
      pipeline.zrevrangebyscore(index, `(${before}`, '-inf', 'WITHSCORES', 'LIMIT', 0, limit).zcard(index);
    const replies = resultsOf(await pipeline.exec());
    const [since, oldest] = [replies[0] as string | null, (replies[1] as [string][])[0]?.[0]];
    const ids = new Map<string, number>();
    let capped = false;
    indexes.forEach((_, i) => {
      const found = replies[2 + 2 * i] as string[];
      for (let j = 0; j < found.length; j += 2) ids.set(found[j] as string, Number(found[j + 1]));
      if (found.length / 2 < limit && Number(replies[3 + 2 * i]) >= AUDIT_INDEX_CAP) capped = true;
    });
    const newest = [...ids]
      .sort(([a, x], [b, y]) => y - x || (streamIdBefore(a, b) ? 1 : -1))
      .slice(0, limit);
    const entries = await entriesOf(
      redis,
      keys,
      indexes,
      newest.map(([id]) => id),
    );
    if (entries === undefined) continue;
    return {
      entries,
      capped,
      ...(since !== null ? { indexedSince: since } : {}),
      ...(oldest ? { oldest } : {}),
    };
  }
}

/** The entries of these ids, in their order; undefined when some were gone (then dropped from the indexes). */
async function entriesOf(
  redis: Redis,
  keys: RedisKeys,
  indexes: string[],
  ids: string[],
): Promise<AuditEntry[] | undefined> {
  if (ids.length === 0) return [];
  const pipeline = redis.pipeline();
  for (const id of ids) pipeline.xrange(keys.audit(), id, id);
  const replies = resultsOf(await pipeline.exec()) as [string, string[]][][];
  const dangling = ids.filter((_, i) => replies[i]?.length === 0);
  if (dangling.length === 0)
    return replies.map((found) => JSON.parse(found[0]?.[1][1] ?? '{}') as AuditEntry);
  const cleanup = redis.pipeline();
  for (const index of indexes) cleanup.zrem(index, ...dangling);
  resultsOf(await cleanup.exec());
  return undefined;
}

/** A pipeline's replies, or its first error thrown: a failed read is an error, never an empty history. */
function resultsOf(replies: [Error | null, unknown][] | null): unknown[] {
  return (replies ?? []).map(([error, result]) => {
    if (error) throw error;
    return result;
  });
}

/** Whether a stream id is older than another (`<ms>-<seq>`, compared as numbers). */
export function streamIdBefore(a: string, b: string): boolean {
  const [am = 0, as = 0] = a.split('-').map(Number);
  const [bm = 0, bs = 0] = b.split('-').map(Number);
  return am < bm || (am === bm && as < bs);
}
