import { compareOids, formatOid, parseOid, type Oid } from '../../snmp/oid.js';
import type { SnmpValue } from '../../snmp/snmp-value.js';
import type { SimDevice } from '../sim-device.js';

/** What a value function sees: the device, the time and the uptime computed once for the request. */
export interface ValueEnv {
  nowMs: number;
  upMs: number;
  rebootSilenceMs: number;
}

export interface MibEntry {
  oid: string;
  value(device: SimDevice, env: ValueEnv): SnmpValue;
  /** Present on writable objects: validates the value and returns what to do. */
  write?(value: SnmpValue): 'reboot' | 'ignore' | 'wrongType' | 'wrongValue';
}

/**
 * A device model's objects, compiled once into a sorted array shared by every device of the model:
 * GET is a binary search, GETNEXT the first entry after the requested OID (RFC 3416 ordering).
 */
export interface MibModel {
  readonly sysObjectId: string;
  readonly oids: readonly Oid[];
  readonly entries: readonly MibEntry[];
  find(oid: Oid): MibEntry | undefined;
  /** Index of the first entry strictly after `oid`, or -1. */
  nextIndex(oid: Oid): number;
}

export function compileMibModel(sysObjectId: string, entries: MibEntry[]): MibModel {
  const parsed = entries.map((entry) => ({ entry, oid: parseOid(entry.oid) }));
  parsed.sort((a, b) => compareOids(a.oid, b.oid));
  for (let i = 1; i < parsed.length; i++) {
    if (compareOids((parsed[i - 1] as { oid: Oid }).oid, (parsed[i] as { oid: Oid }).oid) === 0) {
      throw new Error(`duplicate OID ${formatOid((parsed[i] as { oid: Oid }).oid)} in model ${sysObjectId}`);
    }
  }
  const oids = parsed.map((p) => p.oid);
  const sorted = parsed.map((p) => p.entry);

  // First index whose OID is >= target (strict: > target).
  const lowerBound = (target: Oid, strict: boolean): number => {
    let lo = 0;
    let hi = oids.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const cmp = compareOids(oids[mid] as Oid, target);
      if (cmp < 0 || (strict && cmp === 0)) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };

  return {
    sysObjectId,
    oids,
    entries: sorted,
    find(oid) {
      const i = lowerBound(oid, false);
      return i < oids.length && compareOids(oids[i] as Oid, oid) === 0 ? sorted[i] : undefined;
    },
    nextIndex(oid) {
      const i = lowerBound(oid, true);
      return i < oids.length ? i : -1;
    },
  };
}

/** Helpers for concise model tables. */
export const int = (value: number): SnmpValue => ({ type: 'Integer', value: Math.round(value) });
export const gauge = (value: number): SnmpValue => ({
  type: 'Gauge32',
  value: Math.max(0, Math.round(value)) % 2 ** 32,
});
export const str = (value: string | Buffer): SnmpValue => ({ type: 'OctetString', value });
export const oidValue = (value: string): SnmpValue => ({ type: 'ObjectIdentifier', value });
export const ticks = (value: number): SnmpValue => ({
  type: 'TimeTicks',
  value: Math.floor(value) % 2 ** 32,
});
export const c32 = (value: number): SnmpValue => ({ type: 'Counter32', value: value % 2 ** 32 });
export const c64 = (value: bigint): SnmpValue => ({ type: 'Counter64', value });
