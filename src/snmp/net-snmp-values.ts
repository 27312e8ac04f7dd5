import snmp from 'net-snmp';
import type { SnmpException, SnmpValue } from './snmp-value.js';

const T = snmp.ObjectType as unknown as Record<string, number>;

const TYPE_CODES: Record<SnmpValue['type'], number> = {
  Integer: T.Integer as number,
  OctetString: T.OctetString as number,
  ObjectIdentifier: T.OID as number,
  IpAddress: T.IpAddress as number,
  Counter32: T.Counter as number,
  Gauge32: T.Gauge as number,
  TimeTicks: T.TimeTicks as number,
  Counter64: T.Counter64 as number,
  Null: T.Null as number,
};

const EXCEPTION_CODES: Record<SnmpException, number> = {
  noSuchObject: T.NoSuchObject as number,
  noSuchInstance: T.NoSuchInstance as number,
  endOfMibView: T.EndOfMibView as number,
};

export function counter64ToBuffer(value: bigint): Buffer {
  const buffer = Buffer.alloc(8);
  buffer.writeBigUInt64BE(BigInt.asUintN(64, value));
  return buffer;
}

/** Our plain value → the varbind shape net-snmp encodes. Counter64 travels as an 8-byte buffer. */
export function toNetSnmpVarbind(
  oid: string,
  value: SnmpValue | SnmpException,
): { oid: string; type: number; value: unknown } {
  if (typeof value === 'string') return { oid, type: EXCEPTION_CODES[value], value: null };
  if (value.type === 'Counter64')
    return { oid, type: TYPE_CODES.Counter64, value: counter64ToBuffer(value.value) };
  return { oid, type: TYPE_CODES[value.type], value: value.value };
}

/** A value net-snmp decoded → ours; undefined for types we do not accept (e.g. Opaque in a SET). */
export function fromNetSnmpValue(type: number, value: unknown): SnmpValue | undefined {
  switch (type) {
    case T.Integer:
      return { type: 'Integer', value: Number(value) };
    case T.Counter:
      return { type: 'Counter32', value: Number(value) };
    case T.Gauge:
      return { type: 'Gauge32', value: Number(value) };
    case T.TimeTicks:
      return { type: 'TimeTicks', value: Number(value) };
    case T.Counter64:
      return {
        type: 'Counter64',
        value: Buffer.isBuffer(value) ? bufferToBigint(value) : BigInt(value as number),
      };
    case T.OctetString:
      return { type: 'OctetString', value: value as Buffer };
    case T.OID:
      return { type: 'ObjectIdentifier', value: String(value) };
    case T.IpAddress:
      return { type: 'IpAddress', value: String(value) };
    case T.Null:
      return { type: 'Null', value: null };
    default:
      return undefined;
  }
}

/** net-snmp hands Counter64 out as a big-endian buffer of 1–9 bytes (BER keeps the sign octet). */
export function bufferToBigint(buffer: Buffer): bigint {
  let result = 0n;
  for (const byte of buffer) result = (result << 8n) | BigInt(byte);
  return BigInt.asUintN(64, result);
}
