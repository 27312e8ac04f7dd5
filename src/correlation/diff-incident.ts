import type { Incident, IncidentDiff } from './incident.js';

/** What changed between two versions of an incident that anyone downstream cares about; null when nothing. */
export function diffIncident(before: Incident, after: Incident): IncidentDiff | null {
  const diff: IncidentDiff = {};
  const devices = diffSorted(before.affectedDeviceIds, after.affectedDeviceIds);
  if (devices.added.length > 0) diff.affectedDevicesAdded = devices.added;
  if (devices.removed.length > 0) diff.affectedDevicesRemoved = devices.removed;
  const subscribers = diffSorted(before.affectedSubscriberIds, after.affectedSubscriberIds);
  if (subscribers.added.length > 0) diff.affectedSubscribersAdded = subscribers.added;
  if (subscribers.removed.length > 0) diff.affectedSubscribersRemoved = subscribers.removed;
  if (before.kind !== after.kind) diff.kind = { from: before.kind, to: after.kind };
  if (before.cause !== after.cause) diff.cause = { from: before.cause, to: after.cause };
  if (before.eta !== after.eta) diff.eta = optionalPair(before.eta, after.eta);
  if (before.note !== after.note) diff.note = optionalPair(before.note, after.note);
  if (after.acknowledgedBy !== undefined && before.acknowledgedBy !== after.acknowledgedBy) {
    diff.acknowledgedBy = after.acknowledgedBy;
  }
  return Object.keys(diff).length > 0 ? diff : null;
}

function optionalPair(from: string | undefined, to: string | undefined): { from?: string; to?: string } {
  return { ...(from !== undefined ? { from } : {}), ...(to !== undefined ? { to } : {}) };
}

/** Both lists sorted ascending (incidents keep them so): one merge pass, fine for 10k subscribers. */
export function diffSorted(
  before: readonly string[],
  after: readonly string[],
): { added: string[]; removed: string[] } {
  const added: string[] = [];
  const removed: string[] = [];
  let i = 0;
  let j = 0;
  while (i < before.length || j < after.length) {
    const b = before[i];
    const a = after[j];
    if (b !== undefined && (a === undefined || b < a)) {
      removed.push(b);
      i++;
    } else if (a !== undefined && (b === undefined || a < b)) {
      added.push(a);
      j++;
    } else {
      i++;
      j++;
    }
  }
  return { added, removed };
}
