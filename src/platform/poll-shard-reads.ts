import type { Redis } from 'ioredis';
import type { RedisKeys } from './redis-keys.js';

/**
 * Reads over the poll shards' keys (redis-keys.ts: one hash slot per shard). Each shard is asked with
 * commands of its own, all sent at once: on one Redis they share the connection's round trip, on a
 * cluster each goes to its shard's master (an ioredis pipeline must stay on one master).
 */

/** The shard numbers, 0 … pollShards - 1. */
export function pollShardList(keys: RedisKeys): number[] {
  return Array.from({ length: keys.pollShards }, (_, shard) => shard);
}

/** Ids grouped by poll shard, each with its position in `ids`. */
export function idsByPollShard(
  keys: RedisKeys,
  ids: readonly string[],
): Map<number, { ids: string[]; at: number[] }> {
  const groups = new Map<number, { ids: string[]; at: number[] }>();
  ids.forEach((id, at) => {
    const shard = keys.pollShardOf(id);
    let group = groups.get(shard);
    if (!group) groups.set(shard, (group = { ids: [], at: [] }));
    group.ids.push(id);
    group.at.push(at);
  });
  return groups;
}

/** Ids per ZMSCORE: one command stays well under a millisecond of Redis time. */
const SCORE_CHUNK = 1000;

/**
 * Each id's score in its own shard's set (`setOf(shard)`), in the order of `ids`; null where absent.
 */
export async function scoresInPollShards(
  redis: Redis,
  keys: RedisKeys,
  setOf: (shard: number) => string,
  ids: readonly string[],
): Promise<(string | null)[]> {
  const out: (string | null)[] = new Array<string | null>(ids.length).fill(null);
  const reads: Promise<void>[] = [];
  for (const [shard, group] of idsByPollShard(keys, ids)) {
    for (let i = 0; i < group.ids.length; i += SCORE_CHUNK) {
      const chunk = group.ids.slice(i, i + SCORE_CHUNK);
      reads.push(
        redis.zmscore(setOf(shard), ...chunk).then((scores) => {
          scores.forEach((score, j) => (out[group.at[i + j] as number] = score));
        }),
      );
    }
  }
  await Promise.all(reads);
  return out;
}

/** ZCARD of each shard's set, summed. */
export async function cardOverPollShards(
  redis: Redis,
  keys: RedisKeys,
  setOf: (shard: number) => string,
): Promise<number> {
  const counts = await Promise.all(pollShardList(keys).map((shard) => redis.zcard(setOf(shard))));
  return counts.reduce((sum, n) => sum + n, 0);
}

/** ZCARD of each shard's set for each of `names`, summed per name (in the order of `names`). */
export async function cardsOverPollShards(
  redis: Redis,
  keys: RedisKeys,
  names: readonly string[],
  setOf: (name: string, shard: number) => string,
): Promise<number[]> {
  return Promise.all(names.map((name) => cardOverPollShards(redis, keys, (shard) => setOf(name, shard))));
}

/** When the most overdue device of the schedule was due (ms), over every shard; undefined when none is scheduled. */
export async function oldestDueOverPollShards(redis: Redis, keys: RedisKeys): Promise<number | undefined> {
  const heads = await Promise.all(
    pollShardList(keys).map((shard) => redis.zrange(keys.pollDue(shard), 0, 0, 'WITHSCORES')),
  );
  let oldest: number | undefined;
  for (const head of heads) if (head.length === 2) oldest = Math.min(oldest ?? Infinity, Number(head[1]));
  return oldest;
}
