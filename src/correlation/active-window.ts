import type { CorrelationTopology } from './correlation-topology.js';
import type { MaintenanceWindow } from './incident.js';

/**
 * The maintenance window covering a root device now, if any: one on the device itself wins over one on
 * its site, and among equals the one that ends last, so the answer is stable whatever the list order.
 */
export function activeWindow(
  rootDeviceId: string,
  windows: readonly MaintenanceWindow[],
  topology: CorrelationTopology,
  now: number,
): MaintenanceWindow | undefined {
  const site = topology.siteOf(rootDeviceId);
  const active = windows.filter((w) => w.startsAt <= now && now < w.endsAt);
  const onDevice = active.filter((w) => 'deviceId' in w.target && w.target.deviceId === rootDeviceId);
  const onSite = active.filter((w) => 'site' in w.target && site !== undefined && w.target.site === site);
  return latestEnding(onDevice) ?? latestEnding(onSite);
}

function latestEnding(windows: MaintenanceWindow[]): MaintenanceWindow | undefined {
  return [...windows].sort((a, b) => b.endsAt - a.endsAt || a.id.localeCompare(b.id))[0];
}
