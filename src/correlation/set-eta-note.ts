import { editChange, type IncidentEdit } from './incident-edit.js';
import type { Incident } from './incident.js';

/** What `PATCH /v1/incidents/{id}` may set: a value sets it, null clears it, absent leaves it. */
export interface EtaNotePatch {
  /** ISO 8601; the API validates it before it gets here. */
  eta?: string | null;
  note?: string | null;
}

/** NOC sets the ETA and/or the note; correlation keeps them across every later update. */
export function setEtaNote(incident: Incident, patch: EtaNotePatch, now: number): IncidentEdit {
  const next: Incident = { ...incident };
  if (patch.eta === null) delete next.eta;
  else if (patch.eta !== undefined) next.eta = patch.eta;
  if (patch.note === null) delete next.note;
  else if (patch.note !== undefined) next.note = patch.note;
  if (next.eta === incident.eta && next.note === incident.note) return { incident, change: null };
  next.updatedAt = now;
  return { incident: next, change: editChange(incident, next, now) };
}
