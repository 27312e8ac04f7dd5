import type { SnmpException, SnmpValue } from '../snmp/snmp-value.js';
import type { PlanSlot } from './poll-plan.js';
import type { PollSample, SampleValue } from './poll-result.js';
import type { MetricSpec } from './probe-types.js';

/** Printable text stays text; anything else (a MAC address, binary) is shown as hex. */
function octetsToText(value: string | Buffer): string {
  if (typeof value === 'string') return value;
  // eslint-disable-next-line no-control-regex
  return /^[\x09\x0a\x0d\x20-\x7e\u00a0-\uffff]*$/.test(value.toString('utf8'))
    ? value.toString('utf8')
    : value.toString('hex');
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
