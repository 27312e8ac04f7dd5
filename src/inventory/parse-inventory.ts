import { findDeepNesting } from './find-deep-nesting.js';
import { DOCUMENT_ROW_DEPTH, INVENTORY_LIMITS } from './inventory-limits.js';
import { parseInventoryCsv } from './parse-inventory-csv.js';
import { parseInventoryJson } from './parse-inventory-json.js';
import { parseInventoryNdjson } from './parse-inventory-ndjson.js';
import type { InventoryFormat, ParsedInventory } from './inventory-types.js';

export interface ParseInventoryOptions {
  /** Forces a format; otherwise detected from `fileName`'s extension, then from the content. */
  format?: InventoryFormat;
  fileName?: string;
}

/** Parses inventory text in any supported format into located rows and every syntax error found. */
export function parseInventory(text: string, options: ParseInventoryOptions = {}): ParsedInventory {
  const format = options.format ?? detectInventoryFormat(text, options.fileName);
  if (format === 'json') return parseInventoryJson(text);
  if (format === 'ndjson') return parseInventoryNdjson(text);
  return parseInventoryCsv(text);
}

const EXTENSIONS: Record<string, InventoryFormat> = {
  json: 'json',
  ndjson: 'ndjson',
  jsonl: 'ndjson',
  csv: 'csv',
};

/**
 * By extension first (.json, .ndjson/.jsonl, .csv). Without one, content decides: text starting with
 * "{" whose first line is a whole object with a string `type` is NDJSON, other "{" text is JSON, and
 * anything else is CSV (whose header row cannot start with "{").
 */
export function detectInventoryFormat(text: string, fileName?: string): InventoryFormat {
  const extension = fileName?.toLowerCase().match(/\.([a-z]+)$/)?.[1];
  const byExtension = extension ? EXTENSIONS[extension] : undefined;
  if (byExtension) return byExtension;
  const body = text.replace(/^\uFEFF/, '').trimStart();
  if (!body.startsWith('{')) return 'csv';
  const firstLine = body.split('\n', 1)[0] ?? '';
  // A line too deep to parse cheaply is told apart by its text; either parser then refuses it, located.
  if (findDeepNesting(firstLine, DOCUMENT_ROW_DEPTH + INVENTORY_LIMITS.maxFieldDepth).length > 0)
    return /"type"\s*:\s*"(site|device|subscriber)"/.test(firstLine) ? 'ndjson' : 'json';
  try {
    const first: unknown = JSON.parse(firstLine);
    if (typeof first === 'object' && first !== null && typeof (first as { type?: unknown }).type === 'string')
      return 'ndjson';
  } catch {
    // Not a whole object on one line: a (pretty-printed) JSON document.
  }
  return 'json';
}
