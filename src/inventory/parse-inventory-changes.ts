import { describeValue } from './check-row-limits.js';
import { findDeepNesting } from './find-deep-nesting.js';
import {
  CHANGE_KINDS,
  CHANGE_OPS,
  MAX_CHANGES_PER_BATCH,
  type ChangeKind,
  type ChangeOp,
  type InventoryChange,
} from './inventory-change.js';
import { INVENTORY_LIMITS, tooDeepReason } from './inventory-limits.js';
import { isRecord } from './parse-inventory-json.js';
import type { RowError } from './inventory-types.js';
import { ID_PATTERN } from './validate-row.js';

/** A change line wraps the record one level deeper than an inventory line: {"record": {...}}. */
const CHANGE_LINE_DEPTH = 2;

export interface ParsedChanges {
  changes: InventoryChange[];
  errors: RowError[];
}

/**
 * Reads a batch of changes, one JSON object per line (blank lines skipped), each reported as `line N`:
 *   {"op": "upsert", "kind": "device", "record": {...the whole device...}}
 *   {"op": "patch", "kind": "subscriber", "id": "sub-1", "patch": {"phone": "+7 912 000-00-00"}}
 *   {"op": "delete", "kind": "device", "id": "cpe-9"}
 * Only the envelope is checked here; the records are validated like an import's once the batch is
 * applied in order (see resolveChanges).
 */
export function parseInventoryChanges(text: string): ParsedChanges {
  const parsed: ParsedChanges = { changes: [], errors: [] };
  const lines = text.split('\n');
  for (let index = 0; index < lines.length; index++) {
    const raw = lines[index] as string;
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (line.trim() === '') continue;
    const location = `line ${index + 1}`;
    if (parsed.changes.length + parsed.errors.length >= MAX_CHANGES_PER_BATCH) {
      parsed.errors.push({
        location,
        reason: `a batch holds at most ${MAX_CHANGES_PER_BATCH} changes; send the rest in another`,
      });
      break;
    }
    const change = parseChangeLine(line, location, parsed.errors);
    if (change) parsed.changes.push(change);
  }
  if (parsed.changes.length === 0 && parsed.errors.length === 0)
    parsed.errors.push({ location: 'body', reason: 'no changes: send one JSON object per line' });
  return parsed;
}

function parseChangeLine(line: string, location: string, errors: RowError[]): InventoryChange | undefined {
  const fail = (reason: string): undefined => {
    errors.push({ location, reason });
    return undefined;
  };
  const [tooDeep] = findDeepNesting(line, CHANGE_LINE_DEPTH + INVENTORY_LIMITS.maxFieldDepth);
  if (tooDeep) return fail(tooDeepReason(tooDeep[0]));
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch (error) {
    return fail(`not valid JSON: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (!isRecord(value)) return fail('must be a JSON object');
  const { op, kind, id, record, patch, ...rest } = value;
  if (!CHANGE_OPS.includes(op as ChangeOp))
    return fail(`"op" must be one of ${CHANGE_OPS.join(', ')}, got ${describeValue(op)}`);
  if (!CHANGE_KINDS.includes(kind as ChangeKind))
    return fail(`"kind" must be one of ${CHANGE_KINDS.join(', ')}, got ${describeValue(kind)}`);
  const extra = Object.keys(rest);
  if (extra.length > 0)
    return fail(`unknown field ${describeValue(extra[0])} (fields: op, kind, id, record, patch)`);
  return envelope(op as ChangeOp, kind as ChangeKind, { id, record, patch }, location, fail);
}

function envelope(
  op: ChangeOp,
  kind: ChangeKind,
  fields: { id: unknown; record: unknown; patch: unknown },
  location: string,
  fail: (reason: string) => undefined,
): InventoryChange | undefined {
  const { record, patch } = fields;
  const body = op === 'upsert' ? record : op === 'patch' ? patch : undefined;
  const wanted = op === 'upsert' ? 'record' : 'patch';
  if (op !== 'upsert' && record !== undefined) return fail(`"record" goes with op "upsert" only`);
  if (op !== 'patch' && patch !== undefined) return fail(`"patch" goes with op "patch" only`);
  if (op !== 'delete' && !isRecord(body)) return fail(`op "${op}" needs "${wanted}", a JSON object`);
  // An upsert names its record by the record's own id; "id" beside it, if given, must agree.
  const id = op === 'upsert' ? ((body as Record<string, unknown>).id ?? fields.id) : fields.id;
  if (typeof id !== 'string' || !ID_PATTERN.test(id))
    return fail(
      `"id" must be a ${kind} id (no whitespace, at most 128 characters), got ${describeValue(id)}`,
    );
  if (op === 'upsert' && fields.id !== undefined && fields.id !== id)
    return fail(`"id" ${describeValue(fields.id)} differs from the record's id ${describeValue(id)}`);
  return { op, kind, id, location, ...(isRecord(body) ? { body } : {}) };
}
