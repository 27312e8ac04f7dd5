import type { Device, EntityCounts, Subscriber } from './inventory-types.js';

/**
 * One change of the incremental inventory (`PUT/PATCH/DELETE /v1/inventory/{devices|subscribers}/{id}`,
 * a line of `POST /v1/inventory/changes`): `upsert` gives the whole record, `patch` a JSON merge patch
 * (RFC 7396) over the stored one, `delete` only the id.
 */
export const CHANGE_OPS = ['upsert', 'patch', 'delete'] as const;
export type ChangeOp = (typeof CHANGE_OPS)[number];
export const CHANGE_KINDS = ['device', 'subscriber'] as const;
export type ChangeKind = (typeof CHANGE_KINDS)[number];

export interface InventoryChange {
  op: ChangeOp;
  kind: ChangeKind;
  id: string;
  /** upsert: the record; patch: the merge patch; delete: none. */
  body?: Record<string, unknown>;
  /** "line 3" in a batch; "devices/cpe-1" for a single change. Errors name it. */
  location: string;
}

/** What a change did: `absent` is a delete of a record that was not there (a batch replayed). */
export type ChangeResult = 'created' | 'updated' | 'unchanged' | 'removed' | 'absent';

export interface ChangeOutcome {
  op: ChangeOp;
  kind: ChangeKind;
  id: string;
  result: ChangeResult;
}

/** A record before and after the whole batch; undefined where it does not exist. */
export interface RecordChange<T> {
  before: T | undefined;
  after: T | undefined;
}

/** The batch's net effect per record, in first-touched order. */
export interface ResolvedChanges {
  devices: Map<string, RecordChange<Device>>;
  subscribers: Map<string, RecordChange<Subscriber>>;
  /** Where each record was last changed, for reference errors. */
  locations: { devices: Map<string, string>; subscribers: Map<string, string> };
  outcomes: ChangeOutcome[];
}

export interface ChangesResult {
  /** False when every change left its record as it was: nothing was written, the ETag is the same. */
  changed: boolean;
  etag: string;
  counts: { devices: EntityCounts; subscribers: EntityCounts };
  changes: ChangeOutcome[];
}

/** Lines a batch may hold: one switch, one audit entry per change, bounded. */
export const MAX_CHANGES_PER_BATCH = 10_000;
