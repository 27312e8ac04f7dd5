import type { Redis } from 'ioredis';
import type { RedisKeys } from '../platform/redis-keys.js';
import type { RecordChange } from './inventory-change.js';
import type { Device } from './inventory-types.js';

/** Deeper than any real access network; past it a walk is reported rather than followed for ever. */
const MAX_DEPTH = 64;

/**
 * Loops the batch would close in the topology: from each device the batch gives a parent, its
 * ancestors after the batch (the batch's records first, the store's otherwise), one HMGET per level
 * for every walk at once. The stored topology has no loop (imports and batches refuse them), so a new
 * loop must pass through a device of the batch: walking up from each of them finds it. Each loop is
 * reported once, as the ids along it.
 */
export async function findChangeCycles(
  ctx: { redis: Redis; keys: RedisKeys },
  devices: Map<string, RecordChange<Device>>,
): Promise<string[][]> {
  const records = ctx.keys.inventoryPart('device-records');
  const parentOf = new Map<string, string | null>();
  for (const [id, { after }] of devices) if (after) parentOf.set(id, after.parentId);
  const walks = [...parentOf]
    .filter(([, parent]) => parent !== null)
    .map(([origin]) => ({ origin, path: [origin] }));
  const cycles: string[][] = [];
  const reported = new Set<string>();
  let active = walks;
  for (let depth = 0; active.length > 0 && depth < MAX_DEPTH; depth++) {
    const unknown = [...new Set(active.map((w) => parentOf.get(w.path.at(-1) as string)))].filter(
      (id): id is string => typeof id === 'string' && !parentOf.has(id),
    );
    if (unknown.length > 0) {
      const found = await ctx.redis.hmget(records, ...unknown);
      unknown.forEach((id, i) => {
        const json = found[i];
        parentOf.set(id, json ? (JSON.parse(json) as Device).parentId : null);
      });
    }
    const next: typeof walks = [];
    for (const walk of active) {
      const parent = parentOf.get(walk.path.at(-1) as string);
      if (parent === null || parent === undefined) continue;
      if (parent === walk.origin) {
        const key = [...walk.path].sort().join('\n');
        if (!reported.has(key)) cycles.push(walk.path);
        reported.add(key);
      } else if (!walk.path.includes(parent))
        next.push({ origin: walk.origin, path: [...walk.path, parent] });
    }
    active = next;
  }
  return cycles;
}
