import type { ChainableCommander, Redis } from 'ioredis';
import { diffIncident, type Incident, type IncidentChange, type IncidentDiff } from '../correlation/index.js';
import type { RedisKeys } from '../platform/redis-keys.js';

/**
 * What an incident's record does not keep but its timeline shows: when it was announced, each ETA and
 * note as NOC set them, who acknowledged it, a change of kind or cause, how the affected devices moved,
 * and its end. The record holds only the latest of each; this list holds the sequence.
 */
export type IncidentHistoryEntry =
  | { type: 'opened'; at: number; devices: number; subscribers: number }
  | { type: 'resolved'; at: number; mergedInto?: string }
  | { type: 'eta' | 'note'; at: number; from?: string; to?: string }
  | { type: 'acknowledged'; at: number; by: string }
  | { type: 'kind' | 'cause'; at: number; from: string; to: string }
  | { type: 'devices'; at: number; added: number; removed: number; devices: number };

/**
 * Newest entries kept per incident. A 20k-CPE outage's devices fall over several polls, one entry per
 * advisor step that moved them; the cap bounds a flapping outage, and what the record keeps itself
 * (first failure, acknowledgement, resolution) is shown from the record whatever the list lost.
 */
export const HISTORY_CAP = 500;

/** The entries one NOC edit or one correlation diff adds (pure). */
export function historyOfDiff(diff: IncidentDiff, after: Incident, at: number): IncidentHistoryEntry[] {
  const entries: IncidentHistoryEntry[] = [];
  const added = diff.affectedDevicesAdded?.length ?? 0;
  const removed = diff.affectedDevicesRemoved?.length ?? 0;
  if (added + removed > 0)
    entries.push({ type: 'devices', at, added, removed, devices: after.affectedDeviceIds.length });
  if (diff.kind) entries.push({ type: 'kind', at, ...diff.kind });
  if (diff.cause) entries.push({ type: 'cause', at, ...diff.cause });
  if (diff.eta) entries.push({ type: 'eta', at, ...diff.eta });
  if (diff.note) entries.push({ type: 'note', at, ...diff.note });
  if (diff.acknowledgedBy !== undefined) entries.push({ type: 'acknowledged', at, by: diff.acknowledgedBy });
  return entries;
}

/** The entries one correlation change adds (pure). */
export function historyOfChange(change: IncidentChange): IncidentHistoryEntry[] {
  const { incident, at } = change;
  if (change.type === 'opened')
    return [
      {
        type: 'opened',
        at,
        devices: incident.affectedDeviceIds.length,
        subscribers: incident.affectedSubscriberIds.length,
      },
    ];
  if (change.type === 'resolved')
    return [{ type: 'resolved', at, ...(incident.mergedInto ? { mergedInto: incident.mergedInto } : {}) }];
  return historyOfDiff(change.diff, incident, at);
}

/** The entries a NOC edit adds, announced or not (a pending incident's ETA is history too). */
export function historyOfEdit(before: Incident, after: Incident, at: number): IncidentHistoryEntry[] {
  const diff = diffIncident(before, after);
  return diff === null ? [] : historyOfDiff(diff, after, at);
}

/** Queues the entries on a pipeline that also writes the incident, so both land together or neither. */
export function appendHistory(
  pipeline: ChainableCommander,
  keys: RedisKeys,
  incidentId: string,
  entries: readonly IncidentHistoryEntry[],
): void {
  if (entries.length === 0) return;
  const key = keys.incidentHistory(incidentId);
  pipeline.rpush(key, ...entries.map((e) => JSON.stringify(e)));
  pipeline.ltrim(key, -HISTORY_CAP, -1);
}

/**
 * An incident's entries of its present episode, oldest first: an outage that resolved and opened again
 * under the same root keeps its id, and what came before its first failure belongs to the last one.
 */
export async function readHistory(
  redis: Redis,
  keys: RedisKeys,
  incident: Pick<Incident, 'id' | 'openedAt'>,
): Promise<IncidentHistoryEntry[]> {
  const raw = await redis.lrange(keys.incidentHistory(incident.id), 0, -1);
  return raw
    .map((json) => JSON.parse(json) as IncidentHistoryEntry)
    .filter((entry) => entry.at >= incident.openedAt);
}
