import type { IncidentKind, IncidentState } from '../correlation/index.js';
import type { FindingKind } from '../detection/index.js';
import type { SuggestionKind } from '../playbooks/index.js';

/** An open finding as `GET /v1/findings?kind=` shows it (only what the judge reads). */
export interface SeenFinding {
  deviceId: string;
  kind: FindingKind;
  /** When it opened, ms since epoch. */
  since: number;
}

/** An incident as `GET /v1/incidents?state=all` shows it. */
export interface SeenIncident {
  id: string;
  kind: IncidentKind;
  rootDeviceId: string;
  state: IncidentState;
  openedAt: number;
  resolvedAt?: number;
}

/** A suggestion record as `GET /v1/suggestions` shows it. */
export interface SeenSuggestion {
  id: string;
  deviceId: string;
  subscriberIds: string[];
  kind: SuggestionKind;
  state: string;
  /** When it was (last) proposed. */
  createdAt: number;
  closedAt?: number;
}

/** What Vigil showed through its public API at one moment of a scenario. */
export interface Observation {
  at: number;
  findings: SeenFinding[];
  incidents: SeenIncident[];
  /** Each subscriber's top live suggestion in its diagnosis (`GET /v1/subscribers/{id}/diagnosis`). */
  tops: ReadonlyMap<string, SuggestionKind | 'none'>;
}

/** A timeline step as it was carried out: when, on which devices. */
export interface PlayedStep {
  line: number;
  atMs: number;
  deviceIds: string[];
  /** A `down` fault, with when it was lifted (undefined: still down at the end). */
  down?: { untilMs?: number };
}
