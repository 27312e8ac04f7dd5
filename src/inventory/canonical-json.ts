import { AppError } from '../shared/app-error.js';

/**
 * Levels sortKeys will walk. Validated records nest at most INVENTORY_LIMITS.maxFieldDepth + 1; this
 * is the backstop for a record that skipped validation: a clear error, never a stack overflow.
 */
const MAX_DEPTH = 64;

/**
 * JSON with object keys sorted at every depth, so the same record always has the same text whatever
 * the column order of the file it came from: stored records and their fingerprints stay stable across
 * re-imports of the same data in another order or format.
 */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value, 0));
}

function sortKeys(value: unknown, depth: number): unknown {
  if (typeof value !== 'object' || value === null) return value;
  if (depth >= MAX_DEPTH)
    throw new AppError('ERR_INVENTORY_INVALID', `a record nests deeper than ${MAX_DEPTH} levels`);
  if (Array.isArray(value)) return value.map((item) => sortKeys(item, depth + 1));
  const sorted: Record<string, unknown> = {};
  for (const key of Object.keys(value).sort()) {
    const field = (value as Record<string, unknown>)[key];
    if (field !== undefined) sorted[key] = sortKeys(field, depth + 1);
  }
  return sorted;
}
