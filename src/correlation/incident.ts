/**
 * Incidents: correlated trouble with a lifecycle, e.g. an outage under one base station. The shapes here
 * are what correlation returns, what the store will keep and what the API and webhooks will show.
 * Times are ms since epoch, like findings; only the ETA is an ISO string, because NOC types it.
 */
export const INCIDENT_KINDS = ['outage', 'planned_works'] as const;
export type IncidentKind = (typeof INCIDENT_KINDS)[number];

/** parent_down: the root itself is down; children_unreachable: a large share of its children are. */
export type IncidentCause = 'parent_down' | 'children_unreachable';

/** pending: settling, not yet announced (but already inhibiting); open: announced; resolved: over. */
export type IncidentState = 'pending' | 'open' | 'resolved';

export interface Incident {
  /** Stable: `outage:<rootDeviceId>`, whatever the kind, so planned works turning into an outage keep their id. */
  id: string;
  kind: IncidentKind;
  rootDeviceId: string;
  cause: IncidentCause;
  state: IncidentState;
  /** The first sign of trouble (not the moment it settled): when the subscribers lost service. */
  openedAt: number;
  /** Last change worth telling anyone about (affected lists, kind, cause, ETA, note, ack). */
  updatedAt: number;
  resolvedAt?: number;
  /** Set while the root is back and the children's share is under the threshold; resolves after resolveAfterMs. */
  recoveringSince?: number;
  /** The root plus every unreachable device below it, sorted. */
  affectedDeviceIds: string[];
  /**
   * Every subscriber behind the root, transitively, sorted (a dead root cuts them all off), except those
   * with a device that answers its polls: they have service and are never sent a notice.
   */
  affectedSubscriberIds: string[];
  /** ISO 8601, set by NOC. */
  eta?: string;
  note?: string;
  acknowledgedBy?: string;
  acknowledgedAt?: number;
  /** The active maintenance window that makes this planned works. */
  maintenanceWindowId?: string;
  /** True for planned works: later stages still tell the agent but send no alert. */
  suppressAlerts: boolean;
  /** When resolved because a higher outage took it over: that outage's id. */
  mergedInto?: string;
}

/** What an `updated` change changed; only the fields that did are present. */
export interface IncidentDiff {
  affectedDevicesAdded?: string[];
  affectedDevicesRemoved?: string[];
  affectedSubscribersAdded?: string[];
  affectedSubscribersRemoved?: string[];
  kind?: { from: IncidentKind; to: IncidentKind };
  cause?: { from: IncidentCause; to: IncidentCause };
  eta?: { from?: string; to?: string };
  note?: { from?: string; to?: string };
  acknowledgedBy?: string;
}

/** One change per incident per step; maps one to one onto incident.opened / .updated / .resolved events. */
export type IncidentChange =
  | { type: 'opened'; at: number; incident: Incident }
  | { type: 'updated'; at: number; incident: Incident; diff: IncidentDiff }
  | { type: 'resolved'; at: number; incident: Incident };

export type MaintenanceTarget = { deviceId: string } | { site: string };

/** NOC-declared works on a device or a whole site, active on [startsAt, endsAt). */
export interface MaintenanceWindow {
  id: string;
  target: MaintenanceTarget;
  startsAt: number;
  endsAt: number;
  note: string;
}

export function incidentId(rootDeviceId: string): string {
  return `outage:${rootDeviceId}`;
}
