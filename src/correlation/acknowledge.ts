import { diffIncident } from './diff-incident.js';
import type { Incident, IncidentChange } from './incident.js';

export interface IncidentEdit {
  incident: Incident;
  /** null when the edit changed nothing (acknowledged again by the same person): nothing to announce. */
  change: IncidentChange | null;
}

/** NOC takes ownership of an incident (`POST /v1/incidents/{id}/ack`). The latest acknowledger wins. */
export function acknowledge(incident: Incident, by: string, now: number): IncidentEdit {
  if (incident.acknowledgedBy === by) return { incident, change: null };
  const next: Incident = { ...incident, acknowledgedBy: by, acknowledgedAt: now, updatedAt: now };
  return { incident: next, change: editChange(incident, next, now) };
}

/** An `updated` change for a NOC edit; a pending incident is not announced yet, so its edits are silent. */
export function editChange(before: Incident, after: Incident, now: number): IncidentChange | null {
  const diff = diffIncident(before, after);
  if (diff === null || after.state !== 'open') return null;
  return { type: 'updated', at: now, incident: after, diff };
}
