import { packedIndexKeys, type PackedIndexName } from './packed-index.js';
import { packedCount, packedMembersOf } from './packed-index-read.js';
import type { TopologyContext } from './topology-queries.js';

/** Deeper than any real access network; a bound, so corrupted data can never loop a walk. */
const MAX_DEPTH = 64;
/** Subtrees below one device: everything beneath it, and what lies beneath each of its children. */
export interface Subtree {
  /** Every device below the root, breadth first. */
  all: string[];
  /** For each direct child of the root: every device below that child (absent when none). */
  belowChild: Map<string, string[]>;
}

/**
 * The subtree below `rootId`, walked once a level at a time (one script call per 1,000 devices of a
 * level, packed-index-read.ts), each device filed under the child of the root it descends from: one
 * walk answers both "how much lies beneath the root" and "beneath each of its children".
 */
export async function subtreeOf(ctx: TopologyContext, rootId: string): Promise<Subtree> {
  const parents = packedIndexKeys(ctx.keys, 'device-parent');
  const seen = new Set<string>([rootId]);
  const all: string[] = [];
  const belowChild = new Map<string, string[]>();
  let level: { id: string; child: string | null }[] = [{ id: rootId, child: null }];
  for (let depth = 0; level.length > 0 && depth < MAX_DEPTH; depth++) {
    const next: { id: string; child: string | null }[] = [];
    const lists = await packedMembersOf(
      ctx.redis,
      parents,
      level.map((l) => l.id),
    );
    level.forEach(({ child }, j) => {
      for (const found of lists[j] ?? []) {
        if (seen.has(found)) continue;
        seen.add(found);
        all.push(found);
        next.push({ id: found, child: child ?? found });
        if (child !== null) pushTo(belowChild, child, found);
      }
    });
    level = next;
  }
  return { all, belowChild };
}

function pushTo(map: Map<string, string[]>, key: string, value: string): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

/** How many members each value has in one packed index (children, linked subscribers). */
export function countMembersOf(
  { redis, keys }: TopologyContext,
  index: Extract<PackedIndexName, 'device-parent' | 'device-subscriber'>,
  values: readonly string[],
): Promise<number[]> {
  return packedCount(redis, packedIndexKeys(keys, index), values);
}
