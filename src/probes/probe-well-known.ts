import type { ValueKind } from './probe-types.js';

/**
 * Metric names the detectors read. A probe may collect anything else under other names, but a
 * well-known name promises a meaning, so the compiler checks its type (and its enum names) here
 * rather than letting a detector misread a sample at 3 a.m.
 */
export interface WellKnownMetric {
  kinds: readonly ValueKind[];
  /** enum names detectors compare against, e.g. "up" and "down". */
  enumNames?: readonly string[];
  meaning: string;
}

const NUMBER: readonly ValueKind[] = ['integer', 'gauge'];
const COUNTER: readonly ValueKind[] = ['counter32', 'counter64'];

export const WELL_KNOWN_SCALARS: Readonly<Record<string, WellKnownMetric>> = {
  sysDescr: { kinds: ['string'], meaning: 'SNMPv2-MIB sysDescr' },
  sysObjectID: { kinds: ['oid'], meaning: 'SNMPv2-MIB sysObjectID' },
  sysUpTime: { kinds: ['timeticks'], meaning: 'SNMPv2-MIB sysUpTime, in seconds after decoding' },
  sysName: { kinds: ['string'], meaning: 'SNMPv2-MIB sysName' },
  cpuLoad: { kinds: NUMBER, meaning: 'CPU load in percent' },
  memoryUsed: { kinds: NUMBER, meaning: 'memory in use, in the unit of memorySize' },
  memorySize: { kinds: NUMBER, meaning: 'memory installed, in the unit of memoryUsed' },
  temperature: { kinds: NUMBER, meaning: 'board temperature in °C' },
  signal: { kinds: NUMBER, meaning: 'received signal in dBm after scale (optical Rx power, RSRP)' },
};

export const WELL_KNOWN_TABLES: Readonly<Record<string, Readonly<Record<string, WellKnownMetric>>>> = {
  // IF-MIB (RFC 2863), row index = ifIndex.
  interfaces: {
    ifDescr: { kinds: ['string'], meaning: 'IF-MIB ifDescr' },
    ifName: { kinds: ['string'], meaning: 'IF-MIB ifName' },
    ifAdminStatus: { kinds: ['enum'], enumNames: ['up', 'down'], meaning: 'IF-MIB ifAdminStatus' },
    ifOperStatus: { kinds: ['enum'], enumNames: ['up', 'down'], meaning: 'IF-MIB ifOperStatus' },
    ifInErrors: { kinds: COUNTER, meaning: 'IF-MIB ifInErrors' },
    ifOutErrors: { kinds: COUNTER, meaning: 'IF-MIB ifOutErrors' },
    ifInDiscards: { kinds: COUNTER, meaning: 'IF-MIB ifInDiscards' },
    ifInOctets: { kinds: ['counter32'], meaning: 'IF-MIB ifInOctets' },
    ifOutOctets: { kinds: ['counter32'], meaning: 'IF-MIB ifOutOctets' },
    ifHCInOctets: { kinds: ['counter64'], meaning: 'IF-MIB ifHCInOctets' },
    ifHCOutOctets: { kinds: ['counter64'], meaning: 'IF-MIB ifHCOutOctets' },
  },
  // Base station cells, row index = cell number.
  cells: {
    cellName: { kinds: ['string'], meaning: 'cell name' },
    cellOperStatus: {
      kinds: ['enum'],
      enumNames: ['up', 'down', 'degraded'],
      meaning: 'cell state',
    },
    cellConnectedUes: { kinds: NUMBER, meaning: 'UEs attached to the cell' },
  },
};

/** What is wrong with using a well-known name this way, or undefined when it is right. */
export function checkWellKnown(
  known: WellKnownMetric | undefined,
  name: string,
  kind: ValueKind,
  values: Readonly<Record<number, string>> | undefined,
): string | undefined {
  if (!known) return undefined;
  if (!known.kinds.includes(kind))
    return `${name} is well known (${known.meaning}) and must be of type ${known.kinds.join(' or ')}, not ${kind}`;
  const names = new Set(Object.values(values ?? {}));
  const missing = (known.enumNames ?? []).filter((n) => !names.has(n));
  if (missing.length > 0)
    return `${name} is well known and detectors compare its values with ${known.enumNames?.map((n) => `"${n}"`).join(', ')}: missing ${missing.map((n) => `"${n}"`).join(', ')}`;
  return undefined;
}
