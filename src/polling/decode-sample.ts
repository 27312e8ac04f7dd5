import type { SnmpException, SnmpValue } from '../snmp/snmp-value.js';
import type { PlanSlot } from './poll-plan.js';
import type { PollSample, SampleValue } from '../probes/poll-result.js';
import type { MetricSpec } from '../probes/probe-types.js';

/**
 * SNMPv2-TC DisplayString is at most 255 octets (RFC 2579): a longer value (a buggy or hostile agent's
 * 60 kB sysDescr) is cut there, so that it cannot bloat every stored state, sample and event.
 */
export const MAX_TEXT_OCTETS = 255;

function printableAscii(bytes: Buffer): boolean {
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i] as number;
    if ((b < 0x20 || b > 0x7e) && b !== 0x09 && b !== 0x0a && b !== 0x0d) return false;
  }
  return true;
}

/** Printable text stays text; anything else (a MAC address, binary) is shown as hex. */
function octetsToText(raw: string | Buffer): string {
  if (typeof raw === 'string')
    return raw.length > MAX_TEXT_OCTETS ? `${raw.slice(0, MAX_TEXT_OCTETS)}…` : raw;
  const cut = raw.length > MAX_TEXT_OCTETS;
  const value = cut ? raw.subarray(0, MAX_TEXT_OCTETS) : raw;
  // Most values (ifDescr, sysName) are printable ASCII: decided byte by byte, no pattern over a copy.
  if (!cut && printableAscii(value)) return value.toString('latin1');
  const text = value.toString('utf8');
  // eslint-disable-next-line no-control-regex
  const shown = /^[\x09\x0a\x0d\x20-\x7e\u00a0-\uffff]*$/.test(text) ? text : value.toString('hex');
  return cut ? `${shown}…` : shown;
}

/** One raw SNMP value as the probe says to read it; null when the type does not fit. */
export function decodeMetric(metric: MetricSpec, raw: SnmpValue): SampleValue {
  const scale = metric.scale ?? 1;
  switch (metric.kind) {
    case 'timeticks':
      // TimeTicks are hundredths of a second (RFC 2578 section 7.1.8).
      return raw.type === 'TimeTicks' || raw.type === 'Integer' || raw.type === 'Gauge32'
        ? raw.value / 100
        : null;
    case 'integer':
    case 'gauge':
      return typeof raw.value === 'number'
        ? raw.value * scale
        : typeof raw.value === 'bigint'
          ? Number(raw.value) * scale
          : null;
    case 'counter32':
    case 'counter64':
      return typeof raw.value === 'number'
        ? raw.value
        : typeof raw.value === 'bigint'
          ? Number(raw.value)
          : null;
    case 'enum':
      return typeof raw.value === 'number' ? (metric.values?.[raw.value] ?? String(raw.value)) : null;
    case 'string':
      return raw.type === 'OctetString'
        ? octetsToText(raw.value)
        : raw.value === null
          ? null
          : String(raw.value);
    case 'oid':
      return raw.type === 'ObjectIdentifier' ? raw.value : null;
  }
}

/**
 * Values of a GET → a sample. A missing object (noSuchObject/noSuchInstance) is recorded as missing
 * unless the probe marks it optional; a missing table cell means the table changed under us.
 */
export function decodeSample(
  slots: readonly PlanSlot[],
  values: readonly (SnmpValue | SnmpException)[],
  at: number,
): { sample: PollSample; missing: string[]; tableChanged: boolean } {
  const sample: PollSample = { at, scalars: {}, tables: {} };
  const missing: string[] = [];
  let tableChanged = false;
  slots.forEach((slot, i) => {
    const raw = values[i];
    const decoded = raw === undefined || typeof raw === 'string' ? null : decodeMetric(slot.metric, raw);
    if ((raw === undefined || typeof raw === 'string') && !slot.metric.optional) {
      missing.push(slot.table ? `${slot.table}.${slot.index}.${slot.metric.name}` : slot.metric.name);
      if (slot.table) tableChanged = true;
    }
    if (slot.table === undefined || slot.index === undefined) {
      sample.scalars[slot.metric.name] = decoded;
    } else {
      const table = (sample.tables[slot.table] ??= {});
      (table[slot.index] ??= {})[slot.metric.name] = decoded;
    }
  });
  return { sample, missing, tableChanged };
}
