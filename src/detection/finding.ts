/** A detected condition on one device, with a lifecycle kept by detection's hysteresis. */
export const FINDING_KINDS = [
  'unreachable',
  'stale_uptime',
  'unexpected_reboot',
  'reboot_loop',
  'interface_down',
  'wan_down',
  'error_rate',
  'low_signal',
  'resource_exhaustion',
  'cell_down',
  'cell_degraded',
  'base_station_down',
  'flapping',
] as const;
export type FindingKind = (typeof FINDING_KINDS)[number];

export type Severity = 'info' | 'minor' | 'major' | 'critical';

export interface Evidence {
  /** Agent-readable, in English, with the numbers: "up 41 days", "1,240 input errors in the last hour". */
  summary: string;
  /** The numbers behind the summary, for playbook templates in any language. */
  values: Record<string, number | string>;
}

export interface Finding {
  /** Stable: `<deviceId>:<kind>` or `<deviceId>:<kind>:<subject>`; the same cause keeps the same id. */
  id: string;
  deviceId: string;
  kind: FindingKind;
  /** What on the device, when a device can have several: an ifIndex, a cell, a resource (cpu, memory, temperature). */
  subject?: string;
  severity: Severity;
  /** When the finding opened (ms since epoch). */
  since: number;
  /** When its evidence last changed. */
  updatedAt: number;
  evidence: Evidence;
}

export type FindingChange =
  | { type: 'opened'; finding: Finding }
  | { type: 'updated'; finding: Finding }
  | { type: 'cleared'; finding: Finding; at: number };

export function findingId(deviceId: string, kind: FindingKind, subject?: string): string {
  return subject === undefined ? `${deviceId}:${kind}` : `${deviceId}:${kind}:${subject}`;
}
