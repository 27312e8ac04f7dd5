import type { Redis } from 'ioredis';
import type { DetectionState } from '../detection/index.js';
import type { RedisKeys } from '../platform/redis-keys.js';
import { DEVICE_STATUSES, deviceStatus, type DeviceStatus } from '../detection/device-status.js';
import { deviceIndexKeys } from '../inventory/device-index-keys.js';

export interface StatusFacts {
  status: DeviceStatus;
  findingKinds: string[];
}

export function statusFacts(detection: DetectionState | undefined): StatusFacts {
  return {
    status: deviceStatus(detection),
    findingKinds: [...new Set(Object.values(detection?.findings ?? {}).map((f) => f.kind))],
  };
}

export interface DeviceIdPage {
  ids: string[];
  nextCursor?: string;
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
  const add: string[] = [];
  const remove: string[] = [];
  if (before.status !== after.status) {
    add.push(keys.devicesByStatus(after.status));
    for (const status of DEVICE_STATUSES)
      if (status !== after.status) remove.push(keys.devicesByStatus(status));
  }
  for (const kind of before.findingKinds)
    if (!after.findingKinds.includes(kind)) remove.push(keys.devicesByFinding(kind));
  for (const kind of after.findingKinds)
    if (!before.findingKinds.includes(kind)) add.push(keys.devicesByFinding(kind));
  return { add, remove };
}

/**
 * The index writes of a poll that also keep the index right when it had drifted (a device re-added
 * after an import dropped it, two polls racing): the device must be in its status set (and in no
 * other) and in the set of every finding kind it has now; the kinds it lost are removed.
 */
export function liveIndexWrites(
  keys: RedisKeys,
  change: StatusChange,
): { status: string; add: string[]; remove: string[] } {
  const { before, after } = change;
  return {
    status: keys.devicesByStatus(after.status),
    add: after.findingKinds.map((kind) => keys.devicesByFinding(kind)),
    remove: before.findingKinds
      .filter((kind) => !after.findingKinds.includes(kind))
      .map((kind) => keys.devicesByFinding(kind)),
  };
}

/** Ids examined per round when a page skips entries (dead ids, ids outside the second filter). */
const CHUNK = 500;

/**
 * Devices by status and by open finding kind, as sorted sets of ids (score 0, read in id order with
 * ZRANGEBYLEX), kept by the poll service as devices change: `GET /v1/devices?status=down&finding=…` at
 * 1M devices reads one page of one set, never the whole fleet's state.
 *
 * Invariant: every device of the inventory is in exactly one status set (`unknown` until its first
 * poll), and no set holds a device the inventory lacks. The inventory switch adds new devices to
 * `unknown` and removes dropped ones from every set in the same script; pollers write a device's
 * state and index entries only while the inventory holds it (poller-state-store.ts `saveLive`); the
 * schedule sync heals anything older (`heal`). Reads still check the inventory, so a page never
 * carries a dead id and a cursor never stops on one.
 */
export function createDeviceStatusIndex(redis: Redis, keys: RedisKeys) {
  const ctx: IndexContext = { redis, keys, inventoryIds: keys.inventoryPart('device-ids') };
  return {
    /** Records what changed between two polls of each device; a no-op for devices that did not change. */
    update: (changes: readonly StatusChange[]) => updateIndex(ctx, changes),
    page: (filter: StatusFilter, cursor: string | undefined, limit: number) =>
      pageOfIndex(ctx, filter, cursor, limit),
    heal: (liveIds: readonly string[]) => healIndex(ctx, liveIds),
  };
}

interface IndexContext {
  redis: Redis;
  keys: RedisKeys;
  /** The inventory's set of device ids, which every read and heal checks against. */
  inventoryIds: string;
}

type StatusFilter = { status?: string; finding?: string };

async function updateIndex({ redis, keys }: IndexContext, changes: readonly StatusChange[]): Promise<void> {
  const pipeline = redis.pipeline();
  let writes = 0;
  for (const change of changes) {
    const { add, remove } = statusIndexOps(keys, change);
    for (const key of remove) pipeline.zrem(key, change.id);
    for (const key of add) pipeline.zadd(key, 0, change.id);
    writes += add.length + remove.length;
  }
  if (writes > 0) await pipeline.exec();
}

/**
 * One page of live ids in a status and/or with a finding kind, after `cursor` (an id), in id order.
 * Ids the inventory no longer holds are skipped, and the page is filled from further on, so a page
 * is short only at the end and `nextCursor` always names a device on the page.
 */
