import { seeded } from '../device-dynamics.js';
import { faultOf, type SimModelName } from '../sim-device.js';
import { hostResources } from './host-resources.js';
import { entitySensors } from './entity-sensors.js';
import { interfaceTables, type InterfaceSpec } from './if-table.js';
import { compileMibModel, gauge, int, str, type MibEntry, type MibModel } from './mib-model.js';
import { systemGroup } from './system-group.js';
import {
  lteSignalObjects,
  opticalRxPowerObject,
  rebootObject,
  temperatureObject,
} from './enterprise-objects.js';
import { CELL_COLUMNS, SIM_OIDS, SIM_PRODUCTS } from './vigil-sim-mib.js';

export const CELLS_PER_BASE_STATION = 3;

const lan = (name: string, unplugged = false): InterfaceSpec => ({
  name,
  type: 6,
  speedMbps: 1000,
  maxBytesPerSecond: 1_500_000,
  unplugged,
});

const CPE_GPON_PORTS: InterfaceSpec[] = [
  { name: 'pon0', type: 250, speedMbps: 2488, upstream: true, maxBytesPerSecond: 2_500_000 },
  lan('lan1'),
  lan('lan2', true),
  { name: 'wlan0', type: 71, speedMbps: 300, maxBytesPerSecond: 800_000 },
];

const CPE_LTE_PORTS: InterfaceSpec[] = [
  { name: 'lte0', type: 1, speedMbps: 150, upstream: true, maxBytesPerSecond: 1_200_000 },
  lan('lan1'),
  { name: 'wlan0', type: 71, speedMbps: 300, maxBytesPerSecond: 600_000 },
];

const ACCESS_NODE_PORTS: InterfaceSpec[] = [
  { name: 'uplink0', type: 6, speedMbps: 10_000, upstream: true, maxBytesPerSecond: 400_000_000 },
  ...Array.from({ length: 8 }, (_, i): InterfaceSpec => ({
    name: `pon${i + 1}`,
    type: 250,
    speedMbps: 2488,
    maxBytesPerSecond: 50_000_000,
  })),
];

const BASE_STATION_PORTS: InterfaceSpec[] = [
  { name: 'backhaul0', type: 6, speedMbps: 1000, upstream: true, maxBytesPerSecond: 60_000_000 },
  { name: 'mgmt0', type: 6, speedMbps: 100, maxBytesPerSecond: 20_000 },
];

/** vigilSimCellTable: per-cell state of a base station; cell_down / cell_degraded faults name a cell. */
function cellTable(): MibEntry[] {
  const entries: MibEntry[] = [];
  for (let cell = 1; cell <= CELLS_PER_BASE_STATION; cell++) {
    const col = (n: number): string => `${SIM_OIDS.cellEntry}.${n}.${cell}`;
    const status = (d: Parameters<MibEntry['value']>[0]): 1 | 2 | 3 => {
      if (faultOf(d, 'cell_down')?.params.cell === cell) return 2;
      if (faultOf(d, 'cell_degraded')?.params.cell === cell) return 3;
      return 1;
    };
    entries.push(
      { oid: col(CELL_COLUMNS.index), value: () => int(cell) },
      { oid: col(CELL_COLUMNS.name), value: (d) => str(`${d.id}-c${cell}`) },
      { oid: col(CELL_COLUMNS.operStatus), value: (d) => int(status(d)) },
      {
        oid: col(CELL_COLUMNS.connectedUes),
        value: (d) => gauge(status(d) === 2 ? 0 : 20 + 180 * seeded(d.seed, 20 + cell)),
      },
      {
        oid: col(CELL_COLUMNS.prbUtilization),
        value: (d) => gauge(status(d) === 3 ? 97 : 15 + 50 * seeded(d.seed, 30 + cell)),
      },
    );
  }
  return entries;
}

function describe(vendorLine: string): (label: string) => string {
  return (label) => `${label} ${vendorLine}`;
}

export const DEVICE_MODELS: Record<SimModelName, MibModel> = {
  'cpe-gpon': compileMibModel(SIM_PRODUCTS['cpe-gpon'], [
    ...systemGroup(SIM_PRODUCTS['cpe-gpon'], describe('GPON home gateway, firmware 3.4.1')),
    ...interfaceTables(CPE_GPON_PORTS),
    ...hostResources({ ramKb: 262_144, layout: 'flash-first', processors: 1 }),
    rebootObject,
    temperatureObject(44),
    opticalRxPowerObject,
  ]),
  'cpe-lte': compileMibModel(SIM_PRODUCTS['cpe-lte'], [
    ...systemGroup(SIM_PRODUCTS['cpe-lte'], describe('LTE router, firmware 2.9.7')),
    ...interfaceTables(CPE_LTE_PORTS),
    ...hostResources({ ramKb: 131_072, layout: 'flash-first', processors: 1 }),
    rebootObject,
    temperatureObject(48),
    ...lteSignalObjects,
  ]),
  'access-node': compileMibModel(SIM_PRODUCTS['access-node'], [
    ...systemGroup(SIM_PRODUCTS['access-node'], describe('GPON OLT, software 7.1')),
    ...interfaceTables(ACCESS_NODE_PORTS),
    ...hostResources({ ramKb: 4_194_304, layout: 'net-snmp', processors: 4 }),
    rebootObject,
    temperatureObject(38),
    ...entitySensors(38),
  ]),
  'base-station': compileMibModel(SIM_PRODUCTS['base-station'], [
    ...systemGroup(SIM_PRODUCTS['base-station'], describe('LTE eNodeB, software 21.3')),
    ...interfaceTables(BASE_STATION_PORTS),
    ...hostResources({ ramKb: 8_388_608, layout: 'net-snmp', processors: 4 }),
    rebootObject,
    temperatureObject(35),
    ...entitySensors(35),
    ...cellTable(),
  ]),
};
