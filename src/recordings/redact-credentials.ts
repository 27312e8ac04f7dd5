import type { SnmpValue } from '../snmp/snmp-value.js';
import type { SnmprecRecord } from './snmprec-record.js';

export const REDACTED_TEXT = '[redacted]';

/**
 * The credentials in use (community, user name, pass phrases) kept out of a recording wherever an agent
 * echoes them outside the skipped subtrees: a value that contains one is replaced by "[redacted]"; a
 * varbind whose OID index spells one (tables indexed by a name, as SNMP-COMMUNITY-MIB is) is dropped.
 */
export function createCredentialRedactor(secrets: readonly string[]): {
  redact(record: SnmprecRecord): SnmprecRecord | 'drop' | undefined;
} {
  const needles = [...new Set(secrets.filter((s) => s.length > 0))].map((s) => Buffer.from(s, 'utf8'));
  const inOctets = (bytes: Buffer): boolean => needles.some((needle) => bytes.includes(needle));
  const inOid = (oid: string): boolean => {
    const arcs = oid.split('.').map(Number);
    return needles.some((needle) => containsRun(arcs, needle));
  };
  return {
    /** The record to keep (itself or redacted), 'drop', or undefined when no credential is in it. */
    redact(record) {
      if (needles.length === 0) return undefined;
      if (inOid(record.oid)) return 'drop';
      const bytes = octetsOf(record.value);
      if (bytes && inOctets(bytes))
        return { oid: record.oid, value: { type: 'OctetString', value: Buffer.from(REDACTED_TEXT) } };
      return undefined;
    },
  };
}

function octetsOf(value: SnmpValue): Buffer | undefined {
  if (value.type === 'OctetString')
    return Buffer.isBuffer(value.value) ? value.value : Buffer.from(value.value);
  if (value.type === 'Opaque') return value.value;
  return undefined;
}

/** Whether the needle's bytes appear as consecutive arcs (an index spelling a name, RFC 2578 section 7.7). */
function containsRun(arcs: readonly number[], needle: Buffer): boolean {
  for (let start = 0; start + needle.length <= arcs.length; start++)
    if (needle.every((byte, i) => arcs[start + i] === byte)) return true;
  return false;
}
