import type { Finding } from '../detection/index.js';
import type { PollSample } from './poll-result.js';
import type { PollerDeviceState } from './poller-state-store.js';
import { viewRecent, type RecentSampleView } from './recent-samples.js';

export type DeviceStatus = 'unknown' | 'up' | 'degraded' | 'down';

export interface DeviceStateView {
  /** unknown: never polled; down: unreachable; degraded: answering with open findings; up: answering, nothing found. */
  status: DeviceStatus;
  probe?: string;
  lastPollAt?: string;
  lastOutcome?: string;
  consecutiveFailures: number;
  uptimeSeconds?: number;
  findings: Finding[];
  sample?: PollSample;
  /** The last polls, oldest first: uptime, CPU, memory, temperature, signal, upstream errors/h. */
  recent: RecentSampleView[];
}

/** A device's status from its detection state: what NOC filters on. */
export function deviceStatus(detection: PollerDeviceState['detection'] | undefined): DeviceStatus {
  if (!detection || detection.reachable === null) return 'unknown';
  const findings = Object.values(detection.findings);
  const down =
    detection.reachable === false ||
    findings.some((f) => f.kind === 'unreachable' || f.kind === 'base_station_down');
  return down ? 'down' : findings.length > 0 ? 'degraded' : 'up';
}

/** The poller's state of one device as the API shows it (NOC, console). */
export function describeDeviceState(state: PollerDeviceState | undefined): DeviceStateView {
  if (!state) return { status: 'unknown', consecutiveFailures: 0, findings: [], recent: [] };
  const detection = state.detection;
  const findings = Object.values(detection.findings).sort((a, b) => a.since - b.since);
  const status = deviceStatus(detection);
  return {
    status,
    probe: state.probe,
    ...(detection.lastPollAt ? { lastPollAt: new Date(detection.lastPollAt).toISOString() } : {}),
    ...(detection.lastOutcome ? { lastOutcome: detection.lastOutcome } : {}),
    consecutiveFailures: detection.consecutiveFailures,
    ...(detection.uptimeSeconds !== undefined ? { uptimeSeconds: Math.round(detection.uptimeSeconds) } : {}),
    findings,
    ...(detection.lastSample ? { sample: detection.lastSample } : {}),
    recent: viewRecent(state.recent),
  };
}
