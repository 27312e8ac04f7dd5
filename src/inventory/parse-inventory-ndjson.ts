import { findDeepNesting } from './find-deep-nesting.js';
import { INVENTORY_LIMITS, LINE_ROW_DEPTH, tooDeepReason } from './inventory-limits.js';
import { isRecord } from './parse-inventory-json.js';
import { emptyRows, type InventoryEntity, type ParsedInventory } from './inventory-types.js';

/** The NDJSON `type` field of each line, and the inventory part it belongs to. */
export const ROW_TYPES: Record<string, InventoryEntity> = {
  site: 'sites',
  device: 'devices',
  subscriber: 'subscribers',
};

/**
 * Reads NDJSON: one JSON object per line, each with `"type": "site" | "device" | "subscriber"` and
 * otherwise the same fields as the JSON document's records. The `type` field is dropped from the
 * stored record. Blank lines are skipped; every bad line is reported as `line N`.
 */
export function parseInventoryNdjson(text: string): ParsedInventory {
  const parsed: ParsedInventory = { format: 'ndjson', rows: emptyRows(), errors: [] };
  const lines = text.split('\n');
  lines.forEach((raw, index) => {
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (line.trim() === '') return;
    const location = `line ${index + 1}`;
    const [tooDeep] = findDeepNesting(line, LINE_ROW_DEPTH + INVENTORY_LIMITS.maxFieldDepth);
    if (tooDeep) {
      // Not parsed at all: JSON.parse would pay for every level, and nothing deeper could be stored.
      parsed.errors.push({ location, reason: tooDeepReason(tooDeep[0]) });
      return;
    }
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (error) {
      parsed.errors.push({
        location,
        reason: `not valid JSON: ${error instanceof Error ? error.message : String(error)}`,
      });
      return;
    }
    if (!isRecord(value)) {
      parsed.errors.push({ location, reason: 'must be a JSON object' });
      return;
    }
    const { type, ...record } = value;
    const entity = typeof type === 'string' ? ROW_TYPES[type] : undefined;
    if (!entity) {
      parsed.errors.push({
        location,
        reason: `"type" must be one of ${Object.keys(ROW_TYPES).join(', ')}, got ${JSON.stringify(type) ?? 'nothing'}`,
      });
      return;
    }
    parsed.rows[entity].push({ location, value: record });
  });
  return parsed;
}
