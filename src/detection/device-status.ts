import type { DetectionState } from './detection-state.js';

/** unknown: never polled; down: unreachable; degraded: answering with open findings; up: answering, nothing found. */
export type DeviceStatus = 'unknown' | 'up' | 'degraded' | 'down';

export const DEVICE_STATUSES: readonly DeviceStatus[] = ['unknown', 'up', 'degraded', 'down'];

/** A device's status from its detection state: what NOC filters on. */
export function deviceStatus(detection: DetectionState | undefined): DeviceStatus {
  if (!detection || detection.reachable === null) return 'unknown';
  const findings = Object.values(detection.findings);
  const down =
    detection.reachable === false ||
    findings.some((f) => f.kind === 'unreachable' || f.kind === 'base_station_down');
  return down ? 'down' : findings.length > 0 ? 'degraded' : 'up';
}
