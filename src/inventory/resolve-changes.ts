import { canonicalJson } from './canonical-json.js';
import type {
  ChangeOutcome,
  ChangeResult,
  InventoryChange,
  RecordChange,
  ResolvedChanges,
} from './inventory-change.js';
import type { Device, EntityCounts, InventoryRow, RowError, Subscriber } from './inventory-types.js';
import { mergePatch } from './merge-patch.js';
import { validateDeviceRow, validateSubscriberRow } from './validate-row.js';

/** The stored records of every id the batch touches (absent: no such record). */
export interface CurrentRecords {
  devices: Map<string, Device>;
  subscribers: Map<string, Subscriber>;
}

type AnyRecord = Device | Subscriber;

const VALIDATE = {
  device: validateDeviceRow,
  subscriber: validateSubscriberRow,
} as const;

/**
 * Applies a batch in order over the stored records, in memory: each later line sees what the earlier
 * ones made (an upsert then a patch of the same device). Every resulting record passes the same row
 * validation as an import's, reported at the change's location. Pure; references to other records
 * (parents, sites, devices of a subscriber) are checked against the store afterwards
 * (checkChangeReferences).
 */
export function resolveChanges(
  changes: readonly InventoryChange[],
  current: CurrentRecords,
): { resolved: ResolvedChanges; errors: RowError[] } {
  const errors: RowError[] = [];
  const resolved: ResolvedChanges = {
    devices: new Map(),
    subscribers: new Map(),
    locations: { devices: new Map(), subscribers: new Map() },
    outcomes: [],
  };
  for (const change of changes) {
    const part = change.kind === 'device' ? 'devices' : 'subscribers';
    const records = resolved[part] as Map<string, RecordChange<AnyRecord>>;
    const stored = current[part] as Map<string, AnyRecord>;
    const entry = records.get(change.id) ?? { before: stored.get(change.id), after: stored.get(change.id) };
    const next = applyOne(change, entry.after, errors);
    if (next === false) continue;
    resolved.outcomes.push(outcome(change, entry.after, next));
    records.set(change.id, { before: entry.before, after: next });
    resolved.locations[part].set(change.id, change.location);
  }
  return { resolved, errors };
}

/** The record after one change, or false (an error was pushed). */
function applyOne(
  change: InventoryChange,
  previous: AnyRecord | undefined,
  errors: RowError[],
): AnyRecord | undefined | false {
  const { op, kind, id, location } = change;
  if (op === 'delete') return undefined;
  let value: Record<string, unknown>;
  if (op === 'patch') {
    if (previous === undefined) {
      errors.push({ location, reason: `no ${kind} "${id}" to patch` });
      return false;
    }
    value = mergePatch(previous, change.body ?? {}) as Record<string, unknown>;
    if (value.id !== id) {
      errors.push({ location, reason: `a patch cannot change a ${kind}'s id` });
      return false;
    }
  } else value = { ...change.body, id };
  const row: InventoryRow = { location, value };
  return VALIDATE[kind](row, errors) ?? false;
}

function outcome(
  change: InventoryChange,
  previous: AnyRecord | undefined,
  next: AnyRecord | undefined,
): ChangeOutcome {
  let result: ChangeResult;
  if (next === undefined) result = previous === undefined ? 'absent' : 'removed';
  else if (previous === undefined) result = 'created';
  else result = sameRecord(previous, next) ? 'unchanged' : 'updated';
  return { op: change.op, kind: change.kind, id: change.id, result };
}

export function sameRecord(a: AnyRecord | undefined, b: AnyRecord | undefined): boolean {
  if (a === undefined || b === undefined) return a === b;
  return canonicalJson(a) === canonicalJson(b);
}

/** The batch's net effect on one kind of record, counted like an import's. */
export function countRecordChanges(records: Map<string, RecordChange<AnyRecord>>): EntityCounts {
  const counts: EntityCounts = { created: 0, updated: 0, unchanged: 0, removed: 0 };
  for (const { before, after } of records.values()) {
    if (before === undefined && after === undefined) continue;
    if (before === undefined) counts.created++;
    else if (after === undefined) counts.removed++;
    else if (sameRecord(before, after)) counts.unchanged++;
    else counts.updated++;
  }
  return counts;
}
