import type { Incident } from './incident.js';
import { editChange, type IncidentEdit } from './incident-edit.js';

/** NOC takes ownership of an incident (`POST /v1/incidents/{id}/ack`). The latest acknowledger wins. */
export function acknowledge(incident: Incident, by: string, now: number): IncidentEdit {
  if (incident.acknowledgedBy === by) return { incident, change: null };
  const next: Incident = { ...incident, acknowledgedBy: by, acknowledgedAt: now, updatedAt: now };
  return { incident: next, change: editChange(incident, next, now) };
}
