import { diffIncident } from './diff-incident.js';
import type { Incident, IncidentChange } from './incident.js';

/** The result of a NOC edit (ack, ETA, note): the new incident and what to announce. */
export interface IncidentEdit {
  incident: Incident;
  /** null when the edit changed nothing, or the incident is still pending: nothing to announce. */
  change: IncidentChange | null;
}

/** An `updated` change for a NOC edit; a pending incident is not announced yet, so its edits are silent. */
export function editChange(before: Incident, after: Incident, now: number): IncidentChange | null {
  const diff = diffIncident(before, after);
  if (diff === null || after.state !== 'open') return null;
  return { type: 'updated', at: now, incident: after, diff };
}
