import { OBJECT_TYPE, type NetSnmpVarbind } from './net-snmp-shims.js';
import type { SnmpException, SnmpValue } from './snmp-value.js';

const T = OBJECT_TYPE;

const TYPE_CODES: Record<SnmpValue['type'], number> = {
  Integer: T.Integer as number,
  OctetString: T.OctetString as number,
  ObjectIdentifier: T.OID as number,
  IpAddress: T.IpAddress as number,
  Counter32: T.Counter as number,
  Gauge32: T.Gauge as number,
  TimeTicks: T.TimeTicks as number,
  Counter64: T.Counter64 as number,
  Opaque: T.Opaque as number,
  Null: T.Null as number,
};

const EXCEPTION_CODES: Record<SnmpException, number> = {
  noSuchObject: T.NoSuchObject as number,
  noSuchInstance: T.NoSuchInstance as number,
  endOfMibView: T.EndOfMibView as number,
};

const EXCEPTIONS = new Map<number, SnmpException>(
  Object.entries(EXCEPTION_CODES).map(([name, code]) => [code, name as SnmpException]),
);

/** RFC 2578 section 3.5: at most 128 sub-identifiers, each below 2^32. */
const MAX_OID_ARCS = 128;
const OID_TEXT = /^\d{1,10}(\.\d{1,10}){1,127}$/;
const IPV4_TEXT = /^\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}$/;
const UINT32_LIMIT = 2 ** 32;

export function counter64ToBuffer(value: bigint): Buffer {
  const buffer = Buffer.alloc(8);
  buffer.writeBigUInt64BE(BigInt.asUintN(64, value));
  return buffer;
}

/** Our plain value → the varbind shape net-snmp encodes. Counter64 travels as an 8-byte buffer. */
export function toNetSnmpVarbind(oid: string, value: SnmpValue | SnmpException): NetSnmpVarbind {
  if (typeof value === 'string') return { oid, type: EXCEPTION_CODES[value], value: null };
  if (value.type === 'Counter64')
    return { oid, type: TYPE_CODES.Counter64, value: counter64ToBuffer(value.value) };
  return { oid, type: TYPE_CODES[value.type], value: value.value };
}

const isUint32 = (value: unknown): value is number =>
  typeof value === 'number' && Number.isInteger(value) && value >= 0 && value < UINT32_LIMIT;

/** True when `text` is a dotted OID within RFC 2578's limits. */
export function isValidOid(text: unknown): text is string {
  if (typeof text !== 'string' || !OID_TEXT.test(text)) return false;
  const arcs = text.split('.');
  return arcs.length <= MAX_OID_ARCS && arcs.every((arc) => Number(arc) < UINT32_LIMIT);
}

/**
 * A value net-snmp decoded → ours, validated: net-snmp hands over whatever the datagram held (a
 * truncated Counter64 arrives as null, an Integer of any size, types we never asked for), and every
 * byte of it came from a device or a trap sender we do not control. Undefined for anything that is not
 * a well-formed value of a type we accept; the caller turns that into a `malformed` outcome or a
 * dropped trap. Never throws.
 */
export function fromNetSnmpValue(
  type: unknown,
  value: unknown,
  options: { keepOpaque?: boolean } = {},
): SnmpValue | undefined {
  switch (type) {
    case T.Integer:
      // SMIv2 Integer32 is 32-bit (RFC 2578 section 7.1.1); agents that send unsigned values above
      // 2^31 in an INTEGER exist, so any safe integer is read as the number it is.
      return typeof value === 'number' && Number.isSafeInteger(value)
        ? { type: 'Integer', value }
        : undefined;
    case T.Counter:
      return isUint32(value) ? { type: 'Counter32', value } : undefined;
    case T.Gauge:
      return isUint32(value) ? { type: 'Gauge32', value } : undefined;
    case T.TimeTicks:
      return isUint32(value) ? { type: 'TimeTicks', value } : undefined;
    case T.Counter64: {
      // BER keeps a leading zero octet for values with the top bit set: 1 to 9 content octets.
      if (!Buffer.isBuffer(value) || value.length === 0 || value.length > 9) return undefined;
      if (value.length === 9 && value[0] !== 0) return undefined;
      return { type: 'Counter64', value: bufferToBigint(value) };
    }
    case T.OctetString:
      return Buffer.isBuffer(value) ? { type: 'OctetString', value } : undefined;
    case T.Opaque:
      // Opaque (RFC 2578 section 7.1.9) is read as its bytes (UCD-SNMP wraps floats in it); a recording
      // keeps the type so that it is served back as it was answered.
      if (!Buffer.isBuffer(value)) return undefined;
      return options.keepOpaque ? { type: 'Opaque', value } : { type: 'OctetString', value };
    case T.OID:
      return isValidOid(value) ? { type: 'ObjectIdentifier', value } : undefined;
    case T.IpAddress:
      return typeof value === 'string' && IPV4_TEXT.test(value) ? { type: 'IpAddress', value } : undefined;
    case T.Null:
      return value === null || value === undefined ? { type: 'Null', value: null } : undefined;
    default:
      return undefined;
  }
}

/** An SNMPv2 exception (noSuchObject, noSuchInstance, endOfMibView) by net-snmp's type code. */
export function exceptionOf(type: unknown): SnmpException | undefined {
  return typeof type === 'number' ? EXCEPTIONS.get(type) : undefined;
}

/** net-snmp's name of a type code, for a reason text ("Counter64"), or the number. */
export function typeName(type: unknown): string {
  const name = typeof type === 'number' ? OBJECT_TYPE[type] : undefined;
  return typeof name === 'string' ? name : `type ${String(type).slice(0, 8)}`;
}

/** net-snmp hands Counter64 out as a big-endian buffer of 1–9 bytes (BER keeps the sign octet). */
export function bufferToBigint(buffer: Buffer): bigint {
  let result = 0n;
  for (const byte of buffer) result = (result << 8n) | BigInt(byte);
  return BigInt.asUintN(64, result);
}
