/**
 * Faults the simulator can inject, with their parameters and defaults. The first nine are the
 * public contract of the control API (BRIEF.md); the rest cover the remaining detectors.
 */
export const FAULT_KINDS = [
  'down',
  'stale_uptime',
  'line_errors',
  'wan_down',
  'reboot_loop',
  'low_signal',
  'high_cpu',
  'packet_loss',
  'slow',
  'high_memory',
  'high_temperature',
  'cell_down',
  'cell_degraded',
  'lan_down',
] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

export type FaultParams = Record<string, number | boolean>;

interface ParamSpec {
  default: number | boolean;
  min?: number;
  max?: number;
  doc: string;
}

export const FAULT_PARAMS: Record<FaultKind, Record<string, ParamSpec>> = {
  down: {},
  stale_uptime: { days: { default: 41, min: 0, max: 5000, doc: 'uptime added, in days' } },
  line_errors: {
    perHour: { default: 1200, min: 1, max: 1e9, doc: 'CRC/input errors per hour on the WAN port' },
    persistent: { default: false, doc: 'survives a reboot (a cable fault) instead of clearing with it' },
  },
  wan_down: {},
  reboot_loop: { periodSeconds: { default: 90, min: 5, max: 86400, doc: 'seconds between reboots' } },
  low_signal: {
    dbm: { default: -29, min: -140, max: 10, doc: 'optical Rx power (GPON) or RSRP (LTE), dBm' },
  },
  high_cpu: {
    percent: { default: 97, min: 0, max: 100, doc: 'CPU load' },
    persistent: { default: false, doc: 'survives a reboot' },
  },
  packet_loss: { percent: { default: 30, min: 0, max: 100, doc: 'share of requests dropped' } },
  slow: { latencyMs: { default: 800, min: 0, max: 60000, doc: 'delay before each answer' } },
  high_memory: { percent: { default: 96, min: 0, max: 100, doc: 'RAM in use' } },
  high_temperature: { celsius: { default: 92, min: -40, max: 150, doc: 'board temperature' } },
  cell_down: { cell: { default: 1, min: 1, max: 12, doc: 'cell index on a base station' } },
  cell_degraded: { cell: { default: 1, min: 1, max: 12, doc: 'cell index on a base station' } },
  lan_down: {
    ifIndex: { default: 2, min: 1, max: 64, doc: 'a downstream port that was up (lan1 on the CPE models)' },
  },
};

/** Faults a reboot cures unless marked persistent: what a power cycle fixes on a real CPE. */
export const CURED_BY_REBOOT: ReadonlySet<FaultKind> = new Set([
  'stale_uptime',
  'line_errors',
  'high_cpu',
  'high_memory',
]);

export function isFaultKind(value: string): value is FaultKind {
  return (FAULT_KINDS as readonly string[]).includes(value);
}

/** Validates a fault request body; returns the filled parameters or the list of problems. */
export function parseFaultParams(
  kind: FaultKind,
  raw: Record<string, unknown>,
): { params: FaultParams } | { errors: string[] } {
  const specs = FAULT_PARAMS[kind];
  const errors: string[] = [];
  const params: FaultParams = {};
  for (const key of Object.keys(raw)) {
    if (key !== 'kind' && !(key in specs))
      errors.push(
        `unknown parameter "${key}" for fault ${kind} (known: ${Object.keys(specs).join(', ') || 'none'})`,
      );
  }
  for (const [name, spec] of Object.entries(specs)) {
    const value = raw[name] ?? spec.default;
    if (typeof spec.default === 'boolean') {
      if (typeof value !== 'boolean') errors.push(`${name} must be true or false`);
      else params[name] = value;
    } else if (typeof value !== 'number' || !Number.isFinite(value)) {
      errors.push(`${name} must be a number`);
    } else if ((spec.min !== undefined && value < spec.min) || (spec.max !== undefined && value > spec.max)) {
      errors.push(`${name} must be between ${spec.min} and ${spec.max}`);
    } else {
      params[name] = value;
    }
  }
  return errors.length > 0 ? { errors } : { params };
}
