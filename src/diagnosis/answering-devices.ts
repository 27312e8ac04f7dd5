import type { Redis } from 'ioredis';
import { isDownFinding, type CorrelationTopology, type Incident } from '../correlation/index.js';
import type { Finding } from '../detection/index.js';
import type { RedisKeys } from '../platform/redis-keys.js';
import { scoresInPollShards } from '../platform/poll-shard-reads.js';

/** Ids per ZMSCORE: one command stays well under a millisecond of Redis time. */
const CHUNK = 1000;

/**
 * Which devices answered a poll after the silence above them began: the evidence correlation weighs
 * against a silent parent. `silentSince` maps each device to weigh to when its silent ancestor went
 * quiet (its down finding's `since`); a device answered after that contradicts the outage, one whose
 * last answer is older says nothing yet (its next poll will tell; a poll that times out takes the
 * device out of the index, so one that answered and then fell silent too no longer counts), so a base station losing power is
 * an outage as soon as its own silence is judged, as before the children are polled again. One ZMSCORE
 * per poll shard (each holds its devices' answers) and 1,000 ids, all sent at once.
 */
export async function loadAnswering(
  redis: Redis,
  keys: RedisKeys,
  silentSince: ReadonlyMap<string, number>,
): Promise<Set<string>> {
  const answering = new Set<string>();
  if (silentSince.size === 0) return answering;
  const ids = [...silentSince.keys()];
  const scores = await scoresInPollShards(redis, keys, (shard) => keys.devicesAnsweredAt(shard), ids);
  scores.forEach((score, i) => {
    const id = ids[i] as string;
    if (score !== null && Number(score) > (silentSince.get(id) ?? Infinity)) answering.add(id);
  });
  return answering;
}

/**
 * The devices whose answers correlation needs this step — everything below a device that is silent
 * and has children (a possible outage root), and below the root of every incident still active — each
 * with when the silence above it began (the latest, where several silent ancestors are weighed).
 */
export function devicesToWeigh(
  silentParents: ReadonlyMap<string, number>,
  descendantsOf: (id: string) => readonly string[],
): Map<string, number> {
  const since = new Map<string, number>();
  for (const [parent, at] of silentParents)
    for (const id of descendantsOf(parent)) since.set(id, Math.max(since.get(id) ?? 0, at));
  return since;
}

/**
 * Each possible outage root and since when it is silent: a device with children whose findings say it
 * is down, and every open incident's root. What answers below them decides (a silent parent over
 * answering devices is no outage).
 */
export function silentParents(
  findingsByDevice: ReadonlyMap<string, readonly Finding[]>,
  topology: CorrelationTopology,
  openIncidents: readonly Incident[],
): Map<string, number> {
  const silentSince = (id: string): number | undefined => {
    const down = (findingsByDevice.get(id) ?? []).filter(isDownFinding);
    return down.length > 0 ? Math.min(...down.map((f) => f.since)) : undefined;
  };
  const parents = new Map<string, number>();
  for (const [id] of findingsByDevice) {
    const since = silentSince(id);
    if (since !== undefined && topology.childrenOf(id).length > 0) parents.set(id, since);
  }
  for (const incident of openIncidents)
    if (!parents.has(incident.rootDeviceId))
      parents.set(incident.rootDeviceId, silentSince(incident.rootDeviceId) ?? incident.openedAt);
  return parents;
}

/**
 * The silent parents whose silence an outage check confirmed after it began (src/polling/outage-checks.ts):
 * a confirmation older than the silence belongs to an earlier outage and says nothing now. One ZMSCORE
 * per 1,000 parents.
 */
export async function loadConfirmedSilent(
  redis: Redis,
  keys: RedisKeys,
  silentSince: ReadonlyMap<string, number>,
): Promise<Set<string>> {
  const confirmed = new Set<string>();
  const ids = [...silentSince.keys()];
  for (let i = 0; i < ids.length; i += CHUNK) {
    const chunk = ids.slice(i, i + CHUNK);
    const scores = await redis.zmscore(keys.devicesSilenceConfirmedAt(), ...chunk);
    scores.forEach((score, j) => {
      const id = chunk[j] as string;
      if (score !== null && Number(score) >= (silentSince.get(id) ?? Infinity)) confirmed.add(id);
    });
  }
  return confirmed;
}
