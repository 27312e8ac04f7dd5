import { parseOid } from '../snmp/oid.js';
import type { SnmpValue } from '../snmp/snmp-value.js';
import { isAgentUp, uptimeMs } from './device-dynamics.js';
import { CELLS_PER_BASE_STATION } from './models/device-models.js';
import { modelOf } from './models/model-of.js';
import { ramInUseShare } from './models/host-resources.js';
import { CELL_COLUMNS, SIM_OIDS } from './models/vigil-sim-mib.js';
import { RECORDED_MODEL, type SimDevice } from './sim-device.js';

export interface DeviceSnapshot {
  id: string;
  kind: SimDevice['kind'];
  model: string;
  host: string;
  port: number;
  reachable: boolean;
  agentUp: boolean;
  uptimeSeconds: number;
  reboots: number;
  faults: { kind: string; since: string; params: Record<string, number | boolean> }[];
  interfaces: { ifIndex: number; name: string; operStatus: 'up' | 'down'; inErrors: number }[];
  cpuPercent: number;
  memoryPercent: number;
  temperatureCelsius: number;
  signalDbm?: number;
  cells?: { cell: number; operStatus: 'up' | 'down' | 'degraded' }[];
}

const OPER = { 1: 'up', 2: 'down', 3: 'degraded' } as const;

/**
 * RAM applications use, as the shipped probes read it: the simulator knows it for its own models; a
 * recording's is its hrStorageRam row (RFC 2790), wherever the agent put it, less nothing.
 */
function memoryPercent(device: SimDevice, read: (oid: string) => number | string | undefined): number {
  if (device.model !== RECORDED_MODEL) return Math.round(100 * ramInUseShare(device));
  for (let row = 1; row <= HR_STORAGE_ROWS_SEARCHED; row++) {
    if (read(`1.3.6.1.2.1.25.2.3.1.2.${row}`) !== '1.3.6.1.2.1.25.2.1.2') continue;
    const size = Number(read(`1.3.6.1.2.1.25.2.3.1.5.${row}`) ?? 0);
    return size > 0 ? Math.round((100 * Number(read(`1.3.6.1.2.1.25.2.3.1.6.${row}`) ?? 0)) / size) : 0;
  }
  return 0;
}
const HR_STORAGE_ROWS_SEARCHED = 200;

/** What the control API shows for a device: the values an SNMP manager would read right now. */
export function deviceSnapshot(
  device: SimDevice,
  reachable: boolean,
  nowMs: number,
  rebootSilenceMs: number,
): DeviceSnapshot {
  const model = modelOf(device);
  const env = { nowMs, upMs: uptimeMs(device, nowMs, rebootSilenceMs), rebootSilenceMs };
  const read = (oid: string): number | string | undefined => {
    const value: SnmpValue | undefined = model.find(parseOid(oid))?.value(device, env);
    if (!value || value.type === 'Null' || value.type === 'Counter64') return undefined;
    return Buffer.isBuffer(value.value) ? value.value.toString('hex') : value.value;
  };
  const ifCount = Number(read('1.3.6.1.2.1.2.1.0') ?? 0);
  const snapshot: DeviceSnapshot = {
    id: device.id,
    kind: device.kind,
    model: device.modelLabel,
    host: device.host,
    port: device.port,
    reachable,
    agentUp: isAgentUp(device, nowMs, rebootSilenceMs),
    uptimeSeconds: Math.floor(env.upMs / 1000),
    reboots: device.rebootCount,
    faults: device.faults.map((f) => ({
      kind: f.kind,
      since: new Date(f.sinceMs).toISOString(),
      params: f.params,
    })),
    interfaces: Array.from({ length: ifCount }, (_, i) => ({
      ifIndex: i + 1,
      name: String(read(`1.3.6.1.2.1.2.2.1.2.${i + 1}`)),
      operStatus: read(`1.3.6.1.2.1.2.2.1.8.${i + 1}`) === 1 ? ('up' as const) : ('down' as const),
      inErrors: Number(read(`1.3.6.1.2.1.2.2.1.14.${i + 1}`) ?? 0),
    })),
    cpuPercent: Number(read('1.3.6.1.2.1.25.3.3.1.2.196608') ?? 0),
    memoryPercent: memoryPercent(device, read),
    temperatureCelsius: Number(read(SIM_OIDS.temperature) ?? 0),
  };
  if (device.model === 'cpe-gpon') snapshot.signalDbm = Number(read(SIM_OIDS.opticalRxPower)) / 100;
  if (device.model === 'cpe-lte') snapshot.signalDbm = Number(read(SIM_OIDS.lteRsrp));
  if (device.model === 'base-station') {
    snapshot.cells = Array.from({ length: CELLS_PER_BASE_STATION }, (_, i) => ({
      cell: i + 1,
      operStatus: OPER[(read(`${SIM_OIDS.cellEntry}.${CELL_COLUMNS.operStatus}.${i + 1}`) as 1 | 2 | 3) ?? 1],
    }));
  }
  return snapshot;
}
