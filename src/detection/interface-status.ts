import type { PollSample, SampleValue } from '../probes/poll-result.js';
import type { Probe } from '../probes/probe-types.js';
import { textOf } from './detector.js';

export type InterfaceRow = Record<string, SampleValue>;

/**
 * ifOperStatus reduced to what detection judges (IF-MIB, RFC 2863 §3.1.13): `up`; `down` for down,
 * lowerLayerDown (down because a layer below is) and notPresent (a missing component); undefined for
 * testing, dormant and unknown, which say nothing about a fault and must not count as a change.
 */
export function operState(row: InterfaceRow): 'up' | 'down' | undefined {
  const oper = textOf(row['ifOperStatus']);
  if (oper === 'up') return 'up';
  if (oper === 'down' || oper === 'lowerLayerDown' || oper === 'notPresent') return 'down';
  return undefined;
}

export function isAdminUp(row: InterfaceRow): boolean {
  return textOf(row['ifAdminStatus']) === 'up';
}

/** How people name the interface: ifName, else ifDescr, else its ifIndex. */
export function interfaceLabel(ifIndex: string, row: InterfaceRow): string {
  return textOf(row['ifName']) || textOf(row['ifDescr']) || `ifIndex ${ifIndex}`;
}

// Compiled once per pattern: the same few probe patterns are matched for every device, every poll.
const compiled = new Map<string, RegExp | null>();

function upstreamRegExp(pattern: string): RegExp | null {
  let re = compiled.get(pattern);
  if (re === undefined) {
    try {
      re = new RegExp(pattern);
    } catch {
      // compileProbe checks the pattern; should a bad one slip through, no interface is upstream
      // rather than detection throwing on every poll of a whole device class.
      re = null;
    }
    compiled.set(pattern, re);
  }
  return re;
}

/** Upstream (WAN, PON, uplink, backhaul): ifDescr or ifName matches the probe's pattern. */
export function isUpstream(probe: Probe, row: InterfaceRow): boolean {
  if (probe.upstreamInterfacePattern === undefined) return false;
  const re = upstreamRegExp(probe.upstreamInterfacePattern);
  if (!re) return false;
  const descr = textOf(row['ifDescr']);
  if (descr !== undefined && re.test(descr)) return true;
  const name = textOf(row['ifName']);
  return name !== undefined && re.test(name);
}

/** The interfaces table of a sample, or undefined when the poll brought none. */
export function interfaceTable(sample: PollSample | undefined): Record<string, InterfaceRow> | undefined {
  return sample?.tables['interfaces'];
}

export type OrderedInterface = { ifIndex: string; row: InterfaceRow; upstream: boolean };

/**
 * The last ordering, by table object: wan_down and error_rate judge the same poll's table one after
 * the other, so it is ordered once per poll, not once per detector. One entry, not a WeakMap of every
 * table: a weak entry per poll was work for every young-generation collection.
 */
let last: { table: Record<string, InterfaceRow>; probe: Probe; list: OrderedInterface[] } | undefined;

/** Interfaces, upstream first (wan_down and error_rate look there first), then by ifIndex. */
export function interfacesUpstreamFirst(
  probe: Probe,
  table: Record<string, InterfaceRow>,
): readonly OrderedInterface[] {
  if (last?.table === table && last.probe === probe) return last.list;
  const list: OrderedInterface[] = [];
  for (const ifIndex in table) {
    const row = table[ifIndex] as InterfaceRow;
    list.push({ ifIndex, row, upstream: isUpstream(probe, row) });
  }
  list.sort((a, b) => Number(b.upstream) - Number(a.upstream) || compareIndex(a.ifIndex, b.ifIndex));
  last = { table, probe, list };
  return list;
}

function compareIndex(a: string, b: string): number {
  const d = Number(a) - Number(b);
  return Number.isNaN(d) ? a.localeCompare(b) : d;
}
