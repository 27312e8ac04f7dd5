import { parseOid } from '../snmp/oid.js';
import type { SnmpValue } from '../snmp/snmp-value.js';
import { isAgentUp, uptimeMs } from './device-dynamics.js';
import { CELLS_PER_BASE_STATION } from './models/device-models.js';
import { modelOf } from './models/model-of.js';
import { CELL_COLUMNS, SIM_OIDS } from './models/vigil-sim-mib.js';
import type { SimDevice } from './sim-device.js';

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
  const ramKb = Number(read('1.3.6.1.2.1.25.2.3.1.5.1') ?? 1);
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
    memoryPercent: Math.round((100 * Number(read('1.3.6.1.2.1.25.2.3.1.6.1') ?? 0)) / ramKb),
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
