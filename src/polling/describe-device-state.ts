import { deviceStatus, type DeviceStatus } from '../detection/device-status.js';
import type { Finding } from '../detection/index.js';
import type { PollSample } from '../probes/poll-result.js';
import type { PollerDeviceState } from './poller-state-store.js';
import { viewRecent, type RecentSampleView } from './recent-samples.js';

export interface DeviceStateView {
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
