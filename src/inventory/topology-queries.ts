import type { Redis } from 'ioredis';
import type { RedisKeys } from '../platform/redis-keys.js';
import { SEPARATOR } from './write-inventory.js';
import type { Device } from './inventory-types.js';

/** Deeper than any real access network; a bound, so corrupted data can never loop a walk. */
const MAX_DEPTH = 64;
/** Commands per pipeline when a level of the tree is wide. */
const PIPELINE_CHUNK = 5000;

/** Members "<value>\0<id>" of one value: ZRANGEBYLEX between "[value\0" and "(value\1". */
export function lexRange(value: string): [string, string] {
  return [`[${value}${SEPARATOR}`, `(${value}\u0001`];
}

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
    membersOf: (key: string, values: string[]): Promise<string[][]> => membersOf(ctx, key, values),
  };
}

/** Second halves of the members for each value, one pipelined round trip per chunk of values. */
export async function membersOf(
  { redis }: TopologyContext,
  key: string,
  values: string[],
): Promise<string[][]> {
  const out: string[][] = [];
  for (let i = 0; i < values.length; i += PIPELINE_CHUNK) {
    const chunk = values.slice(i, i + PIPELINE_CHUNK);
    const pipeline = redis.pipeline();
    for (const value of chunk) pipeline.zrangebylex(key, ...lexRange(value));
    const results = (await pipeline.exec()) ?? [];
    results.forEach(([error, members], j) => {
      if (error) throw error;
      const prefixLength = (chunk[j] ?? '').length + 1;
      out.push((members as string[]).map((m) => m.slice(prefixLength)));
    });
  }
  return out;
}

async function childIds(ctx: TopologyContext, id: string): Promise<string[]> {
  return (await membersOf(ctx, ctx.keys.inventoryPart('device-parent-index'), [id]))[0] ?? [];
}

/**
 * Every device below `id`, breadth first. One pipelined round trip per level of the tree (a base
 * station with 10k CPEs below two levels of access nodes is three round trips), not one per device.
 */
async function descendantIds(ctx: TopologyContext, id: string): Promise<string[]> {
  const parentIndex = ctx.keys.inventoryPart('device-parent-index');
  const seen = new Set<string>([id]);
  const all: string[] = [];
  let level = [id];
  for (let depth = 0; level.length > 0 && depth < MAX_DEPTH; depth++) {
    const next: string[] = [];
    for (const children of await membersOf(ctx, parentIndex, level)) {
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
  const linked = await membersOf(ctx, ctx.keys.inventoryPart('device-subscriber-index'), devices);
  return [...new Set(linked.flat())].sort();
}

/** Parent, grandparent, … up to the root; stops at a missing parent or a device seen twice. */
async function ancestors({ redis, keys }: TopologyContext, id: string): Promise<Device[]> {
  const records = keys.inventoryPart('device-records');
  const chain: Device[] = [];
  const seen = new Set<string>([id]);
  const start = await redis.hget(records, id);
  let parentId = start === null ? null : (JSON.parse(start) as Device).parentId;
  while (parentId !== null && !seen.has(parentId) && chain.length < MAX_DEPTH) {
    seen.add(parentId);
    const json = await redis.hget(records, parentId);
    if (json === null) break;
    const parent = JSON.parse(json) as Device;
    chain.push(parent);
    parentId = parent.parentId;
  }
  return chain;
}
