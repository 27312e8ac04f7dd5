import type { FaultKind, FaultParams } from './fault-kinds.js';

export type SimDeviceKind = 'cpe' | 'access_node' | 'base_station';
export type SimModelName = 'cpe-gpon' | 'cpe-lte' | 'access-node' | 'base-station';
/** A device served from a recording of a real one (`vigil sim --recordings`): its objects are its own. */
export const RECORDED_MODEL = 'recording';

export interface ActiveFault {
  kind: FaultKind;
  params: FaultParams;
  sinceMs: number;
}

/**
 * One simulated device: a small mutable state from which every MIB value is computed on demand
 * (uptime from bootAtMs, counters from rates and time), so 100k devices cost little memory and
 * a supervisor can mirror a shard's device exactly from the same commands.
 */
export interface SimDevice {
  index: number;
  id: string;
  kind: SimDeviceKind;
  model: SimModelName | typeof RECORDED_MODEL;
  /** Inventory model name, e.g. "SimRouter GP-1". */
  modelLabel: string;
  host: string;
  port: number;
  /** Index of the parent device, -1 for roots. */
  parentIndex: number;
  /** Stable per-device randomness for rates and levels (32-bit). */
  seed: number;
  /** When the agent last came up: sysUpTime counts from here. */
  bootAtMs: number;
  /** Silent (rebooting) until this time. */
  silentUntilMs: number;
  /** Line errors accumulated by past line_errors faults since boot. */
  extraErrors: number;
  faults: ActiveFault[];
  /** Times of the recent reboots done by SET, for the control API. */
  rebootCount: number;
}

export function faultOf(device: SimDevice, kind: FaultKind): ActiveFault | undefined {
  for (const fault of device.faults) if (fault.kind === kind) return fault;
  return undefined;
}
