import type { Redis } from 'ioredis';
import type { RedisKeys } from '../platform/redis-keys.js';

/** Ids per ZMSCORE: one command stays well under a millisecond of Redis time. */
const CHUNK = 1000;

/**
 * Which of these devices answered their last poll (status `up` or `degraded` in the pollers' index):
 * the evidence correlation weighs against a silent parent. Two ZMSCOREs per 1,000 ids, one round trip.
 */
export async function loadAnswering(
  redis: Redis,
  keys: RedisKeys,
  ids: readonly string[],
): Promise<Set<string>> {
  const answering = new Set<string>();
  if (ids.length === 0) return answering;
  const pipeline = redis.pipeline();
  const chunks: string[][] = [];
  for (let i = 0; i < ids.length; i += CHUNK) {
    const chunk = ids.slice(i, i + CHUNK);
    chunks.push(chunk);
    pipeline.zmscore(keys.devicesByStatus('up'), ...chunk);
    pipeline.zmscore(keys.devicesByStatus('degraded'), ...chunk);
  }
  const replies = (await pipeline.exec()) ?? [];
  chunks.forEach((chunk, c) => {
    const up = replies[2 * c]?.[1] as (string | null)[] | undefined;
    const degraded = replies[2 * c + 1]?.[1] as (string | null)[] | undefined;
    chunk.forEach((id, i) => {
      if ((up?.[i] ?? null) !== null || (degraded?.[i] ?? null) !== null) answering.add(id);
    });
  });
  return answering;
}

/**
 * The devices whose answers correlation needs this step: everything below a device that is down and
 * has children (a possible outage root), and below the root of every incident still active.
 */
export function devicesToWeigh(
  downParents: Iterable<string>,
  descendantsOf: (id: string) => readonly string[],
): string[] {
  const ids = new Set<string>();
  for (const parent of downParents) for (const id of descendantsOf(parent)) ids.add(id);
  return [...ids];
}
