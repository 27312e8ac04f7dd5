import type { FindingKind } from '../detection/finding.js';

/**
 * The evidence values each detector puts on its finding (src/detection/detect-*.ts), i.e. what a
 * playbook text may name. A placeholder outside this list would print a hole in front of an agent, so
 * the compiler rejects it. Keep in step with the detectors.
 */
export const FINDING_VALUES: Readonly<Record<FindingKind, readonly string[]>> = {
  unreachable: ['failures', 'outcome'],
  stale_uptime: ['days', 'uptimeSeconds', 'thresholdSeconds'],
  unexpected_reboot: ['bootAt', 'bootAtMs'],
  reboot_loop: ['reboots', 'windowSeconds'],
  interface_down: ['ifIndex', 'interface', 'operStatus'],
  wan_down: ['ifIndex', 'interface', 'operStatus'],
  error_rate: ['errorsPerHour', 'thresholdPerHour', 'ifIndex', 'interface'],
  low_signal: ['signalDbm', 'floorDbm', 'clearAboveDbm'],
  resource_exhaustion: ['resource', 'percent', 'celsius', 'ceiling'],
  cell_down: ['cell', 'cellName', 'connectedUes'],
  cell_degraded: ['cell', 'cellName', 'connectedUes'],
  base_station_down: ['cellsDown', 'cells', 'failures', 'outcome'],
  flapping: ['key', 'changes', 'windowSeconds'],
};

/** Every finding's own fields: its English summary, subject and age. */
export const FINDING_FIELDS = ['summary', 'subject', 'severity', 'openMinutes'] as const;

/** The device the plan is for. */
export const DEVICE_FIELDS = ['deviceId', 'deviceKind', 'model', 'parentId'] as const;

/** The incident an incident rule answers; eta is printed as "2026-11-22 09:30 UTC". */
export const INCIDENT_FIELDS = ['incidentId', 'incidentKind', 'eta', 'note'] as const;

/** The names a rule's texts may use: the device's, plus its findings' or its incidents'. */
export function placeholdersFor(findings: readonly FindingKind[] | undefined): string[] {
  if (findings === undefined) return [...DEVICE_FIELDS, ...INCIDENT_FIELDS];
  const names = new Set<string>([...DEVICE_FIELDS, ...FINDING_FIELDS]);
  for (const kind of findings) for (const name of FINDING_VALUES[kind]) names.add(name);
  return [...names];
}
