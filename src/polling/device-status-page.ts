import type { Redis } from 'ioredis';
import { pollShardList, scoresInPollShards } from '../platform/poll-shard-reads.js';
import type { RedisKeys } from '../platform/redis-keys.js';

export interface DeviceIdPage {
  ids: string[];
  nextCursor?: string;
}

export type StatusFilter = { status?: string; finding?: string };

/** Ids read per round and shard, at most, when a page skips entries (dead ids, ids outside the second filter). */
const CHUNK = 500;

/** Byte order, as ZRANGEBYLEX sorts (memcmp), not JavaScript's UTF-16 order. */
function byBytes(ids: string[]): string[] {
  const bytes = new Map(ids.map((id) => [id, Buffer.from(id)]));
  return ids.sort((a, b) => Buffer.compare(bytes.get(a) as Buffer, bytes.get(b) as Buffer));
}

/**
 * One page of live ids in a status and/or with a finding kind, after `cursor` (an id), in id order over
 * every shard. Each round reads a few ids from each shard's set after the same point and merges them:
 * up to the lowest last id of a shard that may hold more, the merge is in order (ids spread evenly over
 * the shards, so a round of ~2 × limit / shards ids per shard fills most pages). Ids the inventory no
 * longer holds are skipped, and the page is filled from further on, so a page is short only at the end
 * and `nextCursor` always names a device on the page.
 */
export async function pageOfStatusIndex(
  redis: Redis,
  keys: RedisKeys,
  filter: StatusFilter,
  cursor: string | undefined,
  limit: number,
): Promise<DeviceIdPage> {
  const { finding, status } = filter;
  const primary = (shard: number): string =>
    finding !== undefined
      ? keys.devicesByFinding(finding, shard)
      : keys.devicesByStatus(status ?? 'unknown', shard);
  const secondary =
    finding !== undefined && status !== undefined
      ? (shard: number) => keys.devicesByStatus(status, shard)
      : undefined;
  const ids: string[] = [];
  let from = cursor === undefined ? '-' : `(${cursor}`;
  let perShard = Math.min(CHUNK, Math.max(8, Math.ceil((2 * limit) / keys.pollShards)));
  for (;;) {
    const chunks = await Promise.all(
      pollShardList(keys).map((shard) => redis.zrangebylex(primary(shard), from, '+', 'LIMIT', 0, perShard)),
    );
    // Past the lowest last id of a full chunk, that shard's next ids are unread: stop the merge there.
    let boundary: string | undefined;
    for (const chunk of chunks) {
      const last = chunk[chunk.length - 1];
      if (chunk.length === perShard && last !== undefined)
        if (boundary === undefined || Buffer.compare(Buffer.from(last), Buffer.from(boundary)) < 0)
          boundary = last;
    }
    const bound = boundary === undefined ? undefined : Buffer.from(boundary);
    const merged = byBytes(
      chunks.flat().filter((id) => bound === undefined || Buffer.compare(Buffer.from(id), bound) <= 0),
    );
    const kept = await keptOf(redis, keys, merged, secondary);
    for (const [i, id] of merged.entries()) {
      if (!kept[i]) continue;
      ids.push(id);
      if (ids.length === limit) {
        // Only name a cursor when something may follow: the last id of every set ends the listing.
        const more = i < merged.length - 1 || boundary !== undefined;
        return more ? { ids, nextCursor: id } : { ids };
      }
    }
    if (boundary === undefined) return { ids };
    from = `(${boundary}`;
    // A round that filled little (dead ids, a second filter) reads more the next time.
    perShard = Math.min(CHUNK, perShard * 2);
  }
}

/** For each id: whether the inventory holds it and, when there is one, it is in its shard's `secondary`. */
async function keptOf(
  redis: Redis,
  keys: RedisKeys,
  ids: readonly string[],
  secondary: ((shard: number) => string) | undefined,
): Promise<boolean[]> {
  if (ids.length === 0) return [];
  const [live, inSecondary] = await Promise.all([
    redis.zmscore(keys.inventoryPart('device-ids'), ...ids),
    secondary ? scoresInPollShards(redis, keys, secondary, ids) : undefined,
  ]);
  return ids.map((_, i) => !(live[i] === null || (inSecondary && inSecondary[i] === null)));
}
