import type { Redis } from 'ioredis';
import type { RedisKeys } from '../platform/redis-keys.js';
import { packedIndexKeys, type PackedIndexName } from './packed-index.js';
import { packedMembersOf } from './packed-index-read.js';
import type { Device } from './inventory-types.js';
import { parseStored } from './stored-record.js';

/** Deeper than any real access network; a bound, so corrupted data can never loop a walk. */
const MAX_DEPTH = 64;

/** What every topology query reads: the connection and where the indexes live. */
export interface TopologyContext {
  redis: Redis;
  keys: RedisKeys;
}

export type TopologyQueries = ReturnType<typeof createTopologyQueries>;

export function createTopologyQueries(redis: Redis, keys: RedisKeys) {
  const ctx: TopologyContext = { redis, keys };
  return {
    childIds: (id: string): Promise<string[]> => childIds(ctx, id),
    descendantIds: (id: string): Promise<string[]> => descendantIds(ctx, id),
    subscriberIdsBehind: (id: string): Promise<string[]> => subscriberIdsBehind(ctx, id),
    ancestors: (id: string): Promise<Device[]> => ancestors(ctx, id),
    membersOf: (index: PackedIndexName, values: string[]): Promise<string[][]> =>
      membersOf(ctx, index, values),
  };
}

/** For each value, the ids its members "<value>\0<id>" in one packed index pair it with, in order. */
export function membersOf(
  { redis, keys }: TopologyContext,
  index: PackedIndexName,
  values: string[],
): Promise<string[][]> {
  return packedMembersOf(redis, packedIndexKeys(keys, index), values);
}

async function childIds(ctx: TopologyContext, id: string): Promise<string[]> {
  return (await membersOf(ctx, 'device-parent', [id]))[0] ?? [];
}

/**
 * Every device below `id`, breadth first. One script call per 1,000 devices of a level of the tree (a
 * base station with 10k CPEs below two levels of access nodes is a few calls), not one per device.
 */
async function descendantIds(ctx: TopologyContext, id: string): Promise<string[]> {
  const seen = new Set<string>([id]);
  const all: string[] = [];
  let level = [id];
  for (let depth = 0; level.length > 0 && depth < MAX_DEPTH; depth++) {
    const next: string[] = [];
    for (const children of await membersOf(ctx, 'device-parent', level)) {
      for (const child of children) {
        if (seen.has(child)) continue;
        seen.add(child);
        next.push(child);
      }
    }
    all.push(...next);
    level = next;
  }
  return all;
}

/** Subscribers linked to the device or to anything below it, each once, in id order. */
async function subscriberIdsBehind(ctx: TopologyContext, id: string): Promise<string[]> {
  const devices = [id, ...(await descendantIds(ctx, id))];
  const linked = await membersOf(ctx, 'device-subscriber', devices);
  return [...new Set(linked.flat())].sort();
}

/** Parent, grandparent, … up to the root; stops at a missing parent or a device seen twice. */
async function ancestors({ redis, keys }: TopologyContext, id: string): Promise<Device[]> {
  const records = keys.inventoryPart('device-records');
  const chain: Device[] = [];
  const seen = new Set<string>([id]);
  const start = await redis.hget(records, id);
  let parentId = start === null ? null : parseStored<Device>(id, start).parentId;
  while (parentId !== null && !seen.has(parentId) && chain.length < MAX_DEPTH) {
    seen.add(parentId);
    const json = await redis.hget(records, parentId);
    if (json === null) break;
    const parent = parseStored<Device>(parentId, json);
    chain.push(parent);
    parentId = parent.parentId;
  }
  return chain;
}
