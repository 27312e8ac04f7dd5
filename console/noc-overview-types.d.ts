/** GET /v1/overview (src/metrics/overview.ts), as the console reads it. */

export type DeviceStatus = 'unknown' | 'up' | 'degraded' | 'down';

export interface KindHealth {
  kind: 'cpe' | 'access_node' | 'base_station';
  total: number;
  byStatus: Record<DeviceStatus, number>;
}

export interface OverviewIncident {
  id: string;
  kind: 'outage' | 'planned_works';
  state: 'pending' | 'open' | 'resolved';
  rootDeviceId: string;
  subscribers: number;
  devices: number;
  openedAt: string;
  eta?: string;
  acknowledgedBy?: string;
}

/** Counts within one minute; null where the minute or the next one was not sampled. */
export interface MinutePoint {
  at: string;
  seconds: number | null;
  polls: number | null;
  pollFailures: number | null;
  findingsOpened: number | null;
  findingsOpen: number | null;
  suggestionsMade: number | null;
  suggestionsAccepted: number | null;
  actionsSucceeded: number | null;
  actionsFailed: number | null;
  alertsDelivered: number | null;
  alertsRetried: number | null;
  alertsDead: number | null;
}

export interface Overview {
  at: string;
  fleet: KindHealth[];
  incidents: { total: number; top: OverviewIncident[] };
  series: MinutePoint[];
  pollLagSeconds: number;
  alerts: { pending: number; deadLetters: number; subscriptions: number };
}