async function pageOfIndex(
  ctx: IndexContext,
  filter: StatusFilter,
  cursor: string | undefined,
  limit: number,
): Promise<DeviceIdPage> {
  const { redis, keys } = ctx;
  const primary =
    filter.finding !== undefined
      ? keys.devicesByFinding(filter.finding)
      : keys.devicesByStatus(filter.status ?? 'unknown');
  const secondary =
    filter.finding !== undefined && filter.status !== undefined
      ? keys.devicesByStatus(filter.status)
      : undefined;
  const ids: string[] = [];
  let from = cursor === undefined ? '-' : `(${cursor}`;
  const chunkSize = Math.max(limit, CHUNK);
  for (;;) {
    const chunk = await redis.zrangebylex(primary, from, '+', 'LIMIT', 0, chunkSize);
    if (chunk.length === 0) return { ids };
    const kept = await keptOfChunk(ctx, chunk, secondary);
    for (const [i, id] of chunk.entries()) {
      if (!kept[i]) continue;
      ids.push(id);
      if (ids.length === limit) {
        // Only name a cursor when something may follow: the last id of the set ends the listing.
        const more = i < chunk.length - 1 || chunk.length === chunkSize;
        return more ? { ids, nextCursor: id } : { ids };
      }
    }
    if (chunk.length < chunkSize) return { ids };
    from = `(${chunk[chunk.length - 1] as string}`;
  }
}

/** For each id of a chunk: whether the inventory holds it and, when there is one, it is in `secondary`. */
async function keptOfChunk(
  { redis, inventoryIds }: IndexContext,
  chunk: readonly string[],
  secondary: string | undefined,
): Promise<boolean[]> {
  const pipeline = redis.pipeline();
  pipeline.zmscore(inventoryIds, ...chunk);
  if (secondary) pipeline.zmscore(secondary, ...chunk);
  const replies = ((await pipeline.exec()) ?? []).map(([error, value]) => {
    if (error) throw error;
    return value as (string | null)[];
  });
  const [live = [], inSecondary] = replies;
  return chunk.map((_, i) => !(live[i] === null || (inSecondary && inSecondary[i] === null)));
}

/**
 * Makes the index match the inventory: drops ids the inventory lacks from every set, and puts live
 * devices that are in no status set into `unknown`. Each chunk is one script that checks the
 * inventory and the sets itself, so a poll writing meanwhile is never undone. Run by the schedule
 * sync after an import (it heals indexes written before the switch kept them, or by hand).
 */
async function healIndex(
  { redis, keys, inventoryIds }: IndexContext,
  liveIds: readonly string[],
): Promise<{ dropped: number; added: number }> {
  let dropped = 0;
  let added = 0;
  for (const key of deviceIndexKeys(keys)) {
    const members = await redis.zrange(key, 0, -1);
    for (let i = 0; i < members.length; i += CHUNK) {
      const chunk = members.slice(i, i + CHUNK);
      dropped += Number(await redis.eval(DROP_DEAD, 2, key, inventoryIds, ...chunk));
    }
  }
  const statusKeys = DEVICE_STATUSES.map((status) => keys.devicesByStatus(status));
  for (let i = 0; i < liveIds.length; i += CHUNK) {
    const chunk = liveIds.slice(i, i + CHUNK);
    added += Number(
      await redis.eval(ADD_UNPLACED, 1 + statusKeys.length, inventoryIds, ...statusKeys, ...chunk),
    );
  }
  return { dropped, added };
}

export type DeviceStatusIndex = ReturnType<typeof createDeviceStatusIndex>;

/** KEYS: an index set, the inventory's device ids; ARGV: members. Removes those the inventory lacks. */
const DROP_DEAD = `
local n = 0
for _, id in ipairs(ARGV) do
  if not redis.call('ZSCORE', KEYS[2], id) then n = n + redis.call('ZREM', KEYS[1], id) end
end
return n`;

/** KEYS: the inventory's device ids, the status sets (unknown first); ARGV: ids. */
const ADD_UNPLACED = `
local n = 0
for _, id in ipairs(ARGV) do
  if redis.call('ZSCORE', KEYS[1], id) then
    local placed = false
    for k = 2, #KEYS do
      if redis.call('ZSCORE', KEYS[k], id) then placed = true; break end
    end
    if not placed then n = n + redis.call('ZADD', KEYS[2], 0, id) end
  end
end
return n`;
