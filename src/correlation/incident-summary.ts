import type { Incident } from './incident.js';

/**
 * An incident as one subscriber's or device's picture carries it: counts instead of the affected lists.
 * A 10,000-subscriber outage is ~200 KB of ids; every snapshot, fresh-probe `diagnosis` event and stream
 * under it would carry them all, when the agent needs only "how big" (NOC reads the lists at
 * /v1/incidents/{id}).
 */
export type IncidentSummary = Omit<Incident, 'affectedDeviceIds' | 'affectedSubscriberIds'> & {
  affectedDevices: number;
  affectedSubscribers: number;
};

export function summarizeIncident(incident: Incident): IncidentSummary {
  const { affectedDeviceIds, affectedSubscriberIds, ...rest } = incident;
  return {
    ...rest,
    affectedDevices: affectedDeviceIds.length,
    affectedSubscribers: affectedSubscriberIds.length,
  };
}
