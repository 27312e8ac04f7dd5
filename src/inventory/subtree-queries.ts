import type { InventoryPart } from '../platform/redis-keys.js';
import { lexRange, type TopologyContext } from './topology-queries.js';

/** Deeper than any real access network; a bound, so corrupted data can never loop a walk. */
const MAX_DEPTH = 64;
/** Devices whose children one script call lists: short enough that Redis is never held for long. */
const WALK_CHUNK = 1000;
/** Commands per pipeline when many values are counted at once. */
const PIPELINE_CHUNK = 5000;

/**
 * The children of each device of ARGV, one list per device, in one call: a level of 20k leaves is 20
 * calls, not 20k commands whose client-side cost (about 20 µs each in ioredis) would dominate the walk.
 * Members are "<parent>\0<child>" (write-inventory.ts); the caller strips the prefix.
 */
const CHILDREN_OF_EACH = `
local out = {}
for i, id in ipairs(ARGV) do
  out[i] = redis.call('ZRANGEBYLEX', KEYS[1], '[' .. id .. '\\0', '(' .. id .. '\\1')
end
return out`;

/** Subtrees below one device: everything beneath it, and what lies beneath each of its children. */
export interface Subtree {
  /** Every device below the root, breadth first. */
  all: string[];
  /** For each direct child of the root: every device below that child (absent when none). */
  belowChild: Map<string, string[]>;
}

/**
 * The subtree below `rootId`, walked once a level at a time (one script call per 1,000 devices of a
 * level), each device filed under the child of the root it descends from: one walk answers both "how
 * much lies beneath the root" and "beneath each of its children".
 */
export async function subtreeOf(ctx: TopologyContext, rootId: string): Promise<Subtree> {
  const key = ctx.keys.inventoryPart('device-parent-index');
  const seen = new Set<string>([rootId]);
  const all: string[] = [];
  const belowChild = new Map<string, string[]>();
  let level: { id: string; child: string | null }[] = [{ id: rootId, child: null }];
  for (let depth = 0; level.length > 0 && depth < MAX_DEPTH; depth++) {
    const next: { id: string; child: string | null }[] = [];
    for (let i = 0; i < level.length; i += WALK_CHUNK) {
      const chunk = level.slice(i, i + WALK_CHUNK);
      const lists = (await ctx.redis.eval(CHILDREN_OF_EACH, 1, key, ...chunk.map((l) => l.id))) as string[][];
      chunk.forEach(({ id, child }, j) => {
        for (const member of lists[j] ?? []) {
          const found = member.slice(id.length + 1);
          if (seen.has(found)) continue;
          seen.add(found);
          all.push(found);
          next.push({ id: found, child: child ?? found });
          if (child !== null) pushTo(belowChild, child, found);
        }
      });
    }
    level = next;
  }
  return { all, belowChild };
}

function pushTo(map: Map<string, string[]>, key: string, value: string): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
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
