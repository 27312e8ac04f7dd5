import { AppError } from '../shared/app-error.js';
import type { ImportCounts, InventoryEntity } from './inventory-types.js';

/** By default an import may remove at most a tenth of the stored devices or subscribers. */
export const DEFAULT_MAX_REMOVAL_SHARE = 0.1;

/** The kinds a shrink is judged on: losing sites alone changes no polling or advice. */
const GUARDED: readonly InventoryEntity[] = ['devices', 'subscribers'];

/** One kind of record an import would remove too much of. */
export interface RemovalExcess {
  entity: InventoryEntity;
  removed: number;
  stored: number;
  /** removed / stored, 0..1. */
  share: number;
}

/**
 * The kinds of which `counts` removes more than `maxShare` of what is stored. An import replaces the
 * whole inventory, so a file that lists a few rows by mistake (a 4-row CSV over 2,000 devices) would
 * silently remove the rest; above this share the caller must say the shrink is meant.
 */
export function removalsOverShare(counts: ImportCounts, maxShare: number): RemovalExcess[] {
  const excess: RemovalExcess[] = [];
  for (const entity of GUARDED) {
    const c = counts[entity];
    const stored = c.unchanged + c.updated + c.removed;
    if (stored === 0 || c.removed === 0) continue;
    const share = c.removed / stored;
    if (share > maxShare) excess.push({ entity, removed: c.removed, stored, share });
  }
  return excess;
}

/** "2,000 of 2,000 devices (100%)", for the refusal's message and the CLI. */
export function describeExcess(excess: RemovalExcess): string {
  const n = (x: number): string => x.toLocaleString('en');
  return `${n(excess.removed)} of ${n(excess.stored)} ${excess.entity} (${Math.round(excess.share * 100)}%)`;
}

/**
 * The refusal: a 409 over HTTP (ERR_INVENTORY_REMOVALS), whose `errors` carry the counts per kind.
 * Nothing was written.
 */
export function removalsRefused(excess: RemovalExcess[], counts: ImportCounts, maxShare: number): AppError {
  const limit = `${Math.round(maxShare * 100)}%`;
  return new AppError(
    'ERR_INVENTORY_REMOVALS',
    `the import would remove ${excess.map(describeExcess).join(' and ')}, more than the ${limit} allowed; nothing was stored. An import replaces the whole inventory: if the shrink is meant, import again with --allow-removals (HTTP: ?allowRemovals=true)`,
    {
      details: excess.map((e) => ({
        path: e.entity,
        message: `would remove ${describeExcess(e)}`,
        removed: e.removed,
        stored: e.stored,
        created: counts[e.entity].created,
        updated: counts[e.entity].updated,
        unchanged: counts[e.entity].unchanged,
        maxShare,
      })),
    },
  );
}
