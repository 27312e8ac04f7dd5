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

export interface MinutePoint {
  at: string;
  polls: number;
  pollFailures: number;
  findingsOpened: number;
  findingsOpen: number | null;
  suggestionsMade: number;
  suggestionsAccepted: number;
  actionsSucceeded: number;
  actionsFailed: number;
  alertsDelivered: number;
  alertsRetried: number;
  alertsDead: number;
}

export interface Overview {
  at: string;
  fleet: KindHealth[];
  incidents: { total: number; top: OverviewIncident[] };
  series: MinutePoint[];
  pollLagSeconds: number;
  alerts: { pending: number; deadLetters: number; subscriptions: number };
}
