import type { ChainableCommander, Redis } from 'ioredis';
import type { DetectionState } from '../detection/index.js';
import type { RedisKeys } from '../platform/redis-keys.js';
import { DEVICE_STATUSES, deviceStatus, type DeviceStatus } from '../detection/device-status.js';
import { deviceIndexKeys } from '../inventory/device-index-keys.js';
import { idsByPollShard, pollShardList } from '../platform/poll-shard-reads.js';
import { pageOfStatusIndex, type StatusFilter } from './device-status-page.js';

export interface StatusFacts {
  status: DeviceStatus;
  findingKinds: readonly string[];
}

/** A device with no open finding (most, at most polls): one shared list, not a set and two arrays. */
const NO_KINDS: readonly string[] = Object.freeze([]);

export function statusFacts(detection: DetectionState | undefined): StatusFacts {
  const findings = detection?.findings ?? {};
  const kinds = Object.values(findings);
  const findingKinds = kinds.length === 0 ? NO_KINDS : [...new Set(kinds.map((f) => f.kind))];
  return { status: deviceStatus(detection), findingKinds };
}

export interface StatusChange {
  id: string;
  before: StatusFacts;
  after: StatusFacts;
}

/**
 * The index writes one poll calls for: on a status change the device joins its new status set and
 * leaves every other one (not only the one it was in, so two polls racing cannot leave it in two);
 * finding sets follow the kinds that opened and closed. Pure: the caller writes them.
 */
export function statusIndexOps(keys: RedisKeys, change: StatusChange): { add: string[]; remove: string[] } {
  const { before, after } = change;
  const shard = keys.pollShardOf(change.id);
  const add: string[] = [];
  const remove: string[] = [];
  if (before.status !== after.status) {
    add.push(keys.devicesByStatus(after.status, shard));
    for (const status of DEVICE_STATUSES)
      if (status !== after.status) remove.push(keys.devicesByStatus(status, shard));
  }
  for (const kind of before.findingKinds)
    if (!after.findingKinds.includes(kind)) remove.push(keys.devicesByFinding(kind, shard));
  for (const kind of after.findingKinds)
    if (!before.findingKinds.includes(kind)) add.push(keys.devicesByFinding(kind, shard));
  return { add, remove };
}

/**
 * The index writes of a poll that also keep the index right when it had drifted (a device re-added
 * after an import dropped it, two polls racing): the device must be in its status set (and in no
 * other) and in the set of every finding kind it has now; the kinds it lost are removed.
 */
export function liveIndexWrites(
  keys: RedisKeys,
  shard: number,
  change: StatusChange,
): { status: string; add: string[]; remove: string[] } {
  const { before, after } = change;
  return {
    status: keys.devicesByStatus(after.status, shard),
    add: after.findingKinds.map((kind) => keys.devicesByFinding(kind, shard)),
    remove: before.findingKinds
      .filter((kind) => !after.findingKinds.includes(kind))
      .map((kind) => keys.devicesByFinding(kind, shard)),
  };
}

/** Ids per command when healing. */
const CHUNK = 500;

/**
 * Devices by status and by open finding kind, as sorted sets of ids (score 0, read in id order with
 * ZRANGEBYLEX), one set per status or kind in each poll shard (redis-keys.ts), kept by the poll service
 * as devices change: `GET /v1/devices?status=down&finding=…` at 1M devices reads a page's worth of each
 * shard's set, never the whole fleet's state.
 *
 * Invariant: every device of the inventory is in exactly one status set of its shard (`unknown` until
 * its first poll), and no set holds a device the inventory lacks, but for the moments between an
 * import's steps (redis-keys.ts "Liveness"): the import swaps the inventory, then adds new devices to
 * `unknown` and removes dropped ones shard by shard; pollers write a device's state and index entries
 * only while it is in a status set (poller-state-store.ts `saveLive`); the schedule sync after each
 * import heals what a crash between steps left (`heal`). Reads still check the inventory, so a page
 * never carries a dead id and a cursor never stops on one.
 */
