import type { InventoryPart } from '../platform/redis-keys.js';
import { lexRange, membersOf, type TopologyContext } from './topology-queries.js';

/** Deeper than any real access network; a bound, so corrupted data can never loop a walk. */
const MAX_DEPTH = 64;
/** Commands per pipeline when many values are counted at once. */
const PIPELINE_CHUNK = 5000;

/**
 * Every device below each of `ids`, one list per id in the same order. One pipelined round trip per
 * level of the tree for all of them together, so a page of 100 access nodes with 20k CPEs beneath
 * costs the same few round trips as one.
 */
export async function descendantIdsOfEach(ctx: TopologyContext, ids: readonly string[]): Promise<string[][]> {
  const parentIndex = ctx.keys.inventoryPart('device-parent-index');
  const below: string[][] = ids.map(() => []);
  const seen = new Set<string>(ids);
  // Each frontier device remembers which of `ids` it descends from.
  let level = ids.map((id, owner) => ({ id, owner }));
  for (let depth = 0; level.length > 0 && depth < MAX_DEPTH; depth++) {
    const children = await membersOf(
      ctx,
      parentIndex,
      level.map((l) => l.id),
    );
    const next: { id: string; owner: number }[] = [];
    children.forEach((found, i) => {
      const owner = level[i]?.owner ?? 0;
      for (const child of found) {
        if (seen.has(child)) continue;
        seen.add(child);
        below[owner]?.push(child);
        next.push({ id: child, owner });
      }
    });
    level = next;
  }
  return below;
}

/** How many members each value has in one "<value>\0<id>" index (children, linked subscribers). */
export async function countMembersOf(
  { redis, keys }: TopologyContext,
  part: Extract<InventoryPart, 'device-parent-index' | 'device-subscriber-index'>,
  values: readonly string[],
): Promise<number[]> {
  const key = keys.inventoryPart(part);
  const out: number[] = [];
  for (let i = 0; i < values.length; i += PIPELINE_CHUNK) {
    const pipeline = redis.pipeline();
    for (const value of values.slice(i, i + PIPELINE_CHUNK)) pipeline.zlexcount(key, ...lexRange(value));
    for (const [error, n] of (await pipeline.exec()) ?? []) {
      if (error) throw error;
      out.push(n as number);
    }
  }
  return out;
}
