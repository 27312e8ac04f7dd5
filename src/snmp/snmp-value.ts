/**
 * SNMP values as plain data, free of net-snmp types, so that everything outside src/snmp/ (the
 * simulator's models, decoding, detection) works on these. Type names follow SNMPv2-SMI (RFC 2578).
 */
export type SnmpValueType =
  | 'Integer'
  | 'OctetString'
  | 'ObjectIdentifier'
  | 'IpAddress'
  | 'Counter32'
  | 'Gauge32'
  | 'TimeTicks'
  | 'Counter64'
  | 'Opaque'
  | 'Null';

export type SnmpValue =
  | { type: 'Integer' | 'Counter32' | 'Gauge32' | 'TimeTicks'; value: number }
  | { type: 'Counter64'; value: bigint }
  | { type: 'OctetString'; value: string | Buffer }
  /** Opaque (RFC 2578 section 7.1.9): kept apart only where the type must survive (recordings). */
  | { type: 'Opaque'; value: Buffer }
  | { type: 'ObjectIdentifier' | 'IpAddress'; value: string }
  | { type: 'Null'; value: null };

/** Per-varbind exceptions of SNMPv2 (RFC 3416 section 4.2.1): not errors of the whole request. */
export type SnmpException = 'noSuchObject' | 'noSuchInstance' | 'endOfMibView';

export interface SnmpVarbind {
  oid: string;
  value: SnmpValue | SnmpException;
}

export const COUNTER32_MODULO = 2 ** 32;
export const COUNTER64_MODULO = 2n ** 64n;