export function createDeviceStatusIndex(redis: Redis, keys: RedisKeys) {
  const ctx: IndexContext = { redis, keys };
  return {
    /** Records what changed between two polls of each device; a no-op for devices that did not change. */
    update: (changes: readonly StatusChange[]) => updateIndex(ctx, changes),
    /** One page of ids in a status and/or with a finding kind (device-status-page.ts). */
    page: (filter: StatusFilter, cursor: string | undefined, limit: number) =>
      pageOfStatusIndex(redis, keys, filter, cursor, limit),
    heal: (liveIds: readonly string[]) => healIndex(ctx, liveIds),
  };
}

interface IndexContext {
  redis: Redis;
  keys: RedisKeys;
}

async function updateIndex({ redis, keys }: IndexContext, changes: readonly StatusChange[]): Promise<void> {
  // Each device's writes touch its own shard's sets only: one pipeline per shard.
  const pipelines = new Map<number, ChainableCommander>();
  for (const change of changes) {
    const { add, remove } = statusIndexOps(keys, change);
    if (add.length + remove.length === 0) continue;
    const shard = keys.pollShardOf(change.id);
    let pipeline = pipelines.get(shard);
    if (!pipeline) pipelines.set(shard, (pipeline = redis.pipeline()));
    for (const key of remove) pipeline.zrem(key, change.id);
    for (const key of add) pipeline.zadd(key, 0, change.id);
  }
  await Promise.all([...pipelines.values()].map((pipeline) => pipeline.exec()));
}

/**
 * Makes the index match the inventory: drops ids not in `liveIds` (every device of the inventory, as
 * the schedule sync just listed it) from every set, and puts live devices that are in no status set
 * into `unknown`. Placing is one script per shard and chunk that checks the sets itself, so a poll
 * writing meanwhile is never undone; a device an import added after the listing may be dropped, and
 * is placed again by the sync of that import (which heals again). Run by the schedule sync after an
 * import: it heals what a crash between an import's steps left (redis-keys.ts "Liveness"), or a hand edit.
 */
async function healIndex(
  { redis, keys }: IndexContext,
  liveIds: readonly string[],
): Promise<{ dropped: number; added: number }> {
  const live = new Set(liveIds);
  let dropped = 0;
  let added = 0;
  for (const shard of pollShardList(keys)) {
    for (const key of deviceIndexKeys(keys, shard)) {
      const dead = (await redis.zrange(key, 0, -1)).filter((id) => !live.has(id));
      for (let i = 0; i < dead.length; i += CHUNK)
        dropped += await redis.zrem(key, ...dead.slice(i, i + CHUNK));
    }
  }
  for (const [shard, group] of idsByPollShard(keys, liveIds))
    for (let i = 0; i < group.ids.length; i += CHUNK)
      added += await placeUnplaced(redis, keys, shard, 'unknown', group.ids.slice(i, i + CHUNK));
  return { dropped, added };
}

/**
 * Puts ids of one shard in its `status` set, each only if it is in none of the shard's status sets (a
 * poll that placed it knows better), in one script that checks the sets itself. Answers how many it placed.
 */
export async function placeUnplaced(
  redis: Redis,
  keys: RedisKeys,
  shard: number,
  status: DeviceStatus,
  ids: readonly string[],
): Promise<number> {
  if (ids.length === 0) return 0;
  const statusKeys = DEVICE_STATUSES.map((s) => keys.devicesByStatus(s, shard));
  const target = String(DEVICE_STATUSES.indexOf(status) + 1);
  return Number(await redis.eval(PLACE_UNPLACED, statusKeys.length, ...statusKeys, target, ...ids));
}

export type DeviceStatusIndex = ReturnType<typeof createDeviceStatusIndex>;

/** KEYS: one shard's status sets; ARGV[1]: the index in KEYS of the set to join, then ids of that shard. */
const PLACE_UNPLACED = `
local n = 0
local target = tonumber(ARGV[1])
for i = 2, #ARGV do
  local placed = false
  for k = 1, #KEYS do
    if redis.call('ZSCORE', KEYS[k], ARGV[i]) then placed = true; break end
  end
  if not placed then n = n + redis.call('ZADD', KEYS[target], 0, ARGV[i]) end
end
return n`;
