import { findDeepNesting } from './find-deep-nesting.js';
import { DOCUMENT_ROW_DEPTH, INVENTORY_LIMITS, tooDeepReason } from './inventory-limits.js';
import { emptyRows, INVENTORY_ENTITIES, type ParsedInventory, type RowError } from './inventory-types.js';

/** Reads the JSON document `{"sites": [...], "devices": [...], "subscribers": [...]}`. */
export function parseInventoryJson(text: string): ParsedInventory {
  const tooDeep = tooDeepInDocument(text);
  if (tooDeep.length > 0) return { format: 'json', rows: emptyRows(), errors: tooDeep };
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return {
      format: 'json',
      rows: emptyRows(),
      errors: [{ location: 'document', reason: `not valid JSON: ${reason}` }],
    };
  }
  return inventoryFromDocument(document);
}

/**
 * Turns an already-parsed document (a file's JSON, or an HTTP body Fastify has parsed) into located
 * rows: `devices[12]` names the 13th device. Each list may be absent (an empty inventory part), but a
 * present one must be an array of objects; unknown top-level keys are refused, since a typo there
 * ("device") would otherwise silently import nothing and remove everything.
 */
export function inventoryFromDocument(document: unknown): ParsedInventory {
  const parsed: ParsedInventory = { format: 'json', rows: emptyRows(), errors: [] };
  if (!isRecord(document)) {
    parsed.errors.push({
      location: 'document',
      reason: 'expected a JSON object with "sites", "devices" and "subscribers" arrays',
    });
    return parsed;
  }
  for (const key of Object.keys(document)) {
    if (!(INVENTORY_ENTITIES as readonly string[]).includes(key)) {
      parsed.errors.push({
        location: key,
        reason: `unknown top-level key; expected ${INVENTORY_ENTITIES.join(', ')}`,
      });
    }
  }
  for (const entity of INVENTORY_ENTITIES) {
    const list = document[entity];
    if (list === undefined) continue;
    if (!Array.isArray(list)) {
      parsed.errors.push({ location: entity, reason: 'must be an array' });
      continue;
    }
    list.forEach((value: unknown, index) => {
      const location = `${entity}[${index}]`;
      if (isRecord(value)) parsed.rows[entity].push({ location, value });
      else parsed.errors.push({ location, reason: 'must be an object' });
    });
  }
  return parsed;
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Rows of a JSON document text with a field nested deeper than INVENTORY_LIMITS.maxFieldDepth, found
 * before the text is parsed (see findDeepNesting); empty when the document may be parsed. The document
 * is refused as a whole, so only these rows are reported: fix them and the rest is checked.
 */
export function tooDeepInDocument(text: string): RowError[] {
  return findDeepNesting(text, DOCUMENT_ROW_DEPTH + INVENTORY_LIMITS.maxFieldDepth).map(
    ([entity, index, field]) => ({
      location: typeof entity === 'string' && typeof index === 'number' ? `${entity}[${index}]` : 'document',
      reason: tooDeepReason(field),
    }),
  );
}
